// The lexer, table-driven: every token kind, every comment style, quoting, literals, operators,
// executable comments, offsets and unterminated input.

#include "router/sql/lexer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sg::sql {
namespace {

using K = TokenKind;

struct Expected {
  TokenKind kind;
  std::string text;
  bool operator==(const Expected&) const = default;
};

void PrintTo(const Expected& e, std::ostream* os) { *os << toString(e.kind) << ":" << e.text; }

struct LexCase {
  std::string sql;
  std::vector<Expected> tokens;
};

void PrintTo(const LexCase& c, std::ostream* os) { *os << c.sql; }

std::vector<Expected> tokensOf(const LexResult& r) {
  std::vector<Expected> out;
  for (const Token& t : r.tokens) out.push_back({t.kind, std::string(t.text)});
  return out;
}

class LexerTable : public ::testing::TestWithParam<LexCase> {};

TEST_P(LexerTable, Tokens) {
  const LexCase& c = GetParam();
  LexResult r = lex(c.sql);
  EXPECT_FALSE(r.error.has_value()) << (r.error ? r.error->message : "");
  EXPECT_EQ(tokensOf(r), c.tokens);
  for (const Token& t : r.tokens) {  // offsets always point at the token's bytes
    ASSERT_LE(t.begin, t.end);
    ASSERT_LE(t.end, c.sql.size());
    EXPECT_EQ(c.sql.substr(t.begin, t.end - t.begin), t.text);
  }
}

// clang-format off
const LexCase kLexCases[] = {
    // words, keywords, identifiers
    {"SELECT a FROM t", {{K::kWord, "SELECT"}, {K::kWord, "a"}, {K::kWord, "FROM"}, {K::kWord, "t"}}},
    {"select_x $a a$b _c é", {{K::kWord, "select_x"}, {K::kWord, "$a"}, {K::kWord, "a$b"}, {K::kWord, "_c"}, {K::kWord, "é"}}},
    {"1abc 2e 0xZZ 0b12", {{K::kWord, "1abc"}, {K::kWord, "2e"}, {K::kWord, "0xZZ"}, {K::kWord, "0b12"}}},
    {"db.1t", {{K::kWord, "db"}, {K::kOperator, "."}, {K::kWord, "1t"}}},
    // quoted identifiers
    {"`a`", {{K::kQuotedIdentifier, "`a`"}}},
    {"`a``b` `x y`", {{K::kQuotedIdentifier, "`a``b`"}, {K::kQuotedIdentifier, "`x y`"}}},
    {"`db`.`t`", {{K::kQuotedIdentifier, "`db`"}, {K::kOperator, "."}, {K::kQuotedIdentifier, "`t`"}}},
    {"`a\\`", {{K::kQuotedIdentifier, "`a\\`"}}},
    // strings
    {"'abc'", {{K::kString, "'abc'"}}},
    {"'a\\'b'", {{K::kString, "'a\\'b'"}}},
    {"'it''s'", {{K::kString, "'it''s'"}}},
    {"\"a\"\"b\"", {{K::kString, "\"a\"\"b\""}}},
    {"\"a\\\"b\"", {{K::kString, "\"a\\\"b\""}}},
    {"'a\\\\' 'b'", {{K::kString, "'a\\\\'"}, {K::kString, "'b'"}}},
    {"'' \"\"", {{K::kString, "''"}, {K::kString, "\"\""}}},
    {"'a' 'b' \"c\"", {{K::kString, "'a'"}, {K::kString, "'b'"}, {K::kString, "\"c\""}}},
    {"N'x' n'y'", {{K::kString, "N'x'"}, {K::kString, "n'y'"}}},
    {"_utf8mb4'x' _latin1 'y' _binary\"z\"", {{K::kString, "_utf8mb4'x'"}, {K::kString, "_latin1 'y'"}, {K::kString, "_binary\"z\""}}},
    {"_notacharset 'x'", {{K::kWord, "_notacharset"}, {K::kString, "'x'"}}},
    {"'multi\nline'", {{K::kString, "'multi\nline'"}}},
    {"'/* not a comment */'", {{K::kString, "'/* not a comment */'"}}},
    // numbers
    {"42 0 007", {{K::kNumber, "42"}, {K::kNumber, "0"}, {K::kNumber, "007"}}},
    {"1.5 .5 2. 1e10 1E-3 1.5e+7 3e5", {{K::kNumber, "1.5"}, {K::kNumber, ".5"}, {K::kNumber, "2."}, {K::kNumber, "1e10"}, {K::kNumber, "1E-3"}, {K::kNumber, "1.5e+7"}, {K::kNumber, "3e5"}}},
    {"-5", {{K::kOperator, "-"}, {K::kNumber, "5"}}},
    {"99999999999999999999999", {{K::kNumber, "99999999999999999999999"}}},
    {"t.5", {{K::kWord, "t"}, {K::kOperator, "."}, {K::kWord, "5"}}},
    // hex and bit literals
    {"X'0F' x'ab' 0x0F 0xDEADbeef", {{K::kHexLiteral, "X'0F'"}, {K::kHexLiteral, "x'ab'"}, {K::kHexLiteral, "0x0F"}, {K::kHexLiteral, "0xDEADbeef"}}},
    {"b'01' B'1' 0b0101", {{K::kBitLiteral, "b'01'"}, {K::kBitLiteral, "B'1'"}, {K::kBitLiteral, "0b0101"}}},
    {"0X0F", {{K::kWord, "0X0F"}}},
    // placeholders
    {"? ?,?", {{K::kPlaceholder, "?"}, {K::kPlaceholder, "?"}, {K::kOperator, ","}, {K::kPlaceholder, "?"}}},
    // variables
    {"@a @a.b @_x$", {{K::kUserVariable, "@a"}, {K::kUserVariable, "@a.b"}, {K::kUserVariable, "@_x$"}}},
    {"@'my var' @\"v\" @`w`", {{K::kUserVariable, "@'my var'"}, {K::kUserVariable, "@\"v\""}, {K::kUserVariable, "@`w`"}}},
    {"@@sql_mode @@session.sql_mode @@GLOBAL.x @@local.y", {{K::kSystemVariable, "@@sql_mode"}, {K::kSystemVariable, "@@session.sql_mode"}, {K::kSystemVariable, "@@GLOBAL.x"}, {K::kSystemVariable, "@@local.y"}}},
    {"@@x.", {{K::kSystemVariable, "@@x"}, {K::kOperator, "."}}},
    {"@ x", {{K::kOperator, "@"}, {K::kWord, "x"}}},
    // operators
    {"<=> <= >= <> != := -> ->> || && << >>", {{K::kOperator, "<=>"}, {K::kOperator, "<="}, {K::kOperator, ">="}, {K::kOperator, "<>"}, {K::kOperator, "!="}, {K::kOperator, ":="}, {K::kOperator, "->"}, {K::kOperator, "->>"}, {K::kOperator, "||"}, {K::kOperator, "&&"}, {K::kOperator, "<<"}, {K::kOperator, ">>"}}},
    {"a<=>b", {{K::kWord, "a"}, {K::kOperator, "<=>"}, {K::kWord, "b"}}},
    {"(),;.=<>!+-*/%^&|~{}:", {{K::kOperator, "("}, {K::kOperator, ")"}, {K::kOperator, ","},  {K::kOperator, ";"}, {K::kOperator, "."}, {K::kOperator, "="}, {K::kOperator, "<>"}, {K::kOperator, "!"}, {K::kOperator, "+"}, {K::kOperator, "-"}, {K::kOperator, "*"},  {K::kOperator, "/"}, {K::kOperator, "%"}, {K::kOperator, "^"}, {K::kOperator, "&"},  {K::kOperator, "|"}, {K::kOperator, "~"}, {K::kOperator, "{"}, {K::kOperator, "}"},  {K::kOperator, ":"}}},
    {"c->'$.a'", {{K::kWord, "c"}, {K::kOperator, "->"}, {K::kString, "'$.a'"}}},
    // comments
    {"/* c */ a", {{K::kComment, "/* c */"}, {K::kWord, "a"}}},
    {"a/**/b", {{K::kWord, "a"}, {K::kComment, "/**/"}, {K::kWord, "b"}}},
    {"/* multi\nline */", {{K::kComment, "/* multi\nline */"}}},
    {"/*/ x */", {{K::kComment, "/*/ x */"}}},
    {"/*+ BKA(t) */ x", {{K::kComment, "/*+ BKA(t) */"}, {K::kWord, "x"}}},
    {"a # rest\nb", {{K::kWord, "a"}, {K::kComment, "# rest"}, {K::kWord, "b"}}},
    {"a -- rest\nb", {{K::kWord, "a"}, {K::kComment, "-- rest"}, {K::kWord, "b"}}},
    {"a --\tb", {{K::kWord, "a"}, {K::kComment, "--\tb"}}},
    {"a --", {{K::kWord, "a"}, {K::kComment, "--"}}},
    {"a --\nb", {{K::kWord, "a"}, {K::kComment, "--"}, {K::kWord, "b"}}},
    {"5--1", {{K::kNumber, "5"}, {K::kOperator, "-"}, {K::kOperator, "-"}, {K::kNumber, "1"}}},
    {"a --b", {{K::kWord, "a"}, {K::kOperator, "-"}, {K::kOperator, "-"}, {K::kWord, "b"}}},
    {"#", {{K::kComment, "#"}}},
    // executable comments: their content is SQL
    {"/*! SELECT */ 1", {{K::kWord, "SELECT"}, {K::kNumber, "1"}}},
    {"/*!50700 a b */", {{K::kWord, "a"}, {K::kWord, "b"}}},
    {"/*!40101 SET NAMES utf8 */;", {{K::kWord, "SET"}, {K::kWord, "NAMES"}, {K::kWord, "utf8"}, {K::kOperator, ";"}}},
    {"/*M!100100 x*/y", {{K::kWord, "x"}, {K::kWord, "y"}}},
    {"/*!STRAIGHT_JOIN*/", {{K::kWord, "STRAIGHT_JOIN"}}},
    {"/*! a /* c */ b */", {{K::kWord, "a"}, {K::kComment, "/* c */"}, {K::kWord, "b"}}},
    {"/*!'*/'*/", {{K::kString, "'*/'"}}},
    // whitespace only
    {"", {}},
    {" \t\r\n\f\v ", {}},
};
// clang-format on

INSTANTIATE_TEST_SUITE_P(Lexer, LexerTable, ::testing::ValuesIn(kLexCases));

TEST(Lexer, KeywordsAreCaseInsensitive) {
  for (std::string_view w : {"select", "SELECT", "SeLeCt"}) {
    LexResult r = lex(w);
    ASSERT_EQ(r.tokens.size(), 1u);
    EXPECT_EQ(r.tokens[0].keyword, Keyword::kSelect) << w;
  }
  EXPECT_EQ(lex("selects").tokens[0].keyword, Keyword::kNone);
  EXPECT_EQ(lex("`select`").tokens[0].keyword, Keyword::kNone);
  EXPECT_EQ(lex("group_concat").tokens[0].keyword, Keyword::kGroupConcat);
  EXPECT_EQ(lex("t.select").tokens[2].keyword, Keyword::kNone);  // after a qualifier's dot
}

TEST(Lexer, KeywordTableRoundTrips) {
  for (int i = 1; i < static_cast<int>(Keyword::kNumKeywords); ++i) {
    auto k = static_cast<Keyword>(i);
    std::string upper(keywordSpelling(k));
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    EXPECT_EQ(lookupKeyword(keywordSpelling(k)), k) << keywordSpelling(k);
    EXPECT_EQ(lookupKeyword(upper), k) << upper;
  }
  EXPECT_TRUE(isReserved(Keyword::kWhere));
  EXPECT_FALSE(isReserved(Keyword::kBegin));
  EXPECT_TRUE(isAggregate(Keyword::kCount));
  EXPECT_FALSE(isAggregate(Keyword::kSelect));
  EXPECT_EQ(lookupKeyword(""), Keyword::kNone);
  EXPECT_EQ(lookupKeyword("averyveryveryverylongidentifiername"), Keyword::kNone);
}

TEST(Lexer, PlaceholdersAreNumberedInOrder) {
  LexResult r = lex("SELECT ? FROM t WHERE a = ? /* ? */ AND b IN (?, '?', ?)");
  std::vector<uint32_t> params;
  for (const Token& t : r.tokens) {
    if (t.kind == TokenKind::kPlaceholder) params.push_back(t.param);
  }
  EXPECT_EQ(params, (std::vector<uint32_t>{0, 1, 2, 3}));
  EXPECT_EQ(r.paramCount, 4u);
}

TEST(Lexer, OffsetsPointIntoTheOriginalText) {
  const std::string sql = "  SELECT /* c */ `a b`, 'x''y' FROM t -- end";
  LexResult r = lex(sql);
  ASSERT_EQ(r.tokens.size(), 8u);
  EXPECT_EQ(r.tokens[0].begin, 2u);
  EXPECT_EQ(r.tokens[0].end, 8u);
  EXPECT_EQ(r.tokens[1].begin, 9u);  // /* c */
  EXPECT_EQ(r.tokens[1].end, 16u);
  EXPECT_EQ(r.tokens[2].begin, 17u);  // `a b`
  EXPECT_EQ(r.tokens[2].end, 22u);
  EXPECT_EQ(r.tokens[4].text, "'x''y'");
  EXPECT_EQ(r.tokens[4].begin, 24u);
  EXPECT_EQ(r.tokens[7].text, "-- end");
  EXPECT_EQ(r.tokens[7].end, sql.size());
  EXPECT_EQ(r.tokens[0].text.data(), sql.data() + 2);  // views, not copies
}

TEST(Lexer, ExecutableCommentContentKeepsItsOffsets) {
  const std::string sql = "/*!50700 SELECT 1 */";
  LexResult r = lex(sql);
  ASSERT_EQ(r.tokens.size(), 2u);
  EXPECT_EQ(r.tokens[0].begin, 9u);
  EXPECT_EQ(r.tokens[1].begin, 16u);
}

struct ErrorCase {
  std::string sql;
  std::string message;
  uint32_t offset;
};

void PrintTo(const ErrorCase& c, std::ostream* os) { *os << c.sql; }

class LexerErrors : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(LexerErrors, Reported) {
  const ErrorCase& c = GetParam();
  LexResult r = lex(c.sql);
  ASSERT_TRUE(r.error.has_value());
  EXPECT_EQ(r.error->message, c.message);
  EXPECT_EQ(r.error->offset, c.offset);
  for (const Token& t : r.tokens) EXPECT_LE(t.end, c.sql.size());
}

// clang-format off
const ErrorCase kErrorCases[] = {
    {"SELECT 'abc", "unterminated string literal", 7},
    {"SELECT 'a\\'", "unterminated string literal", 7},
    {"SELECT 'it''", "unterminated string literal", 7},
    {"SELECT \"abc", "unterminated string literal", 7},
    {"SELECT N'abc", "unterminated string literal", 7},
    {"SELECT _utf8mb4'abc", "unterminated string literal", 7},
    {"SELECT `abc", "unterminated quoted identifier", 7},
    {"SELECT `a``", "unterminated quoted identifier", 7},
    {"SELECT 1 /* abc", "unterminated comment", 9},
    {"SELECT 1 /*", "unterminated comment", 9},
    {"SELECT 1 /*+ hint", "unterminated comment", 9},
    {"/*! SELECT 1", "unterminated executable comment", 12},
    {"/*!50700 SELECT 1 *", "unterminated executable comment", 19},
    {"SELECT X'0F", "unterminated hex/bit literal", 7},
    {"SELECT b'01", "unterminated hex/bit literal", 7},
    {"SET @'abc = 1", "unterminated quoted variable name", 4},
    {"SELECT '", "unterminated string literal", 7},
    {"'", "unterminated string literal", 0},
    {"`", "unterminated quoted identifier", 0},
};
// clang-format on

INSTANTIATE_TEST_SUITE_P(Lexer, LexerErrors, ::testing::ValuesIn(kErrorCases));

TEST(Lexer, StopsAtTheFirstError) {
  LexResult r = lex("SELECT 'abc FROM t");
  ASSERT_EQ(r.tokens.size(), 2u);
  EXPECT_EQ(r.tokens[1].kind, TokenKind::kString);
  EXPECT_EQ(r.tokens[1].text, "'abc FROM t");
}

TEST(Lexer, PullInterfaceEndsWithEndTokens) {
  Lexer lexer("a b");
  EXPECT_EQ(lexer.next().text, "a");
  EXPECT_EQ(lexer.next().text, "b");
  Token end = lexer.next();
  EXPECT_EQ(end.kind, TokenKind::kEnd);
  EXPECT_EQ(end.begin, 3u);
  EXPECT_EQ(lexer.next().kind, TokenKind::kEnd);
  EXPECT_FALSE(lexer.error().has_value());
}

TEST(Lexer, TokenValueResolvesQuotingAndEscapes) {
  struct ValueCase {
    std::string sql;
    std::string value;
  };
  const ValueCase cases[] = {
      {"'abc'", "abc"},
      {"'a\\'b'", "a'b"},
      {"'it''s'", "it's"},
      {"\"a\"\"b\"", "a\"b"},
      {"'\\\\0\\0\\n\\t\\r\\b\\Z'", std::string("\\0") + std::string(1, '\0') + "\n\t\r\b\x1a"},
      {"'\\%\\_\\q'", "\\%\\_q"},
      {"_utf8mb4'x'", "x"},
      {"_latin1 'y'", "y"},
      {"N'z'", "z"},
      {"''", ""},
      {"`a``b`", "a`b"},
      {"`a\\b`", "a\\b"},
      {"@'my var'", "my var"},
      {"@plain", "@plain"},
      {"abc", "abc"},
  };
  for (const ValueCase& c : cases) {
    LexResult r = lex(c.sql);
    ASSERT_EQ(r.tokens.size(), 1u) << c.sql;
    EXPECT_EQ(tokenValue(r.tokens[0]), c.value) << c.sql;
  }
}

TEST(Lexer, TokenKindNames) {
  EXPECT_STREQ(toString(TokenKind::kWord), "word");
  EXPECT_STREQ(toString(TokenKind::kSystemVariable), "system-variable");
}

}  // namespace
}  // namespace sg::sql
