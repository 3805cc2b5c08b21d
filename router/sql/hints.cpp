#include "router/sql/hints.h"

#include "router/sql/literal.h"

namespace sg::sql {
namespace {

constexpr std::string_view kPrefix = "shardgate:";

bool isBlank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x | 0x20);
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y | 0x20);
    if (x != y) return false;
  }
  return true;
}

bool isNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-' || c == '.';
}

std::string_view commentBody(std::string_view c) {
  if (c.size() >= 2 && c[0] == '/' && c[1] == '*') {
    c.remove_prefix(2);
    if (c.size() >= 2 && c.substr(c.size() - 2) == "*/") c.remove_suffix(2);
    return c;
  }
  if (c.size() >= 2 && c[0] == '-' && c[1] == '-') return c.substr(2);
  if (!c.empty() && c[0] == '#') return c.substr(1);
  return c;
}

}  // namespace

HintResult parseHintComment(std::string_view comment, Hints& hints, std::string& error) {
  std::string_view s = commentBody(comment);
  size_t p = 0;
  while (p < s.size() && isBlank(s[p])) ++p;
  if (s.size() - p < kPrefix.size() || !iequals(s.substr(p, kPrefix.size()), kPrefix)) {
    return HintResult::kNotAHint;
  }
  p += kPrefix.size();
  auto fail = [&](std::string message) {
    error = "malformed shardgate hint '" + std::string(comment) + "': " + std::move(message);
    return HintResult::kMalformed;
  };
  int options = 0;
  for (;;) {
    while (p < s.size() && (isBlank(s[p]) || s[p] == ',')) ++p;
    if (p >= s.size()) break;
    size_t keyBegin = p;
    while (p < s.size() && isNameChar(s[p])) ++p;
    std::string_view key = s.substr(keyBegin, p - keyBegin);
    if (key.empty()) return fail("unexpected '" + std::string(1, s[p]) + "'");
    size_t q = p;
    while (q < s.size() && isBlank(s[q])) ++q;
    std::string_view value;
    bool hasValue = q < s.size() && s[q] == '=';
    if (hasValue) {
      ++q;
      while (q < s.size() && isBlank(s[q])) ++q;
      size_t valueBegin = q;
      while (q < s.size() && isNameChar(s[q])) ++q;
      value = s.substr(valueBegin, q - valueBegin);
      p = q;
    }
    ++options;
    if (iequals(key, "shard")) {
      if (value.empty()) return fail("'shard' needs a shard name (shard=NAME)");
      hints.shard = std::string(value);
    } else if (iequals(key, "master")) {
      if (hasValue) return fail("'master' takes no value");
      hints.master = true;
    } else if (iequals(key, "max_lag_ms")) {
      int64_t ms = 0;
      if (value.empty() || !parsePlainInt(value, ms) || value[0] == '-' || value[0] == '+') {
        return fail("'max_lag_ms' needs a non-negative integer (max_lag_ms=N)");
      }
      hints.maxLagMs = ms;
    } else {
      return fail("unknown option '" + std::string(key) + "'");
    }
  }
  if (options == 0) return fail("no options");
  return HintResult::kApplied;
}

}  // namespace sg::sql
