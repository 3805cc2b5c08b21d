#pragma once
// Codecs of the prepared-statement commands: COM_STMT_PREPARE_OK, COM_STMT_EXECUTE (decoded
// lazily, so the shard-key parameter can be read and the execute re-targeted at another backend's
// statement id), and the statement id of COM_STMT_FETCH/CLOSE/RESET/SEND_LONG_DATA. Payloads are
// whole command payloads (command byte first); nothing here throws on untrusted bytes.
//
// shardgate does not offer CLIENT_QUERY_ATTRIBUTES, so COM_STMT_EXECUTE has its classic layout
// (no parameter_count, no parameter names). MariaDB's bulk execution (iteration count > 1,
// COM_STMT_BULK_EXECUTE) is not decoded.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "router/protocol/packet.h"

namespace sg::protocol {

// enum_field_types codes that can describe a parameter of COM_STMT_EXECUTE.
namespace field_type {
inline constexpr uint8_t kDecimal = 0x00;
inline constexpr uint8_t kTiny = 0x01;
inline constexpr uint8_t kShort = 0x02;
inline constexpr uint8_t kLong = 0x03;
inline constexpr uint8_t kFloat = 0x04;
inline constexpr uint8_t kDouble = 0x05;
inline constexpr uint8_t kNull = 0x06;
inline constexpr uint8_t kTimestamp = 0x07;
inline constexpr uint8_t kLongLong = 0x08;
inline constexpr uint8_t kInt24 = 0x09;
inline constexpr uint8_t kDate = 0x0a;
inline constexpr uint8_t kTime = 0x0b;
inline constexpr uint8_t kDateTime = 0x0c;
inline constexpr uint8_t kYear = 0x0d;
inline constexpr uint8_t kVarchar = 0x0f;
inline constexpr uint8_t kBit = 0x10;
inline constexpr uint8_t kJson = 0xf5;
inline constexpr uint8_t kNewDecimal = 0xf6;
inline constexpr uint8_t kEnum = 0xf7;
inline constexpr uint8_t kSet = 0xf8;
inline constexpr uint8_t kTinyBlob = 0xf9;
inline constexpr uint8_t kMediumBlob = 0xfa;
inline constexpr uint8_t kLongBlob = 0xfb;
inline constexpr uint8_t kBlob = 0xfc;
inline constexpr uint8_t kVarString = 0xfd;
inline constexpr uint8_t kString = 0xfe;
inline constexpr uint8_t kGeometry = 0xff;
}  // namespace field_type

// Second byte of a parameter type in COM_STMT_EXECUTE.
inline constexpr uint8_t kParamFlagUnsigned = 0x80;
// MariaDB: COM_STMT_EXECUTE with this statement id runs the statement prepared last.
inline constexpr uint32_t kLastPreparedStatementId = 0xFFFFFFFF;

// COM_STMT_PREPARE_OK, the first packet of a successful COM_STMT_PREPARE response. `params`
// parameter definitions and then `columns` column definitions follow it (each block ended by an
// EOF unless CLIENT_DEPRECATE_EOF), except when metadataFollows is 0.
struct PrepareOk {
  uint32_t statementId = 0;
  uint16_t columns = 0;
  uint16_t params = 0;
  uint16_t warnings = 0;
  // Only with CLIENT_OPTIONAL_RESULTSET_METADATA (MySQL 8); shardgate doesn't offer it.
  std::optional<uint8_t> metadataFollows;

  // Accepts 10 bytes (pre-4.1 servers: no warning count), 12, or 13 (metadata_follows).
  static std::optional<PrepareOk> parse(ByteSpan payload);
  // Writes 12 bytes, or 13 when metadataFollows is set.
  void encode(Bytes& out) const;
  bool operator==(const PrepareOk&) const = default;
};

// Type of one parameter as the client bound it (sent with new_params_bound_flag = 1, and to be
// remembered per statement: later executes may omit it).
struct ParamType {
  uint8_t type = 0;  // field_type::k*
  bool isUnsigned = false;
  bool operator==(const ParamType&) const = default;
};

// Where one parameter's value lies in the COM_STMT_EXECUTE payload.
struct ParamValue {
  enum class State : uint8_t {
    kValue,     // bytes [offset, offset + length): the value without its length prefix
    kNull,      // set in the NULL bitmap (or bound as MYSQL_TYPE_NULL): no bytes
    kLongData,  // sent before by COM_STMT_SEND_LONG_DATA: no bytes in this packet
  };
  State state = State::kNull;
  uint32_t offset = 0;
  uint32_t length = 0;
  bool operator==(const ParamValue&) const = default;
};

// A decoded COM_STMT_EXECUTE: header fields, parameter types and where each value lies in the
// payload it was parsed from (values are read on demand, long ones are never copied). All byte
// offsets refer to that payload, which the caller keeps alive.
struct ExecuteRequest {
  uint32_t statementId = 0;
  uint8_t flags = 0;  // cursor type
  uint32_t iterations = 1;
  bool typesSent = false;        // new_params_bound_flag was set in this packet
  std::vector<ParamType> types;  // sent or remembered; one per parameter
  std::vector<ParamValue> params;
  uint32_t nullBitmapOffset = 0;  // (params + 7) / 8 bytes there, when params > 0
  uint32_t valuesOffset = 0;      // first value byte (== payload size when there is none)

