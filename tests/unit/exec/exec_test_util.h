#pragma once
// Shared helpers of the router/exec unit tests: column definitions, cells in binary form, and
// rows built from short literals.

#include <cstring>
#include <ostream>
#include <string>
#include <vector>

#include "router/exec/result_rows.h"

namespace sg::exec::testing {

inline ColumnInfo col(uint8_t type, uint16_t flags = 0, uint8_t decimals = 0,
                      uint16_t charset = kBinaryCharset, std::string name = "c") {
  ColumnInfo c;
  c.name = std::move(name);
  c.type = type;
  c.flags = flags;
  c.decimals = decimals;
  c.charset = charset;
  return c;
}
inline ColumnInfo strCol(uint16_t charset = 45) { return col(coltype::kVarString, 0, 0, charset); }

inline std::string le(uint64_t v, size_t width) {
  std::string out(width, '\0');
  for (size_t i = 0; i < width; ++i) out[i] = static_cast<char>(v >> (8 * i));
  return out;
}
inline std::string leDouble(double d) {
  uint64_t bits;
  std::memcpy(&bits, &d, sizeof bits);
  return le(bits, 8);
}

inline Cell N() { return Cell::makeNull(); }
inline Cell V(std::string s) { return Cell::of(std::move(s)); }
inline Cell H(const std::string& hex) {  // bytes from hex digits
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return Cell::of(out);
}

inline protocol::ByteSpan span(const protocol::Bytes& b) { return protocol::ByteSpan(b); }

}  // namespace sg::exec::testing

namespace sg::exec {
// gtest printer: NULL, printable text as is, anything else as hex.
inline void PrintTo(const Cell& c, std::ostream* os) {
  if (c.null) {
    *os << "NULL";
    return;
  }
  bool printable = true;
  for (char ch : c.bytes) printable = printable && ch >= 0x20 && ch < 0x7f;
  if (printable) {
    *os << '"' << c.bytes << '"';
    return;
  }
  static const char* kHex = "0123456789ABCDEF";
  *os << "0x";
  for (char ch : c.bytes) *os << kHex[(ch >> 4) & 0xF] << kHex[ch & 0xF];
}
}  // namespace sg::exec
