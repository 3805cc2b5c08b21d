#pragma once
// The rows of a result set as the merge sees them: the column definitions a server sends, and rows
// decoded into cells (text protocol for COM_QUERY, binary protocol for COM_STMT_EXECUTE) and
// encoded back in the same format. A cell keeps the value's bytes exactly as the server sent them,
// so a row that only passes through (or loses hidden columns) is re-encoded without changing a
// byte.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "router/exec/decimal.h"
#include "router/protocol/packet.h"

namespace sg::exec {

enum class RowFormat : uint8_t {
  kText,    // COM_QUERY result rows: each value a length-encoded string, 0xFB for NULL
  kBinary,  // COM_STMT_EXECUTE rows: 0x00, NULL bitmap (offset 2), values in their binary form
};

// MySQL column types (protocol values) the merge needs to tell apart.
namespace coltype {
inline constexpr uint8_t kDecimal = 0x00, kTiny = 0x01, kShort = 0x02, kLong = 0x03, kFloat = 0x04,
                         kDouble = 0x05, kNull = 0x06, kTimestamp = 0x07, kLongLong = 0x08,
                         kInt24 = 0x09, kDate = 0x0a, kTime = 0x0b, kDateTime = 0x0c, kYear = 0x0d,
                         kNewDate = 0x0e, kVarchar = 0x0f, kBit = 0x10, kTimestamp2 = 0x11,
                         kDateTime2 = 0x12, kTime2 = 0x13, kJson = 0xf5, kNewDecimal = 0xf6,
                         kEnum = 0xf7, kSet = 0xf8, kTinyBlob = 0xf9, kMediumBlob = 0xfa,
                         kLongBlob = 0xfb, kBlob = 0xfc, kVarString = 0xfd, kString = 0xfe,
                         kGeometry = 0xff;
}  // namespace coltype

namespace colflag {
inline constexpr uint16_t kNotNull = 1, kBinary = 128, kUnsigned = 32, kEnum = 256, kSet = 2048;
}

inline constexpr uint16_t kBinaryCharset = 63;

// What the merge needs from one column definition packet (Protocol::ColumnDefinition41).
struct ColumnInfo {
  std::string name;  // the column's name as the client sees it
  uint16_t charset = 0;
  uint32_t length = 0;
  uint8_t type = 0;
  uint16_t flags = 0;
  uint8_t decimals = 0;

  // nullopt if the packet is not a well-formed ColumnDefinition41.
  static std::optional<ColumnInfo> parse(protocol::ByteSpan payload);

  bool isUnsigned() const { return flags & colflag::kUnsigned; }
  bool isInteger() const;   // TINY SHORT INT24 LONG LONGLONG YEAR
  bool isDecimal() const;   // DECIMAL NEWDECIMAL
  bool isFloating() const;  // FLOAT DOUBLE
  bool isTemporal() const;  // DATE DATETIME TIMESTAMP TIME (any variant) ; not YEAR
  bool isString() const;  // character or binary strings, BLOB/TEXT, ENUM, SET, JSON, BIT, GEOMETRY
};

// One value of a row. `bytes` holds the value as sent: for the text protocol the characters
// (without the length prefix); for the binary protocol the value's encoding without a length
// prefix (fixed-width little-endian integers and floats; the packed date/time structure without
// its length byte; for strings and DECIMAL the characters).
struct Cell {
  bool null = true;
  std::string bytes;

  static Cell makeNull() { return Cell{}; }
  static Cell of(std::string v) { return Cell{false, std::move(v)}; }
  bool operator==(const Cell&) const = default;
};

using Row = std::vector<Cell>;

// Decodes one row packet's payload; nullopt if it is malformed for these columns.
std::optional<Row> decodeRow(protocol::ByteSpan payload, RowFormat format,
                             const std::vector<ColumnInfo>& columns);
// Encodes the first `count` cells of `row` (count <= row.size(); the rest are hidden columns) as a
// row payload appended to `out`, in `format`, typed as the first `count` of `columns`.
void encodeRow(const Row& row, size_t count, RowFormat format,
               const std::vector<ColumnInfo>& columns, protocol::Bytes& out);

// A cell's value read as a number, for merging aggregates (SUM, COUNT, AVG parts) and evaluating
// HAVING. Integers (either format), DECIMAL, FLOAT/DOUBLE and YEAR; nullopt for NULL or anything
// that is not numeric.
struct Number {
  bool isDouble = false;  // FLOAT/DOUBLE columns; else exact
  Decimal exact;          // !isDouble
  double dbl = 0;         // isDouble
};
std::optional<Number> numberOf(const Cell& cell, const ColumnInfo& column, RowFormat format);

// Encodes a number as a cell of `column` in `format`: integers as integers, DECIMAL as text with
// exactly column.decimals digits (rounded half away from zero), DOUBLE/FLOAT in MySQL's shortest
// round-trip text (text protocol) or IEEE bytes (binary protocol).
Cell cellOfDecimal(const Decimal& value, const ColumnInfo& column, RowFormat format);
Cell cellOfDouble(double v, const ColumnInfo& column, RowFormat format);
Cell cellOfInteger(int64_t v, const ColumnInfo& column, RowFormat format);

}  // namespace sg::exec
