// Prepared statements, routed per execution: COM_STMT_PREPARE is answered from one backend (the
// statement's shard, or the default shard's master when the shard depends on parameters) with
// shardgate's own statement id; each COM_STMT_EXECUTE is planned with its bound values and sent
// to the server it belongs to, where the statement is prepared on first use; FETCH follows the
// last execution, CLOSE and RESET reach every server that prepared it.

#include <spdlog/spdlog.h>

#include "router/net/client_session_impl.h"
#include "router/plan/planner.h"
#include "router/protocol/prepared.h"
#include "router/sql/classifier.h"

namespace sg::net {

using protocol::Bytes;
using protocol::ByteSpan;
using protocol::Command;

awaitable<std::optional<std::vector<Bytes>>> ClientSession::readWhole(PacketStream& stream,
                                                                      ResponseKind kind,
                                                                      size_t keepAtMost,
                                                                      bool* overflow) {
  std::vector<Bytes> packets;
  ResponseTracker t;
  t.start(kind, caps_);
  for (;;) {
    PacketStream::Packet pkt;
    if (co_await stream.readPacket(pkt) != PacketStream::ReadStatus::kOk) co_return std::nullopt;
    size_t peek = std::min<size_t>(pkt.payload.size(), ResponseTracker::kPeekBytes);
    auto step = t.onPacket(static_cast<uint32_t>(std::min<size_t>(pkt.payload.size(), 0xFFFFFE)),
                           pkt.payload.first(peek));
    if (packets.size() < keepAtMost || step == ResponseTracker::Step::kDone) {
      packets.emplace_back(pkt.payload.begin(), pkt.payload.end());
    } else if (overflow) {
      *overflow = true;
    }
    if (step == ResponseTracker::Step::kDone) co_return packets;
    if (step != ResponseTracker::Step::kContinue) co_return std::nullopt;
  }
}

awaitable<std::optional<std::vector<Bytes>>> ClientSession::prepareOn(Link& link,
                                                                      std::string_view sql,
                                                                      bool& lost) {
  lost = false;
  std::optional<std::vector<Bytes>> packets;
  if (co_await link.stream->writePacket(commandPayload(Command::kStmtPrepare, sql), 0)) {
    packets = co_await readWhole(*link.stream, ResponseKind::kStmtPrepare);
  }
  if (!packets) {
    lost = true;
    use(&link);
    co_await backendLost("preparing a statement");
    co_return std::nullopt;
  }
  if (!protocol::PrepareOk::parse(packets->front())) {
    // ERR: the client gets it as the answer to its PREPARE or EXECUTE.
    co_await client_.writePacket(packets->back(), 1);
    co_return std::nullopt;
  }
  co_return packets;
}

// Prepares `ps` on `link` if it is not yet; the backend's answer, or an error already sent.
awaitable<bool> ClientSession::ensurePrepared(PreparedStatement& ps, Link& link, bool replyToClient,
                                              uint32_t clientId) {
  auto key = link.key;
  if (ps.onServer.count(key)) co_return true;
  bool lost = false;
  auto packets = co_await prepareOn(link, ps.sql, lost);
  if (!packets) co_return false;
  auto ok = protocol::PrepareOk::parse(packets->front());
  ps.onServer[key] = BackendStatement{ok->statementId, false};
  if (replyToClient) {
    ps.params = ok->params;
    protocol::PrepareOk mine = *ok;
    mine.statementId = clientId;  // the client sees shardgate's id, not this server's
    packets->front().clear();
    mine.encode(packets->front());
    Bytes out;
    uint8_t seq = 1;
    for (const auto& p : *packets) seq = protocol::appendPackets(out, p, seq);
    co_return co_await client_.write(out);
  }
  co_return true;
}

awaitable<bool> ClientSession::stmtPrepare(const PacketStream::Packet& cmd) {
  std::string sql(reinterpret_cast<const char*>(cmd.payload.data()) + 1, cmd.payload.size() - 1);
  PreparedStatement ps;
  ps.stmt = sql::classify(sql);
  ps.sql = std::move(sql);
  auto map = ctx_->shardMap();
  plan::Plan p = plan::planStatement(ps.stmt, ps.sql, *map, planContext());
  // The metadata is the same on every shard: prepare where the statement will run if that is
  // known already, else on the session's primary connection.
  if (!co_await useOpen(primary_)) co_return client_.isOpen();
  Link* link = primary_;
  if (p.route == plan::RouteKind::kSingle && !p.dependsOnParams) {
    link = co_await linkForSingle(p, *map);
    if (!link) co_return true;  // the error went to the client
  }
  uint32_t id = nextStatementId_++;
  auto [it, inserted] = prepared_.emplace(id, std::move(ps));
  if (!co_await ensurePrepared(it->second, *link, true, id)) {
    prepared_.erase(it);
    co_return client_.isOpen();
  }
  lastPrepared_ = id;
  co_return true;
}

awaitable<bool> ClientSession::stmtExecute(const PacketStream::Packet& cmd) {
  auto clientId = protocol::statementIdOf(cmd.payload);
  if (clientId && *clientId == protocol::kLastPreparedStatementId) clientId = lastPrepared_;
  auto it = clientId ? prepared_.find(*clientId) : prepared_.end();
  if (it == prepared_.end()) {
    co_return co_await sendError(client_, 1, caps_, protocol::err::kUnknownStmtHandler, "HY000",
                                 "Unknown prepared statement handler (" +
                                     std::to_string(clientId.value_or(0)) +
                                     ") given to mysqld_stmt_execute");
  }
  PreparedStatement& ps = it->second;
  auto req = protocol::ExecuteRequest::parse(cmd.payload, ps.params,
                                             ps.types.empty() ? nullptr : &ps.types,
                                             ps.longData.empty() ? nullptr : &ps.longData);
  if (!req) {
    co_return co_await sendError(client_, 1, caps_, protocol::err::kMalformedPacket, "HY000",
                                 "Malformed communication packet (COM_STMT_EXECUTE)");
  }
  if (req->typesSent) ps.types = req->types;
  if (!ps.stmt.error && !ps.stmt.hints.shard && isTransactionControl(ps.stmt.type)) {
    co_return co_await transactionControl(ps.sql, ps.stmt);  // sysbench prepares BEGIN/COMMIT
  }

  std::vector<sql::Value> values(ps.params);
  for (size_t i = 0; i < ps.params; ++i) {
    if (protocol::isNullParam(*req, cmd.payload, i)) {
      values[i].kind = sql::Value::Kind::kNull;
    } else if (auto v = protocol::integerParam(*req, cmd.payload, i)) {
      values[i].kind = sql::Value::Kind::kInt;
      values[i].i = *v;
    } else {
      values[i].kind = sql::Value::Kind::kOther;
      if (auto s = protocol::stringParam(*req, cmd.payload, i)) {
        values[i].text = std::string(*s);
        values[i].stringValue = values[i].text;
      }
    }
  }
  auto map = ctx_->shardMap();
  plan::PlanContext pc = planContext();
  pc.params = &values;
  plan::Plan p = plan::planStatement(ps.stmt, ps.sql, *map, pc);
  readLagBound_ = ps.stmt.hints.maxLagMs;
  statementKind_ = statementKindOf(ps.stmt.type);
  ctx_->metrics().countRoute(routeOf(p.route));
  if (p.route == plan::RouteKind::kReject) {
    co_return co_await sendError(client_, 1, caps_, p.errorCode, p.sqlState, p.errorMessage);
  }
  if (p.route != plan::RouteKind::kSingle) {
    co_return co_await executeOnShards(ps, *req, cmd, p, *clientId);
  }
  // A replica read outside a transaction whose server fails before any byte reached the client
  // is tried once more, on another eligible server.
  for (bool retryable = mayRetryRead(ps.stmt, p);; retryable = false) {
    retry_.arm(retryable, client_.bytesWritten());
    Link* link = co_await linkForSingle(p, *map);
    std::optional<Bytes> payload;
    if (link) payload = co_await executeFor(ps, *req, cmd.payload, *link, *clientId);
    if (!payload) {
      if (retry_.takePending()) continue;
      retry_.disarm();
      co_return client_.isOpen();  // the error went to the client
    }
    Bytes framed;
    protocol::appendPackets(framed, *payload, 0);
    use(link);
    ps.lastServer = link->key;
    lastSeq_ = cmd.lastSeq;
    midPacket_ = false;
    bool ok;
    {
      InFlight busy(link->stats.get());
      const auto start = ServerStats::Clock::now();
      if (co_await link->stream->write(framed)) {
        ok = co_await relayResponse(ResponseKind::kStmtExecute);
        countQuery(*link, start);
      } else {
        ok = co_await backendLost("sending a command");
      }
    }
    if (retry_.takePending()) continue;
    retry_.disarm();
    if (link->master && !isRead(ps.stmt)) noteWrite(link->shard);
    ps.longDataChunks.clear();
    ps.longData.clear();
    if (!tracker_.lastWasError()) {
      noteStatus(tracker_.lastStatus());
    } else {
      co_await afterStatementError(tracker_.lastErrorCode());
    }
    co_return ok;
  }
}

// The execute for `link`: the statement prepared there, its long data replayed, the request
// re-encoded with that server's statement id (and the types if it has not seen them).
awaitable<std::optional<Bytes>> ClientSession::executeFor(PreparedStatement& ps,
                                                          const protocol::ExecuteRequest& req,
                                                          ByteSpan payload, Link& link,
                                                          uint32_t clientId) {
  if (!co_await ensurePrepared(ps, link, false, clientId)) co_return std::nullopt;
  BackendStatement& bs = ps.onServer[link.key];
  for (Bytes chunk : ps.longDataChunks) {  // COM_STMT_SEND_LONG_DATA, replayed where it runs
    protocol::patchStatementId(chunk, bs.id);
    if (!co_await link.stream->writePacket(chunk, 0)) {
      use(&link);
      co_await backendLost("sending long data");
      co_return std::nullopt;
    }
  }
  Bytes out = protocol::reencode(req, payload, bs.id, !bs.typesSent);
  bs.typesSent = bs.typesSent || req.typesSent || !ps.types.empty();
  co_return out;
}

// An execution whose bound values span shards: the same statement on each (reads concatenated,
// writes summed). A split multi-row INSERT and cursors across shards are not supported yet.
awaitable<bool> ClientSession::executeOnShards(PreparedStatement& ps,
                                               const protocol::ExecuteRequest& req,
                                               const PacketStream::Packet& cmd, const plan::Plan& p,
                                               uint32_t clientId) {
  const bool read = ps.stmt.type == sql::StatementType::kSelect && !ps.stmt.insert;
  // As relayMerged: a replica read whose server fails before answering runs once more.
  for (bool retryable = read && p.target != plan::Target::kMaster && !inTransaction() &&
                        p.rewritten.empty();
       ; retryable = false) {
    retry_.arm(retryable, client_.bytesWritten());
    const bool ok = co_await executeOnShardsOnce(ps, req, cmd, p, clientId);
    if (retry_.takePending()) continue;
    retry_.disarm();
    ps.longDataChunks.clear();
    ps.longData.clear();
    co_return ok;
  }
}

awaitable<bool> ClientSession::executeOnShardsOnce(PreparedStatement& ps,
                                               const protocol::ExecuteRequest& req,
                                               const PacketStream::Packet& cmd, const plan::Plan& p,
                                               uint32_t clientId) {
  if ((req.flags & 0x07) != 0) {
    co_return co_await sendError(client_, 1, caps_, plan::kErrNotSupported, "42000",
                                 "unsupported: a prepared cursor whose execution spans shards; use "
                                 "the text protocol for it");
  }
  if (!p.rewritten.empty()) co_return co_await executeSplitInsert(ps, req, cmd, p);
  auto map = ctx_->shardMap();
  const bool read = ps.stmt.type == sql::StatementType::kSelect && !ps.stmt.insert;
  const bool master = !read || p.target == plan::Target::kMaster || inTransaction();
  // A merge that rewrote the statement runs its own prepared statement on each server.
  const plan::MergeSpec* merge = read ? p.merge.get() : nullptr;
  const bool rewritten = merge && merge->sql != ps.sql;
  std::vector<Work> work;
  for (const auto& shardName : p.shards) {
    const shardmap::Shard* shard = map->findShard(shardName);
    if (!shard) continue;
    Link* link = co_await linkFor(*shard, master);
    if (!link) co_return client_.isOpen();  // the error went to the client (or a retry)
    if (read && !co_await joinTransaction(*link)) co_return client_.isOpen();
    if (rewritten) {
      bool lost = false;
      auto id = co_await preparePiece(ps, *link, merge->sql, lost);
      if (!id) co_return client_.isOpen();
      auto payload = protocol::executeSubset(req, cmd.payload, *id, merge->params);
      if (!payload) {
        co_return co_await sendError(client_, 1, caps_, plan::kErrNotSupported, "42000",
                                     "unsupported in a cross-shard query: long data "
                                     "(COM_STMT_SEND_LONG_DATA) in a merged execution");
      }
      work.push_back({link, std::move(*payload)});
      continue;
    }
    auto payload = co_await executeFor(ps, req, cmd.payload, *link, clientId);
    if (!payload) co_return client_.isOpen();
    work.push_back({link, std::move(*payload)});
  }
  if (!read) {
    RunningOn running(*this, work);
    co_return co_await writeOnEach(work, ResponseKind::kStmtExecute, true);
  }
  ScatterOptions opts;
  opts.spec = merge;
  opts.format = exec::RowFormat::kBinary;
  opts.kind = ResponseKind::kStmtExecute;
  if (merge) {
    auto bound = [&](const plan::LimitValue& v) -> std::optional<uint64_t> {
      if (v.literal) return v.literal;
      if (!v.param) return std::nullopt;
      auto n = protocol::integerParam(req, cmd.payload, *v.param);
      return n && *n >= 0 ? std::optional<uint64_t>(static_cast<uint64_t>(*n)) : std::nullopt;
    };
    opts.bounds.offset = bound(merge->offset).value_or(0);
    opts.bounds.limit = bound(merge->limit);
    if (merge->limit.present() && !opts.bounds.limit) {
      co_return co_await sendError(client_, 1, caps_, protocol::err::kWrongArguments, "HY000",
                                   "Incorrect arguments to LIMIT");
    }
    for (uint16_t i = 0; i < ps.params; ++i)
      opts.params.push_back(boundLiteral(req, cmd.payload, i));
  }
  RunningOn running(*this, work);
  co_return co_await scatterRead(work, std::move(opts));
}

// A bound parameter as a HAVING literal.
plan::MergeExpr ClientSession::boundLiteral(const protocol::ExecuteRequest& req, ByteSpan payload,
                                            size_t index) {
  plan::MergeExpr e;
  if (protocol::isNullParam(req, payload, index)) return e;  // kNull
  if (auto n = protocol::integerParam(req, payload, index)) {
    e.kind = plan::MergeExpr::Kind::kNumber;
    e.text = std::to_string(*n);
  } else if (auto text = protocol::stringParam(req, payload, index)) {
    e.kind = plan::MergeExpr::Kind::kString;
    e.text = std::string(*text);
  }
  return e;
}

// The id of `sql` prepared on `link` for `ps` (prepared on first use); nullopt after an error
// went to the client, or when the link was lost (`lost`).
awaitable<std::optional<uint32_t>> ClientSession::preparePiece(PreparedStatement& ps, Link& link,
                                                               const std::string& sql, bool& lost) {
  auto& prepared = ps.pieces[link.key];
  auto found = prepared.find(sql);
  if (found == prepared.end()) {
    auto packets = co_await prepareOn(link, sql, lost);
    if (!packets) co_return std::nullopt;
    found = prepared.emplace(sql, protocol::PrepareOk::parse(packets->front())->statementId).first;
  }
  co_return found->second;
}

// A multi-row INSERT whose rows belong to several shards: each shard's piece (its rows only) is
// prepared on that shard's master and executed with that piece's parameters.
awaitable<bool> ClientSession::executeSplitInsert(PreparedStatement& ps,
                                                  const protocol::ExecuteRequest& req,
                                                  const PacketStream::Packet& cmd,
                                                  const plan::Plan& p) {
  auto map = ctx_->shardMap();
  std::vector<Work> work;
  for (const auto& piece : p.rewritten) {
    const shardmap::Shard* shard = map->findShard(piece.shard);
    if (!shard) continue;
    Link* link = co_await linkFor(*shard, true);
    if (!link) co_return true;  // the error went to the client
    bool lost = false;
    auto id = co_await preparePiece(ps, *link, piece.sql, lost);
    if (!id) co_return client_.isOpen();
    auto payload = protocol::executeSubset(req, cmd.payload, *id, piece.params);
    if (!payload) {
      co_return co_await sendError(client_, 1, caps_, plan::kErrNotSupported, "42000",
                                   "unsupported: long data in a prepared multi-row INSERT that "
                                   "spans shards");
    }
    work.push_back({link, std::move(*payload)});
  }
  RunningOn running(*this, work);
  co_return co_await writeOnEach(work, ResponseKind::kStmtExecute, true);
}

// FETCH, CLOSE, RESET and SEND_LONG_DATA: addressed by the client's statement id.
awaitable<bool> ClientSession::stmtCommand(const PacketStream::Packet& cmd) {
  const auto command = static_cast<Command>(cmd.payload[0]);
  auto clientId = protocol::statementIdOf(cmd.payload);
  auto it = clientId ? prepared_.find(*clientId) : prepared_.end();
  if (it == prepared_.end()) {
    if (command == Command::kStmtClose || command == Command::kStmtSendLongData) co_return true;
    co_return co_await sendError(
        client_, 1, caps_, protocol::err::kUnknownStmtHandler, "HY000",
        "Unknown prepared statement handler (" + std::to_string(clientId.value_or(0)) +
            ") given to " +
            (command == Command::kStmtFetch ? "mysqld_stmt_fetch" : "mysqld_stmt_reset"));
  }
  PreparedStatement& ps = it->second;
  Bytes payload(cmd.payload.begin(), cmd.payload.end());
  switch (command) {
    case Command::kStmtSendLongData: {
      auto ld = protocol::LongData::parse(cmd.payload);
      if (ld && ld->param < ps.params) {
        if (ps.longData.size() < ps.params) ps.longData.resize(ps.params, false);
        ps.longData[ld->param] = true;
        ps.longDataChunks.push_back(std::move(payload));
      }
      co_return true;  // no response, as from a server
    }
    case Command::kStmtFetch: {
      auto server = links_.find(ps.lastServer);
      auto bs = ps.onServer.find(ps.lastServer);
      if (server == links_.end() || bs == ps.onServer.end()) {
        co_return co_await sendError(client_, 1, caps_, protocol::err::kUnknownStmtHandler, "HY000",
                                     "statement not executed (no open cursor)");
      }
      protocol::patchStatementId(payload, bs->second.id);
      use(&server->second);
      lastSeq_ = cmd.lastSeq;
      midPacket_ = false;
      if (!co_await backend().writePacket(payload, 0)) co_return co_await backendLost("fetching rows");
      co_return co_await relayResponse(ResponseKind::kStmtFetch);
    }
    case Command::kStmtClose:
    case Command::kStmtReset: {
      Bytes last = protocol::makeOk(caps_, protocol::status::kAutocommit);
      for (auto& [server, bs] : ps.onServer) {
        auto link = links_.find(server);
        if (link == links_.end() || !link->second.stream->isOpen()) continue;
        protocol::patchStatementId(payload, bs.id);
        if (!co_await link->second.stream->writePacket(payload, 0)) continue;
        if (command == Command::kStmtReset) {
          Drained d = co_await drain(*link->second.stream, ResponseKind::kSingle);
          if (d.intact) last = d.last;
        }
      }
      for (auto& [server, pieces] : ps.pieces) {
        auto link = links_.find(server);
        if (link == links_.end() || !link->second.stream->isOpen()) continue;
        for (auto& [sql, id] : pieces) {
          protocol::patchStatementId(payload, id);
          if (!co_await link->second.stream->writePacket(payload, 0)) continue;
          if (command == Command::kStmtReset)
            co_await drain(*link->second.stream, ResponseKind::kSingle);
        }
      }
      ps.longDataChunks.clear();
      ps.longData.clear();
      if (command == Command::kStmtClose) {
        prepared_.erase(it);
        co_return true;
      }
      co_return co_await client_.writePacket(last, 1);
    }
    default:
      co_return true;
  }
}

}  // namespace sg::net
