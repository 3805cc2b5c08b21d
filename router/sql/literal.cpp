#include "router/sql/literal.h"

#include <limits>

namespace sg::sql {

bool parsePlainInt(std::string_view s, int64_t& out) {
  bool negative = false;
  size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) {
    negative = s[i] == '-';
    ++i;
  }
  if (i == s.size()) return false;
  uint64_t magnitude = 0;
  constexpr uint64_t kLimit = static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) + 1;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c < '0' || c > '9') return false;
    uint64_t digit = static_cast<uint64_t>(c - '0');
    if (magnitude > (kLimit - digit) / 10) return false;
    magnitude = magnitude * 10 + digit;
  }
  if (negative) {
    out = magnitude == kLimit ? std::numeric_limits<int64_t>::min()
                              : -static_cast<int64_t>(magnitude);
    return true;
  }
  if (magnitude == kLimit) return false;
  out = static_cast<int64_t>(magnitude);
  return true;
}

Value numberValue(std::string_view number, bool negative, std::string_view written) {
  Value v;
  v.text = std::string(written);
  int64_t i = 0;
  bool digitsOnly = !number.empty() && number[0] != '-' && number[0] != '+';
  if (digitsOnly && parsePlainInt(number, i)) {
    if (!negative) {
      v.kind = Value::Kind::kInt;
      v.i = i;
      return v;
    }
    v.kind = Value::Kind::kInt;
    v.i = -i;
    return v;
  }
  if (digitsOnly && negative && number == "9223372036854775808") {
    v.kind = Value::Kind::kInt;
    v.i = std::numeric_limits<int64_t>::min();
    return v;
  }
  v.kind = Value::Kind::kOther;
  return v;
}

Value stringValue(std::string content, std::string_view written) {
  Value v;
  v.text = std::string(written);
  int64_t i = 0;
  if (parsePlainInt(content, i)) {
    v.kind = Value::Kind::kInt;
    v.i = i;
  } else {
    v.kind = Value::Kind::kOther;
  }
  v.stringValue = std::move(content);
  return v;
}

Value otherValue(std::string_view written) {
  Value v;
  v.kind = Value::Kind::kOther;
  v.text = std::string(written);
  return v;
}

std::string quoteString(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out.push_back('\'');
  for (char c : text) {
    if (c == '\'' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('\'');
  return out;
}

}  // namespace sg::sql
