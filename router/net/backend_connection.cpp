#include "router/net/backend_connection.h"

#include "router/net/deadline.h"
#include "router/protocol/auth.h"
#include "router/protocol/constants.h"

namespace sg::net {

namespace cap = protocol::cap;
using protocol::Bytes;
using protocol::ByteSpan;

std::string authResponseFor(const std::string& plugin, const std::string& password,
                            const std::string& scramble) {
  if (plugin == protocol::kCachingSha2Plugin) return protocol::cachingSha2Scramble(password, scramble);
  if (plugin == protocol::kNativePlugin) return protocol::nativeScramble(password, scramble);
  if (plugin == protocol::kClearPlugin) return password + '\0';
  return {};
}

awaitable<BackendAuthOutcome> finishBackendAuth(PacketStream& stream, uint32_t caps,
                                                std::string scramble, std::string plugin,
                                                const std::string& password, uint8_t seq) {
  BackendAuthOutcome out;
  bool requestedKey = false;
  for (int round = 0; round < 8; ++round) {
    PacketStream::Packet pkt;
    auto st = co_await stream.readPacket(pkt);
    if (st != PacketStream::ReadStatus::kOk) {
      out.failure = "connection lost during authentication";
      co_return out;
    }
    seq = pkt.lastSeq;
    if (pkt.payload.empty()) {
      out.failure = "empty packet during authentication";
      co_return out;
    }
    switch (pkt.payload[0]) {
      case 0x00: {
        auto ok = protocol::OkPacket::parse(pkt.payload, caps);
        out.ok = true;
        out.status = ok ? ok->status : 0;
        co_return out;
      }
      case 0xFF: {
        auto err = protocol::ErrPacket::parse(pkt.payload, caps);
        if (err) out.serverError = *err;
        else out.failure = "malformed error packet during authentication";
        co_return out;
      }
      case 0xFE: {
        auto sw = protocol::AuthSwitchRequest::parse(pkt.payload);
        if (!sw) {
          out.failure = "malformed auth switch request";
          co_return out;
        }
        plugin = sw->plugin;
        scramble = sw->data;
        if (plugin != protocol::kNativePlugin && plugin != protocol::kCachingSha2Plugin) {
          out.failure = "server asked for unsupported authentication plugin '" + plugin + "'";
          co_return out;
        }
        std::string resp = authResponseFor(plugin, password, scramble);
        if (!co_await stream.writePacket(ByteSpan(reinterpret_cast<const uint8_t*>(resp.data()), resp.size()), ++seq)) {
          out.failure = "connection lost during authentication";
          co_return out;
        }
        break;
      }
      case 0x01: {
        auto more = protocol::AuthMoreData::parse(pkt.payload);
        if (!more || plugin != protocol::kCachingSha2Plugin) {
          out.failure = "unexpected auth data from server";
          co_return out;
        }
        if (more->data.size() == 1 && more->data[0] == 0x03) break;  // fast auth ok: OK follows
        Bytes reply;
        if (more->data.size() == 1 && more->data[0] == 0x04) {
          // Full authentication on a connection without TLS: ask for the server's public key.
          reply.push_back(0x02);
          requestedKey = true;
        } else if (requestedKey) {
          auto enc = protocol::rsaEncryptWithPublicPem(more->data,
                                                       protocol::xorPassword(password, scramble));
          if (!enc) {
            out.failure = "cannot encrypt password with the server's public key";
            co_return out;
          }
          reply.assign(enc->begin(), enc->end());
        } else {
          out.failure = "unexpected caching_sha2_password data from server";
          co_return out;
        }
        if (!co_await stream.writePacket(reply, ++seq)) {
          out.failure = "connection lost during authentication";
          co_return out;
        }
        break;
      }
      default:
        out.failure = "unexpected packet during authentication";
        co_return out;
    }
  }
  out.failure = "authentication did not finish";
  co_return out;
}

awaitable<BackendConnectResult> connectBackend(const BackendLogin& login) {
  BackendConnectResult result;
  auto ex = co_await asio::this_coro::executor;
  auto stream = std::make_unique<PacketStream>(tcp::socket(ex), login.maxPayload);
  Deadline deadline(ex, login.timeout, stream->socket());

  boost::system::error_code ec;
  auto address = asio::ip::make_address(login.host, ec);
  tcp::endpoint endpoint;
  if (ec) {
    tcp::resolver resolver(ex);
    auto results = co_await resolver.async_resolve(login.host, std::to_string(login.port),
                                                   asio::redirect_error(asio::use_awaitable, ec));
    if (ec || results.empty()) {
      result.failure = "cannot resolve host: " + ec.message();
      co_return result;
    }
    endpoint = *results.begin();
  } else {
    endpoint = tcp::endpoint(address, login.port);
  }
  co_await stream->socket().async_connect(endpoint, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {
    result.failure = deadline.expired() ? "connect timed out" : ec.message();
    co_return result;
  }
  stream->setNoDelay();
  PacketStream::Packet pkt;
  if (co_await stream->readPacket(pkt) != PacketStream::ReadStatus::kOk) {
    result.failure = deadline.expired() ? "timed out waiting for the greeting" : "connection closed before the greeting";
    co_return result;
  }
  if (!pkt.payload.empty() && pkt.payload[0] == 0xFF) {
    auto err = protocol::ErrPacket::parse(pkt.payload, 0);
    if (err) result.serverError = *err;
    else result.failure = "server refused the connection";
    co_return result;
  }
  auto greeting = protocol::Greeting::parse(pkt.payload);
  if (!greeting) {
    result.failure = "malformed greeting";
    co_return result;
  }
  result.greeting = *greeting;
  if (!(greeting->capabilities & cap::kProtocol41)) {
    result.failure = "server does not speak protocol 4.1";
    co_return result;
  }

  protocol::HandshakeResponse resp;
  uint32_t caps = login.capabilities & greeting->capabilities;
  caps |= cap::kProtocol41 | cap::kSecureConnection | cap::kLongPassword;
  caps &= greeting->capabilities | cap::kLongPassword;
  caps &= ~(cap::kSsl | cap::kCompress | cap::kConnectWithDb);
  if (!login.database.empty()) caps |= cap::kConnectWithDb;
  if (greeting->capabilities & cap::kPluginAuth) caps |= cap::kPluginAuth;
  if ((greeting->capabilities & cap::kConnectAttrs) && !login.attrs.empty()) caps |= cap::kConnectAttrs;
  else caps &= ~cap::kConnectAttrs;
  resp.capabilities = caps;
  resp.maxPacketSize = static_cast<uint32_t>(std::min<size_t>(login.maxPayload, 0xFFFFFFFFu));
  resp.collation = login.collation;
  resp.user = login.user;
  resp.database = login.database;
  std::string plugin = greeting->authPlugin.empty() ? protocol::kNativePlugin : greeting->authPlugin;
  if (plugin != protocol::kNativePlugin && plugin != protocol::kCachingSha2Plugin) {
    // Answer with native; the server switches us to what the account needs.
    plugin = protocol::kNativePlugin;
  }
  resp.authPlugin = plugin;
  resp.authResponse = authResponseFor(plugin, login.password, greeting->authData);
  resp.attrs = login.attrs;
  Bytes payload;
  resp.encode(payload);
  if (!co_await stream->writePacket(payload, pkt.lastSeq + 1)) {
    result.failure = "connection lost while sending the handshake response";
    co_return result;
  }
  auto auth = co_await finishBackendAuth(*stream, caps, greeting->authData, plugin, login.password,
                                         static_cast<uint8_t>(pkt.lastSeq + 1));
  if (!auth.ok) {
    result.serverError = auth.serverError;
    result.failure = deadline.expired() ? "timed out during authentication" : auth.failure;
    co_return result;
  }
  result.capabilities = caps;
  result.status = auth.status;
  result.stream = std::move(stream);
  co_return result;
}

}  // namespace sg::net
