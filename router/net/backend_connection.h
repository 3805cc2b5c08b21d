#pragma once
// shardgate as a MySQL client: opens a TCP connection to one server and logs in (greeting,
// capability negotiation, mysql_native_password / caching_sha2_password including the RSA
// public-key exchange, auth switch), within a deadline. Afterwards the stream carries commands.

#include "router/net/asio_prelude.h"

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "router/net/packet_stream.h"
#include "router/protocol/constants.h"
#include "router/protocol/messages.h"

namespace sg::net {

struct BackendLogin {
  std::string host;
  uint16_t port = 0;
  std::string user;
  std::string password;
  std::string database;
  uint32_t capabilities = 0;  // wanted; intersected with the server's
  uint8_t collation = protocol::kDefaultCollation;
  protocol::ConnectAttrs attrs;
  std::chrono::milliseconds timeout{1000};
  size_t maxPayload = 64 * 1024 * 1024;
};

struct BackendConnectResult {
  std::unique_ptr<PacketStream> stream;      // set on success
  protocol::Greeting greeting;               // what the server announced
  uint32_t capabilities = 0;                 // negotiated
  uint16_t status = 0;                       // from the final OK
  std::optional<protocol::ErrPacket> serverError;  // the server refused (forward it as is)
  std::string failure;                       // connect/protocol failure, human readable
};

// Connects and authenticates. Never throws; on failure `stream` is null and either
// `serverError` or `failure` says why.
awaitable<BackendConnectResult> connectBackend(const BackendLogin& login);

// Runs the authentication exchange that follows a handshake response or COM_CHANGE_USER, whose
// packet used sequence id `seq`, until the server's OK or ERR. `scramble` is the server's
// current nonce and `plugin` the plugin whose response was sent.
struct BackendAuthOutcome {
  bool ok = false;
  uint16_t status = 0;
  std::optional<protocol::ErrPacket> serverError;
  std::string failure;
};
awaitable<BackendAuthOutcome> finishBackendAuth(PacketStream& stream, uint32_t capabilities,
                                                std::string scramble, std::string plugin,
                                                const std::string& password, uint8_t seq);

// The authentication response of a plugin for a password and nonce (empty for unknown plugins).
std::string authResponseFor(const std::string& plugin, const std::string& password,
                            const std::string& scramble);

}  // namespace sg::net