  // `paramCount` is the statement's num_params from COM_STMT_PREPARE_OK; `rememberedTypes` the
  // types of the last execute of this statement that sent them (needed when this one doesn't).
  // `longDataParams` (size paramCount) marks parameters sent by COM_STMT_SEND_LONG_DATA since the
  // last execute or COM_STMT_RESET: the client sends no value for them here.
  // nullopt: not COM_STMT_EXECUTE, truncated, trailing bytes after the values, iteration count
  // over 1, unknown parameter type, or parameters but no types known.
  static std::optional<ExecuteRequest> parse(ByteSpan payload, uint16_t paramCount,
                                             const std::vector<ParamType>* rememberedTypes,
                                             const std::vector<bool>* longDataParams = nullptr);
};

// A COM_STMT_EXECUTE payload for `statementId` that binds parameters `indexes` of `req`, in that
// order (a split multi-row INSERT's piece): their NULL bits, types (always sent) and values as
// encoded. nullopt when one of them came as long data or an index is out of range.
std::optional<Bytes> executeSubset(const ExecuteRequest& req, ByteSpan payload,
                                   uint32_t statementId, const std::vector<uint32_t>& indexes);

// True when parameter `index` is NULL (bitmap bit or MYSQL_TYPE_NULL). False for an index out
// of range.
bool isNullParam(const ExecuteRequest& req, ByteSpan payload, size_t index);

// The value bytes of parameter `index` as sent (binary protocol; without the length prefix of
// strings, dates and times). Empty for NULL, long-data or out-of-range parameters.
ByteSpan paramBytes(const ExecuteRequest& req, ByteSpan payload, size_t index);

// The text of a string-like parameter (VARCHAR, VAR_STRING, STRING, DECIMAL, NEWDECIMAL, ENUM,
// SET, BLOB types); nullopt for other types, NULL and long data.
std::optional<std::string_view> stringParam(const ExecuteRequest& req, ByteSpan payload,
                                            size_t index);

// The parameter as a signed 64-bit integer: an integer type (TINY, SHORT, YEAR, INT24, LONG,
// LONGLONG; an unsigned value over INT64_MAX gives nullopt) or a string-like type whose text is
// exactly an optional sign and decimal digits that fit ("42", "-7"; not "4.0", " 4", "4e1").
// nullopt for anything else (floats, dates, NULL, long data, out of range).
std::optional<int64_t> integerParam(const ExecuteRequest& req, ByteSpan payload, size_t index);

// The same execute for another backend: statement id replaced, and the types block written when
// `includeTypes` (that backend may never have seen them) or else left as the client sent it.
// Everything else is byte-identical. `payload` must be the one `req` was parsed from.
// appendReencoded appends to `out` (no packet header).
Bytes reencode(const ExecuteRequest& req, ByteSpan payload, uint32_t newStatementId,
               bool includeTypes);
void appendReencoded(const ExecuteRequest& req, ByteSpan payload, uint32_t newStatementId,
                     bool includeTypes, Bytes& out);

// COM_STMT_SEND_LONG_DATA: a chunk of one parameter's value, appended by the server until the
// next execute or COM_STMT_RESET. The server sends no response.
struct LongData {
  uint32_t statementId = 0;
  uint16_t param = 0;
  ByteSpan data;  // view into the parsed payload

  static std::optional<LongData> parse(ByteSpan payload);
};

// The statement id of COM_STMT_EXECUTE, FETCH, CLOSE, RESET or SEND_LONG_DATA (bytes 1..4);
// nullopt for other commands or a payload shorter than 5 bytes.
std::optional<uint32_t> statementIdOf(ByteSpan payload);
// Overwrites that statement id in place; false (payload untouched) where statementIdOf has none.
bool patchStatementId(std::span<uint8_t> payload, uint32_t newId);

}  // namespace sg::protocol
