#include "router/net/client_session.h"

#include <spdlog/spdlog.h>

#include "router/net/backend_connection.h"
#include "router/net/client_handshake.h"
#include "router/net/client_session_impl.h"
#include "router/net/deadline.h"
#include "router/net/kill_statement.h"
#include "router/net/packet_stream.h"
#include "router/net/response_tracker.h"

namespace sg::net {

using protocol::Bytes;
using protocol::ByteSpan;
using protocol::Command;

namespace {

bool isRefusedCommand(uint8_t c) {
  switch (static_cast<Command>(c)) {
    case Command::kSleep:
    case Command::kConnect:
    case Command::kTime:
    case Command::kDelayedInsert:
    case Command::kBinlogDump:
    case Command::kTableDump:
    case Command::kConnectOut:
    case Command::kRegisterSlave:
    case Command::kDaemon:
    case Command::kBinlogDumpGtid:
    case Command::kShutdown:
      return true;
    default:
      return c > static_cast<uint8_t>(Command::kResetConnection);
  }
}

}  // namespace

void ClientSession::countErrors(uint64_t errorsBefore) {
  if (client_.errorsSent() == errorsBefore) return;
  ctx_->metrics().countError(errorKindOf(client_.lastErrorCode(), client_.lastErrorTimedOut()));
}

awaitable<void> ClientSession::run() {
  if (!ctx_->admitClient()) {
    ctx_->metrics().countError(admin::ErrorKind::kAuth);
    co_await sendError(client_, 0, cap::kProtocol41, protocol::err::kConCount, "08004",
                       "Too many connections");
    client_.close();
    co_return;
  }
  try {
    ClientLogin login;
    bool connected = false;
    {
      // Greeting to OK within login_timeout_ms (MySQL's connect_timeout), backend login included.
      Deadline deadline(co_await asio::this_coro::executor, ctx_->settings().loginTimeout,
                        client_.socket());
      login = co_await acceptClientLogin(client_, *ctx_, connectionId_);
      if (login.ok) {
        caps_ = login.capabilities;
        scramble_ = login.scramble;
        user_ = login.user;
        connected = co_await connectToDefaultShard(login);
      }
      if (deadline.expired()) {
        spdlog::info("client {} did not log in within {} ms", client_.peer(),
                     ctx_->settings().loginTimeout.count());
        connected = false;
        ctx_->metrics().countError(admin::ErrorKind::kTimeout);
      } else {
        countErrors(0);  // a refused login (the ERR went to the client)
      }
    }
    Bytes ok = protocol::makeOk(caps_, protocol::status::kAutocommit);
    if (connected && co_await client_.writePacket(ok, login.nextSeq)) {
      spdlog::debug("client {} (#{}) logged in as '{}'", client_.peer(), connectionId_, login.user);
      co_await commandLoop();
    }
  } catch (const std::exception& e) {
    spdlog::error("client {} (#{}): unexpected error: {}", client_.peer(), connectionId_, e.what());
  }
  *alive_ = false;
  ctx_->sessions().remove(connectionId_);
  for (auto& [key, link] : links_) {
    if (!link.stream->isOpen()) continue;
    uint8_t quit[] = {1, 0, 0, 0, static_cast<uint8_t>(Command::kQuit)};
    co_await link.stream->write(quit);
    link.stream->close();
  }
  client_.close();
  ctx_->releaseClient();
}

awaitable<ClientSession::LinkResult> ClientSession::openLink(const shardmap::Shard& shard,
                                                             const shardmap::Endpoint& server,
                                                             bool master,
                                                             const std::string& database) {
  LinkResult out;
  const auto& s = ctx_->settings();
  BackendLogin bl;
  bl.host = server.host;
  bl.port = server.port;
  bl.user = s.backendUser;
  bl.password = s.backendPassword;
  bl.database = database;
  bl.capabilities = caps_ & ~kConnectionPhaseCapabilities;
  bl.collation = collation_;
  bl.attrs = attrs_;
  bl.timeout = s.connectTimeout;
  bl.maxPayload = s.maxAllowedPacket + protocol::kMaxPacketPayload;  // results may exceed it
  std::string name = "shard " + shard.name + (master ? " master " : " replica ") + server.str();

  BackendConnectResult r = co_await connectBackend(bl);
  if (!r.stream) {
    out.serverError = r.serverError;
    out.failure = "shardgate: " + name + " is unavailable: " + r.failure;
    if (!r.serverError) spdlog::warn("client {}: cannot connect to {}: {}", client_.peer(), name, r.failure);
    co_return out;
  }
  // Results are relayed untouched, so the backend must format them as the client expects.
  constexpr uint32_t kShapeCaps = cap::kDeprecateEof | cap::kSessionTrack | cap::kMultiResults |
                                  cap::kPsMultiResults | cap::kProtocol41;
  if ((r.capabilities & kShapeCaps) != (caps_ & kShapeCaps)) {
    out.failure = "shardgate: " + name +
                  " does not support the protocol features this client negotiated";
    r.stream->close();
    co_return out;
  }
  Link link;
  link.stream = std::move(r.stream);
  link.key = server.str();
  link.name = std::move(name);
  link.shard = shard.name;
  link.master = master;
  link.host = server.host;
  link.port = server.port;
  link.threadId = r.greeting.connectionId;
  link.scramble = r.greeting.authData;
  link.plugin = r.greeting.authPlugin;
  link.epoch = ++linkEpochs_;
  link.stats = statsFor(link.key);
  link.counted = CountedConnection(link.stats);
  link.openedAt = ServerStats::Clock::now();
  link.series = &ctx_->metrics().series(
      shard.name, master ? admin::Role::kMaster : admin::Role::kReplica);
  // A new connection to a server has none of the session's prepared statements.
  forgetPrepared(link.key);
  auto [it, inserted] = links_.insert_or_assign(server.str(), std::move(link));
  out.link = &it->second;
  co_return out;
}

awaitable<bool> ClientSession::connectToDefaultShard(const ClientLogin& login) {
  auto map = ctx_->shardMap();
  const auto& shard = map->defaultShard();
  collation_ = login.collation;
  attrs_ = login.attrs;
  attrs_.emplace_back("_proxy", "shardgate");
  state_.setSchema(login.database);
  LinkResult r = co_await openLink(shard, shard.master, true, login.database);
  if (!r.link) {
    if (r.serverError) {
      co_await sendError(client_, login.nextSeq, caps_, r.serverError->code, r.serverError->sqlState,
                         r.serverError->message);
    } else {
      co_await sendError(client_, login.nextSeq, caps_, protocol::err::kConnectToBackend, "HY000",
                         r.failure);
    }
    co_return false;
  }
  primary_ = current_ = r.link;
  registerSession(login.user);
  co_return true;
}

void ClientSession::registerSession(const std::string& user) {
  SessionEntry entry;
  entry.user = user;
  entry.backendHost = current_->host;
  entry.backendPort = current_->port;
  entry.backendThreadId = current_->threadId;
  // Runs on this session's thread, where `alive_` and the sockets belong.
  entry.close = [ex = client_.socket().get_executor(), alive = alive_, this] {
    asio::post(ex, [alive, this] {
      if (!*alive) return;
      client_.close();
      for (auto& [key, link] : links_) link.stream->close();
    });
  };
  entry.dropBackend = [ex = client_.socket().get_executor(), alive = alive_,
                      this](const std::string& key) {
    asio::post(ex, [alive, this, key] {
      if (!*alive) return;
      auto it = links_.find(key);
      if (it != links_.end()) it->second.stream->close();
    });
  };
  ctx_->sessions().add(connectionId_, std::move(entry));
}

awaitable<bool> ClientSession::kill(const KillStatement& k) {
  auto target = ctx_->sessions().find(static_cast<uint32_t>(k.id));
  if (!target || k.id > UINT32_MAX) {
    co_return co_await sendError(client_, 1, caps_, protocol::err::kNoSuchThread, "HY000",
                                 "Unknown thread id: " + std::to_string(k.id));
  }
  if (target->user != user_) {
    co_return co_await sendError(client_, 1, caps_, protocol::err::kKillDenied, "HY000",
                                 "You are not owner of thread " + std::to_string(k.id));
  }
  // Kill the target's statement (or connection) on its server, over a connection of our own.
  const auto& s = ctx_->settings();
  BackendLogin bl;
  bl.host = target->backendHost;
  bl.port = target->backendPort;
  bl.user = s.backendUser;
  bl.password = s.backendPassword;
  bl.capabilities = caps_ & ~kConnectionPhaseCapabilities;
  bl.timeout = s.connectTimeout;
  BackendConnectResult side = co_await connectBackend(bl);
  if (!side.stream) {
    co_return co_await sendError(client_, 1, caps_, protocol::err::kConnectToBackend, "HY000",
                                 "shardgate: cannot reach " + target->backendHost + ":" +
                                     std::to_string(target->backendPort) + " to kill thread " +
                                     std::to_string(k.id) + ": " + side.failure);
  }
  std::string sql = k.queryOnly ? "KILL QUERY " : "KILL CONNECTION ";
  sql += std::to_string(target->backendThreadId);
  PacketStream::Packet reply;
  bool answered = co_await side.stream->writePacket(commandPayload(Command::kQuery, sql), 0) &&
                  co_await side.stream->readPacket(reply) == PacketStream::ReadStatus::kOk &&
                  !reply.payload.empty();
  bool ok = answered && reply.payload[0] == 0x00;
  std::optional<protocol::ErrPacket> err;
  if (answered && !ok) err = protocol::ErrPacket::parse(reply.payload, side.capabilities);
  uint8_t quit[] = {1, 0, 0, 0, static_cast<uint8_t>(Command::kQuit)};
  co_await side.stream->write(quit);
  side.stream->close();
  // The backend thread may have ended on its own meanwhile: the client session still goes.
  if (!k.queryOnly) target->close();
  if (!ok && !(err && err->code == protocol::err::kNoSuchThread)) {
    co_return co_await sendError(client_, 1, caps_, err ? err->code : protocol::err::kServerLost,
                                 err ? err->sqlState : "HY000",
                                 err ? err->message : "shardgate: KILL got no answer");
  }
  if (static_cast<uint32_t>(k.id) == connectionId_ && !k.queryOnly) co_return false;
  Bytes okPacket = protocol::makeOk(caps_, protocol::status::kAutocommit);
  co_return co_await client_.writePacket(okPacket, 1);
}

awaitable<bool> ClientSession::commandLoop() {
  for (;;) {
    client_.shrinkIfIdle();
    for (auto& [key, link] : links_) link.stream->shrinkIfIdle();
    PacketStream::Packet cmd;
    auto st = co_await client_.readPacket(cmd);
    if (st == PacketStream::ReadStatus::kClosed) co_return true;
    if (st == PacketStream::ReadStatus::kTooLarge) {
      ctx_->metrics().countError(admin::ErrorKind::kProtocol);
      co_await sendError(client_, 1, caps_, protocol::err::kNetPacketTooLarge, "08S01",
                         "Got a packet bigger than 'max_allowed_packet' bytes");
      co_return false;
    }
    if (st == PacketStream::ReadStatus::kOutOfOrder || cmd.seq != 0) {
      ctx_->metrics().countError(admin::ErrorKind::kProtocol);
      co_await sendError(client_, static_cast<uint8_t>(cmd.lastSeq + 1), caps_,
                         protocol::err::kNetPacketsOutOfOrder, "08S01", "Got packets out of order");
      co_return false;
    }
    if (cmd.payload.empty()) {
      ctx_->metrics().countError(admin::ErrorKind::kProtocol);
      co_await sendError(client_, 1, caps_, protocol::err::kMalformedPacket, "HY000",
                         "Malformed communication packet");
      co_return false;
    }
    const uint8_t command = cmd.payload[0];
    if (command == static_cast<uint8_t>(Command::kQuit)) co_return true;
    const uint64_t errorsBefore = client_.errorsSent();
    statementKind_ = admin::StatementKind::kOther;
    followShardMap();
    if (isRefusedCommand(command)) {
      if (!co_await sendError(client_, 1, caps_, protocol::err::kUnknownCom, "08S01", "Unknown command")) {
        co_return false;
      }
      continue;
    }
    bool alive;
    KillStatement killStmt;
    switch (static_cast<Command>(command)) {
      case Command::kChangeUser:
        alive = co_await changeUser(cmd);
        break;
      case Command::kProcessKill: {
        protocol::PayloadReader r(cmd.payload.subspan(1));
        killStmt.id = r.u32();
        if (r.ok()) {
          alive = co_await kill(killStmt);
        } else {
          alive = co_await sendError(client_, 1, caps_, protocol::err::kMalformedPacket, "HY000",
                                     "Malformed communication packet");
        }
        break;
      }
      case Command::kQuery: {
        std::string_view sql(reinterpret_cast<const char*>(cmd.payload.data()) + 1,
                             cmd.payload.size() - 1);
        switch (cmd.payload.size() < 256 ? parseKill(sql, killStmt) : KillParse::kNotKill) {
          case KillParse::kKill:
            alive = co_await kill(killStmt);
            break;
          case KillParse::kUnsupported:
            alive = co_await sendError(client_, 1, caps_, protocol::err::kNotSupportedYet,
                                       "42000",
                                       "shardgate: only KILL [CONNECTION | QUERY] <connection id> "
                                       "is supported");
            break;
          case KillParse::kNotKill:
            alive = co_await routeQuery(cmd);
            break;
        }
        break;
      }
      case Command::kInitDb:
        alive = co_await initDb(cmd);
        break;
      case Command::kStmtPrepare:
        alive = co_await stmtPrepare(cmd);
        break;
      case Command::kStmtExecute:
        alive = co_await stmtExecute(cmd);
        break;
      case Command::kStmtFetch:
      case Command::kStmtClose:
      case Command::kStmtReset:
      case Command::kStmtSendLongData:
        alive = co_await stmtCommand(cmd);
        break;
      case Command::kResetConnection:
        closeSecondaryLinks();
        if (!co_await useOpen(primary_)) {
          alive = client_.isOpen();
          break;
        }
        alive = co_await forward(cmd);
        if (!tracker_.lastWasError()) {
          state_.reset(state_.schema());
          prepared_.clear();
        }
        break;
      default:
        // Everything else concerns the session's first connection (prepared statements are
        // only allowed where they run there).
        if (!co_await useOpen(primary_)) {
          alive = client_.isOpen();
          break;
        }
        alive = co_await forward(cmd);
        break;
    }
    countErrors(errorsBefore);
    if (!alive) co_return false;
  }
}

awaitable<bool> ClientSession::forward(const PacketStream::Packet& cmd) {
  const uint8_t command = cmd.payload[0];
  lastSeq_ = cmd.lastSeq;
  midPacket_ = false;
  bool sent;
  if (!cmd.raw.empty()) {
    sent = co_await backend().write(cmd.raw);
  } else {
    Bytes framed;
    protocol::appendPackets(framed, cmd.payload, 0);
    sent = co_await backend().write(framed);
  }
  if (!sent) co_return co_await backendLost("sending a command");
  ResponseKind kind = responseKindFor(command);
  if (kind == ResponseKind::kNone) co_return true;
  Link& link = *current_;
  InFlight busy(link.stats.get());
  const auto start = ServerStats::Clock::now();
  const bool ok = co_await relayResponse(kind);
  countQuery(link, start);
  co_return ok;
}

// Passes the backend's response through to the client packet by packet, looking only at packet
// headers and first bytes; large packets stream through without being buffered whole.
awaitable<bool> ClientSession::relayResponse(ResponseKind kind) {
  tracker_.start(kind, caps_);
  PacketStream& b = backend();
  size_t scanned = 0;      // bytes from b.data() already classified
  size_t bodyLeft = 0;     // bytes of the current packet not yet received
  midPacket_ = false;
  bool done = false;
  bool infile = false;
  for (;;) {
    while (bodyLeft == 0 && !done) {
      size_t avail = b.available() - scanned;
      if (avail < protocol::kHeaderSize) break;
      const uint8_t* p = b.data() + scanned;
      protocol::PacketHeader h = protocol::parseHeader(p);
      size_t peek = std::min<size_t>(h.length, ResponseTracker::kPeekBytes);
      if (avail < protocol::kHeaderSize + peek) break;
      auto step = tracker_.onPacket(h.length, ByteSpan(p + protocol::kHeaderSize, peek));
      if (step == ResponseTracker::Step::kMalformed) {
        spdlog::error("client {}: malformed response from {}; closing the session", client_.peer(),
                      current_->name);
        co_return false;
      }
      lastSeq_ = h.seq;
      size_t total = protocol::kHeaderSize + h.length;
      if (avail >= total) {
        scanned += total;
      } else {
        bodyLeft = total - avail;
        scanned += avail;
      }
      done = step == ResponseTracker::Step::kDone;
      infile = step == ResponseTracker::Step::kLocalInfile;
      if (infile) done = true;
    }
    if (scanned > 0) {
      if (!co_await client_.write(ByteSpan(b.data(), scanned))) co_return false;
      b.consume(scanned);
      midPacket_ = bodyLeft > 0;
      scanned = 0;
    }
    if (done && bodyLeft == 0) {
      if (!infile) co_return true;
      if (!co_await relayLocalInfile()) co_return false;
      tracker_.resumeAfterLocalInfile();
      done = infile = false;
      continue;
    }
    if (!co_await b.fill()) co_return co_await backendLost("reading a result");
    if (bodyLeft > 0) {
      size_t take = std::min(bodyLeft, b.available());
      bodyLeft -= take;
      scanned = take;
    }
  }
}

// LOAD DATA LOCAL INFILE: the client sends the file as packets ending with an empty one (an
// empty packet that follows a 0xFFFFFF-byte one only ends that split frame).
awaitable<bool> ClientSession::relayLocalInfile() {
  bool continuation = false;
  for (;;) {
    while (client_.available() < protocol::kHeaderSize) {
      if (!co_await client_.fill()) co_return false;
    }
    protocol::PacketHeader h = protocol::parseHeader(client_.data());
    size_t left = protocol::kHeaderSize + h.length;
    while (left > 0) {
      if (client_.available() == 0 && !co_await client_.fill()) co_return false;
      size_t take = std::min(left, client_.available());
      if (!co_await backend().write(ByteSpan(client_.data(), take))) {
        co_await backendLost("sending a local file");
        co_return false;
      }
      client_.consume(take);
      left -= take;
    }
    if (h.length == 0 && !continuation) co_return true;
    continuation = h.length == protocol::kMaxPacketPayload;
  }
}

awaitable<bool> ClientSession::changeUser(const PacketStream::Packet& cmd) {
  auto cu = protocol::ChangeUser::parse(cmd.payload, caps_);
  if (!cu) {
    co_await sendError(client_, 1, caps_, protocol::err::kMalformedPacket, "HY000",
                       "Malformed communication packet");
    co_return false;
  }
  uint8_t seq = 1;
  std::string clientPlugin = (caps_ & cap::kPluginAuth) && !cu->authPlugin.empty()
                                 ? cu->authPlugin
                                 : std::string(protocol::kNativePlugin);
  if (!co_await authenticateClient(client_, ctx_->auth(), cu->user, clientPlugin, cu->authResponse,
                                   scramble_, seq, caps_)) {
    co_return false;  // MySQL ends the session after a failed COM_CHANGE_USER
  }
  // Reset the backend session the same way: COM_CHANGE_USER with shardgate's backend account, on
  // the primary connection; the others are closed and reopen with the new state when needed.
  closeSecondaryLinks();
  state_.reset(cu->database);
  prepared_.clear();
  if (!co_await useOpen(primary_)) co_return false;
  const auto& s = ctx_->settings();
  protocol::ChangeUser bcu;
  bcu.user = s.backendUser;
  bcu.database = cu->database;
  bcu.collation = cu->collation ? cu->collation : protocol::kDefaultCollation;
  std::string plugin =
      primary_->plugin.empty() ? std::string(protocol::kNativePlugin) : primary_->plugin;
  bcu.authPlugin = plugin;
  bcu.authResponse = authResponseFor(plugin, s.backendPassword, primary_->scramble);
  bcu.attrs = cu->attrs;
  Bytes payload;
  bcu.encode(payload, caps_ | cap::kPluginAuth | cap::kSecureConnection);
  if (!co_await backend().writePacket(payload, 0)) {
    co_await backendLost("changing user");
    co_return false;
  }
  auto outcome = co_await finishBackendAuth(backend(), caps_, primary_->scramble, plugin,
                                            s.backendPassword, 0);
  if (!outcome.ok) {
    if (outcome.serverError) {
      co_await sendError(client_, seq, caps_, outcome.serverError->code,
                         outcome.serverError->sqlState, outcome.serverError->message);
    } else {
      co_await backendLost("changing user");
    }
    co_return false;
  }
  Bytes ok = protocol::makeOk(caps_, outcome.status ? outcome.status : protocol::status::kAutocommit);
  co_return co_await client_.writePacket(ok, seq);
}

awaitable<bool> ClientSession::backendLost(const char* during) {
  Link& lost = *current_;
  lost.stream->close();
  if (lost.stats) lost.stats->markFailed();
  if (retry_.armed && client_.bytesWritten() == retry_.clientBytes) {
    spdlog::info("client {}: lost {} while {}; trying the read elsewhere", client_.peer(),
                 lost.name, during);
    retry_.armed = false;
    retry_.pending = true;
    co_return true;
  }
  spdlog::warn("client {}: lost {} while {}", client_.peer(), lost.name, during);
  if (midPacket_) {
    client_.close();  // part of a packet reached the client: nothing can follow it
    co_return false;
  }
  co_return co_await sendError(client_, static_cast<uint8_t>(lastSeq_ + 1), caps_,
                               protocol::err::kServerLost, "HY000",
                               "shardgate: lost connection to " + lost.name + " during query");
}

awaitable<void> runClientSession(tcp::socket socket, std::shared_ptr<ProxyContext> ctx) {
  ClientSession session(std::move(socket), std::move(ctx));
  co_await session.run();
}

}  // namespace sg::net
