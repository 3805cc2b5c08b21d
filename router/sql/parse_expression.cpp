// Expressions and conditions: a precedence-climbing parser over MySQL's operator table that keeps
// only what routing can use (column op literal, IN lists, BETWEEN, IS NULL, column = column,
// AND/OR) and reduces everything else to "unknown".

#include <limits>

#include "router/sql/literal.h"
#include "router/sql/parser.h"
#include "router/sql/predicate_builder.h"

namespace sg::sql {
namespace {

// MySQL operator precedence, lowest first.
constexpr int kPrecAssign = 1;  // :=
constexpr int kPrecOr = 2;      // OR ||
constexpr int kPrecXor = 3;     // XOR
constexpr int kPrecAnd = 4;     // AND &&
constexpr int kPrecNot = 5;     // NOT
constexpr int kPrecBetween = 6;
constexpr int kPrecCompare = 7;  // = <=> >= > <= < <> != IS LIKE REGEXP IN MEMBER OF
constexpr int kPrecBitOr = 8;    // |
constexpr int kPrecBitAnd = 9;   // &
constexpr int kPrecShift = 10;   // << >>
constexpr int kPrecAdd = 11;     // + -
constexpr int kPrecMul = 12;     // * / DIV % MOD
constexpr int kPrecBitXor = 13;  // ^
constexpr int kPrecUnary = 14;   // unary - ~
constexpr int kPrecBang = 15;    // !
constexpr int kPrecCollate = 16;  // COLLATE, BINARY
constexpr int kPrecJson = 17;     // -> ->>

enum class Infix : uint8_t {
  kNone, kAssign, kOr, kXor, kAnd, kBetween, kCompare, kIs, kIn, kLike, kMember, kArith,
  kCollate, kJson,
};

struct InfixOp {
  Infix kind = Infix::kNone;
  int prec = 0;
  int width = 1;  // tokens the operator spans (NOT IN, SOUNDS LIKE, MEMBER OF: 2)
  CompareOp op = CompareOp::kEq;
  bool negated = false;
};

InfixOp infixAt(const Token& t, const Token& next) {
  if (t.kind == TokenKind::kOperator) {
    std::string_view s = t.text;
    if (s.size() == 1) {
      switch (s[0]) {
        case '=': return {Infix::kCompare, kPrecCompare, 1, CompareOp::kEq};
        case '<': return {Infix::kCompare, kPrecCompare, 1, CompareOp::kLt};
        case '>': return {Infix::kCompare, kPrecCompare, 1, CompareOp::kGt};
        case '|': return {Infix::kArith, kPrecBitOr};
        case '&': return {Infix::kArith, kPrecBitAnd};
        case '+':
        case '-': return {Infix::kArith, kPrecAdd};
        case '*':
        case '/':
        case '%': return {Infix::kArith, kPrecMul};
        case '^': return {Infix::kArith, kPrecBitXor};
        default: return {};
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
    case Keyword::kOr: return {Infix::kOr, kPrecOr};
    case Keyword::kXor: return {Infix::kXor, kPrecXor};
    case Keyword::kAnd: return {Infix::kAnd, kPrecAnd};
    case Keyword::kBetween: return {Infix::kBetween, kPrecBetween};
    case Keyword::kIs: return {Infix::kIs, kPrecCompare};
    case Keyword::kIn: return {Infix::kIn, kPrecCompare};
    case Keyword::kLike:
    case Keyword::kRegexp:
    case Keyword::kRlike: return {Infix::kLike, kPrecCompare};
    case Keyword::kSounds:
      return next.is(Keyword::kLike) ? InfixOp{Infix::kLike, kPrecCompare, 2} : InfixOp{};
    case Keyword::kMember:
      return next.is(Keyword::kOf) ? InfixOp{Infix::kMember, kPrecCompare, 2} : InfixOp{};
    case Keyword::kDiv:
    case Keyword::kMod: return {Infix::kArith, kPrecMul};
    case Keyword::kCollate: return {Infix::kCollate, kPrecCollate};
    case Keyword::kNot:
      if (next.is(Keyword::kIn)) return {Infix::kIn, kPrecCompare, 2, CompareOp::kEq, true};
      if (next.is(Keyword::kBetween)) {
        return {Infix::kBetween, kPrecBetween, 2, CompareOp::kEq, true};
      }
      if (next.is(Keyword::kLike) || next.is(Keyword::kRegexp) || next.is(Keyword::kRlike)) {
        return {Infix::kLike, kPrecCompare, 2, CompareOp::kEq, true};
      }
      return {};
    default: return {};
  }
}

Operand exprOperand() {
  Operand o;
  o.kind = Operand::Kind::kExpr;
  return o;
}

Operand unknownOperand() {
  Operand o;
  o.kind = Operand::Kind::kBool;
  return o;
}

Operand valueOperand(Value&& v) {
  Operand o;
  o.kind = Operand::Kind::kValue;
  o.pred.value = std::move(v);
  return o;
}

// Turns `o` (whatever it held) into an unknown condition / a plain expression.
void setUnknown(Operand& o) {
  resetPredicate(o.pred);
  o.kind = Operand::Kind::kBool;
}
void setExpr(Operand& o) {
  resetPredicate(o.pred);
  o.kind = Operand::Kind::kExpr;
}

bool isIntervalUnit(std::string_view w) {
  static constexpr std::string_view kUnits[] = {
      "microsecond",        "second",        "minute",           "hour",
      "day",                "week",          "month",            "quarter",
      "year",               "second_microsecond", "minute_microsecond", "minute_second",
      "hour_microsecond",   "hour_second",   "hour_minute",      "day_microsecond",
      "day_second",         "day_minute",    "day_hour",         "year_month"};
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

}  // namespace

Predicate Parser::toPredicate(Operand&& o) {
  if (o.kind == Operand::Kind::kBool) return std::move(o.pred);
  return makeUnknown();
}

void Parser::makeBool(Operand& o) {
  if (o.kind != Operand::Kind::kBool) setUnknown(o);
}

Predicate Parser::parseCondition() { return toPredicate(parseExpr(0)); }

Operand Parser::parseExpr(int minPrec) {
  DepthGuard guard(*this);
  Operand left = parsePrefix();
  if (left.kind == Operand::Kind::kEmpty) return left;
  for (;;) {
    const InfixOp in = infixAt(peek(), peek(1));
    if (in.kind == Infix::kNone || in.prec < minPrec) break;
    pos_ += static_cast<size_t>(in.width);
    switch (in.kind) {
      case Infix::kOr:
      case Infix::kAnd: {
        Operand right = parseExpr(in.prec + 1);
        makeBool(left);
        makeBool(right);
        if (in.kind == Infix::kOr) {
          orInto(left.pred, std::move(right.pred));
        } else {
          andInto(left.pred, std::move(right.pred));
        }
        break;
      }
      case Infix::kXor:
        parseExpr(in.prec + 1);
        setUnknown(left);
        break;
      case Infix::kAssign:
        parseExpr(in.prec);
        setExpr(left);
        break;
      case Infix::kCompare:
        parseComparisonTail(left, in.op);
        break;
      case Infix::kIs:
        parseIsTail(left);
        break;
      case Infix::kIn:
        parseInTail(left, in.negated);
        break;
      case Infix::kBetween:
        parseBetweenTail(left, in.negated);
        break;
      case Infix::kLike:
        parseExpr(kPrecBitOr);
        if (accept(Keyword::kEscape)) parseExpr(kPrecBitOr);
        setUnknown(left);
        break;
      case Infix::kMember:
        if (peek().isOp('(')) skipBalanced();
        setUnknown(left);
        break;
      case Infix::kArith:
        parseExpr(in.prec + 1);
        setExpr(left);
        break;
      case Infix::kCollate:
        if (!atStatementEnd()) take();
        setExpr(left);
        break;
      case Infix::kJson:
        parseExpr(kPrecJson + 1);
        setExpr(left);
        break;
      case Infix::kNone:
        break;
    }
  }
  return left;
}

void Parser::parseComparisonTail(Operand& left, CompareOp op) {
  const Token& t = peek();
  if ((t.is(Keyword::kAny) || t.is(Keyword::kSome) || t.is(Keyword::kAll)) &&
      peek(1).isOp('(')) {
    take();
    skipBalanced();
    setUnknown(left);
    return;
  }
  Operand right = parseExpr(kPrecCompare + 1);
  using K = Operand::Kind;
  Predicate& p = left.pred;
  if (left.kind == K::kColumn && right.kind == K::kValue) {
    p.value = std::move(right.pred.value);
    p.op = op;
  } else if (left.kind == K::kValue && right.kind == K::kColumn) {
    p.column = std::move(right.pred.column);
    p.op = mirror(op);
  } else if (left.kind == K::kColumn && right.kind == K::kColumn && op == CompareOp::kEq) {
    p.otherColumn = std::move(right.pred.column);
    p.kind = Predicate::Kind::kColumnEq;
    left.kind = K::kBool;
    return;
  } else {
    setUnknown(left);
    return;
  }
  p.kind = Predicate::Kind::kCompare;
  left.kind = K::kBool;
}

void Parser::parseIsTail(Operand& left) {
  bool negated = accept(Keyword::kNot);
  if (accept(Keyword::kNull)) {
    if (!negated && left.kind == Operand::Kind::kColumn) {
      left.pred.kind = Predicate::Kind::kIsNull;
      left.kind = Operand::Kind::kBool;
      return;
    }
  } else if (!accept(Keyword::kTrue) && !accept(Keyword::kFalse)) {
    accept(Keyword::kUnknown);
  }
  setUnknown(left);
}

void Parser::parseInTail(Operand& left, bool negated) {
  if (!peek().isOp('(')) return setUnknown(left);
  if (isQueryStartAt(pos_ + 1)) {
    parseSubqueryInParens();
    return setUnknown(left);
  }
  take();
  std::vector<Value> values;
  bool allValues = left.kind == Operand::Kind::kColumn && !negated;
  while (!atEnd() && !peek().isOp(')')) {
    size_t before = pos_;
    Operand v = parseExpr(0);
    if (v.kind == Operand::Kind::kValue) {
      if (allValues) values.push_back(std::move(v.pred.value));
    } else {
      allValues = false;
    }
    if (acceptOp(',')) continue;
    if (pos_ == before) {
      allValues = false;
      skipOne();
    } else if (!peek().isOp(')')) {
      allValues = false;
      skipToCloseParen();
    }
  }
  acceptOp(')');
  if (!allValues || values.empty()) return setUnknown(left);
  left.pred.kind = Predicate::Kind::kIn;
  left.pred.values = std::move(values);
  left.kind = Operand::Kind::kBool;
}

void Parser::parseBetweenTail(Operand& left, bool negated) {
  Operand lo = parseExpr(kPrecBitOr);
  if (!accept(Keyword::kAnd)) return setUnknown(left);
  Operand hi = parseExpr(kPrecBitOr);
  using K = Operand::Kind;
  if (negated || left.kind != K::kColumn || lo.kind != K::kValue || hi.kind != K::kValue) {
    return setUnknown(left);
  }
  left.pred.kind = Predicate::Kind::kBetween;
  left.pred.values.reserve(2);
  left.pred.values.push_back(std::move(lo.pred.value));
  left.pred.values.push_back(std::move(hi.pred.value));
  left.kind = K::kBool;
}

Operand Parser::parsePrefix() {
  const Token& t = peek();
  switch (t.kind) {
    case TokenKind::kNumber:
      take();
      return valueOperand(numberValue(t.text, false, t.text));
    case TokenKind::kString:
      return parseStringOperand();
    case TokenKind::kHexLiteral:
    case TokenKind::kBitLiteral:
      take();
      return valueOperand(otherValue(t.text));
    case TokenKind::kPlaceholder: {
      take();
      Value v;
      v.kind = Value::Kind::kParam;
      v.param = t.param;
      v.text = "?";
      return valueOperand(std::move(v));
    }
    case TokenKind::kUserVariable:
    case TokenKind::kSystemVariable:
      take();
      return exprOperand();
    case TokenKind::kQuotedIdentifier:
      return parseNameOperand();
    case TokenKind::kWord:
      return parseWordOperand();
    case TokenKind::kOperator:
      break;
    default:
      return Operand{};
  }
  if (t.text.size() != 1) return Operand{};
  switch (t.text[0]) {
    case '(':
      return parseParenOperand();
    case '-':
    case '+':
      return parseUnarySign();
    case '~':
      take();
      parseExpr(kPrecUnary);
      return exprOperand();
    case '!':
      take();
      parseExpr(kPrecBang);
      return unknownOperand();
    case '*':
      take();
      return exprOperand();
    case '{':  // ODBC escape: {d '2024-01-01'}, {fn NOW()}
      take();
      while (!atEnd() && !peek().isOp('}')) skipOne();
      acceptOp('}');
      return exprOperand();
    default:
      return Operand{};
  }
}

Operand Parser::parseUnarySign() {
  const size_t start = pos_;
  const bool negative = take().text[0] == '-';
  if (peek().kind == TokenKind::kNumber) {
    const Token& number = take();
    return valueOperand(numberValue(number.text, negative, textOf(start, pos_)));
  }
  Operand o = parseExpr(kPrecUnary);
  Value& v = o.pred.value;
  if (o.kind == Operand::Kind::kValue && v.kind == Value::Kind::kInt) {
    if (negative) {
      if (v.i == std::numeric_limits<int64_t>::min()) return exprOperand();
      v.i = -v.i;
    }
    v.text = std::string(textOf(start, pos_));
    v.stringValue.reset();
    return o;
  }
  return exprOperand();
}

Operand Parser::parseStringOperand() {
  const size_t start = pos_;
  std::string content = tokenValue(take());
  while (peek().kind == TokenKind::kString) content += tokenValue(take());
  return valueOperand(stringValue(std::move(content), textOf(start, pos_)));
}

Operand Parser::parseWordOperand() {
  const Token& t = peek();
  switch (t.keyword) {
    case Keyword::kNull: {
      take();
      Value v;
      v.kind = Value::Kind::kNull;
      v.text = "NULL";
      return valueOperand(std::move(v));
    }
    case Keyword::kTrue:
    case Keyword::kFalse: {
      take();
      Value v;
      v.kind = Value::Kind::kInt;
      v.i = t.is(Keyword::kTrue) ? 1 : 0;
      v.text = std::string(t.text);
      return valueOperand(std::move(v));
    }
    case Keyword::kNot:
      take();
      parseExpr(kPrecNot);
      return unknownOperand();
    case Keyword::kExists:
      take();
      if (peek().isOp('(')) skipBalanced();
      return unknownOperand();
    case Keyword::kCase:
      return parseCase();
    case Keyword::kInterval:
      take();
      parseExpr(kPrecBitOr);
      if (peek().kind == TokenKind::kWord && isIntervalUnit(peek().text)) take();
      return exprOperand();
    case Keyword::kBinary:
      take();
      parseExpr(kPrecCollate);
      return exprOperand();
    case Keyword::kDate:
    case Keyword::kTime:
    case Keyword::kTimestamp:
      if (peek(1).kind == TokenKind::kString) {  // DATE '2024-01-01'
        const size_t start = pos_;
        take();
        take();
        return valueOperand(otherValue(textOf(start, pos_)));
      }
      break;
    case Keyword::kDefault:
      if (!peek(1).isOp('(')) {
        take();
        return valueOperand(otherValue(t.text));
      }
      break;
    default:
      break;
  }
  if (peek(1).isOp('(') && !endsExpression(t.keyword)) return parseFunctionCall();
  if (isReserved(t.keyword)) return Operand{};
  return parseNameOperand();
}

Operand Parser::parseFunctionCall() {
  const Token& name = take();
  if (isAggregate(name.keyword)) shape_->aggregates = true;
  skipBalanced();
  if (name.is(Keyword::kMatch) && peek().is(Keyword::kAgainst) && peek(1).isOp('(')) {
    take();
    skipBalanced();
  }
  if (peek().is(Keyword::kOver)) {
    take();
    shape_->windowFunctions = true;
    if (peek().isOp('(')) {
      skipBalanced();
    } else if (isName(peek())) {
      take();
    }
  }
  return exprOperand();
}

Operand Parser::parseNameOperand() {
  Operand o;
  o.kind = Operand::Kind::kColumn;
  ColumnRef& c = o.pred.column;
  assignIdentifier(c.column, take());
  for (int parts = 1; parts < 3 && peek().isOp('.');) {
    const Token& next = peek(1);
    if (next.isOp('*')) {  // t.*
      pos_ += 2;
      return exprOperand();
    }
    if (!isName(next)) break;
    pos_ += 2;
    if (c.qualifier.empty()) {
      c.qualifier.swap(c.column);
    } else {
      c.qualifier += '.';
      c.qualifier += c.column;
    }
    assignIdentifier(c.column, next);
    ++parts;
  }
  if (peek().isOp('(')) {  // db.func(...) or `func`(...)
    skipBalanced();
    return exprOperand();
  }
  return o;
}

Operand Parser::parseParenOperand() {
  if (isQueryStartAt(pos_ + 1)) {
    parseSubqueryInParens();
    return exprOperand();
  }
  take();
  Operand inner = parseExpr(0);
  if (peek().isOp(',')) {  // a row constructor: (a, b)
    while (acceptOp(',')) {
      size_t before = pos_;
      parseExpr(0);
      if (pos_ == before) break;
    }
    skipToCloseParen();
    acceptOp(')');
    return exprOperand();
  }
  if (!peek().isOp(')')) {
    skipToCloseParen();
    inner = exprOperand();
  }
  acceptOp(')');
  if (inner.kind == Operand::Kind::kEmpty) return exprOperand();
  return inner;
}

Operand Parser::parseCase() {
  take();
  for (;;) {
    if (atEnd() || accept(Keyword::kEnd)) break;
    if (accept(Keyword::kWhen) || accept(Keyword::kThen) || accept(Keyword::kElse)) continue;
    if (peek().isOp(')') || peek().isOp(';')) break;
    size_t before = pos_;
    parseExpr(0);
    if (pos_ == before) skipOne();
  }
  return exprOperand();
}

}  // namespace sg::sql
