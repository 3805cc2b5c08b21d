#include "router/net/client_handshake.h"

#include <spdlog/spdlog.h>

#include "router/protocol/auth.h"

namespace sg::net {

using protocol::Bytes;
using protocol::ByteSpan;

namespace {

std::string strOf(ByteSpan s) { return std::string(reinterpret_cast<const char*>(s.data()), s.size()); }

std::string peerHost(PacketStream& s) {
  boost::system::error_code ec;
  auto ep = s.socket().remote_endpoint(ec);
  return ec ? std::string("unknown") : ep.address().to_string();
}

awaitable<bool> sendAccessDenied(PacketStream& client, uint8_t seq, uint32_t caps,
                                 const std::string& user, bool usedPassword) {
  std::string msg = "Access denied for user '" + user + "'@'" + peerHost(client) +
                    "' (using password: " + (usedPassword ? "YES" : "NO") + ")";
  co_return co_await sendError(client, seq, caps, protocol::err::kAccessDenied, "28000", msg);
}

}  // namespace

uint32_t offeredCapabilities(const ServerIdentity& backend, bool tls) {
  uint32_t caps = kSupportedCapabilities & (backend.capabilities | kConnectionPhaseCapabilities);
  return tls ? caps | cap::kSsl : caps & ~cap::kSsl;
}

awaitable<bool> sendError(PacketStream& client, uint8_t seq, uint32_t caps, uint16_t code,
                          std::string_view sqlState, std::string_view message) {
  Bytes payload = protocol::makeErr(code, sqlState, message, caps | cap::kProtocol41);
  client.noteErrorSent(code, message.find("timed out") != std::string_view::npos);
  co_return co_await client.writePacket(payload, seq);
}

awaitable<bool> authenticateClient(PacketStream& client, Authenticator& auth,
                                   const std::string& user, std::string clientPlugin,
                                   std::string authData, const std::string& scramble,
                                   uint8_t& seq, uint32_t caps) {
  const Account* account = auth.find(user);
  const std::string plugin = auth.pluginFor(account);

  if (clientPlugin != plugin) {
    // The client answered for another plugin: ask it to switch (same nonce, as MySQL does).
    protocol::AuthSwitchRequest sw{plugin, scramble};
    Bytes payload;
    sw.encode(payload);
    if (!co_await client.writePacket(payload, seq++)) co_return false;
    PacketStream::Packet pkt;
    if (co_await client.readPacket(pkt) != PacketStream::ReadStatus::kOk) co_return false;
    authData = strOf(pkt.payload);
    seq = pkt.lastSeq + 1;
    clientPlugin = plugin;
  }

  const bool usedPassword = !authData.empty();
  if (!account) {
    co_await sendAccessDenied(client, seq, caps, user, usedPassword);
    co_return false;
  }

  if (plugin == protocol::kNativePlugin) {
    if (auth.verifyNative(*account, authData, scramble)) co_return true;
    co_await sendAccessDenied(client, seq, caps, user, usedPassword);
    co_return false;
  }

  // caching_sha2_password.
  if (account->password->empty() || authData.empty()) {
    if (account->password->empty() && authData.empty()) co_return true;
    co_await sendAccessDenied(client, seq, caps, user, usedPassword);
    co_return false;
  }
  if (auth.fastAuthCached(user)) {
    if (!auth.verifySha2Scramble(*account, authData, scramble)) {
      co_await sendAccessDenied(client, seq, caps, user, usedPassword);
      co_return false;
    }
    protocol::AuthMoreData fast{std::string(1, '\x03')};
    Bytes payload;
    fast.encode(payload);
    co_return co_await client.writePacket(payload, seq++);
  }

  // Full authentication: the client must prove it knows the password itself.
  {
    protocol::AuthMoreData full{std::string(1, '\x04')};
    Bytes payload;
    full.encode(payload);
    if (!co_await client.writePacket(payload, seq++)) co_return false;
  }
  PacketStream::Packet pkt;
  if (co_await client.readPacket(pkt) != PacketStream::ReadStatus::kOk) co_return false;
  seq = pkt.lastSeq + 1;
  if (pkt.payload.size() == 1 && pkt.payload[0] == 0x02) {
    protocol::AuthMoreData key{auth.rsaKey().publicPem()};
    Bytes payload;
    key.encode(payload);
    if (!co_await client.writePacket(payload, seq++)) co_return false;
    if (co_await client.readPacket(pkt) != PacketStream::ReadStatus::kOk) co_return false;
    seq = pkt.lastSeq + 1;
  }
  spdlog::debug("client {}: full authentication data of {} bytes", peerHost(client), pkt.payload.size());
  if (client.isTls()) {
    // Over TLS the client sends the password itself, NUL-terminated.
    std::string pw = strOf(pkt.payload);
    if (!pw.empty() && pw.back() == '\0') pw.pop_back();
    if (auth.verifyPlaintext(*account, pw)) {
      auth.rememberFastAuth(user);
      co_return true;
    }
    co_await sendAccessDenied(client, seq, caps, user, true);
    co_return false;
  }
  auto plain = auth.rsaKey().decrypt(strOf(pkt.payload));
  if (plain) {
    // The plaintext is (password + NUL) XOR scramble.
    auto pw = protocol::unxorPassword(*plain, scramble);
    if (pw && auth.verifyPlaintext(*account, *pw)) {
      auth.rememberFastAuth(user);
      co_return true;
    }
  } else {
    // A cleartext password over plain TCP is refused, as MySQL refuses it.
    spdlog::debug("client {} sent caching_sha2 data that is not RSA-encrypted", peerHost(client));
  }
  co_await sendAccessDenied(client, seq, caps, user, true);
  co_return false;
}

awaitable<ClientLogin> acceptClientLogin(PacketStream& client, ProxyContext& ctx,
                                         uint32_t connectionId) {
  ClientLogin login;
  ServerIdentity identity = ctx.identity();
  if (!ctx.settings().serverVersion.empty()) identity.version = ctx.settings().serverVersion;

  protocol::Greeting greeting;
  greeting.serverVersion = identity.version;
  greeting.connectionId = connectionId;
  greeting.authData = protocol::makeScramble(20);
  greeting.capabilities = offeredCapabilities(identity, ctx.tls() != nullptr);
  greeting.collation = identity.collation;
  greeting.status = protocol::status::kAutocommit;
  greeting.authPlugin = ctx.auth().defaultPlugin();
  Bytes payload;
  greeting.encode(payload);
  if (!co_await client.writePacket(payload, 0)) co_return login;

  PacketStream::Packet pkt;
  auto st = co_await client.readPacket(pkt);
  if (st == PacketStream::ReadStatus::kClosed) co_return login;
  uint8_t seq = static_cast<uint8_t>(pkt.lastSeq + 1);
  if (st != PacketStream::ReadStatus::kOk) {
    co_await sendError(client, 2, 0, protocol::err::kHandshake, "08S01", "Bad handshake");
    co_return login;
  }
  auto response = protocol::HandshakeResponse::parse(pkt.payload);
  if (!response || pkt.seq != 1) {
    co_await sendError(client, 2, 0, protocol::err::kHandshake, "08S01", "Bad handshake");
    co_return login;
  }
  if (response->isSslRequest) {
    if (!ctx.tls()) {
      co_await sendError(client, seq, cap::kProtocol41, protocol::err::kHandshake, "08S01",
                         "Bad handshake: TLS is not enabled on this listener");
      co_return login;
    }
    if (!co_await client.startServerTls(*ctx.tls())) co_return login;
    // The real handshake response follows, encrypted.
    st = co_await client.readPacket(pkt);
    if (st == PacketStream::ReadStatus::kClosed) co_return login;
    response = st == PacketStream::ReadStatus::kOk ? protocol::HandshakeResponse::parse(pkt.payload)
                                                    : std::nullopt;
    if (!response || response->isSslRequest || pkt.seq != seq) {
      co_await sendError(client, static_cast<uint8_t>(seq + 1), 0, protocol::err::kHandshake,
                         "08S01", "Bad handshake");
      co_return login;
    }
    seq = static_cast<uint8_t>(pkt.lastSeq + 1);
  }
  const uint32_t caps = response->capabilities & greeting.capabilities;
  std::string clientPlugin = (caps & cap::kPluginAuth) && !response->authPlugin.empty()
                                 ? response->authPlugin
                                 : std::string(protocol::kNativePlugin);

  if (!co_await authenticateClient(client, ctx.auth(), response->user, clientPlugin,
                                   response->authResponse, greeting.authData, seq, caps)) {
    co_return login;
  }
  login.ok = true;
  login.capabilities = caps;
  login.user = response->user;
  login.database = (caps & cap::kConnectWithDb) ? response->database : std::string();
  login.collation = response->collation;
  login.attrs = std::move(response->attrs);
  login.scramble = greeting.authData;
  login.nextSeq = seq;
  co_return login;
}

}  // namespace sg::net
