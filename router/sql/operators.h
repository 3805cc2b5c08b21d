#pragma once
// MySQL's operator table as the expression parser needs it: which token (pair) is an infix
// operator, its precedence, and a few keyword classes (interval units, clause keywords that end
// an expression). Internal to sg_sql.

#include <cstdint>
#include <string_view>

#include "router/sql/lexer.h"
#include "router/sql/statement.h"

namespace sg::sql {

// MySQL operator precedence, lowest first.
constexpr int kPrecAssign = 1;  // :=
constexpr int kPrecOr = 2;      // OR ||
constexpr int kPrecXor = 3;     // XOR
constexpr int kPrecAnd = 4;     // AND &&
constexpr int kPrecNot = 5;     // NOT
constexpr int kPrecBetween = 6;
constexpr int kPrecCompare = 7;   // = <=> >= > <= < <> != IS LIKE REGEXP IN MEMBER OF
constexpr int kPrecBitOr = 8;     // |
constexpr int kPrecBitAnd = 9;    // &
constexpr int kPrecShift = 10;    // << >>
constexpr int kPrecAdd = 11;      // + -
constexpr int kPrecMul = 12;      // * / DIV % MOD
constexpr int kPrecBitXor = 13;   // ^
constexpr int kPrecUnary = 14;    // unary - ~
constexpr int kPrecBang = 15;     // !
constexpr int kPrecCollate = 16;  // COLLATE, BINARY
constexpr int kPrecJson = 17;     // -> ->>

enum class Infix : uint8_t {
  kNone,
  kAssign,
  kOr,
  kXor,
  kAnd,
  kBetween,
  kCompare,
  kIs,
  kIn,
  kLike,
  kMember,
  kArith,
  kCollate,
  kJson,
};

// An infix operator found at the cursor: what it is, how tightly it binds, how many tokens it
// spans, and for comparisons which one.
struct InfixOp {
  Infix kind = Infix::kNone;
  int prec = 0;
  int width = 1;  // tokens the operator spans (NOT IN, SOUNDS LIKE, MEMBER OF: 2)
  CompareOp op = CompareOp::kEq;
  bool negated = false;
};

// The infix operator starting at `t` (`next` is the token after it), or kNone.
InfixOp infixAt(const Token& t, const Token& next);

// DAY, HOUR_MINUTE, ... (any case).
bool isIntervalUnit(std::string_view word);

// Keywords that end an expression even when a '(' follows (they start the next clause).
bool endsExpression(Keyword k);

}  // namespace sg::sql
