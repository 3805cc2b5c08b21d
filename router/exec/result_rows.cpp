// Column definitions, row codecs (text and binary protocol) and the numeric reading/writing of
// cells the merge needs. Decoding keeps every value's bytes as sent so re-encoding an unchanged
// row reproduces the server's payload exactly.

#include "router/exec/result_rows.h"

#include <charconv>
#include <cstdlib>
#include <cstring>

#include "router/exec/number_format.h"

namespace sg::exec {
namespace {

using protocol::PayloadReader;
using protocol::PayloadWriter;

// How a column's values travel in the binary protocol.
enum class BinaryForm : uint8_t { kFixed, kDateTime, kTime, kString, kNone };

BinaryForm binaryForm(uint8_t type, size_t& width) {
  width = 0;
  switch (type) {
    case coltype::kTiny:
      width = 1;
      return BinaryForm::kFixed;
    case coltype::kShort:
    case coltype::kYear:
      width = 2;
      return BinaryForm::kFixed;
    case coltype::kLong:
    case coltype::kInt24:
    case coltype::kFloat:
      width = 4;
      return BinaryForm::kFixed;
    case coltype::kLongLong:
    case coltype::kDouble:
      width = 8;
      return BinaryForm::kFixed;
    case coltype::kDate:
    case coltype::kNewDate:
    case coltype::kDateTime:
    case coltype::kDateTime2:
    case coltype::kTimestamp:
    case coltype::kTimestamp2:
      return BinaryForm::kDateTime;
    case coltype::kTime:
    case coltype::kTime2:
      return BinaryForm::kTime;
    case coltype::kNull:
      return BinaryForm::kNone;
    default:
      return BinaryForm::kString;
  }
}

uint64_t readLe(const std::string& bytes) {
  uint64_t v = 0;
  for (size_t i = bytes.size(); i-- > 0;) v = (v << 8) | static_cast<uint8_t>(bytes[i]);
  return v;
}

std::string writeLe(uint64_t v, size_t width) {
  std::string out(width, '\0');
  for (size_t i = 0; i < width; ++i) out[i] = static_cast<char>(v >> (8 * i));
  return out;
}

// Sign-extends a `width`-byte little-endian value.
int64_t signExtend(uint64_t v, size_t width) {
  if (width >= 8) return static_cast<int64_t>(v);
  uint64_t sign = uint64_t{1} << (width * 8 - 1);
  return static_cast<int64_t>((v ^ sign) - sign);
}

}  // namespace

std::optional<ColumnInfo> ColumnInfo::parse(protocol::ByteSpan payload) {
  PayloadReader r(payload);
  r.lenencString();  // catalog
  r.lenencString();  // schema
  r.lenencString();  // table
  r.lenencString();  // org_table
  ColumnInfo c;
  c.name = std::string(r.lenencString());
  r.lenencString();  // org_name
  uint64_t fixed = r.lenenc();
  if (!r.ok() || fixed < 10 || fixed > r.remaining()) return std::nullopt;
  c.charset = r.u16();
  c.length = r.u32();
  c.type = r.u8();
  c.flags = r.u16();
  c.decimals = r.u8();
  r.skip(fixed - 10);  // filler
  if (!r.ok()) return std::nullopt;
  return c;
}

bool ColumnInfo::isInteger() const {
  switch (type) {
    case coltype::kTiny:
    case coltype::kShort:
    case coltype::kInt24:
    case coltype::kLong:
    case coltype::kLongLong:
    case coltype::kYear:
      return true;
    default:
      return false;
  }
}

bool ColumnInfo::isDecimal() const {
  return type == coltype::kDecimal || type == coltype::kNewDecimal;
}

bool ColumnInfo::isFloating() const { return type == coltype::kFloat || type == coltype::kDouble; }

bool ColumnInfo::isTemporal() const {
  switch (type) {
    case coltype::kDate:
    case coltype::kNewDate:
    case coltype::kDateTime:
    case coltype::kDateTime2:
    case coltype::kTimestamp:
    case coltype::kTimestamp2:
    case coltype::kTime:
    case coltype::kTime2:
      return true;
    default:
      return false;
  }
}

bool ColumnInfo::isString() const {
  switch (type) {
    case coltype::kVarchar:
    case coltype::kBit:
    case coltype::kJson:
    case coltype::kEnum:
    case coltype::kSet:
    case coltype::kTinyBlob:
    case coltype::kMediumBlob:
    case coltype::kLongBlob:
    case coltype::kBlob:
    case coltype::kVarString:
    case coltype::kString:
    case coltype::kGeometry:
      return true;
    default:
      return false;
  }
}

std::optional<Row> decodeRow(protocol::ByteSpan payload, RowFormat format,
                             const std::vector<ColumnInfo>& columns) {
  PayloadReader r(payload);
  Row row;
  row.reserve(columns.size());
  if (format == RowFormat::kText) {
    for (size_t i = 0; i < columns.size(); ++i) {
      if (r.peekNull()) {
        r.u8();
        row.push_back(Cell::makeNull());
      } else {
        row.push_back(Cell::of(std::string(r.lenencString())));
      }
    }
    if (!r.ok() || !r.atEnd()) return std::nullopt;
    return row;
  }
  if (r.u8() != 0x00) return std::nullopt;
  std::string_view bitmap = r.bytes((columns.size() + 7 + 2) / 8);
  if (!r.ok()) return std::nullopt;
  for (size_t i = 0; i < columns.size(); ++i) {
    size_t bit = i + 2;
    if (static_cast<uint8_t>(bitmap[bit / 8]) & (1u << (bit % 8))) {
      row.push_back(Cell::makeNull());
      continue;
    }
    size_t width = 0;
    switch (binaryForm(columns[i].type, width)) {
      case BinaryForm::kFixed:
        row.push_back(Cell::of(std::string(r.bytes(width))));
        break;
      case BinaryForm::kDateTime: {
        uint8_t len = r.u8();
        if (len != 0 && len != 4 && len != 7 && len != 11) return std::nullopt;
        row.push_back(Cell::of(std::string(r.bytes(len))));
        break;
      }
      case BinaryForm::kTime: {
        uint8_t len = r.u8();
        if (len != 0 && len != 8 && len != 12) return std::nullopt;
        row.push_back(Cell::of(std::string(r.bytes(len))));
        break;
      }
      case BinaryForm::kString:
        row.push_back(Cell::of(std::string(r.lenencString())));
        break;
      case BinaryForm::kNone:
        return std::nullopt;  // a NULL-typed column's value is always flagged NULL
    }
    if (!r.ok()) return std::nullopt;
  }
  if (!r.ok() || !r.atEnd()) return std::nullopt;
  return row;
}

void encodeRow(const Row& row, size_t count, RowFormat format,
               const std::vector<ColumnInfo>& columns, protocol::Bytes& out) {
  PayloadWriter w(out);
  if (count > row.size()) count = row.size();
  if (count > columns.size()) count = columns.size();
  if (format == RowFormat::kText) {
    for (size_t i = 0; i < count; ++i) {
      if (row[i].null) {
        w.u8(0xFB);
      } else {
        w.lenencString(row[i].bytes);
      }
    }
    return;
  }
  w.u8(0x00);
  size_t bitmapAt = out.size();
  w.zeros((count + 7 + 2) / 8);
  for (size_t i = 0; i < count; ++i) {
    const Cell& c = row[i];
    size_t width = 0;
    BinaryForm form = binaryForm(columns[i].type, width);
    if (c.null || form == BinaryForm::kNone) {
      size_t bit = i + 2;
      out[bitmapAt + bit / 8] = static_cast<uint8_t>(out[bitmapAt + bit / 8] | (1u << (bit % 8)));
      continue;
    }
    switch (form) {
      case BinaryForm::kFixed: {
        std::string v = c.bytes;
        v.resize(width, '\0');  // a well-formed cell already has exactly `width` bytes
        w.bytes(v);
        break;
      }
      case BinaryForm::kDateTime:
      case BinaryForm::kTime:
        w.u8(static_cast<uint8_t>(c.bytes.size()));
        w.bytes(c.bytes);
        break;
      case BinaryForm::kString:
      case BinaryForm::kNone:
        w.lenencString(c.bytes);
        break;
    }
  }
}

std::optional<Number> numberOf(const Cell& cell, const ColumnInfo& column, RowFormat format) {
  if (cell.null) return std::nullopt;
  Number n;
  if (column.isFloating()) {
    n.isDouble = true;
    if (format == RowFormat::kBinary) {
      if (column.type == coltype::kFloat) {
        if (cell.bytes.size() != 4) return std::nullopt;
        uint32_t bits = static_cast<uint32_t>(readLe(cell.bytes));
        float f;
        std::memcpy(&f, &bits, sizeof f);
        n.dbl = f;
      } else {
        if (cell.bytes.size() != 8) return std::nullopt;
        uint64_t bits = readLe(cell.bytes);
        std::memcpy(&n.dbl, &bits, sizeof n.dbl);
      }
      return n;
    }
    const char* begin = cell.bytes.c_str();
    char* end = nullptr;
    n.dbl = std::strtod(begin, &end);
    if (end == begin) return std::nullopt;
    return n;
  }
  if (column.isInteger() && format == RowFormat::kBinary) {
    size_t width = 0;
    binaryForm(column.type, width);
    if (cell.bytes.size() != width) return std::nullopt;
    uint64_t raw = readLe(cell.bytes);
    if (column.isUnsigned() || column.type == coltype::kYear) {
      n.exact = Decimal::fromUint(raw);
    } else {
      n.exact = Decimal::fromInt(signExtend(raw, width));
    }
    return n;
  }
  if (column.isInteger() || column.isDecimal()) {
    auto d = Decimal::parse(cell.bytes);
    if (!d) return std::nullopt;
    n.exact = *d;
    return n;
  }
  return std::nullopt;
}

Cell cellOfDecimal(const Decimal& value, const ColumnInfo& column, RowFormat format) {
  if (column.isFloating()) return cellOfDouble(value.toDouble(), column, format);
  if (column.isInteger()) {
    std::string text = value.rounded(0).toString();
    if (format == RowFormat::kText) return Cell::of(text);
    size_t width = 0;
    binaryForm(column.type, width);
    uint64_t raw = 0;
    if (column.isUnsigned()) {
      std::from_chars(text.data(), text.data() + text.size(), raw);
    } else {
      int64_t s = 0;
      std::from_chars(text.data(), text.data() + text.size(), s);
      raw = static_cast<uint64_t>(s);
    }
    return Cell::of(writeLe(raw, width));
  }
  if (column.isDecimal()) return Cell::of(value.rounded(column.decimals).toString());
  return Cell::of(value.toString());
}

Cell cellOfDouble(double v, const ColumnInfo& column, RowFormat format) {
  if (column.isFloating()) {
    bool isFloat = column.type == coltype::kFloat;
    if (format == RowFormat::kText) return Cell::of(formatDouble(v, column.decimals, isFloat));
    if (isFloat) {
      float f = static_cast<float>(v);
      uint32_t bits;
      std::memcpy(&bits, &f, sizeof bits);
      return Cell::of(writeLe(bits, 4));
    }
    uint64_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    return Cell::of(writeLe(bits, 8));
  }
  // Not a floating column: go through the exact form of the printed value.
  auto d = Decimal::parse(formatDouble(v, 17, false));
  return cellOfDecimal(d ? *d : Decimal(), column, format);
}

Cell cellOfInteger(int64_t v, const ColumnInfo& column, RowFormat format) {
  if (column.isInteger()) {
    if (format == RowFormat::kText) return Cell::of(std::to_string(v));
    size_t width = 0;
    binaryForm(column.type, width);
    return Cell::of(writeLe(static_cast<uint64_t>(v), width));
  }
  if (column.isFloating()) return cellOfDouble(static_cast<double>(v), column, format);
  return cellOfDecimal(Decimal::fromInt(v), column, format);
}

}  // namespace sg::exec
