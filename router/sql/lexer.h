#pragma once
// Splits SQL text into tokens by MySQL/MariaDB lexical rules, in one pass and without copying:
// every token is a view into the caller's text plus its byte offsets. Executable comments
// (`/*! ... */`, `/*!50700 ... */`, `/*M! ... */`) are not tokens: their content is lexed as SQL.
// Never throws; text it cannot lex ends the token stream with an error.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "router/sql/keywords.h"

namespace sg::sql {

enum class TokenKind : uint8_t {
  kEnd,               // end of input, or where lexing stopped on an error
  kWord,              // keyword or unquoted identifier (Token::keyword says which keyword)
  kQuotedIdentifier,  // `name` (`` doubles a backquote)
  kString,            // 'x', "x", N'x', _utf8mb4'x' (introducer and prefix included in text)
  kNumber,            // 42, 1.5, .5, 1e-3, 2.
  kHexLiteral,        // X'0F', 0x0F
  kBitLiteral,        // b'01', 0b01
  kPlaceholder,       // ? (Token::param is its 0-based index)
  kOperator,          // ( ) , ; . = < <=> := -> ->> != <> || && << >> + - * / % ...
  kUserVariable,      // @x, @'x y', @"x", @`x`
  kSystemVariable,    // @@x, @@session.x, @@global.x, @@local.x
  kComment,           // /* ... */, /*+ optimizer hints */, -- ..., # ...
};

const char* toString(TokenKind k);

// One token: its kind, the keyword it spells (for bare words), and where it is in the text.
struct Token {
  TokenKind kind = TokenKind::kEnd;
  Keyword keyword = Keyword::kNone;  // kWord only
  uint32_t begin = 0;                // offset of the first byte in the SQL text
  uint32_t end = 0;                  // offset just past the last byte
  uint32_t param = 0;                // kPlaceholder: 0-based index
  std::string_view text;             // the bytes [begin, end) of the SQL text

  bool is(Keyword k) const { return keyword == k && kind == TokenKind::kWord; }
  bool isOp(char c) const {
    return kind == TokenKind::kOperator && text.size() == 1 && text[0] == c;
  }
  bool isOp(std::string_view op) const { return kind == TokenKind::kOperator && text == op; }
};

// Why and where lexing stopped.
struct LexError {
  uint32_t offset = 0;       // where the offending token starts
  const char* message = "";  // static text, e.g. "unterminated string literal"
};

// Pull lexer over one statement's text: call next() until it returns a kEnd token. Placeholders
// are numbered as they are met; the first unlexable construct sets error() and ends the stream.
class Lexer {
 public:
  explicit Lexer(std::string_view sql);

  Token next();
  const std::optional<LexError>& error() const { return error_; }
  uint32_t paramCount() const { return paramCount_; }

 private:
  Token make(TokenKind kind, size_t begin, size_t end);
  Token fail(TokenKind kind, size_t begin, const char* message);
  Token lineComment(size_t begin);
  Token blockComment(size_t begin);
  Token quoted(TokenKind kind, size_t begin, size_t quoteAt);
  Token variable(size_t begin);
  Token numberOrWord(size_t begin);
  Token fraction(size_t begin, size_t p);
  Token word(size_t begin);
  Token op(size_t begin);

  std::string_view sql_;
  size_t pos_ = 0;
  bool inExecutableComment_ = false;
  bool done_ = false;
  uint32_t paramCount_ = 0;
  TokenKind lastKind_ = TokenKind::kEnd;
  size_t lastEnd_ = 0;
  bool lastWasDot_ = false;
  std::optional<LexError> error_;
};

// Everything lex() found in one text.
struct LexResult {
  std::vector<Token> tokens;  // without the final kEnd token
  std::optional<LexError> error;
  uint32_t paramCount = 0;
};

// Convenience: the whole token list (comments included).
LexResult lex(std::string_view sql);

// The value of a kString token (prefix/introducer dropped, backslash escapes and doubled quotes
// resolved), the name inside a kQuotedIdentifier, or the name of a quoted kUserVariable
// (without the '@'). Other tokens: their text.
std::string tokenValue(const Token& t);

namespace detail {
struct IdentCharTable {
  bool ident[256] = {};
  constexpr IdentCharTable() {
    for (int c = 0; c < 256; ++c) {
      ident[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '_' || c == '$' || c >= 0x80;
    }
  }
};
inline constexpr IdentCharTable kIdentChars{};
}  // namespace detail

// True if `c` may appear in an unquoted identifier (letters, digits, '_', '$', bytes >= 0x80).
inline bool isIdentChar(unsigned char c) { return detail::kIdentChars.ident[c]; }

}  // namespace sg::sql
