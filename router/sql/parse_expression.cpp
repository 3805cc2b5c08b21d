// Expressions and conditions: a precedence-climbing parser over MySQL's operator table that keeps
// only what routing can use (column op literal, IN lists, BETWEEN, IS NULL, column = column,
// AND/OR) and reduces everything else to "unknown".

#include "router/sql/operators.h"
#include "router/sql/parser.h"
#include "router/sql/predicate_builder.h"

namespace sg::sql {

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
  if ((t.is(Keyword::kAny) || t.is(Keyword::kSome) || t.is(Keyword::kAll)) && peek(1).isOp('(')) {
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

}  // namespace sg::sql
