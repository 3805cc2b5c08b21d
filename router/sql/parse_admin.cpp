// Transaction control, SHOW, LOCK TABLES, EXPLAIN / DESCRIBE, table maintenance and LOAD DATA.

#include <cstdint>

#include "router/sql/parser.h"

namespace sg::sql {

void Parser::parseBegin() {
  take();
  if (peek().is(Keyword::kNot) && peek(1).is(Keyword::kAtomic)) {  // MariaDB compound statement
    out_.type = StatementType::kOther;
    compound_ = true;
    pos_ = count_;
    return;
  }
  accept(Keyword::kWork);
  out_.type = StatementType::kBegin;
}

void Parser::parseStart() {
  take();
  if (!accept(Keyword::kTransaction)) {
    out_.type = StatementType::kOther;  // START SLAVE / REPLICA / GROUP_REPLICATION
    return;
  }
  out_.type = StatementType::kBegin;
  for (;;) {
    if (peek().is(Keyword::kWith) && peek(1).is(Keyword::kConsistent)) {
      pos_ += 2;
      accept(Keyword::kSnapshot);
    } else if (accept(Keyword::kRead)) {
      if (accept(Keyword::kOnly)) {
        out_.readOnly = true;
      } else {
        accept(Keyword::kWrite);
      }
    } else {
      return;
    }
    if (!acceptOp(',')) return;
  }
}

void Parser::parseCommitOrRollback(bool rollback) {
  take();
  accept(Keyword::kWork);
  if (rollback && accept(Keyword::kTo)) {
    accept(Keyword::kSavepoint);
    out_.type = StatementType::kRollbackToSavepoint;
    if (isName(peek())) out_.savepoint = identifier(take());
    return;
  }
  out_.type = rollback ? StatementType::kRollback : StatementType::kCommit;
  parseChainRelease();
}

void Parser::parseChainRelease() {
  if (accept(Keyword::kAnd)) {
    bool no = accept(Keyword::kNo);
    if (accept(Keyword::kChain)) out_.chain = !no;
  }
  bool no = accept(Keyword::kNo);
  if (accept(Keyword::kRelease)) out_.release = !no;
}

void Parser::parseShow() {
  out_.type = StatementType::kShow;
  take();
  bool tableFirst = false;  // SHOW COLUMNS/INDEX FROM tbl [FROM db]
  size_t tableIndex = SIZE_MAX;
  while (!atStatementEnd()) {
    const Token& t = peek();
    if (t.is(Keyword::kLike) || t.is(Keyword::kWhere)) return;
    if (t.is(Keyword::kColumns) || t.is(Keyword::kFields) || t.is(Keyword::kIndex) ||
        t.is(Keyword::kIndexes) || t.is(Keyword::kKeys)) {
      tableFirst = true;
      take();
      continue;
    }
    if (t.is(Keyword::kCreate)) {
      take();
      if (accept(Keyword::kTable) || accept(Keyword::kView) || accept(Keyword::kSequence)) {
        if (isName(peek())) addTable(parseTableName());
      } else if (accept(Keyword::kDatabase) || accept(Keyword::kSchema)) {
        acceptIfNotExists();
        if (isName(peek())) out_.schema = identifier(take());
      }
      return;
    }
    if (t.is(Keyword::kFrom) || t.is(Keyword::kIn)) {
      take();
      if (!isName(peek())) continue;
      if (tableFirst && tableIndex == SIZE_MAX) {
        TableRef ref = parseTableName();
        if (!ref.schema.empty()) out_.schema = ref.schema;
        tableIndex = out_.tables.size();
        addTable(std::move(ref));
      } else {
        out_.schema = identifier(take());
        if (tableIndex < out_.tables.size() && out_.tables[tableIndex].schema.empty()) {
          out_.tables[tableIndex].schema = out_.schema;
        }
      }
      continue;
    }
    take();
  }
}

void Parser::parseLock() {
  take();
  if (!accept(Keyword::kTables) && !accept(Keyword::kTable)) {
    out_.type = StatementType::kOther;  // LOCK INSTANCE FOR BACKUP
    return;
  }
  out_.type = StatementType::kLockTables;
  Predicate unused;
  for (;;) {
    parseTableFactor(unused);
    while (!atStatementEnd() && !peek().isOp(',')) take();  // READ [LOCAL] | [LOW_PRIORITY] WRITE
    if (!acceptOp(',')) return;
  }
}

void Parser::parseExplain() {
  take();
  out_.type = StatementType::kExplain;
  auto startsStatement = [this](size_t i) {
    const Token& t = at(i);
    return isQueryStartAt(i) || t.is(Keyword::kInsert) || t.is(Keyword::kReplace) ||
           t.is(Keyword::kUpdate) || t.is(Keyword::kDelete);
  };
  for (;;) {
    const Token& t = peek();
    if ((t.is(Keyword::kExtended) || t.is(Keyword::kPartitions) || t.is(Keyword::kAnalyze)) &&
        (startsStatement(pos_ + 1) || peek(1).is(Keyword::kFormat))) {
      take();
    } else if (t.is(Keyword::kFormat) && peek(1).isOp('=')) {
      pos_ += 2;
      if (!atStatementEnd()) take();
    } else {
      break;
    }
  }
  if (startsStatement(pos_)) {
    parseStatementBody();
    out_.explained = out_.type;
    out_.type = StatementType::kExplain;
    return;
  }
  if (peek().is(Keyword::kFor)) {  // EXPLAIN FOR CONNECTION n
    skipToStatementEnd();
    return;
  }
  if (isPlainName(peek())) addTable(parseTableName());  // DESCRIBE t [column]
}

// ANALYZE / OPTIMIZE / CHECK / REPAIR / CHECKSUM [NO_WRITE_TO_BINLOG | LOCAL] TABLE t1, t2
void Parser::parseTableMaintenance() {
  take();
  out_.type = StatementType::kOther;
  for (;;) {
    if (wordIs(peek(), "no_write_to_binlog") || peek().is(Keyword::kLocal)) {
      take();
      continue;
    }
    break;
  }
  if (accept(Keyword::kTable) || accept(Keyword::kTables)) parseTableList();
}

// LOAD DATA / LOAD XML ... INTO TABLE t ...
void Parser::parseLoad() {
  take();
  out_.type = StatementType::kOther;
  while (!atStatementEnd()) {
    if (peek().is(Keyword::kInto) && peek(1).is(Keyword::kTable)) {
      pos_ += 2;
      if (isName(peek())) addTable(parseTableName());
      return;
    }
    take();
  }
}

}  // namespace sg::sql
