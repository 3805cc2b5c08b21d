#pragma once
// Codecs of the connection-phase and generic-response messages. Each message is a plain struct
// with `parse` (returns nullopt on malformed or truncated input, never throws) and `encode`
// (appends the payload, without packet header, to a buffer).

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "router/protocol/packet.h"

namespace sg::protocol {

// Initial handshake, protocol version 10, sent by the server.
struct Greeting {
  uint8_t protocolVersion = 10;
  std::string serverVersion;
  uint32_t connectionId = 0;
  std::string authData;  // scramble, usually 20 bytes (both parts joined, trailing NUL dropped)
  uint32_t capabilities = 0;
  uint8_t collation = 0;
  uint16_t status = 0;
  std::string authPlugin;
  uint32_t mariadbExtCapabilities =
      0;  // MariaDB's extended flags (in the filler) when !kLongPassword

  // A plugin name without its final NUL (some servers) is accepted up to the end of the payload.
  // encode() writes what MySQL 8 sends: length byte, part 2 padded to 12 bytes plus NUL.
  static std::optional<Greeting> parse(ByteSpan payload);
  void encode(Bytes& out) const;
  bool operator==(const Greeting&) const = default;
};

using ConnectAttrs = std::vector<std::pair<std::string, std::string>>;

// HandshakeResponse41 sent by the client. An SSLRequest is the same message cut after the
// 32-byte fixed part; parse() reports it with isSslRequest.
struct HandshakeResponse {
  uint32_t capabilities = 0;
  uint32_t maxPacketSize = 0;
  uint8_t collation = 0;
  uint32_t mariadbExtCapabilities = 0;
  std::string user;
  std::string authResponse;
  std::string database;    // only with cap::kConnectWithDb
  std::string authPlugin;  // only with cap::kPluginAuth
  ConnectAttrs attrs;      // only with cap::kConnectAttrs
  bool isSslRequest = false;

  // Requires cap::kProtocol41 in the message; older (HandshakeResponse320) clients are refused.
  // A plugin name without its final NUL is accepted when nothing follows it.
  static std::optional<HandshakeResponse> parse(ByteSpan payload);
  void encode(Bytes& out) const;
  bool operator==(const HandshakeResponse&) const = default;
};

struct OkPacket {
  uint64_t affectedRows = 0;
  uint64_t lastInsertId = 0;
  uint16_t status = 0;
  uint16_t warnings = 0;
  std::string info;
  std::string sessionState;  // raw session-state-change block (cap::kSessionTrack + flag)

  // Accepts header 0x00, and 0xFE (the OK that ends a result set under cap::kDeprecateEof).
  static std::optional<OkPacket> parse(ByteSpan payload, uint32_t capabilities);
  void encode(Bytes& out, uint32_t capabilities, uint8_t header = 0x00) const;
  bool operator==(const OkPacket&) const = default;
};

struct ErrPacket {
  uint16_t code = 0;
  std::string sqlState = "HY000";  // 5 characters
  std::string message;

  // Under cap::kProtocol41 an ERR without the '#' marker (early handshake errors) keeps "HY000".
  static std::optional<ErrPacket> parse(ByteSpan payload, uint32_t capabilities);
  void encode(Bytes& out, uint32_t capabilities) const;
  bool operator==(const ErrPacket&) const = default;
};

// The error code of an ERR payload (or of its first bytes); 0 when too short to hold one.
inline uint16_t errorCodeOf(ByteSpan err) {
  return err.size() >= 3 ? static_cast<uint16_t>(err[1] | (err[2] << 8)) : 0;
}

// Whether a packet in the rows phase of a result set ends it: an EOF, or under
// cap::kDeprecateEof the OK that replaces it. A row can start with 0xFE only as an 8-byte length
// prefix, which needs a payload of 2^24+ bytes, i.e. a packet of 0xFFFFFF; classic EOF packets
// are shorter than 9 bytes.
inline bool endsRows(size_t length, uint8_t first, bool deprecateEof) {
  return first == 0xFE && length < (deprecateEof ? kMaxPacketPayload : 9u);
}

struct EofPacket {
  uint16_t warnings = 0;
  uint16_t status = 0;

  static std::optional<EofPacket> parse(ByteSpan payload);
  void encode(Bytes& out) const;
  bool operator==(const EofPacket&) const = default;
};

// 0xFE during authentication: switch to another plugin with new data.
struct AuthSwitchRequest {
  std::string plugin;
  std::string data;  // trailing NUL of the scramble is dropped by parse and added by encode

  static std::optional<AuthSwitchRequest> parse(ByteSpan payload);
  void encode(Bytes& out) const;
  bool operator==(const AuthSwitchRequest&) const = default;
};

// 0x01 during authentication: plugin-specific data (caching_sha2: 0x03 fast ok, 0x04 full auth,
// or a PEM public key).
struct AuthMoreData {
  std::string data;

  static std::optional<AuthMoreData> parse(ByteSpan payload);
  void encode(Bytes& out) const;
  bool operator==(const AuthMoreData&) const = default;
};

// COM_CHANGE_USER.
struct ChangeUser {
  std::string user;
  std::string authResponse;
  std::string database;
  uint16_t collation = 0;
  std::string authPlugin;
  ConnectAttrs attrs;

  // The client's capabilities decide which optional fields are present. Everything after the
  // database (collation, plugin, attributes) may be missing as a whole; encode() always writes it.
  static std::optional<ChangeUser> parse(ByteSpan payload, uint32_t capabilities);
  void encode(Bytes& out, uint32_t capabilities) const;
  bool operator==(const ChangeUser&) const = default;
};

// Convenience: a whole ERR packet payload.
Bytes makeErr(uint16_t code, std::string_view sqlState, std::string_view message,
              uint32_t capabilities = 0x200 /* cap::kProtocol41 */);
// Convenience: a whole OK packet payload.
Bytes makeOk(uint32_t capabilities, uint16_t status, uint64_t affectedRows = 0,
             uint64_t lastInsertId = 0, uint16_t warnings = 0);

}  // namespace sg::protocol
