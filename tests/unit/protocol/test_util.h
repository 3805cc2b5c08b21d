#pragma once
// Small helpers shared by the protocol tests: hex literals and byte/string conversions.

#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "router/protocol/packet.h"

namespace sg::protocol::test {

// Hex digits to bytes; whitespace is ignored so captures can be pasted in lines.
inline Bytes fromHex(std::string_view hex) {
  Bytes out;
  int hi = -1;
  for (char c : hex) {
    int v;
    if (c >= '0' && c <= '9') {
      v = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      v = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      v = c - 'A' + 10;
    } else if (c == ' ' || c == '\n' || c == '\t') {
      continue;
    } else {
      throw std::invalid_argument("bad hex digit");
    }
    if (hi < 0) {
      hi = v;
    } else {
      out.push_back(static_cast<uint8_t>((hi << 4) | v));
      hi = -1;
    }
  }
  if (hi >= 0) throw std::invalid_argument("odd number of hex digits");
  return out;
}

inline std::string hexString(std::string_view hex) {
  Bytes b = fromHex(hex);
  return std::string(b.begin(), b.end());
}

inline std::string toHex(std::string_view s) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

inline std::string toHex(ByteSpan b) {
  return toHex(std::string_view(reinterpret_cast<const char*>(b.data()), b.size()));
}

inline ByteSpan spanOf(std::string_view s) {
  return ByteSpan(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

// The first `n` bytes as a separate heap buffer, so AddressSanitizer catches any read past `n`.
inline Bytes prefix(const Bytes& b, size_t n) { return Bytes(b.begin(), b.begin() + n); }

// Parses every strict prefix of `full` (each in its own heap buffer, so a sanitizer sees reads
// past the end) and checks the result against `expectAt(n)`: nullopt where the prefix must be
// refused, or the shorter message the protocol allows it to mean.
template <typename T>
void checkEveryTruncation(const Bytes& full, const std::function<std::optional<T>(ByteSpan)>& parse,
                          const std::function<std::optional<T>(size_t)>& expectAt) {
  for (size_t n = 0; n < full.size(); ++n) {
    Bytes cut = prefix(full, n);
    std::optional<T> got = parse(cut);
    std::optional<T> want = expectAt(n);
    ASSERT_EQ(got.has_value(), want.has_value()) << "prefix of " << n << "/" << full.size();
    if (got) {
      EXPECT_TRUE(*got == *want) << "prefix of " << n << "/" << full.size();
    }
  }
}

// Expectation for messages where every strict prefix must be refused.
template <typename T>
std::optional<T> none(size_t) {
  return std::nullopt;
}

}  // namespace sg::protocol::test
