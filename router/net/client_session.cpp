#include "router/net/client_session.h"

#include <spdlog/spdlog.h>

#include "router/net/backend_connection.h"
#include "router/net/client_handshake.h"
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
    case Command::kProcessKill:  // ids are shardgate's, not a backend's
      return true;
    default:
      return c > static_cast<uint8_t>(Command::kResetConnection);
  }
}

class ClientSession {
 public:
  ClientSession(tcp::socket socket, std::shared_ptr<ProxyContext> ctx)
      : ctx_(std::move(ctx)),
        client_(std::move(socket), ctx_->settings().maxAllowedPacket),
        connectionId_(ctx_->nextConnectionId()) {
    boost::system::error_code ec;
    auto ep = client_.socket().remote_endpoint(ec);
    client_.setPeer(ec ? "?" : ep.address().to_string() + ":" + std::to_string(ep.port()));
  }

  awaitable<void> run();

 private:
  awaitable<bool> connectToDefaultShard(const ClientLogin& login);
  awaitable<bool> commandLoop();
  awaitable<bool> forward(const PacketStream::Packet& cmd);
  awaitable<bool> relayResponse(ResponseKind kind);
  awaitable<bool> relayLocalInfile();
  awaitable<bool> changeUser(const PacketStream::Packet& cmd);
  awaitable<void> backendLost(const char* during);

  std::shared_ptr<ProxyContext> ctx_;
  PacketStream client_;
  std::unique_ptr<PacketStream> backend_;
  uint32_t connectionId_;
  uint32_t caps_ = 0;
  std::string scramble_;
  std::string backendScramble_;
  std::string backendPlugin_;
  std::string backendName_;  // "shard s0 master 127.0.0.1:33061"
  uint8_t lastSeq_ = 0;      // sequence id of the last packet relayed to the client
  bool midPacket_ = false;   // part of a packet has reached the client
  ResponseTracker tracker_;
};

awaitable<void> ClientSession::run() {
  if (!ctx_->admitClient()) {
    co_await sendError(client_, 0, cap::kProtocol41, protocol::err::kConCount, "08004",
                       "Too many connections");
    client_.close();
    co_return;
  }
  try {
    ClientLogin login = co_await acceptClientLogin(client_, *ctx_, connectionId_);
    if (login.ok) {
      caps_ = login.capabilities;
      scramble_ = login.scramble;
      if (co_await connectToDefaultShard(login)) {
        Bytes ok = protocol::makeOk(caps_, protocol::status::kAutocommit);
        if (co_await client_.writePacket(ok, login.nextSeq)) {
          spdlog::debug("client {} (#{}) logged in as '{}'", client_.peer(), connectionId_, login.user);
          co_await commandLoop();
        }
      }
    }
  } catch (const std::exception& e) {
    spdlog::error("client {} (#{}): unexpected error: {}", client_.peer(), connectionId_, e.what());
  }
  if (backend_ && backend_->isOpen()) {
    uint8_t quit[] = {1, 0, 0, 0, static_cast<uint8_t>(Command::kQuit)};
    co_await backend_->write(quit);
    backend_->close();
  }
  client_.close();
  ctx_->releaseClient();
}

awaitable<bool> ClientSession::connectToDefaultShard(const ClientLogin& login) {
  auto map = ctx_->shardMap();
  const auto& shard = map->defaultShard();
  const auto& s = ctx_->settings();
  BackendLogin bl;
  bl.host = shard.master.host;
  bl.port = shard.master.port;
  bl.user = s.backendUser;
  bl.password = s.backendPassword;
  bl.database = login.database;
  bl.capabilities = login.capabilities & ~kConnectionPhaseCapabilities;
  bl.collation = login.collation;
  bl.attrs = login.attrs;
  bl.attrs.emplace_back("_proxy", "shardgate");
  bl.timeout = s.connectTimeout;
  bl.maxPayload = s.maxAllowedPacket + protocol::kMaxPacketPayload;  // results may exceed it
  backendName_ = "shard " + shard.name + " master " + shard.master.str();

  BackendConnectResult r = co_await connectBackend(bl);
  if (!r.stream) {
    if (r.serverError) {
      co_await sendError(client_, login.nextSeq, caps_, r.serverError->code, r.serverError->sqlState,
                         r.serverError->message);
    } else {
      spdlog::warn("client {}: cannot connect to {}: {}", client_.peer(), backendName_, r.failure);
      co_await sendError(client_, login.nextSeq, caps_, protocol::err::kConnectToBackend, "HY000",
                         "shardgate: " + backendName_ + " is unavailable: " + r.failure);
    }
    co_return false;
  }
  // Results are relayed untouched, so the backend must format them as the client expects.
  constexpr uint32_t kShapeCaps = cap::kDeprecateEof | cap::kSessionTrack | cap::kMultiResults |
                                  cap::kPsMultiResults | cap::kProtocol41;
  if ((r.capabilities & kShapeCaps) != (caps_ & kShapeCaps)) {
    co_await sendError(client_, login.nextSeq, caps_, protocol::err::kHandshake, "08S01",
                       "shardgate: " + backendName_ +
                           " does not support the protocol features this client negotiated");
    r.stream->close();
    co_return false;
  }
  backendScramble_ = r.greeting.authData;
  backendPlugin_ = r.greeting.authPlugin;
  backend_ = std::move(r.stream);
  co_return true;
}

