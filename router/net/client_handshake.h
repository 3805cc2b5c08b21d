#pragma once
// shardgate as a MySQL server during the connection phase: sends the greeting, reads the
// handshake response, runs mysql_native_password or caching_sha2_password (fast path, full
// authentication with the RSA key exchange, auth switch) and reports who logged in. The same
// exchange serves COM_CHANGE_USER.

#include "router/net/asio_prelude.h"

#include <string>

#include "router/net/packet_stream.h"
#include "router/net/proxy_context.h"
#include "router/protocol/constants.h"
#include "router/protocol/messages.h"

namespace sg::net {

namespace cap = protocol::cap;

// Capabilities shardgate can offer a client. Those that change the shape of results are only
// offered when the backends have them too (see ServerIdentity).
inline constexpr uint32_t kSupportedCapabilities =
    cap::kLongPassword | cap::kFoundRows | cap::kLongFlag | cap::kConnectWithDb | cap::kNoSchema |
    cap::kOdbc | cap::kLocalFiles | cap::kIgnoreSpace | cap::kProtocol41 | cap::kInteractive |
    cap::kIgnoreSigpipe | cap::kTransactions | cap::kReserved | cap::kSecureConnection |
    cap::kMultiStatements | cap::kMultiResults | cap::kPsMultiResults | cap::kPluginAuth |
    cap::kConnectAttrs | cap::kPluginAuthLenencData | cap::kCanHandleExpiredPasswords |
    cap::kSessionTrack | cap::kDeprecateEof | cap::kSsl;

// Capabilities that only concern the connection phase, which shardgate handles itself.
inline constexpr uint32_t kConnectionPhaseCapabilities =
    cap::kLongPassword | cap::kConnectWithDb | cap::kProtocol41 | cap::kInteractive |
    cap::kIgnoreSigpipe | cap::kReserved | cap::kSecureConnection | cap::kPluginAuth |
    cap::kConnectAttrs | cap::kPluginAuthLenencData | cap::kCanHandleExpiredPasswords | cap::kSsl;

uint32_t offeredCapabilities(const ServerIdentity& backend, bool tls);

struct ClientLogin {
  bool ok = false;
  uint32_t capabilities = 0;  // negotiated with the client
  std::string user;
  std::string database;
  uint8_t collation = 0;
  protocol::ConnectAttrs attrs;
  std::string scramble;
  uint8_t nextSeq = 0;  // sequence id of the packet that completes the login (OK or ERR)
};

// Runs the connection phase up to (not including) the final OK. On failure the ERR has been
// sent (when the client is still there) and `ok` is false.
awaitable<ClientLogin> acceptClientLogin(PacketStream& client, ProxyContext& ctx,
                                         uint32_t connectionId);

// The plugin exchange after the client's first auth response (handshake or COM_CHANGE_USER).
// `seq` is the sequence id of the next packet the server sends; updated. Sends ERR 1045 itself
// on failure; the caller sends the OK on success.
awaitable<bool> authenticateClient(PacketStream& client, Authenticator& auth,
                                   const std::string& user, std::string clientPlugin,
                                   std::string authData, const std::string& scramble,
                                   uint8_t& seq, uint32_t capabilities);

// Builds and sends an ERR packet.
awaitable<bool> sendError(PacketStream& client, uint8_t seq, uint32_t capabilities, uint16_t code,
                          std::string_view sqlState, std::string_view message);

}  // namespace sg::net
