// The operands of expressions: literals, placeholders, column names, function calls (whose
// arguments are stepped over, noting aggregates, window functions and subqueries), parenthesised
// expressions and row constructors, CASE, unary operators.

#include <limits>

#include "router/sql/literal.h"
#include "router/sql/operators.h"
#include "router/sql/parser.h"

namespace sg::sql {

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
