#include "router/sql/lexer.h"

#include <cstring>
#include <limits>

namespace sg::sql {
namespace {

bool isDigit(unsigned char c) { return c >= '0' && c <= '9'; }
bool isHexDigit(unsigned char c) {
  return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool isSpace(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
// "-- " starts a comment only when the dashes are followed by whitespace, a control character
// or the end of the text.
bool endsDashDash(unsigned char c) { return c <= ' ' || c == 0x7f; }

// Character sets that may introduce a string literal (`_utf8mb4'x'`), as in MySQL 8 / MariaDB.
bool isCharsetName(std::string_view name) {
  static constexpr std::string_view kNames[] = {
      "armscii8", "ascii",   "big5",     "binary", "cp1250",  "cp1251",  "cp1256",
      "cp1257",   "cp850",   "cp852",    "cp866",  "cp932",   "dec8",    "eucjpms",
      "euckr",    "gb18030", "gb2312",   "gbk",    "geostd8", "greek",   "hebrew",
      "hp8",      "keybcs2", "koi8r",    "koi8u",  "latin1",  "latin2",  "latin5",
      "latin7",   "macce",   "macroman", "sjis",   "swe7",    "tis620",  "ucs2",
      "ujis",     "utf16",   "utf16le",  "utf32",  "utf8",    "utf8mb3", "utf8mb4"};
  if (name.size() > 10) return false;
  char lowered[10];
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    lowered[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c | 0x20) : c;
  }
  std::string_view l(lowered, name.size());
  for (std::string_view n : kNames) {
    if (n == l) return true;
  }
  return false;
}

}  // namespace

const char* toString(TokenKind k) {
  switch (k) {
    case TokenKind::kEnd:
      return "end";
    case TokenKind::kWord:
      return "word";
    case TokenKind::kQuotedIdentifier:
      return "quoted-identifier";
    case TokenKind::kString:
      return "string";
    case TokenKind::kNumber:
      return "number";
    case TokenKind::kHexLiteral:
      return "hex";
    case TokenKind::kBitLiteral:
      return "bit";
    case TokenKind::kPlaceholder:
      return "placeholder";
    case TokenKind::kOperator:
      return "operator";
    case TokenKind::kUserVariable:
      return "user-variable";
    case TokenKind::kSystemVariable:
      return "system-variable";
    case TokenKind::kComment:
      return "comment";
  }
  return "?";
}

Lexer::Lexer(std::string_view sql) : sql_(sql) {
  if (sql.size() >= std::numeric_limits<uint32_t>::max()) {
    error_ = LexError{0, "statement too large"};
    done_ = true;
  }
}

Token Lexer::make(TokenKind kind, size_t begin, size_t end) {
  Token t;
  t.kind = kind;
  t.begin = static_cast<uint32_t>(begin);
  t.end = static_cast<uint32_t>(end);
  t.text = sql_.substr(begin, end - begin);
  pos_ = end;
  if (kind != TokenKind::kComment) {
    lastKind_ = kind;
    lastEnd_ = end;
    lastWasDot_ = kind == TokenKind::kOperator && t.text == ".";
  }
  return t;
}

Token Lexer::fail(TokenKind kind, size_t begin, const char* message) {
  error_ = LexError{static_cast<uint32_t>(begin), message};
  done_ = true;
  return make(kind, begin, sql_.size());
}

Token Lexer::next() {
  const size_t n = sql_.size();
  while (!done_) {
    while (pos_ < n && isSpace(static_cast<unsigned char>(sql_[pos_]))) ++pos_;
    if (pos_ >= n) {
      if (inExecutableComment_) {
        error_ = LexError{static_cast<uint32_t>(n), "unterminated executable comment"};
      }
      done_ = true;
      break;
    }
    const size_t b = pos_;
    const unsigned char c = static_cast<unsigned char>(sql_[b]);
    const unsigned char c1 = b + 1 < n ? static_cast<unsigned char>(sql_[b + 1]) : 0;
    if (inExecutableComment_ && c == '*' && c1 == '/') {
      inExecutableComment_ = false;
      pos_ = b + 2;
      continue;
    }
    switch (c) {
      case '#':
        return lineComment(b);
      case '-':
        if (c1 == '-' && (b + 2 >= n || endsDashDash(static_cast<unsigned char>(sql_[b + 2])))) {
          return lineComment(b);
        }
        return op(b);
      case '/':
        if (c1 == '*') {
          if (b + 2 < n &&
              (sql_[b + 2] == '!' || (sql_[b + 2] == 'M' && b + 3 < n && sql_[b + 3] == '!'))) {
            // Executable comment: skip the marker and an optional version, lex the content.
            size_t p = b + (sql_[b + 2] == '!' ? 3 : 4);
            for (int digits = 0; digits < 6 && p < n && isDigit(sql_[p]); ++digits) ++p;
            inExecutableComment_ = true;
            pos_ = p;
            continue;
          }
          return blockComment(b);
        }
        return op(b);
      case '\'':
      case '"':
        return quoted(TokenKind::kString, b, b);
      case '`':
        return quoted(TokenKind::kQuotedIdentifier, b, b);
      case '@':
        return variable(b);
      case '?': {
        Token t = make(TokenKind::kPlaceholder, b, b + 1);
        t.param = paramCount_++;
        return t;
      }
      case '.':
        if (isDigit(c1) && !lastWasDot_ &&
            !(lastEnd_ == b &&
              (lastKind_ == TokenKind::kWord || lastKind_ == TokenKind::kQuotedIdentifier))) {
          return fraction(b, b + 1);
        }
        return op(b);
      default:
        break;
    }
    if (isDigit(c)) return numberOrWord(b);
    if (isIdentChar(c)) return word(b);
    return op(b);
  }
  Token end;
  end.kind = TokenKind::kEnd;
  end.begin = end.end = static_cast<uint32_t>(std::min(pos_, n));
  end.text = sql_.substr(end.begin, 0);
  return end;
}

Token Lexer::lineComment(size_t begin) {
  size_t p = begin;
  while (p < sql_.size() && sql_[p] != '\n') ++p;
  return make(TokenKind::kComment, begin, p);
}

Token Lexer::blockComment(size_t begin) {
  size_t close = sql_.find("*/", begin + 2);
  if (close == std::string_view::npos) {
    return fail(TokenKind::kComment, begin, "unterminated comment");
  }
  return make(TokenKind::kComment, begin, close + 2);
}

// A quoted string / identifier / variable name whose opening quote is at `quoteAt`.
Token Lexer::quoted(TokenKind kind, size_t begin, size_t quoteAt) {
  const char quote = sql_[quoteAt];
  const bool escapes = quote != '`';
  const size_t n = sql_.size();
  size_t p = quoteAt + 1;
  while (p < n) {
    char ch = sql_[p];
    if (ch == '\\' && escapes) {
      p += 2;
      continue;
    }
    if (ch == quote) {
      if (p + 1 < n && sql_[p + 1] == quote) {
        p += 2;
        continue;
      }
      return make(kind, begin, p + 1);
    }
    ++p;
  }
  const char* message = kind == TokenKind::kQuotedIdentifier ? "unterminated quoted identifier"
                        : kind == TokenKind::kUserVariable   ? "unterminated quoted variable name"
                                                             : "unterminated string literal";
  return fail(kind, begin, message);
}

Token Lexer::variable(size_t begin) {
  const size_t n = sql_.size();
  size_t p = begin + 1;
  if (p < n && sql_[p] == '@') {
    ++p;
    while (p < n) {
      if (isIdentChar(sql_[p])) {
        ++p;
      } else if (sql_[p] == '.' && p + 1 < n && isIdentChar(sql_[p + 1])) {
        ++p;
      } else {
        break;
      }
    }
    return make(TokenKind::kSystemVariable, begin, p);
  }
  if (p < n && (sql_[p] == '\'' || sql_[p] == '"' || sql_[p] == '`')) {
    return quoted(TokenKind::kUserVariable, begin, p);
  }
  while (p < n && (isIdentChar(sql_[p]) || sql_[p] == '.')) ++p;
  if (p == begin + 1) return make(TokenKind::kOperator, begin, p);
  return make(TokenKind::kUserVariable, begin, p);
}

// Digits after a decimal point (at `p`), then an optional exponent.
Token Lexer::fraction(size_t begin, size_t p) {
  const size_t n = sql_.size();
  while (p < n && isDigit(sql_[p])) ++p;
  if (p < n && (sql_[p] == 'e' || sql_[p] == 'E')) {
    size_t q = p + 1;
    if (q < n && (sql_[q] == '+' || sql_[q] == '-')) ++q;
    if (q < n && isDigit(sql_[q])) {
      while (q < n && isDigit(sql_[q])) ++q;
      p = q;
    }
  }
  return make(TokenKind::kNumber, begin, p);
}

// A token starting with a digit: a number, 0x/0b literal, or an identifier such as `1abc`.
Token Lexer::numberOrWord(size_t begin) {
  const size_t n = sql_.size();
  size_t p = begin;
  while (p < n && isDigit(sql_[p])) ++p;
  size_t wordEnd = p;
  while (wordEnd < n && isIdentChar(sql_[wordEnd])) ++wordEnd;
  if (lastWasDot_ && lastEnd_ == begin) {
    // `db.1t`: after a qualifier's dot, a digit-led word is an identifier.
    return make(TokenKind::kWord, begin, wordEnd);
  }
  if (wordEnd == p) {
    if (p < n && sql_[p] == '.') return fraction(begin, p + 1);
    return make(TokenKind::kNumber, begin, p);
  }
  std::string_view w = sql_.substr(begin, wordEnd - begin);
  if (w.size() > 2 && w[0] == '0' && (w[1] == 'x')) {
    bool hex = true;
    for (size_t i = 2; i < w.size() && hex; ++i) hex = isHexDigit(w[i]);
    if (hex) return make(TokenKind::kHexLiteral, begin, wordEnd);
  }
  if (w.size() > 2 && w[0] == '0' && w[1] == 'b') {
    bool bits = true;
    for (size_t i = 2; i < w.size() && bits; ++i) bits = w[i] == '0' || w[i] == '1';
    if (bits) return make(TokenKind::kBitLiteral, begin, wordEnd);
  }
  if (sql_[p] == 'e' || sql_[p] == 'E') {
    // 1e5, 1e+5, 1E-5
    size_t q = p + 1;
    if (q == wordEnd && q + 1 < n && (sql_[q] == '+' || sql_[q] == '-') && isDigit(sql_[q + 1])) {
      q += 1;
      while (q < n && isDigit(sql_[q])) ++q;
      if (q >= n || !isIdentChar(sql_[q])) return make(TokenKind::kNumber, begin, q);
    } else if (q < wordEnd) {
      size_t r = q;
      while (r < wordEnd && isDigit(sql_[r])) ++r;
      if (r == wordEnd) return make(TokenKind::kNumber, begin, wordEnd);
    }
  }
  return make(TokenKind::kWord, begin, wordEnd);
}

Token Lexer::word(size_t begin) {
  const size_t n = sql_.size();
  const char c = sql_[begin];
  const char c1 = begin + 1 < n ? sql_[begin + 1] : '\0';
  if (c1 == '\'') {
    if (c == 'x' || c == 'X' || c == 'b' || c == 'B') {
      size_t close = sql_.find('\'', begin + 2);
      if (close == std::string_view::npos) {
        return fail(TokenKind::kHexLiteral, begin, "unterminated hex/bit literal");
      }
      return make((c == 'x' || c == 'X') ? TokenKind::kHexLiteral : TokenKind::kBitLiteral, begin,
                  close + 1);
    }
    if (c == 'n' || c == 'N') return quoted(TokenKind::kString, begin, begin + 1);
  }
  size_t p = begin + 1;
  while (p < n && isIdentChar(sql_[p])) ++p;
  std::string_view w = sql_.substr(begin, p - begin);
  if (c == '_' && isCharsetName(w.substr(1))) {
    size_t q = p;
    while (q < n && isSpace(sql_[q])) ++q;
    if (q < n && (sql_[q] == '\'' || sql_[q] == '"')) return quoted(TokenKind::kString, begin, q);
  }
  const bool afterDot = lastWasDot_ && lastEnd_ == begin;  // `t.select` names a column
  Token t = make(TokenKind::kWord, begin, p);
  if (!afterDot) t.keyword = lookupKeyword(w);
  return t;
}

Token Lexer::op(size_t begin) {
  static constexpr std::string_view kLong[] = {
      "<=>", "->>", "<=", ">=", "<>", "!=", ":=", "->", "||", "&&", "<<", ">>"};
  std::string_view rest = sql_.substr(begin, 3);
  for (std::string_view o : kLong) {
    if (rest.substr(0, o.size()) == o) return make(TokenKind::kOperator, begin, begin + o.size());
  }
  return make(TokenKind::kOperator, begin, begin + 1);
}

LexResult lex(std::string_view sql) {
  LexResult r;
  Lexer lexer(sql);
  for (Token t = lexer.next(); t.kind != TokenKind::kEnd; t = lexer.next()) r.tokens.push_back(t);
  r.error = lexer.error();
  r.paramCount = lexer.paramCount();
  return r;
}

std::string tokenValue(const Token& t) {
  std::string_view s = t.text;
  size_t q = 0;
  switch (t.kind) {
    case TokenKind::kString:
      while (q < s.size() && s[q] != '\'' && s[q] != '"') ++q;
      break;
    case TokenKind::kQuotedIdentifier:
      break;
    case TokenKind::kUserVariable:
      if (s.size() < 2 || (s[1] != '\'' && s[1] != '"' && s[1] != '`')) return std::string(s);
      q = 1;
      break;
    default:
      return std::string(s);
  }
  if (q >= s.size()) return {};
  const char quote = s[q];
  const bool escapes = quote != '`';
  std::string out;
  size_t end = s.size();
  if (end > q + 1 && s[end - 1] == quote) --end;  // unterminated tokens lack the closing quote
  out.reserve(end - q);
  for (size_t i = q + 1; i < end; ++i) {
    char ch = s[i];
    if (ch == quote && i + 1 < end && s[i + 1] == quote) {
      out.push_back(quote);
      ++i;
    } else if (ch == '\\' && escapes && i + 1 < end) {
      char e = s[++i];
      switch (e) {
        case '0':
          out.push_back('\0');
          break;
        case 'b':
          out.push_back('\b');
          break;
        case 'n':
          out.push_back('\n');
          break;
        case 'r':
          out.push_back('\r');
          break;
        case 't':
          out.push_back('\t');
          break;
        case 'Z':
          out.push_back('\x1a');
          break;
        case '%':
        case '_':
          out.push_back('\\');
          out.push_back(e);
          break;
        default:
          out.push_back(e);
          break;
      }
    } else {
      out.push_back(ch);
    }
  }
  return out;
}

}  // namespace sg::sql