awaitable<bool> ClientSession::commandLoop() {
  for (;;) {
    client_.shrinkIfIdle();
    backend_->shrinkIfIdle();
    PacketStream::Packet cmd;
    auto st = co_await client_.readPacket(cmd);
    if (st == PacketStream::ReadStatus::kClosed) co_return true;
    if (st == PacketStream::ReadStatus::kTooLarge) {
      co_await sendError(client_, 1, caps_, protocol::err::kNetPacketTooLarge, "08S01",
                         "Got a packet bigger than 'max_allowed_packet' bytes");
      co_return false;
    }
    if (st == PacketStream::ReadStatus::kOutOfOrder || cmd.seq != 0) {
      co_await sendError(client_, static_cast<uint8_t>(cmd.lastSeq + 1), caps_,
                         protocol::err::kNetPacketsOutOfOrder, "08S01", "Got packets out of order");
      co_return false;
    }
    if (cmd.payload.empty()) {
      co_await sendError(client_, 1, caps_, protocol::err::kMalformedPacket, "HY000",
                         "Malformed communication packet");
      co_return false;
    }
    const uint8_t command = cmd.payload[0];
    if (command == static_cast<uint8_t>(Command::kQuit)) co_return true;
    if (isRefusedCommand(command)) {
      if (!co_await sendError(client_, 1, caps_, protocol::err::kUnknownCom, "08S01", "Unknown command")) {
        co_return false;
      }
      continue;
    }
    bool alive = command == static_cast<uint8_t>(Command::kChangeUser) ? co_await changeUser(cmd)
                                                                        : co_await forward(cmd);
    if (!alive) co_return false;
  }
}

awaitable<bool> ClientSession::forward(const PacketStream::Packet& cmd) {
  const uint8_t command = cmd.payload[0];
  lastSeq_ = cmd.lastSeq;
  midPacket_ = false;
  bool sent;
  if (!cmd.raw.empty()) {
    sent = co_await backend_->write(cmd.raw);
  } else {
    Bytes framed;
    protocol::appendPackets(framed, cmd.payload, 0);
    sent = co_await backend_->write(framed);
  }
  if (!sent) {
    co_await backendLost("sending a command");
    co_return false;
  }
  ResponseKind kind = responseKindFor(command);
  if (kind == ResponseKind::kNone) co_return true;
  co_return co_await relayResponse(kind);
}

// Passes the backend's response through to the client packet by packet, looking only at packet
// headers and first bytes; large packets stream through without being buffered whole.
awaitable<bool> ClientSession::relayResponse(ResponseKind kind) {
  tracker_.start(kind, caps_);
  PacketStream& b = *backend_;
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
                      backendName_);
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
    if (!co_await b.fill()) {
      co_await backendLost("reading a result");
      co_return false;
    }
    if (bodyLeft > 0) {
      size_t take = std::min(bodyLeft, b.available());
      bodyLeft -= take;
      scanned = take;
    }
  }
}

// LOAD DATA LOCAL INFILE: the client sends the file as packets ending with an empty one.
awaitable<bool> ClientSession::relayLocalInfile() {
  for (;;) {
    while (client_.available() < protocol::kHeaderSize) {
      if (!co_await client_.fill()) co_return false;
    }
    protocol::PacketHeader h = protocol::parseHeader(client_.data());
    size_t left = protocol::kHeaderSize + h.length;
    while (left > 0) {
      if (client_.available() == 0 && !co_await client_.fill()) co_return false;
      size_t take = std::min(left, client_.available());
      if (!co_await backend_->write(ByteSpan(client_.data(), take))) {
        co_await backendLost("sending a local file");
        co_return false;
      }
      client_.consume(take);
      left -= take;
    }
    if (h.length == 0) co_return true;
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
  // Reset the backend session the same way: COM_CHANGE_USER with shardgate's backend account.
  const auto& s = ctx_->settings();
  protocol::ChangeUser bcu;
  bcu.user = s.backendUser;
  bcu.database = cu->database;
  bcu.collation = cu->collation ? cu->collation : protocol::kDefaultCollation;
  std::string plugin = backendPlugin_.empty() ? std::string(protocol::kNativePlugin) : backendPlugin_;
  bcu.authPlugin = plugin;
  bcu.authResponse = authResponseFor(plugin, s.backendPassword, backendScramble_);
  bcu.attrs = cu->attrs;
  Bytes payload;
  bcu.encode(payload, caps_ | cap::kPluginAuth | cap::kSecureConnection);
  if (!co_await backend_->writePacket(payload, 0)) {
    co_await backendLost("changing user");
    co_return false;
  }
  auto outcome = co_await finishBackendAuth(*backend_, caps_, backendScramble_, plugin,
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

awaitable<void> ClientSession::backendLost(const char* during) {
  spdlog::warn("client {}: lost {} while {}", client_.peer(), backendName_, during);
  if (!midPacket_) {
    co_await sendError(client_, static_cast<uint8_t>(lastSeq_ + 1), caps_,
                       protocol::err::kServerLost, "HY000",
                       "shardgate: lost connection to " + backendName_ + " during query");
  }
}

}  // namespace

awaitable<void> runClientSession(tcp::socket socket, std::shared_ptr<ProxyContext> ctx) {
  ClientSession session(std::move(socket), std::move(ctx));
  co_await session.run();
}

}  // namespace sg::net
