#include "router/net/kill_statement.h"

#include <cctype>
#include <charconv>

namespace sg::net {

namespace {

// Skips whitespace and comments: `/* */`, `#`, `-- `. The markers of an executable comment
// (`/*!`, `/*!50700`, and its `*/`) are skipped too, since its content is SQL.
void skipSpace(std::string_view s, size_t& i) {
  for (;;) {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    if (s.compare(i, 3, "/*!") == 0) {
      i += 3;
      while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
    } else if (s.compare(i, 2, "*/") == 0) {
      i += 2;
    } else if (s.compare(i, 2, "/*") == 0) {
      size_t end = s.find("*/", i + 2);
      i = end == std::string_view::npos ? s.size() : end + 2;
    } else if (i < s.size() && s[i] == '#') {
      size_t end = s.find('\n', i);
      i = end == std::string_view::npos ? s.size() : end + 1;
    } else if (s.compare(i, 2, "--") == 0 &&
               (i + 2 == s.size() || std::isspace(static_cast<unsigned char>(s[i + 2])))) {
      size_t end = s.find('\n', i);
      i = end == std::string_view::npos ? s.size() : end + 1;
    } else {
      return;
    }
  }
}

std::string_view word(std::string_view s, size_t& i) {
  skipSpace(s, i);
  size_t start = i;
  while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '_')) ++i;
  return s.substr(start, i - start);
}

bool is(std::string_view w, std::string_view keyword) {
  if (w.size() != keyword.size()) return false;
  for (size_t k = 0; k < w.size(); ++k) {
    if (std::toupper(static_cast<unsigned char>(w[k])) != keyword[k]) return false;
  }
  return true;
}

}  // namespace

KillParse parseKill(std::string_view sql, KillStatement& out) {
  size_t i = 0;
  if (!is(word(sql, i), "KILL")) return KillParse::kNotKill;
  size_t mark = i;
  std::string_view w = word(sql, i);
  if (is(w, "HARD") || is(w, "SOFT")) {
    mark = i;
    w = word(sql, i);
  }
  out = {};
  if (is(w, "QUERY")) {
    out.queryOnly = true;
    mark = i;
    w = word(sql, i);
    if (is(w, "ID")) return KillParse::kUnsupported;
  } else if (is(w, "CONNECTION")) {
    mark = i;
    w = word(sql, i);
  } else if (is(w, "USER")) {
    return KillParse::kUnsupported;
  }
  i = mark;
  w = word(sql, i);
  if (w.empty() || !std::isdigit(static_cast<unsigned char>(w[0]))) return KillParse::kUnsupported;
  auto [ptr, ec] = std::from_chars(w.data(), w.data() + w.size(), out.id);
  if (ec != std::errc() || ptr != w.data() + w.size()) return KillParse::kUnsupported;
  skipSpace(sql, i);
  if (i < sql.size() && sql[i] == ';') ++i;
  skipSpace(sql, i);
  return i == sql.size() ? KillParse::kKill : KillParse::kUnsupported;
}

}  // namespace sg::net
