// SELECT statements and query expressions: WITH, UNION/EXCEPT/INTERSECT, parenthesised terms,
// the clauses of one SELECT block, and subqueries (parsed for their tables with a scratch shape,
// so their DISTINCT/LIMIT/... do not describe the outer result).

#include "router/sql/parser.h"
#include "router/sql/predicate_builder.h"

namespace sg::sql {
namespace {

// Flags of a parenthesised UNION member that also describe the union's result. Its ORDER BY and
// LIMIT only order/limit that member, so they stay out.
void mergeMemberShape(SelectShape& outer, const SelectShape& member) {
  outer.distinct |= member.distinct;
  outer.aggregates |= member.aggregates;
  outer.groupBy |= member.groupBy;
  outer.having |= member.having;
  outer.union_ |= member.union_;
  outer.subquery |= member.subquery;
  outer.windowFunctions |= member.windowFunctions;
  outer.forUpdate |= member.forUpdate;
  outer.intoOutfile |= member.intoOutfile;
}

}  // namespace

void Parser::parseSelectStatement() {
  out_.type = StatementType::kSelect;
  andInto(out_.where, parseQueryExpression());
}

Predicate Parser::parseQueryExpression() {
  DepthGuard guard(*this);
  if (peek().is(Keyword::kWith)) parseWith();
  SelectShape first;
  bool firstParenthesised = false;
  Predicate where = parseQueryTerm(first, firstParenthesised);
  bool isUnion = false;
  while (peek().is(Keyword::kUnion) || peek().is(Keyword::kExcept) ||
         peek().is(Keyword::kIntersect)) {
    take();
    if (!accept(Keyword::kAll)) accept(Keyword::kDistinct);
    isUnion = true;
    shape_->union_ = true;
    SelectShape member;
    bool parenthesised = false;
    // Rows may come from any block: routing needs the union of what each block needs.
    orInto(where, parseQueryTerm(member, parenthesised));
    if (parenthesised) mergeMemberShape(*shape_, member);
  }
  if (firstParenthesised) {
    mergeMemberShape(*shape_, first);
    if (!isUnion) {  // `(SELECT ... ORDER BY a LIMIT 1)` alone: its ORDER BY/LIMIT are the result's
      shape_->orderBy |= first.orderBy;
      shape_->limit |= first.limit;
      if (first.limitText) shape_->limitText = first.limitText;
    }
  }
  parseTailClauses(nullptr);  // ORDER BY / LIMIT / ... after a parenthesised last term
  return where;
}

// One member of a query expression. A parenthesised member is parsed with its own shape,
// returned in `parenthesised`; the caller decides which of its flags describe the result.
Predicate Parser::parseQueryTerm(SelectShape& parenthesised, bool& wasParenthesised) {
  if (peek().isOp('(')) {
    take();
    wasParenthesised = true;
    SelectShape* outer = shape_;
    shape_ = &parenthesised;
    Predicate where = parseQueryExpression();
    shape_ = outer;
    skipToCloseParen();
    acceptOp(')');
    return where;
  }
  if (peek().is(Keyword::kSelect)) {
    Predicate where;
    parseSelectBlock(where);
    return where;
  }
  if (accept(Keyword::kTable)) {  // TABLE t
    if (isName(peek())) addTable(parseTableName());
    return makeUnknown();
  }
  if (accept(Keyword::kValues)) {  // VALUES ROW(...), ROW(...)
    while (accept(Keyword::kRow) || peek().isOp('(')) {
      if (peek().isOp('(')) skipBalanced();
      if (!acceptOp(',')) break;
    }
  }
  return makeUnknown();
}

void Parser::parseSelectBlock(Predicate& where) {
  take();  // SELECT
  for (;;) {
    const Token& t = peek();
    if (t.is(Keyword::kDistinct) || t.is(Keyword::kDistinctrow)) {
      shape_->distinct = true;
      take();
      continue;
    }
    if (t.is(Keyword::kAll) || t.is(Keyword::kHighPriority) || t.is(Keyword::kStraightJoin) ||
        t.is(Keyword::kSqlSmallResult) || t.is(Keyword::kSqlBigResult) ||
        t.is(Keyword::kSqlBufferResult) || t.is(Keyword::kSqlCache) || t.is(Keyword::kSqlNoCache) ||
        t.is(Keyword::kSqlCalcFoundRows)) {
      take();
      continue;
    }
    break;
  }
  parseSelectList();
  parseTailClauses(&where);
}

bool Parser::atSelectListEnd() const {
  if (atStatementEnd() || peek().isOp(')')) return true;
  const Token& t = peek();
  if (t.kind != TokenKind::kWord) return false;
  switch (t.keyword) {
    case Keyword::kFrom:
    case Keyword::kInto:
    case Keyword::kWhere:
    case Keyword::kGroup:
    case Keyword::kHaving:
    case Keyword::kWindow:
    case Keyword::kOrder:
    case Keyword::kLimit:
    case Keyword::kFor:
    case Keyword::kLock:
    case Keyword::kUnion:
    case Keyword::kExcept:
    case Keyword::kIntersect:
    case Keyword::kOn:
    case Keyword::kProcedure:
      return true;
    default:
      return false;
  }
}

void Parser::parseSelectList() {
  while (!atSelectListEnd()) {
    const size_t before = pos_;
    parseExpr(0);
    if (accept(Keyword::kAs)) {
      if (isName(peek()) || peek().kind == TokenKind::kString) take();
    } else if (peek().kind == TokenKind::kQuotedIdentifier || peek().kind == TokenKind::kString ||
               (peek().kind == TokenKind::kWord && !isReserved(peek().keyword))) {
      take();  // alias without AS
    }
    if (acceptOp(',')) continue;
    if (pos_ == before) skipOne();
  }
}

void Parser::parseTailClauses(Predicate* where) {
  for (;;) {
    const Token& t = peek();
    if (t.kind != TokenKind::kWord) return;
    switch (t.keyword) {
      case Keyword::kInto:
        parseInto();
        break;
      case Keyword::kFrom:
        if (!where) return;
        take();
        parseFromClause(*where);
        break;
      case Keyword::kWhere:
        if (!where) return;
        take();
        andInto(*where, parseCondition());
        break;
      case Keyword::kGroup:
        if (!where || !peek(1).is(Keyword::kBy)) return;
        take();
        take();
        shape_->groupBy = true;
        parseExpressionList();
        if (peek().is(Keyword::kWith) && peek(1).is(Keyword::kRollup)) {
          take();
          take();
        }
        break;
      case Keyword::kHaving:
        if (!where) return;
        take();
        shape_->having = true;
        parseCondition();
        break;
      case Keyword::kWindow:  // WINDOW w AS (...), ...
        take();
        shape_->windowFunctions = true;
        for (;;) {
          if (isName(peek())) take();
          accept(Keyword::kAs);
          if (peek().isOp('(')) skipBalanced();
          if (!acceptOp(',')) break;
        }
        break;
      case Keyword::kOrder:
        if (!peek(1).is(Keyword::kBy)) return;
        take();
        take();
        shape_->orderBy = true;
        parseExpressionList();
        break;
      case Keyword::kLimit:
        parseLimit();
        break;
      case Keyword::kFor:
        if (!peek(1).is(Keyword::kUpdate) && !peek(1).is(Keyword::kShare)) return;
        parseLockingClause();
        break;
      case Keyword::kLock:  // LOCK IN SHARE MODE
        if (!peek(1).is(Keyword::kIn)) return;
        take();
        take();
        accept(Keyword::kShare);
        accept(Keyword::kMode);
        shape_->forUpdate = true;
        break;
      case Keyword::kProcedure:  // PROCEDURE ANALYSE(...)
        take();
        if (isName(peek())) take();
        if (peek().isOp('(')) skipBalanced();
        break;
      default:
        return;
    }
  }
}

void Parser::parseExpressionList() {
  for (;;) {
    const size_t before = pos_;
    parseExpr(0);
    if (pos_ == before) return;
    if (!accept(Keyword::kAsc)) accept(Keyword::kDesc);
    if (!acceptOp(',')) return;
  }
}

void Parser::parseLimit() {
  take();  // LIMIT
  const size_t start = pos_;
  auto limitValue = [this] {
    const Token& t = peek();
    if (t.kind == TokenKind::kNumber || t.kind == TokenKind::kPlaceholder ||
        t.kind == TokenKind::kUserVariable ||
        (t.kind == TokenKind::kWord && !isReserved(t.keyword) && !t.is(Keyword::kOffset))) {
      take();
      return true;
    }
    return false;
  };
  shape_->limit = true;
  if (!limitValue()) return;
  if (acceptOp(',') || accept(Keyword::kOffset)) limitValue();
  shape_->limitText = std::string(textOf(start, pos_));
}

void Parser::parseInto() {
  take();  // INTO
  shape_->intoOutfile = true;
  if (accept(Keyword::kOutfile) || accept(Keyword::kDumpfile)) {
    // 'file' [CHARACTER SET x] [FIELDS TERMINATED BY ',' ...] [LINES ...]
    while (!atStatementEnd()) {
      const Token& t = peek();
      if (t.kind == TokenKind::kString || t.kind == TokenKind::kHexLiteral) {
        take();
        continue;
      }
      if (t.kind != TokenKind::kWord) break;
      switch (t.keyword) {
        case Keyword::kFrom:
        case Keyword::kWhere:
        case Keyword::kGroup:
        case Keyword::kHaving:
        case Keyword::kWindow:
        case Keyword::kOrder:
        case Keyword::kLimit:
        case Keyword::kFor:
        case Keyword::kLock:
        case Keyword::kUnion:
        case Keyword::kExcept:
        case Keyword::kIntersect:
        case Keyword::kInto:
          return;
        default:
          take();
      }
    }
    return;
  }
  for (;;) {  // INTO @a, @b / local variables
    const Token& t = peek();
    if (t.kind == TokenKind::kUserVariable || isPlainName(t)) {
      take();
    } else {
      return;
    }
    if (!acceptOp(',')) return;
  }
}

void Parser::parseLockingClause() {
  while (peek().is(Keyword::kFor) &&
         (peek(1).is(Keyword::kUpdate) || peek(1).is(Keyword::kShare))) {
    take();
    take();
    shape_->forUpdate = true;
    if (accept(Keyword::kOf)) {
      for (;;) {
        if (isName(peek())) parseTableName();
        if (!acceptOp(',')) break;
      }
    }
    if (accept(Keyword::kNowait)) continue;
    if (accept(Keyword::kSkip)) {
      accept(Keyword::kLocked);
    } else if (wordIs(peek(), "wait")) {  // MariaDB: FOR UPDATE WAIT n
      take();
      if (peek().kind == TokenKind::kNumber) take();
    }
  }
}

void Parser::parseWith() {
  take();  // WITH
  accept(Keyword::kRecursive);
  out_.shape.subquery = true;
  for (;;) {
    if (!isName(peek())) return;
    cteNames_.push_back(identifier(take()));
    if (peek().isOp('(')) skipBalanced();  // column names
    accept(Keyword::kAs);
    if (peek().isOp('(')) skipBalanced();  // the CTE's query (parsed as a subquery)
    if (!acceptOp(',')) return;
  }
}

void Parser::parseSubqueryInParens() {
  DepthGuard guard(*this);
  take();  // '('
  out_.shape.subquery = true;
  SelectShape scratch;
  SelectShape* outer = shape_;
  shape_ = &scratch;
  parseQueryExpression();
  shape_ = outer;
  skipToCloseParen();
  acceptOp(')');
}

}  // namespace sg::sql
