#include "router/sql/parser.h"

namespace sg::sql {

Parser::Parser(std::string_view sql, const Token* tokens, size_t count, Statement& out)
    : sql_(sql), tokens_(tokens), count_(count), out_(out), shape_(&out.shape) {
  end_.kind = TokenKind::kEnd;
  end_.begin = end_.end = static_cast<uint32_t>(sql.size());
  end_.text = sql.substr(sql.size());
}

bool Parser::isQueryStartAt(size_t i) const {
  // Only as many '(' as could ever be parsed: deeper text is stepped over anyway, and a bounded
  // look-ahead keeps `f((((((...` linear.
  for (int n = 0; at(i).isOp('('); ++i) {
    if (++n > kMaxDepth) return false;
  }
  const Token& t = at(i);
  if (t.is(Keyword::kSelect) || t.is(Keyword::kWith)) return true;
  if (t.is(Keyword::kValues)) return at(i + 1).is(Keyword::kRow);
  if (t.is(Keyword::kTable)) return isName(at(i + 1));
  return false;
}

std::string_view Parser::textOf(size_t fromToken, size_t toToken) const {
  if (fromToken >= toToken || fromToken >= count_) return {};
  size_t begin = at(fromToken).begin;
  size_t end = at(toToken - 1).end;
  return end > begin ? sql_.substr(begin, end - begin) : std::string_view();
}

std::string Parser::identifier(const Token& t) const {
  if (t.kind == TokenKind::kQuotedIdentifier || t.kind == TokenKind::kString) return tokenValue(t);
  return std::string(t.text);
}

void Parser::assignIdentifier(std::string& out, const Token& t) const {
  if (t.kind == TokenKind::kQuotedIdentifier || t.kind == TokenKind::kString) {
    out = tokenValue(t);
  } else {
    out.assign(t.text);
  }
}

bool Parser::wordIs(const Token& t, std::string_view lowerWord) const {
  if (t.kind != TokenKind::kWord || t.text.size() != lowerWord.size()) return false;
  for (size_t i = 0; i < lowerWord.size(); ++i) {
    char c = t.text[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c | 0x20);
    if (c != lowerWord[i]) return false;
  }
  return true;
}

void Parser::skipBalanced() {
  if (!peek().isOp('(')) {
    take();
    return;
  }
  if (isQueryStartAt(pos_ + 1)) {
    parseSubqueryInParens();
    return;
  }
  take();
  int depth = 1;
  while (!atEnd()) {
    const Token& t = peek();
    if (t.kind == TokenKind::kOperator) {
      if (t.isOp('(')) {
        if (isQueryStartAt(pos_ + 1)) {
          parseSubqueryInParens();
          continue;
        }
        ++depth;
      } else if (t.isOp(')')) {
        take();
        if (--depth == 0) return;
        continue;
      }
    } else if (t.kind == TokenKind::kWord) {
      if (isAggregate(t.keyword) && peek(1).isOp('(')) shape_->aggregates = true;
      if (t.is(Keyword::kOver)) shape_->windowFunctions = true;
    }
    take();
  }
}

void Parser::skipOne() {
  if (peek().isOp('(')) {
    skipBalanced();
  } else {
    take();
  }
}

void Parser::skipToStatementEnd() {
  while (!atStatementEnd()) skipOne();
}

void Parser::skipToCloseParen() {
  while (!atEnd() && !peek().isOp(')')) skipOne();
}

void Parser::abortTooDeep() {
  if (!out_.error) {
    out_.error = "statement nested too deeply (more than " + std::to_string(kMaxDepth) + " levels)";
  }
  pos_ = count_;
}

void Parser::parseStatement() {
  while (acceptOp(';')) {
  }
  if (atEnd()) {
    out_.type = StatementType::kEmpty;
    return;
  }
  parseStatementBody();
  checkTrailing();
}

void Parser::checkTrailing() {
  if (compound_) return;
  while (!atEnd()) {
    if (acceptOp(';')) {
      while (acceptOp(';')) {
      }
      if (!atEnd()) out_.multipleStatements = true;
      return;
    }
    skipOne();
  }
}

void Parser::parseStatementBody() {
  DepthGuard guard(*this);
  const Token& t = peek();
  if (t.isOp('(')) {
    if (isQueryStartAt(pos_)) {
      parseSelectStatement();
    } else {
      out_.type = StatementType::kOther;
    }
    return;
  }
  switch (t.kind == TokenKind::kWord ? t.keyword : Keyword::kNone) {
    case Keyword::kSelect:
    case Keyword::kTable:
    case Keyword::kValues:
      parseSelectStatement();
      return;
    case Keyword::kWith:
      parseWith();
      if (peek().is(Keyword::kUpdate)) {
        parseUpdate();
      } else if (peek().is(Keyword::kDelete)) {
        parseDelete();
      } else {
        parseSelectStatement();
      }
      return;
    case Keyword::kInsert:
      parseInsert(false);
      return;
    case Keyword::kReplace:
      parseInsert(true);
      return;
    case Keyword::kUpdate:
      parseUpdate();
      return;
    case Keyword::kDelete:
      parseDelete();
      return;
    case Keyword::kBegin:
      parseBegin();
      return;
    case Keyword::kStart:
      parseStart();
      return;
    case Keyword::kCommit:
      parseCommitOrRollback(false);
      return;
    case Keyword::kRollback:
      parseCommitOrRollback(true);
      return;
    case Keyword::kSavepoint:
      take();
      out_.type = StatementType::kSavepoint;
      if (isName(peek())) out_.savepoint = identifier(take());
      return;
    case Keyword::kRelease:
      take();
      if (accept(Keyword::kSavepoint)) {
        out_.type = StatementType::kReleaseSavepoint;
        if (isName(peek())) out_.savepoint = identifier(take());
      } else {
        out_.type = StatementType::kOther;
      }
      return;
    case Keyword::kSet:
      parseSet();
      return;
    case Keyword::kUse:
      take();
      out_.type = StatementType::kUse;
      if (isName(peek())) out_.schema = identifier(take());
      return;
    case Keyword::kShow:
      parseShow();
      return;
    case Keyword::kCreate:
      parseCreate();
      return;
    case Keyword::kAlter:
      parseAlter();
      return;
    case Keyword::kDrop:
      parseDrop();
      return;
    case Keyword::kTruncate:
      parseTruncate();
      return;
    case Keyword::kRename:
      parseRename();
      return;
    case Keyword::kLock:
      parseLock();
      return;
    case Keyword::kUnlock:
      take();
      out_.type = (accept(Keyword::kTables) || accept(Keyword::kTable))
                      ? StatementType::kUnlockTables
                      : StatementType::kOther;
      return;
    case Keyword::kCall:
      take();
      out_.type = StatementType::kCall;
      if (isName(peek())) parseTableName();
      if (peek().isOp('(')) skipBalanced();
      return;
    case Keyword::kDo:
      take();
      out_.type = StatementType::kDo;
      parseExpressionList();
      return;
    case Keyword::kXa:
      take();
      out_.type = StatementType::kXa;
      return;
    case Keyword::kExplain:
    case Keyword::kDescribe:
    case Keyword::kDesc:
      parseExplain();
      return;
    case Keyword::kAnalyze:
      if (peek(1).is(Keyword::kTable) || peek(1).is(Keyword::kTables)) {
        parseTableMaintenance();
      } else if (isQueryStartAt(pos_ + 1) || peek(1).is(Keyword::kFormat) ||
                 peek(1).is(Keyword::kInsert) || peek(1).is(Keyword::kReplace) ||
                 peek(1).is(Keyword::kUpdate) || peek(1).is(Keyword::kDelete)) {
        parseExplain();  // MariaDB ANALYZE <statement>
      } else {
        parseTableMaintenance();
      }
      return;
    case Keyword::kOptimize:
    case Keyword::kCheck:
    case Keyword::kRepair:
    case Keyword::kChecksum:
      parseTableMaintenance();
      return;
    case Keyword::kHandler:
      take();
      out_.type = StatementType::kOther;
      if (isName(peek())) addTable(parseTableName());
      return;
    case Keyword::kLoad:
      parseLoad();
      return;
    default:
      out_.type = StatementType::kOther;
      return;
  }
}

}  // namespace sg::sql
