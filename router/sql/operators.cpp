#include "router/sql/operators.h"

namespace sg::sql {

InfixOp infixAt(const Token& t, const Token& next) {
  if (t.kind == TokenKind::kOperator) {
    std::string_view s = t.text;
    if (s.size() == 1) {
      switch (s[0]) {
        case '=':
          return {Infix::kCompare, kPrecCompare, 1, CompareOp::kEq};
        case '<':
          return {Infix::kCompare, kPrecCompare, 1, CompareOp::kLt};
        case '>':
          return {Infix::kCompare, kPrecCompare, 1, CompareOp::kGt};
        case '|':
          return {Infix::kArith, kPrecBitOr};
        case '&':
          return {Infix::kArith, kPrecBitAnd};
        case '+':
        case '-':
          return {Infix::kArith, kPrecAdd};
        case '*':
        case '/':
        case '%':
          return {Infix::kArith, kPrecMul};
        case '^':
          return {Infix::kArith, kPrecBitXor};
        default:
          return {};
      }
    }
    if (s == "<=") return {Infix::kCompare, kPrecCompare, 1, CompareOp::kLe};
    if (s == ">=") return {Infix::kCompare, kPrecCompare, 1, CompareOp::kGe};
    if (s == "<>" || s == "!=") return {Infix::kCompare, kPrecCompare, 1, CompareOp::kNe};
    if (s == "<=>") return {Infix::kCompare, kPrecCompare, 1, CompareOp::kNullSafeEq};
    if (s == "||") return {Infix::kOr, kPrecOr};
    if (s == "&&") return {Infix::kAnd, kPrecAnd};
    if (s == "<<" || s == ">>") return {Infix::kArith, kPrecShift};
    if (s == "->" || s == "->>") return {Infix::kJson, kPrecJson};
    if (s == ":=") return {Infix::kAssign, kPrecAssign};
    return {};
  }
  if (t.kind != TokenKind::kWord) return {};
  switch (t.keyword) {
    case Keyword::kOr:
      return {Infix::kOr, kPrecOr};
    case Keyword::kXor:
      return {Infix::kXor, kPrecXor};
    case Keyword::kAnd:
      return {Infix::kAnd, kPrecAnd};
    case Keyword::kBetween:
      return {Infix::kBetween, kPrecBetween};
    case Keyword::kIs:
      return {Infix::kIs, kPrecCompare};
    case Keyword::kIn:
      return {Infix::kIn, kPrecCompare};
    case Keyword::kLike:
    case Keyword::kRegexp:
    case Keyword::kRlike:
      return {Infix::kLike, kPrecCompare};
    case Keyword::kSounds:
      return next.is(Keyword::kLike) ? InfixOp{Infix::kLike, kPrecCompare, 2} : InfixOp{};
    case Keyword::kMember:
      return next.is(Keyword::kOf) ? InfixOp{Infix::kMember, kPrecCompare, 2} : InfixOp{};
    case Keyword::kDiv:
    case Keyword::kMod:
      return {Infix::kArith, kPrecMul};
    case Keyword::kCollate:
      return {Infix::kCollate, kPrecCollate};
    case Keyword::kNot:
      if (next.is(Keyword::kIn)) return {Infix::kIn, kPrecCompare, 2, CompareOp::kEq, true};
      if (next.is(Keyword::kBetween)) {
        return {Infix::kBetween, kPrecBetween, 2, CompareOp::kEq, true};
      }
      if (next.is(Keyword::kLike) || next.is(Keyword::kRegexp) || next.is(Keyword::kRlike)) {
        return {Infix::kLike, kPrecCompare, 2, CompareOp::kEq, true};
      }
      return {};
    default:
      return {};
  }
}

bool isIntervalUnit(std::string_view w) {
  static constexpr std::string_view kUnits[] = {"microsecond",
                                                "second",
                                                "minute",
                                                "hour",
                                                "day",
                                                "week",
                                                "month",
                                                "quarter",
                                                "year",
                                                "second_microsecond",
                                                "minute_microsecond",
                                                "minute_second",
                                                "hour_microsecond",
                                                "hour_second",
                                                "hour_minute",
                                                "day_microsecond",
                                                "day_second",
                                                "day_minute",
                                                "day_hour",
                                                "year_month"};
  if (w.size() > 18) return false;
  char buf[18];
  for (size_t i = 0; i < w.size(); ++i) {
    char c = w[i];
    buf[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c | 0x20) : c;
  }
  std::string_view l(buf, w.size());
  for (std::string_view u : kUnits) {
    if (u == l) return true;
  }
  return false;
}

// Keywords that end an expression even when a '(' follows (they start the next clause).
bool endsExpression(Keyword k) {
  switch (k) {
    case Keyword::kFrom:
    case Keyword::kWhere:
    case Keyword::kOn:
    case Keyword::kUsing:
    case Keyword::kUnion:
    case Keyword::kExcept:
    case Keyword::kIntersect:
    case Keyword::kSelect:
    case Keyword::kWith:
    case Keyword::kThen:
    case Keyword::kWhen:
    case Keyword::kElse:
    case Keyword::kAs:
    case Keyword::kOrder:
    case Keyword::kGroup:
    case Keyword::kHaving:
    case Keyword::kLimit:
    case Keyword::kInto:
    case Keyword::kFor:
    case Keyword::kSet:
    case Keyword::kWindow:
    case Keyword::kAnd:
    case Keyword::kOr:
    case Keyword::kXor:
    case Keyword::kIn:
    case Keyword::kIs:
    case Keyword::kLike:
    case Keyword::kBetween:
      return true;
    default:
      return false;
  }
}

}  // namespace sg::sql
