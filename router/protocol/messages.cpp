#include "router/protocol/messages.h"

#include <algorithm>

#include "router/protocol/constants.h"

namespace sg::protocol {

namespace {

// Scramble part 2 is at least 12 bytes plus its NUL (MySQL: max(13, auth_plugin_data_len - 8)).
constexpr size_t kMinScramblePart2 = 13;
constexpr size_t kScramblePart1 = 8;
constexpr size_t kReservedAfterCollation = 19;  // + 4 bytes of MariaDB extended capabilities
constexpr size_t kSslRequestSize = 32;

// Next unread byte, or -1 at the end (the reader has no peek of its own).
int peekByte(ByteSpan payload, const PayloadReader& r) {
  if (!r.ok() || r.atEnd()) return -1;
  return payload[r.position()];
}

// Connection attributes: lenenc total length, then lenenc key/value pairs filling it exactly.
bool readAttrs(PayloadReader& r, ConnectAttrs& attrs) {
  std::string_view block = r.lenencString();
  if (!r.ok()) return false;
  PayloadReader pairs(block);
  while (!pairs.atEnd()) {
    std::string_view key = pairs.lenencString();
    std::string_view value = pairs.lenencString();
    if (!pairs.ok()) return false;
    attrs.emplace_back(key, value);
  }
  return true;
}

void writeAttrs(PayloadWriter& w, const ConnectAttrs& attrs) {
  size_t total = 0;
  for (const auto& [key, value] : attrs) {
    total += lenencSize(key.size()) + key.size() + lenencSize(value.size()) + value.size();
  }
  w.lenenc(total);
  for (const auto& [key, value] : attrs) {
    w.lenencString(key);
    w.lenencString(value);
  }
}

// A 1-byte length prefix cannot say more than 255; longer data is cut (the caller's bug).
void writeU8LengthString(PayloadWriter& w, std::string_view s) {
  s = s.substr(0, std::min<size_t>(s.size(), 255));
  w.u8(static_cast<uint8_t>(s.size()));
  w.bytes(s);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Greeting

std::optional<Greeting> Greeting::parse(ByteSpan payload) {
  PayloadReader r(payload);
  Greeting g;
  g.protocolVersion = r.u8();
  if (!r.ok() || g.protocolVersion != 10) return std::nullopt;
  g.serverVersion = r.nulString();
  g.connectionId = r.u32();
  std::string_view part1 = r.bytes(kScramblePart1);
  r.skip(1);  // filler
  uint32_t capsLow = r.u16();
  g.collation = r.u8();
  g.status = r.u16();
  uint32_t capsHigh = r.u16();
  g.capabilities = capsLow | (capsHigh << 16);
  size_t authDataLen = r.u8();
  if (g.capabilities & cap::kLongPassword) {
    r.skip(10);
  } else {
    r.skip(6);
    g.mariadbExtCapabilities = r.u32();
  }
  if (!r.ok()) return std::nullopt;

  g.authData.assign(part1);
  if (g.capabilities & cap::kSecureConnection) {
    size_t part2Len = std::max(kMinScramblePart2, authDataLen > 8 ? authDataLen - 8 : 0);
    std::string_view part2 = r.bytes(part2Len);
    if (!r.ok()) return std::nullopt;
    if (!part2.empty() && part2.back() == '\0') part2.remove_suffix(1);
    g.authData.append(part2);
  }
  if (g.capabilities & cap::kPluginAuth) {
    g.authPlugin = r.nulStringOrRest();  // some servers omit the final NUL
  }
  if (!r.ok()) return std::nullopt;
  return g;
}

void Greeting::encode(Bytes& out) const {
  PayloadWriter w(out);
  w.u8(protocolVersion);
  w.nulString(serverVersion);
  w.u32(connectionId);
  std::string_view auth(authData);
  std::string_view part1 = auth.substr(0, std::min(auth.size(), kScramblePart1));
  w.bytes(part1);
  w.zeros(kScramblePart1 - part1.size());
  w.u8(0);  // filler
  w.u16(static_cast<uint16_t>(capabilities));
  w.u8(collation);
  w.u16(status);
  w.u16(static_cast<uint16_t>(capabilities >> 16));
  w.u8((capabilities & cap::kPluginAuth)
           ? static_cast<uint8_t>(std::min<size_t>(std::max<size_t>(auth.size(), 20) + 1, 255))
           : 0);
  if (capabilities & cap::kLongPassword) {
    w.zeros(10);
  } else {
    w.zeros(6);
    w.u32(mariadbExtCapabilities);
  }
  if (capabilities & cap::kSecureConnection) {
    std::string_view part2 = auth.size() > kScramblePart1 ? auth.substr(kScramblePart1) : "";
    // The parser reads max(13, len - 8) bytes: without a length byte, part 2 is exactly 12.
    size_t maxPart2 =
        (capabilities & cap::kPluginAuth) ? 255 - kScramblePart1 - 1 : kMinScramblePart2 - 1;
    part2 = part2.substr(0, std::min(part2.size(), maxPart2));
    w.bytes(part2);
    if (part2.size() < kMinScramblePart2 - 1) w.zeros(kMinScramblePart2 - 1 - part2.size());
    w.u8(0);
  }
  if (capabilities & cap::kPluginAuth) w.nulString(authPlugin);
}

// ---------------------------------------------------------------------------------------------
// HandshakeResponse

std::optional<HandshakeResponse> HandshakeResponse::parse(ByteSpan payload) {
  PayloadReader r(payload);
  HandshakeResponse hr;
  hr.capabilities = r.u32();
  if (!r.ok() || !(hr.capabilities & cap::kProtocol41)) return std::nullopt;
  hr.maxPacketSize = r.u32();
  hr.collation = r.u8();
  r.skip(kReservedAfterCollation);
  hr.mariadbExtCapabilities = r.u32();
  if (!r.ok()) return std::nullopt;
  if (payload.size() == kSslRequestSize) {
    if (!(hr.capabilities & cap::kSsl)) return std::nullopt;
    hr.isSslRequest = true;
    return hr;
  }

  hr.user = r.nulString();
  if (hr.capabilities & cap::kPluginAuthLenencData) {
    hr.authResponse = r.lenencString();
  } else if (hr.capabilities & cap::kSecureConnection) {
    uint8_t len = r.u8();
    hr.authResponse = r.bytes(len);
  } else {
    hr.authResponse = r.nulString();
  }
  if (hr.capabilities & cap::kConnectWithDb) hr.database = r.nulString();
  if (hr.capabilities & cap::kPluginAuth) hr.authPlugin = r.nulStringOrRest();
  if (!r.ok()) return std::nullopt;
  if ((hr.capabilities & cap::kConnectAttrs) && !readAttrs(r, hr.attrs)) return std::nullopt;
  // Anything after (MySQL 8's zstd compression level) is not ours to interpret.
  return hr;
}

void HandshakeResponse::encode(Bytes& out) const {
  PayloadWriter w(out);
  w.u32(capabilities);
  w.u32(maxPacketSize);
  w.u8(collation);
  w.zeros(kReservedAfterCollation);
  w.u32(mariadbExtCapabilities);
  if (isSslRequest) return;

  w.nulString(user);
  if (capabilities & cap::kPluginAuthLenencData) {
    w.lenencString(authResponse);
  } else if (capabilities & cap::kSecureConnection) {
    writeU8LengthString(w, authResponse);
  } else {
    w.nulString(authResponse);
  }
  if (capabilities & cap::kConnectWithDb) w.nulString(database);
  if (capabilities & cap::kPluginAuth) w.nulString(authPlugin);
  if (capabilities & cap::kConnectAttrs) writeAttrs(w, attrs);
}

// ---------------------------------------------------------------------------------------------
// OK / ERR / EOF

std::optional<OkPacket> OkPacket::parse(ByteSpan payload, uint32_t capabilities) {
  PayloadReader r(payload);
  uint8_t header = r.u8();
  if (!r.ok() || (header != 0x00 && header != 0xFE)) return std::nullopt;
  OkPacket ok;
  ok.affectedRows = r.lenenc();
  ok.lastInsertId = r.lenenc();
  if (capabilities & cap::kProtocol41) {
    ok.status = r.u16();
    ok.warnings = r.u16();
  } else if (capabilities & cap::kTransactions) {
    ok.status = r.u16();
  }
  if (!r.ok()) return std::nullopt;
  if (capabilities & cap::kSessionTrack) {
    // Servers leave out info (and state) entirely when there is nothing to say.
    if (!r.atEnd()) {
      ok.info = r.lenencString();
      if (ok.status & status::kSessionStateChanged) ok.sessionState = r.lenencString();
    }
  } else {
    ok.info = r.rest();
  }
  if (!r.ok()) return std::nullopt;
  return ok;
}

void OkPacket::encode(Bytes& out, uint32_t capabilities, uint8_t header) const {
  PayloadWriter w(out);
  w.u8(header);
  w.lenenc(affectedRows);
  w.lenenc(lastInsertId);
  if (capabilities & cap::kProtocol41) {
    w.u16(status);
    w.u16(warnings);
  } else if (capabilities & cap::kTransactions) {
    w.u16(status);
  }
  if (capabilities & cap::kSessionTrack) {
    bool stateChanged = (status & status::kSessionStateChanged) != 0;
    if (stateChanged || !info.empty()) w.lenencString(info);
    if (stateChanged) w.lenencString(sessionState);
  } else {
    w.bytes(info);
  }
}

std::optional<ErrPacket> ErrPacket::parse(ByteSpan payload, uint32_t capabilities) {
  PayloadReader r(payload);
  if (r.u8() != 0xFF) return std::nullopt;
  ErrPacket err;
  err.code = r.u16();
  if (!r.ok()) return std::nullopt;
  // Errors sent before the handshake completes may lack the '#' + SQLSTATE marker.
  if ((capabilities & cap::kProtocol41) && peekByte(payload, r) == '#') {
    r.skip(1);
    err.sqlState = r.bytes(5);
  }
  err.message = r.rest();
  if (!r.ok()) return std::nullopt;
  return err;
}

void ErrPacket::encode(Bytes& out, uint32_t capabilities) const {
  PayloadWriter w(out);
  w.u8(0xFF);
  w.u16(code);
  if (capabilities & cap::kProtocol41) {
    w.u8('#');
    w.bytes(sqlState.size() == 5 ? std::string_view(sqlState) : std::string_view("HY000"));
  }
  w.bytes(message);
}

std::optional<EofPacket> EofPacket::parse(ByteSpan payload) {
  if (payload.size() < 5 || payload.size() >= 9 || payload[0] != 0xFE) return std::nullopt;
  PayloadReader r(payload);
  r.skip(1);
  EofPacket eof;
  eof.warnings = r.u16();
  eof.status = r.u16();
  return eof;
}

void EofPacket::encode(Bytes& out) const {
  PayloadWriter w(out);
  w.u8(0xFE);
  w.u16(warnings);
  w.u16(status);
}

// ---------------------------------------------------------------------------------------------
// Authentication exchange

std::optional<AuthSwitchRequest> AuthSwitchRequest::parse(ByteSpan payload) {
  PayloadReader r(payload);
  if (r.u8() != 0xFE) return std::nullopt;
  AuthSwitchRequest req;
  req.plugin = r.nulString();  // a bare 0xFE (old-password switch) has none: refused
  std::string_view data = r.rest();
  if (!r.ok()) return std::nullopt;
  if (!data.empty() && data.back() == '\0') data.remove_suffix(1);
  req.data = data;
  return req;
}

void AuthSwitchRequest::encode(Bytes& out) const {
  PayloadWriter w(out);
  w.u8(0xFE);
  w.nulString(plugin);
  w.nulString(data);
}

std::optional<AuthMoreData> AuthMoreData::parse(ByteSpan payload) {
  PayloadReader r(payload);
  if (r.u8() != 0x01) return std::nullopt;
  AuthMoreData more;
  more.data = r.rest();
  if (!r.ok()) return std::nullopt;
  return more;
}

void AuthMoreData::encode(Bytes& out) const {
  PayloadWriter w(out);
  w.u8(0x01);
  w.bytes(data);
}

std::optional<ChangeUser> ChangeUser::parse(ByteSpan payload, uint32_t capabilities) {
  PayloadReader r(payload);
  if (r.u8() != static_cast<uint8_t>(Command::kChangeUser)) return std::nullopt;
  ChangeUser cu;
  cu.user = r.nulString();
  if (capabilities & cap::kSecureConnection) {
    uint8_t len = r.u8();
    cu.authResponse = r.bytes(len);
  } else {
    cu.authResponse = r.nulString();
  }
  cu.database = r.nulString();
  if (!r.ok()) return std::nullopt;
  // Everything after the schema is optional as a whole ("if more data").
  if (r.atEnd()) return cu;
  if (capabilities & cap::kProtocol41) cu.collation = r.u16();
  if (capabilities & cap::kPluginAuth) cu.authPlugin = r.nulStringOrRest();
  if (!r.ok()) return std::nullopt;
  if ((capabilities & cap::kConnectAttrs) && !readAttrs(r, cu.attrs)) return std::nullopt;
  return cu;
}

void ChangeUser::encode(Bytes& out, uint32_t capabilities) const {
  PayloadWriter w(out);
  w.u8(static_cast<uint8_t>(Command::kChangeUser));
  w.nulString(user);
  if (capabilities & cap::kSecureConnection) {
    writeU8LengthString(w, authResponse);
  } else {
    w.nulString(authResponse);
  }
  w.nulString(database);
  if (capabilities & cap::kProtocol41) w.u16(collation);
  if (capabilities & cap::kPluginAuth) w.nulString(authPlugin);
  if (capabilities & cap::kConnectAttrs) writeAttrs(w, attrs);
}

// ---------------------------------------------------------------------------------------------
// Convenience

Bytes makeErr(uint16_t code, std::string_view sqlState, std::string_view message,
              uint32_t capabilities) {
  ErrPacket err;
  err.code = code;
  err.sqlState = sqlState;
  err.message = message;
  Bytes out;
  err.encode(out, capabilities);
  return out;
}

Bytes makeOk(uint32_t capabilities, uint16_t status, uint64_t affectedRows, uint64_t lastInsertId,
             uint16_t warnings) {
  OkPacket ok;
  ok.status = status;
  ok.affectedRows = affectedRows;
  ok.lastInsertId = lastInsertId;
  ok.warnings = warnings;
  Bytes out;
  ok.encode(out, capabilities);
  return out;
}

}  // namespace sg::protocol
