// INSERT / REPLACE (with their rows, so the planner can split them by shard), UPDATE and DELETE
// in their single- and multi-table forms.

#include "router/sql/literal.h"
#include "router/sql/parser.h"
#include "router/sql/predicate_builder.h"

namespace sg::sql {

void Parser::parseInsert(bool replace) {
  out_.type = replace ? StatementType::kReplace : StatementType::kInsert;
  take();
  while (accept(Keyword::kLowPriority) || accept(Keyword::kDelayed) ||
         accept(Keyword::kHighPriority) || accept(Keyword::kIgnore)) {
  }
  accept(Keyword::kInto);
  InsertRows rows;
  if (isPlainName(peek())) {
    addTable(parseTableName());
    if (peek().is(Keyword::kPartition) && peek(1).isOp('(')) {
      take();
      skipBalanced();
    }
  }
  if (peek().isOp('(') && !isQueryStartAt(pos_ + 1)) {  // column list
    take();
    while (!atEnd() && !peek().isOp(')')) {
      if (isName(peek())) {
        std::string column = identifier(take());
        while (peek().isOp('.') && isName(peek(1))) {  // t.col
          take();
          column = identifier(take());
        }
        rows.columns.push_back(std::move(column));
      } else if (!acceptOp(',')) {
        skipOne();
      }
    }
    acceptOp(')');
  }
  if (accept(Keyword::kValues) || accept(Keyword::kValue)) {
    parseRowList(rows);
  } else if (accept(Keyword::kSet)) {
    rows.setForm = true;
    std::vector<Value> row;
    while (isName(peek())) {
      std::string column = identifier(take());
      while (peek().isOp('.') && isName(peek(1))) {
        take();
        column = identifier(take());
      }
      rows.columns.push_back(std::move(column));
      if (!acceptOp('=') && !acceptOp(":=")) {
        row.push_back(otherValue(""));
        break;
      }
      row.push_back(parseInsertValue());
      if (!acceptOp(',')) break;
    }
    rows.rows.push_back(std::move(row));
  } else if (isQueryStartAt(pos_)) {
    rows.fromSelect = true;
    andInto(out_.where, parseQueryExpression());
  }
  if (accept(Keyword::kAs)) {  // row alias (MySQL 8.0.19+): AS new [(a, b)]
    if (isName(peek())) take();
    if (peek().isOp('(')) skipBalanced();
  }
  if (peek().is(Keyword::kOn) && peek(1).is(Keyword::kDuplicate)) {
    pos_ += 2;
    accept(Keyword::kKey);
    accept(Keyword::kUpdate);
    rows.onDuplicateKeyUpdate = true;
    parseAssignments(&rows.duplicateUpdateColumns);
  }
  if (accept(Keyword::kReturning)) parseSelectList();  // MariaDB
  out_.insert = std::move(rows);
}

void Parser::parseRowList(InsertRows& rows) {
  for (;;) {
    size_t begin = 0;
    if (peek().is(Keyword::kRow) && peek(1).isOp('(')) {  // VALUES ROW(1, 2), ROW(3, 4)
      begin = take().begin;
    } else if (peek().isOp('(')) {
      begin = peek().begin;
    } else {
      return;
    }
    take();  // '('
    std::vector<Value> row;
    if (!peek().isOp(')')) {
      for (;;) {
        row.push_back(parseInsertValue());
        if (acceptOp(',')) continue;
        if (!peek().isOp(')')) skipToCloseParen();
        break;
      }
    }
    size_t end = peek().isOp(')') ? take().end : at(pos_ - 1).end;
    if (rows.rowSpans.empty()) rows.valuesBegin = begin;
    rows.valuesEnd = end;
    rows.rows.push_back(std::move(row));
    rows.rowSpans.emplace_back(begin, end);
    if (!acceptOp(',')) return;
  }
}

Value Parser::parseInsertValue() {
  const size_t start = pos_;
  Operand o = parseExpr(0);
  if (o.kind == Operand::Kind::kValue) return std::move(o.pred.value);
  return otherValue(textOf(start, pos_));
}

void Parser::parseAssignments(std::vector<std::string>* columns) {
  while (isName(peek())) {
    std::string column = identifier(take());
    while (peek().isOp('.') && isName(peek(1))) {  // t.col
      take();
      column = identifier(take());
    }
    if (columns) columns->push_back(std::move(column));
    if (!acceptOp('=') && !acceptOp(":=")) return;
    parseExpr(0);
    if (!acceptOp(',')) return;
  }
}

void Parser::parseUpdate() {
  out_.type = StatementType::kUpdate;
  take();
  while (accept(Keyword::kLowPriority) || accept(Keyword::kIgnore)) {
  }
  Predicate where;
  parseFromClause(where);
  if (accept(Keyword::kSet)) parseAssignments(&out_.assignedColumns);
  parseDmlTail(where);
  andInto(out_.where, std::move(where));
}

void Parser::parseDelete() {
  out_.type = StatementType::kDelete;
  take();
  while (accept(Keyword::kLowPriority) || accept(Keyword::kQuick) || accept(Keyword::kIgnore)) {
  }
  Predicate where;
  if (accept(Keyword::kFrom)) {
    const size_t mark = out_.tables.size();
    parseTableFactor(where);
    if (peek().isOp(',') || peek().is(Keyword::kUsing)) {
      // DELETE FROM t1, t2 USING t1 JOIN t2 ...: the targets name tables of the USING list.
      while (acceptOp(',')) parseTableFactor(where);
      out_.tables.resize(mark);
      if (accept(Keyword::kUsing)) parseFromClause(where);
    }
  } else {
    // DELETE t1, t2 FROM t1 JOIN t2 ...
    while (isName(peek())) {
      parseTableName();
      if (!acceptOp(',')) break;
    }
    if (accept(Keyword::kFrom)) parseFromClause(where);
  }
  parseDmlTail(where);
  andInto(out_.where, std::move(where));
}

void Parser::parseDmlTail(Predicate& where) {
  for (;;) {
    if (accept(Keyword::kWhere)) {
      andInto(where, parseCondition());
    } else if (peek().is(Keyword::kOrder) && peek(1).is(Keyword::kBy)) {
      pos_ += 2;
      shape_->orderBy = true;
      parseExpressionList();
    } else if (peek().is(Keyword::kLimit)) {
      parseLimit();
    } else if (accept(Keyword::kReturning)) {
      parseSelectList();
    } else {
      return;
    }
  }
}

}  // namespace sg::sql
