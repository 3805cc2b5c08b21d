// How a client session picks backends for each statement: classify the SQL, plan it against the
// current shard map, then run it on one server (relayed untouched), on several masters (writes:
// results summed), or on several servers whose result sets are concatenated. Session state (schema,
// SETs) follows the session onto every backend connection it opens.

#include <set>

#include <spdlog/spdlog.h>

#include "router/exec/replica_choice.h"
#include "router/health/health_snapshot.h"
#include "router/net/client_session_impl.h"
#include "router/plan/planner.h"
#include "router/sql/classifier.h"
#include "router/sql/lexer.h"

namespace sg::net {

using protocol::Bytes;
using protocol::ByteSpan;
using protocol::Command;

namespace {

// The statements of a multi-statement query, split at top-level semicolons.
std::vector<std::string_view> splitStatements(std::string_view sql) {
  std::vector<std::string_view> out;
  sql::Lexer lexer(sql);
  size_t start = 0;
  for (;;) {
    sql::Token t = lexer.next();
    if (t.kind == sql::TokenKind::kEnd) break;
    if (t.isOp(';')) {
      out.push_back(sql.substr(start, t.begin - start));
      start = t.end;
    }
  }
  if (sql.find_first_not_of(" \t\r\n;", start) != std::string_view::npos) {
    out.push_back(sql.substr(start));
  }
  return out;
}

// Statements about the session's last statement (warnings, row counts, insert ids, ...), which
// must run where that statement ran: table-less SELECTs and SHOW WARNINGS / ERRORS / COUNT /
// [SESSION] STATUS / PROFILE(S).
bool concernsLastStatement(const sql::Statement& stmt, std::string_view sql) {
  if (stmt.hints.shard) return false;
  if (stmt.type == sql::StatementType::kSelect) return stmt.tables.empty();
  if (stmt.type != sql::StatementType::kShow) return false;
  sql::Lexer lexer(sql);
  lexer.next();  // SHOW
  sql::Token t = lexer.next();
  if (t.kind != sql::TokenKind::kWord) return false;
  std::string word(t.text);
  for (auto& c : word) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return word == "WARNINGS" || word == "ERRORS" || word == "COUNT" || word == "STATUS" ||
         word == "SESSION" || word == "PROFILE" || word == "PROFILES";
}

}  // namespace

void ClientSession::use(Link* link) {
  if (link == current_) return;
  current_ = link;
  // KILL QUERY from another session must reach the server this session now talks to.
  ctx_->sessions().updateBackend(connectionId_, link->host, link->port, link->threadId);
}

awaitable<bool> ClientSession::useOpen(Link* link) {
  if (link->stream->isOpen() || isParticipant(*link)) {
    use(link);
    co_return true;
  }
  auto map = ctx_->shardMap();
  const shardmap::Shard* shard = map->findShard(link->shard);
  bool inMap = false;
  if (shard) {
    inMap = shard->master.str() == link->key;
    for (const auto& r : shard->replicas) inMap = inMap || r.str() == link->key;
  }
  if (!inMap) {
    if (link != primary_) {
      co_return co_await sendError(client_, 1, caps_, protocol::err::kServerLost, "HY000",
                                   "shardgate: " + link->name + " is no longer in the shard map");
    }
    shard = &map->defaultShard();
  }
  const bool master = !inMap || link->master;
  const std::string oldKey = link->key;
  Link* fresh = co_await linkFor(*shard, master);
  if (!fresh) co_return false;
  if (link == primary_ && fresh != primary_) {
    primary_ = fresh;
    if (current_ && current_->key == oldKey) current_ = nullptr;
    dropLink(links_.find(oldKey));
    ctx_->sessions().updateBackend(connectionId_, fresh->host, fresh->port, fresh->threadId);
  }
  use(fresh);
  co_return true;
}

void ClientSession::followShardMap() {
  if (ctx_->shardMapVersion() == mapVersion_) return;
  auto map = ctx_->shardMap();
  bool deferred = false;  // a transaction still holds a removed server: look again later
  std::set<std::string, std::less<>> servers;
  for (const auto& shard : map->shards()) {
    servers.insert(shard.master.str());
    for (const auto& r : shard.replicas) servers.insert(r.str());
  }
  for (auto it = links_.begin(); it != links_.end();) {
    Link& link = it->second;
    if (servers.count(it->first)) {
      ++it;
      continue;
    }
    if (isParticipant(link)) {
      deferred = true;
      ++it;
      continue;
    }
    if (&link == primary_ || &link == current_) {
      link.stream->close();  // reopened on next use (the primary elsewhere)
      ++it;
      continue;
    }
    it = dropLink(it);
  }
  if (!deferred) mapVersion_ = map->version();
}

void ClientSession::forgetPrepared(const std::string& key) {
  for (auto& [id, ps] : prepared_) {
    ps.onServer.erase(key);
    ps.pieces.erase(key);
  }
}

ClientSession::Links::iterator ClientSession::dropLink(Links::iterator it) {
  forgetPrepared(it->first);
  it->second.stream->close();
  return links_.erase(it);
}

void ClientSession::closeSecondaryLinks() {
  for (auto it = links_.begin(); it != links_.end();) {
    if (&it->second == primary_) {
      ++it;
      continue;
    }
    it = dropLink(it);
  }
  current_ = primary_;
  txn_ = Transaction{};
  autocommit_ = true;
}

void ClientSession::noteStatus(uint16_t status) {
  autocommit_ = status & protocol::status::kAutocommit;
  // A server ends a transaction by itself on an implicit commit (DDL, LOCK TABLES, ...): with a
  // single participant, follow it.
  if (txn_.participants.size() == 1 && txn_.participants.front().link == current_ &&
      !(status & protocol::status::kInTrans)) {
    endTransaction(false);
  }
}

awaitable<ClientSession::Drained> ClientSession::drain(PacketStream& stream, ResponseKind kind) {
  Drained out;
  ResponseTracker t;
  t.start(kind, caps_);
  for (;;) {
    while (stream.available() < protocol::kHeaderSize) {
      if (!co_await stream.fill()) co_return out;
    }
    protocol::PacketHeader h = protocol::parseHeader(stream.data());
    size_t peek = std::min<size_t>(h.length, ResponseTracker::kPeekBytes);
    while (stream.available() < protocol::kHeaderSize + peek) {
      if (!co_await stream.fill()) co_return out;
    }
    auto step = t.onPacket(h.length, ByteSpan(stream.data() + protocol::kHeaderSize, peek));
    if (step == ResponseTracker::Step::kMalformed || step == ResponseTracker::Step::kLocalInfile) {
      co_return out;
    }
    bool keep = step == ResponseTracker::Step::kDone && h.length <= 64 * 1024;
    if (keep) {
      while (stream.available() < protocol::kHeaderSize + h.length) {
        if (!co_await stream.fill(protocol::kHeaderSize + h.length)) co_return out;
      }
      out.last.assign(stream.data() + protocol::kHeaderSize,
                      stream.data() + protocol::kHeaderSize + h.length);
    }
    size_t left = protocol::kHeaderSize + h.length;
    while (left > 0) {
      if (stream.available() == 0 && !co_await stream.fill()) co_return out;
      size_t take = std::min(left, stream.available());
      stream.consume(take);
      left -= take;
    }
    if (step == ResponseTracker::Step::kDone) {
      out.intact = true;
      out.error = t.lastWasError();
      out.status = t.lastStatus();
      co_return out;
    }
  }
}

std::shared_ptr<ServerStats>& ClientSession::statsFor(const std::string& key) {
  auto& s = stats_[key];
  if (!s) s = ctx_->serverStats().get(key);
  return s;
}

// A server is failing when the monitor says so (down, or its last check failed) or a session
// failed to reach it since its last good check; unknown servers are not failing.
bool ClientSession::failing(const health::HealthSnapshot* health, const std::string& key) {
  const health::ServerHealth* h = health ? health->find(key) : nullptr;
  return h && (health::isFailing(*h) || statsFor(key)->failedAt() > h->goodSince);
}

int64_t ClientSession::lagBound(const shardmap::Shard& shard) const {
  return readLagBound_.value_or(shard.maxLagMs.value_or(ctx_->settings().monitorMaxLagMs));
}

// A read's replica: one whose measured lag is within the bound (the statement's max_lag_ms
// hint, else the shard's, else [monitor] max_lag_ms) and that no session failed to reach since
// its last good check; the least busy for its weight, ties in turn. nullptr when none is fresh
// (or the monitor has not reported yet), and the read goes to the master.
const shardmap::Endpoint* ClientSession::freshReplica(const shardmap::Shard& shard,
                                                      const health::HealthSnapshot* health) {
  if (!health || shard.replicas.empty()) return nullptr;
  const int64_t bound = lagBound(shard);
  const bool masterFailing = failing(health, shard.master.str());
  std::vector<exec::ReplicaCandidate> candidates(shard.replicas.size());
  for (size_t i = 0; i < shard.replicas.size(); ++i) {
    const std::string key = shard.replicas[i].str();
    candidates[i].eligible =
        health->fresh(key, bound, masterFailing) && !failing(health, key) && readsOwnWrites(shard, key, *health);
    candidates[i].inFlight =
        static_cast<uint32_t>(std::max<int64_t>(0, statsFor(key)->inFlight.load(std::memory_order_relaxed)));
    candidates[i].weight = i < shard.weights.size() ? shard.weights[i] : 1;
  }
  auto chosen = exec::chooseReplica(candidates, replicaTurn_[shard.name]++);
  return chosen ? &shard.replicas[*chosen] : nullptr;
}

// The connection to `shard`'s master (or, for a read, a fresh replica), opened on first use and
// replaced when the server failed since it was opened. nullptr after sending the client an
// error — or, while a read may be retried (retry_.armed), after noting the failure quietly.
awaitable<ClientSession::Link*> ClientSession::linkFor(const shardmap::Shard& shard, bool master) {
  auto health = ctx_->healthSnapshot();
  const shardmap::Endpoint* server = &shard.master;
  if (!master) {
    if (const shardmap::Endpoint* replica = freshReplica(shard, health.get())) {
      server = replica;
    } else if (!shard.replicas.empty() && !ctx_->settings().staleReadError) {
      ctx_->metrics().countRoute(admin::Route::kMasterFallback);
    } else if (!shard.replicas.empty()) {
      co_await sendError(client_, 1, caps_, protocol::err::kUnknownError, "HY000",
                         "shardgate: no replica of shard " + shard.name +
                             " is within max_lag_ms = " + std::to_string(lagBound(shard)) +
                             " (stale_read = \"error\"; add /* shardgate: master */ to read "
                             "the master)");
      co_return nullptr;
    }
  }
  const std::string key = server->str();
  const health::ServerHealth* h = health ? health->find(key) : nullptr;
  if (h && !h->up && server == &shard.master) {
    // The monitor found it down: fail at once instead of waiting for a connect timeout.
    co_await sendError(client_, 1, caps_, protocol::err::kConnectToBackend, "HY000",
                       "shardgate: shard " + shard.name + " master " + key +
                           " is unavailable (down after " + std::to_string(h->consecutiveFailures) +
                           " failed checks: " + h->lastError + ")");
    co_return nullptr;
  }
  auto it = links_.find(key);
  if (it != links_.end() && it->second.stream->isOpen()) {
    Link& link = it->second;
    // A server that failed (or restarted) since this connection was opened has likely closed
    // it: replace it before use, unless a transaction holds it.
    if (isParticipant(link)) co_return &link;
    const auto failedAt = std::max(h ? h->failedAt : ServerStats::Clock::time_point{},
                                   statsFor(key)->failedAt());
    if (failedAt < link.openedAt && !link.stream->peerGone()) co_return &link;
    link.stream->close();
  }

  LinkResult r = co_await openLink(shard, *server, server == &shard.master, state_.schema());
  if (!r.link) {
    if (!r.serverError) statsFor(key)->markFailed();
    if (retry_.armed && !r.serverError) {
      retry_.pending = true;
      co_return nullptr;
    }
    if (r.serverError) {
      co_await sendError(client_, 1, caps_, r.serverError->code, r.serverError->sqlState,
                         r.serverError->message);
    } else {
      co_await sendError(client_, 1, caps_, protocol::err::kConnectToBackend, "HY000", r.failure);
    }
    co_return nullptr;
  }
  // The new connection takes on the session's settings before its first statement.
  for (const auto& set : state_.replay()) {
    Silent applied = co_await runSilently(*r.link, set);
    if (applied.lost || applied.error) {
      co_await sendError(client_, 1, caps_, protocol::err::kConnectToBackend, "HY000",
                         "shardgate: cannot apply the session's settings on " + r.link->name +
                             ": " + applied.describe(*r.link));
      r.link->stream->close();
      co_return nullptr;
    }
  }
  co_return r.link;
}

bool ClientSession::mayRetryRead(const sql::Statement& stmt, const plan::Plan& p) const {
  return isRead(stmt) && p.target != plan::Target::kMaster && !inTransaction();
}

void ClientSession::noteWrite(const std::string& shard) {
  if (!ctx_->settings().readYourWrites) return;
  ownWrites_[shard] = OwnWrite{ServerStats::Clock::now(), std::nullopt};
}

// After the session wrote on a shard, a replica qualifies for its reads once its applied GTID
// position covers the master's position as the monitor read it after that write. Until the
// monitor has read one (at most an interval), the session reads the master.
bool ClientSession::readsOwnWrites(const shardmap::Shard& shard, const std::string& replica,
                                   const health::HealthSnapshot& health) {
  if (!ctx_->settings().readYourWrites) return true;
  auto it = ownWrites_.find(shard.name);
  if (it == ownWrites_.end()) return true;
  OwnWrite& own = it->second;
  if (!own.position) {
    const health::ServerHealth* master = health.find(shard.master.str());
    if (!master || !master->gtid || master->gtidAt <= own.at) return false;
    own.position = master->gtid;
  }
  const health::ServerHealth* r = health.find(replica);
  return r && r->gtid && r->gtid->covers(*own.position);
}

plan::PlanContext ClientSession::planContext() const {
  plan::PlanContext pc;
  pc.inTransaction = inTransaction();
  pc.currentSchema = state_.schema();
  pc.allowScatterWrites = ctx_->settings().allowScatterWrites;
  if (!txn_.participants.empty()) {
    pc.transactionShard = txn_.participants.front().link->shard;
  }
  return pc;
}

awaitable<ClientSession::Link*> ClientSession::linkForSingle(const plan::Plan& p,
                                                             const shardmap::ShardMap& map) {
  const shardmap::Shard* shard = map.findShard(p.shards[0]);
  if (!shard) {
    co_await sendError(client_, 1, caps_, plan::kErrUnknownShard, "HY000",
                       "unknown shard " + p.shards[0]);
    co_return nullptr;
  }
  // Inside a transaction the shard's master answers, as a participant of the transaction.
  Link* link = co_await linkFor(*shard, p.target == plan::Target::kMaster || inTransaction());
  if (link && !co_await joinTransaction(*link)) co_return nullptr;
  co_return link;
}

awaitable<bool> ClientSession::routeQuery(const PacketStream::Packet& cmd) {
  std::string_view sql = sqlOf(cmd);
  auto map = ctx_->shardMap();
  plan::PlanContext pc = planContext();

  sql::Statement stmt = sql::classify(sql);
  if (stmt.multipleStatements) {
    // Several statements in one COM_QUERY: passed on whole when all of them go to one shard's
    // master (and when the client did not enable multi-statements: that server refuses them).
    std::vector<std::string_view> pieces = splitStatements(sql);
    std::optional<std::string> shard;
    bool oneShard = true;
    for (std::string_view piece : pieces) {
      sql::Statement one = sql::classify(piece);
      plan::Plan p = plan::planStatement(one, piece, *map, pc);
      bool single = p.route == plan::RouteKind::kSingle && !one.multipleStatements &&
                    !isTransactionControl(one.type);
      if (!single || (shard && *shard != p.shards[0])) {
        oneShard = false;
        break;
      }
      shard = p.shards[0];
    }
    if (!oneShard && (caps_ & cap::kMultiStatements)) co_return co_await runMultiStatements(pieces);
    const shardmap::Shard* target = shard ? map->findShard(*shard) : &map->defaultShard();
    Link* link = co_await linkFor(target ? *target : map->defaultShard(), true);
    if (!link) co_return true;
    if (!co_await joinTransaction(*link)) co_return client_.isOpen();
    use(link);
    bool ok = co_await forward(cmd);
    noteWrite(link->shard);
    noteStatus(tracker_.lastStatus());
    co_return ok;
  }

  if (stmt.type == sql::StatementType::kSet || stmt.type == sql::StatementType::kUse) {
    co_return co_await runSessionStatement(cmd, stmt, sql);
  }
  if (!stmt.error && !stmt.hints.shard && isTransactionControl(stmt.type)) {
    co_return co_await transactionControl(sql, stmt);
  }
  if (txn_.participants.size() > 1 &&
      (stmt.type == sql::StatementType::kDdl || stmt.type == sql::StatementType::kLockTables)) {
    // It would commit one participant by itself.
    co_return co_await sendError(
        client_, 1, caps_, plan::kErrNotSupported, "42000",
        "unsupported in a cross-shard transaction: " + std::string(sql::toString(stmt.type)) +
            " (it commits implicitly); COMMIT or ROLLBACK first");
  }
  if (concernsLastStatement(stmt, sql) && !stmt.error) {
    // LAST_INSERT_ID(), FOUND_ROWS(), @@warning_count, SHOW WARNINGS ...: the connection that ran
    // the session's last statement answers.
    if (!co_await useOpen(current_)) co_return client_.isOpen();
    bool ok = co_await forward(cmd);
    if (!tracker_.lastWasError()) noteStatus(tracker_.lastStatus());
    co_return ok;
  }

  plan::Plan p = plan::planStatement(stmt, sql, *map, pc);
  readLagBound_ = stmt.hints.maxLagMs;  // /* shardgate: max_lag_ms=N */ for this statement
  statementKind_ = statementKindOf(stmt.type);
  ctx_->metrics().countRoute(routeOf(p.route));
  switch (p.route) {
    case plan::RouteKind::kReject:
      co_return co_await sendError(client_, 1, caps_, p.errorCode, p.sqlState, p.errorMessage);
    case plan::RouteKind::kSingle: {
      // A replica read outside a transaction whose server fails before any byte reached the
      // client is tried once more, on another eligible server.
      for (bool retryable = mayRetryRead(stmt, p);; retryable = false) {
        retry_.arm(retryable, client_.bytesWritten());
        Link* link = co_await linkForSingle(p, *map);
        if (!link && retry_.takePending()) continue;
        if (!link) {
          retry_.disarm();
          co_return client_.isOpen();  // the error went to the client
        }
        use(link);
        bool ok = co_await forward(cmd);
        if (retry_.takePending()) continue;
        retry_.disarm();
        if (link->master && !isRead(stmt)) noteWrite(link->shard);
        if (!tracker_.lastWasError()) {
          noteStatus(tracker_.lastStatus());
        } else {
          co_await afterStatementError(tracker_.lastErrorCode());
        }
        co_return ok;
      }
    }
    case plan::RouteKind::kMulti:
    case plan::RouteKind::kScatter:
    case plan::RouteKind::kBroadcast:
      if (isRead(stmt) && p.rewritten.empty()) co_return co_await relayMerged(p, cmd);
      co_return co_await runOnMasters(p, sql, stmt.type != sql::StatementType::kDdl);
  }
  co_return true;
}

// SET and USE: run on the session's current server and relayed; once it accepted them, the
// other open connections get them too and later ones replay them.
awaitable<bool> ClientSession::runSessionStatement(const PacketStream::Packet& cmd,
                                                   const sql::Statement& stmt,
                                                   std::string_view sql) {
  bool commits = false;  // SET autocommit = 1 commits the open transaction
  for (const auto& item : stmt.sets) {
    if (item.kind == sql::SetKind::kAutocommit && item.boolValue.value_or(false)) commits = true;
  }
  if (commits && txn_.participants.size() > 1) {
    if (auto err = co_await finishCommit()) {
      co_return co_await sendError(client_, 1, caps_, err->code, err->sqlState, err->message);
    }
  }
  if (!co_await useOpen(inTransaction() ? current_ : primary_)) co_return client_.isOpen();
  if (!co_await forward(cmd)) co_return false;
  if (tracker_.lastWasError()) co_return true;
  if (commits) endTransaction(false);
  noteStatus(tracker_.lastStatus());
  bool replayable = false;
  if (stmt.type == sql::StatementType::kUse) {
    state_.setSchema(stmt.schema);
    replayable = true;
  } else {
    replayable = state_.recordSet(stmt, sql);
  }
  if (!replayable) co_return true;
  for (auto& [key, link] : links_) {
    if (&link == current_ || !link.stream->isOpen()) continue;
    Silent applied = co_await runSilently(link, std::string(sql));
    if (applied.lost || applied.error) {
      // That connection no longer matches the session: drop it, a new one replays the state.
      spdlog::warn("client {}: {}; closing that backend connection", client_.peer(),
                   applied.describe(link));
      link.stream->close();
    }
  }
  co_return true;
}

// Writes that go to several masters (global tables, DDL, split INSERTs, allowed scatter
// UPDATE/DELETE): one after another; the client gets one OK with the affected rows summed, or the
// ERR of the first shard that failed (the later ones are not tried). DML is all or nothing (see
// writeOnEach); DDL commits implicitly on each server and can't be.
awaitable<bool> ClientSession::runOnMasters(const plan::Plan& p, std::string_view sql,
                                            bool transactional) {
  auto map = ctx_->shardMap();
  std::vector<Work> work;
  for (const auto& shardName : p.shards) {
    const shardmap::Shard* shard = map->findShard(shardName);
    if (!shard) continue;
    std::string_view text = sql;
    for (const auto& piece : p.rewritten) {
      if (piece.shard == shardName) text = piece.sql;
    }
    Link* link = co_await linkFor(*shard, true);
    if (!link) co_return true;  // the error went to the client
    work.push_back({link, commandPayload(Command::kQuery, text)});
  }
  if (!transactional) {
    // The DDL commits the transaction of the one server that holds it (several are refused).
    if (!txn_.participants.empty()) endTransaction(false);
  }
  RunningOn running(*this, work);
  co_return co_await writeOnEach(work, ResponseKind::kQuery, transactional);
}

// DML on several masters is atomic: inside a transaction every master joins it (and a statement
// that fails after some masters applied it rolls the whole transaction back); outside one the
// masters form a transaction of their own, committed (two-phase) when every master succeeded and
// rolled back otherwise.
awaitable<bool> ClientSession::writeOnEach(std::vector<Work>& work, ResponseKind kind,
                                           bool transactional) {
  const bool own = transactional && !inTransaction() && work.size() > 1;
  if (own) {
    endTransaction(true);
    txn_.beginSql = "BEGIN";
  }
  protocol::OkPacket total;
  bool applied = false;  // some master applied its part
  for (Work& w : work) {
    if (transactional && !co_await joinTransaction(*w.link)) {
      if (own || applied) co_await rollbackParticipants();
      co_return client_.isOpen();
    }
    if (!co_await w.link->stream->writePacket(w.payload, 0)) {
      use(w.link);
      co_await backendLost("sending a write");
      co_return false;
    }
    Drained d = co_await drain(*w.link->stream, kind);
    noteWrite(w.link->shard);
    if (!d.intact) {
      use(w.link);
      co_await backendLost("reading a write's result");
      co_return false;
    }
    if (d.error) {
      auto err = protocol::ErrPacket::parse(d.last, caps_);
      if (err && !own && !applied) co_await afterStatementError(err->code);
      if (err && (own || (transactional && applied))) {
        err->message = "shard " + w.link->shard + ": " + err->message;
        if (own) {
          co_await rollbackParticipants();
          Bytes out;
          err->encode(out, caps_);
          co_return co_await client_.writePacket(out, 1);
        }
        co_return co_await abortAfterPartialWrite(*err);
      }
      co_return co_await client_.writePacket(d.last, 1);
    }
    applied = true;
    if (auto ok = protocol::OkPacket::parse(d.last, caps_)) {
      total.affectedRows += ok->affectedRows;
      if (ok->lastInsertId) total.lastInsertId = ok->lastInsertId;
      total.warnings = static_cast<uint16_t>(total.warnings + ok->warnings);
      total.status = ok->status & ~protocol::status::kMoreResultsExist;
    }
  }
  if (own) {
    if (auto err = co_await finishCommit()) {
      co_return co_await sendError(client_, 1, caps_, err->code, err->sqlState, err->message);
    }
    total.status = localStatus();
  }
  Bytes out;
  total.encode(out, caps_ & ~cap::kSessionTrack);
  co_return co_await client_.writePacket(out, 1);
}

// A read on several shards: each runs the merge's rewritten statement (or the client's own when
// there is nothing to rewrite) and scatterRead() combines the results.
awaitable<bool> ClientSession::relayMerged(const plan::Plan& p, const PacketStream::Packet& cmd) {
  // Replica reads outside a transaction: a server failing before anything reached the client
  // makes the whole read run once more, on the servers then eligible.
  for (bool retryable = p.target != plan::Target::kMaster && !inTransaction();;
       retryable = false) {
    retry_.arm(retryable, client_.bytesWritten());
    const bool ok = co_await relayMergedOnce(p, cmd);
    if (retry_.takePending()) continue;
    retry_.disarm();
    co_return ok;
  }
}

awaitable<bool> ClientSession::relayMergedOnce(const plan::Plan& p,
                                               const PacketStream::Packet& cmd) {
  auto map = ctx_->shardMap();
  std::vector<Work> work;
  for (const auto& shardName : p.shards) {
    const shardmap::Shard* shard = map->findShard(shardName);
    if (!shard) continue;
    Link* link = co_await linkFor(*shard, p.target == plan::Target::kMaster || inTransaction());
    if (!link) co_return client_.isOpen();
    if (!co_await joinTransaction(*link)) co_return client_.isOpen();
    if (p.merge) {
      work.push_back({link, commandPayload(Command::kQuery, p.merge->sql)});
    } else {
      work.push_back({link, Bytes(cmd.payload.begin(), cmd.payload.end())});
    }
  }
  ScatterOptions opts;
  opts.spec = p.merge.get();
  if (p.merge) {
    opts.bounds.offset = p.merge->offset.literal.value_or(0);
    opts.bounds.limit = p.merge->limit.literal;
  }
  RunningOn running(*this, work);
  co_return co_await scatterRead(work, std::move(opts));
}

// COM_INIT_DB: like USE, on every connection of the session.
awaitable<bool> ClientSession::initDb(const PacketStream::Packet& cmd) {
  if (!co_await useOpen(inTransaction() ? current_ : primary_)) co_return client_.isOpen();
  if (!co_await forward(cmd)) co_return false;
  if (tracker_.lastWasError()) co_return true;
  std::string schema(sqlOf(cmd));
  state_.setSchema(schema);
  for (auto& [key, link] : links_) {
    if (&link == current_ || !link.stream->isOpen()) continue;
    if (!co_await link.stream->writePacket(cmd.payload, 0) ||
        !(co_await drain(*link.stream, ResponseKind::kSingle)).intact) {
      link.stream->close();
    }
  }
  co_return true;
}

}  // namespace sg::net
