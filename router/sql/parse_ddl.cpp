// DDL: CREATE / ALTER / DROP / TRUNCATE / RENAME of tables, indexes, views, sequences, databases,
// triggers and stored programs. Records the tables named (including REFERENCES targets and the
// tables of CREATE ... SELECT / CREATE VIEW ... AS SELECT).

#include "router/sql/parser.h"

namespace sg::sql {

void Parser::acceptIfExists() {
  if (peek().is(Keyword::kIf) && peek(1).is(Keyword::kExists)) {
    pos_ += 2;
    out_.ddlIfExists = true;
  }
}

void Parser::acceptIfNotExists() {
  if (peek().is(Keyword::kIf) && peek(1).is(Keyword::kNot) && peek(2).is(Keyword::kExists)) {
    pos_ += 3;
    out_.ddlIfNotExists = true;
  }
}

void Parser::parseTableList() {
  while (isName(peek())) {
    addTable(parseTableName());
    if (!acceptOp(',')) return;
  }
}

// Walks the rest of a DDL statement token by token (into parentheses), collecting REFERENCES
// targets and, when `queries`, the tables of an embedded query.
void Parser::scanForTables(bool queries) {
  while (!atStatementEnd()) {
    if (accept(Keyword::kReferences)) {
      if (isName(peek())) addTable(parseTableName());
      continue;
    }
    if (queries && (peek().is(Keyword::kSelect) || peek().is(Keyword::kWith))) {
      SelectShape scratch;
      SelectShape* outer = shape_;
      shape_ = &scratch;
      const size_t before = pos_;
      parseQueryExpression();
      shape_ = outer;
      if (pos_ == before) take();
      continue;
    }
    take();
  }
}

// CREATE [OR REPLACE] [ALGORITHM=..] [DEFINER=..] [SQL SECURITY ..] [TEMPORARY] [UNIQUE ..] ...
void Parser::skipViewOptions() {
  for (;;) {
    const Token& t = peek();
    if (t.is(Keyword::kTemporary)) {
      out_.temporary = true;
      take();
    } else if (t.is(Keyword::kUnique) || t.is(Keyword::kFulltext) || t.is(Keyword::kSpatial) ||
               t.is(Keyword::kOnline) || t.is(Keyword::kOffline) || wordIs(t, "aggregate")) {
      take();
    } else if (t.is(Keyword::kAlgorithm) && peek(1).isOp('=')) {
      pos_ += 2;
      if (!atStatementEnd()) take();
    } else if (t.is(Keyword::kDefiner) && peek(1).isOp('=')) {
      pos_ += 2;
      if (!atStatementEnd()) take();                        // 'user' / user / CURRENT_USER
      if (peek().kind == TokenKind::kUserVariable) take();  // @'host'
      if (peek().isOp('(')) skipBalanced();                 // CURRENT_USER()
    } else if (t.is(Keyword::kSql) && peek(1).is(Keyword::kSecurity)) {
      pos_ += 2;
      if (!atStatementEnd()) take();
    } else {
      return;
    }
  }
}

void Parser::parseCreate() {
  out_.type = StatementType::kDdl;
  take();
  if (peek().is(Keyword::kOr) && peek(1).is(Keyword::kReplace)) pos_ += 2;
  skipViewOptions();
  const Token& t = peek();
  switch (t.kind == TokenKind::kWord ? t.keyword : Keyword::kNone) {
    case Keyword::kTable:
      take();
      acceptIfNotExists();
      if (isName(peek())) addTable(parseTableName());
      if (accept(Keyword::kLike)) {  // CREATE TABLE t LIKE u
        if (isName(peek())) addTable(parseTableName());
      } else if (peek().isOp('(') && peek(1).is(Keyword::kLike)) {  // CREATE TABLE t (LIKE u)
        pos_ += 2;
        if (isName(peek())) addTable(parseTableName());
      }
      scanForTables(true);
      return;
    case Keyword::kIndex:
      take();
      while (!atStatementEnd() && !peek().is(Keyword::kOn)) skipOne();
      if (accept(Keyword::kOn) && isName(peek())) addTable(parseTableName());
      return;
    case Keyword::kView:
      take();
      acceptIfNotExists();
      if (isName(peek())) addTable(parseTableName());
      while (!atStatementEnd() && !peek().is(Keyword::kAs)) skipOne();
      if (accept(Keyword::kAs)) scanForTables(true);
      return;
    case Keyword::kSequence:
      take();
      acceptIfNotExists();
      if (isName(peek())) addTable(parseTableName());
      return;
    case Keyword::kDatabase:
    case Keyword::kSchema:
      take();
      acceptIfNotExists();
      if (isName(peek())) out_.schema = identifier(take());
      return;
    case Keyword::kTrigger:
      take();
      acceptIfNotExists();
      while (!atEnd() && !peek().is(Keyword::kOn)) take();
      if (accept(Keyword::kOn) && isName(peek())) addTable(parseTableName());
      compound_ = true;  // the body may hold ';'
      pos_ = count_;
      return;
    case Keyword::kProcedure:
    case Keyword::kFunction:
    case Keyword::kEvent:
      compound_ = true;
      pos_ = count_;
      return;
    case Keyword::kUser:
    case Keyword::kRole:
      out_.type = StatementType::kOther;  // account management, like GRANT
      return;
    default:
      return;  // SERVER, TABLESPACE, LOGFILE GROUP, ...: no tables
  }
}

void Parser::parseAlter() {
  out_.type = StatementType::kDdl;
  take();
  skipViewOptions();
  accept(Keyword::kIgnore);
  const Token& t = peek();
  switch (t.kind == TokenKind::kWord ? t.keyword : Keyword::kNone) {
    case Keyword::kTable:
      take();
      acceptIfExists();
      if (isName(peek())) addTable(parseTableName());
      while (!atStatementEnd()) {
        if (accept(Keyword::kRename)) {
          if (accept(Keyword::kTo) || accept(Keyword::kAs)) {
            if (isName(peek())) addTable(parseTableName());
          } else if (isPlainName(peek()) && !wordIs(peek(), "column") &&
                     !peek().is(Keyword::kIndex) && !peek().is(Keyword::kKey)) {
            addTable(parseTableName());  // RENAME new_name
          }
        } else if (accept(Keyword::kReferences)) {
          if (isName(peek())) addTable(parseTableName());
        } else if (peek().is(Keyword::kWith) && peek(1).is(Keyword::kTable)) {
          pos_ += 2;  // EXCHANGE PARTITION p WITH TABLE t2
          if (isName(peek())) addTable(parseTableName());
        } else {
          take();
        }
      }
      return;
    case Keyword::kView:
      take();
      if (isName(peek())) addTable(parseTableName());
      while (!atStatementEnd() && !peek().is(Keyword::kAs)) skipOne();
      if (accept(Keyword::kAs)) scanForTables(true);
      return;
    case Keyword::kSequence:
      take();
      acceptIfExists();
      if (isName(peek())) addTable(parseTableName());
      return;
    case Keyword::kDatabase:
    case Keyword::kSchema: {
      take();
      const Token& name = peek();
      if (isPlainName(name) && !name.is(Keyword::kCharset) && !wordIs(name, "upgrade") &&
          !wordIs(name, "encryption") && !wordIs(name, "comment")) {
        out_.schema = identifier(take());
      }
      return;
    }
    case Keyword::kUser:
    case Keyword::kRole:
    case Keyword::kInstance:
      out_.type = StatementType::kOther;
      return;
    default:
      return;
  }
}

void Parser::parseDrop() {
  out_.type = StatementType::kDdl;
  take();
  if (accept(Keyword::kTemporary)) out_.temporary = true;
  const Token& t = peek();
  switch (t.kind == TokenKind::kWord ? t.keyword : Keyword::kNone) {
    case Keyword::kTable:
    case Keyword::kTables:
    case Keyword::kView:
    case Keyword::kSequence:
      take();
      acceptIfExists();
      parseTableList();
      return;
    case Keyword::kIndex:
      take();
      acceptIfExists();
      if (isName(peek())) take();
      if (accept(Keyword::kOn) && isName(peek())) addTable(parseTableName());
      return;
    case Keyword::kDatabase:
    case Keyword::kSchema:
      take();
      acceptIfExists();
      if (isName(peek())) out_.schema = identifier(take());
      return;
    case Keyword::kTrigger:
    case Keyword::kProcedure:
    case Keyword::kFunction:
    case Keyword::kEvent:
      take();
      acceptIfExists();
      return;
    case Keyword::kUser:
    case Keyword::kRole:
    case Keyword::kPrepare:
      out_.type = StatementType::kOther;
      return;
    default:
      return;
  }
}

void Parser::parseTruncate() {
  out_.type = StatementType::kDdl;
  take();
  accept(Keyword::kTable);
  if (isName(peek())) addTable(parseTableName());
}

void Parser::parseRename() {
  take();
  if (!accept(Keyword::kTable) && !accept(Keyword::kTables)) {
    out_.type = StatementType::kOther;  // RENAME USER
    return;
  }
  out_.type = StatementType::kDdl;
  for (;;) {  // a TO b [, c TO d]
    if (isName(peek())) addTable(parseTableName());
    if (!accept(Keyword::kTo)) return;
    if (isName(peek())) addTable(parseTableName());
    if (!acceptOp(',')) return;
  }
}

}  // namespace sg::sql
