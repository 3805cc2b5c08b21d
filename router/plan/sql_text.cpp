#include "router/plan/sql_text.h"

#include <cstdint>

namespace sg::plan {

namespace {

struct Token {
  enum class Kind : uint8_t { kWord, kPlaceholder, kQuoted, kOther, kEnd };
  Kind kind = Kind::kEnd;
  std::string_view text;
};

bool isWordChar(char c) {
  auto u = static_cast<unsigned char>(c);
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '$' || u >= 0x80;
}

bool isSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// Yields the tokens of SQL text, never reading past its end (unterminated literals and comments
// run to the end).
class Scanner {
 public:
  explicit Scanner(std::string_view sql) : sql_(sql) {}

  Token next() {
    skipSpaceAndComments();
    if (pos_ >= sql_.size()) return {Token::Kind::kEnd, {}};
    size_t start = pos_;
    char c = sql_[pos_];
    if (c == '\'' || c == '"' || c == '`') {
      skipQuoted(c);
      return {Token::Kind::kQuoted, sql_.substr(start, pos_ - start)};
    }
    if (c == '?') {
      ++pos_;
      return {Token::Kind::kPlaceholder, sql_.substr(start, 1)};
    }
    if (isWordChar(c)) {
      while (pos_ < sql_.size() && isWordChar(sql_[pos_])) ++pos_;
      return {Token::Kind::kWord, sql_.substr(start, pos_ - start)};
    }
    ++pos_;
    return {Token::Kind::kOther, sql_.substr(start, 1)};
  }

 private:
  bool at(std::string_view s) const { return sql_.substr(pos_, s.size()) == s; }

  void skipSpaceAndComments() {
    while (pos_ < sql_.size()) {
      char c = sql_[pos_];
      if (isSpace(c)) {
        ++pos_;
      } else if (at("/*!") || at("/*M!")) {
        pos_ += at("/*!") ? 3 : 4;
        while (pos_ < sql_.size() && sql_[pos_] >= '0' && sql_[pos_] <= '9') ++pos_;  // version
        ++executableDepth_;
      } else if (executableDepth_ > 0 && at("*/")) {
        pos_ += 2;
        --executableDepth_;
      } else if (at("/*")) {
        size_t end = sql_.find("*/", pos_ + 2);
        pos_ = end == std::string_view::npos ? sql_.size() : end + 2;
      } else if (c == '#' || (at("--") && (pos_ + 2 >= sql_.size() || isSpace(sql_[pos_ + 2]) ||
                                           static_cast<unsigned char>(sql_[pos_ + 2]) < 0x20))) {
        size_t end = sql_.find('\n', pos_);
        pos_ = end == std::string_view::npos ? sql_.size() : end + 1;
      } else {
        return;
      }
    }
  }

  void skipQuoted(char quote) {
    ++pos_;
    while (pos_ < sql_.size()) {
      char c = sql_[pos_];
      if (c == '\\' && quote != '`') {
        pos_ += 2;
      } else if (c == quote) {
        if (pos_ + 1 < sql_.size() && sql_[pos_ + 1] == quote) {
          pos_ += 2;  // doubled quote
        } else {
          ++pos_;
          return;
        }
      } else {
        ++pos_;
      }
    }
    if (pos_ > sql_.size()) pos_ = sql_.size();
  }

  std::string_view sql_;
  size_t pos_ = 0;
  int executableDepth_ = 0;
};

std::string upper(std::string_view word) {
  std::string out(word);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

bool isWord(const Token& t, std::string_view upperWord) {
  if (t.kind != Token::Kind::kWord || t.text.size() != upperWord.size()) return false;
  return upper(t.text) == upperWord;
}

}  // namespace

size_t countPlaceholders(std::string_view sql) {
  Scanner scanner(sql);
  size_t count = 0;
  for (Token t = scanner.next(); t.kind != Token::Kind::kEnd; t = scanner.next()) {
    if (t.kind == Token::Kind::kPlaceholder) ++count;
  }
  return count;
}

std::string firstKeyword(std::string_view sql) {
  Scanner scanner(sql);
  for (Token t = scanner.next(); t.kind != Token::Kind::kEnd; t = scanner.next()) {
    if (t.kind == Token::Kind::kWord) return upper(t.text);
    if (t.kind != Token::Kind::kOther || t.text != "(") return "";
  }
  return "";
}

bool hasOuterJoin(std::string_view sql) {
  Scanner scanner(sql);
  Token previous;    // the token before `current`
  Token beforeThat;  // and the one before it
  for (Token t = scanner.next(); t.kind != Token::Kind::kEnd; t = scanner.next()) {
    if (isWord(t, "JOIN")) {
      const Token& side = isWord(previous, "OUTER") ? beforeThat : previous;
      if (isWord(side, "LEFT") || isWord(side, "RIGHT")) return true;
    }
    beforeThat = previous;
    previous = t;
  }
  return false;
}

}  // namespace sg::plan
