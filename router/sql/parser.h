#pragma once
// The recursive-descent reader behind classify(): walks the token list once and fills a
// Statement. It is deliberately forgiving: it recognises the constructs that matter for routing
// and steps over everything else, so unknown syntax degrades to "unknown", never to a crash.
// Its methods are spread over parse_*.cpp by topic (expressions, SELECT, tables, DML, SET, DDL,
// administrative statements). Internal to sg_sql.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "router/sql/lexer.h"
#include "router/sql/operand.h"
#include "router/sql/statement.h"

namespace sg::sql {

class Parser {
 public:
  Parser(std::string_view sql, const Token* tokens, size_t count, Statement& out);

  // Classifies the statement starting at the first token.
  void parseStatement();

 private:
  friend class DepthGuard;
  static constexpr int kMaxDepth = 96;
  static constexpr size_t kNoTable = static_cast<size_t>(-1);

  // --- cursor (parser.cpp)
  const Token& peek(size_t ahead = 0) const {
    size_t i = pos_ + ahead;
    return i < count_ ? tokens_[i] : end_;
  }
  const Token& at(size_t i) const { return i < count_ ? tokens_[i] : end_; }
  const Token& take() {
    const Token& t = peek();
    if (pos_ < count_) ++pos_;
    return t;
  }
  bool atEnd() const { return pos_ >= count_; }
  bool atStatementEnd() const { return atEnd() || peek().isOp(';'); }
  bool accept(Keyword k) {
    if (!peek().is(k)) return false;
    ++pos_;
    return true;
  }
  bool acceptOp(char c) {
    if (!peek().isOp(c)) return false;
    ++pos_;
    return true;
  }
  bool acceptOp(std::string_view op) {
    if (!peek().isOp(op)) return false;
    ++pos_;
    return true;
  }
  bool isName(const Token& t) const {
    return t.kind == TokenKind::kQuotedIdentifier || t.kind == TokenKind::kWord;
  }
  // A word usable as an identifier without quotes (not a reserved keyword), or a quoted one.
  bool isPlainName(const Token& t) const {
    return t.kind == TokenKind::kQuotedIdentifier ||
           (t.kind == TokenKind::kWord && !isReserved(t.keyword));
  }
  bool isQueryStartAt(size_t i) const;
  std::string_view textOf(size_t fromToken, size_t toToken) const;  // [from, to) tokens
  std::string identifier(const Token& t) const;
  void assignIdentifier(std::string& out, const Token& t) const;
  bool wordIs(const Token& t, std::string_view lowerWord) const;
  void skipBalanced();        // at '(': through the matching ')', parsing subqueries inside
  void skipOne();             // one token, or a whole parenthesised group
  void skipToStatementEnd();  // to ';' or the end, stepping over groups
  void skipToCloseParen();    // error recovery inside a group: up to (not past) its ')'
  void abortTooDeep();

  // --- dispatch (parser.cpp)
  void parseStatementBody();
  void checkTrailing();

  // --- expressions (parse_expression.cpp)
  Operand parseExpr(int minPrec);
  Operand parsePrefix();
  Operand parseWordOperand();
  Operand parseNameOperand();
  Operand parseParenOperand();
  Operand parseUnarySign();
  Operand parseStringOperand();
  Operand parseFunctionCall();
  Operand parseCase();
  void parseComparisonTail(Operand& left, CompareOp op);
  void parseInTail(Operand& left, bool negated);
  void parseBetweenTail(Operand& left, bool negated);
  void parseIsTail(Operand& left);
  Predicate parseCondition();  // a whole boolean expression, as a predicate
  static Predicate toPredicate(Operand&& o);
  static void makeBool(Operand& o);  // o becomes kBool; a non-condition becomes kUnknown

  // --- query expressions (parse_select.cpp)
  void parseSelectStatement();
  Predicate parseQueryExpression();
  Predicate parseQueryTerm(SelectShape& parenthesised, bool& wasParenthesised);
  void parseSelectBlock(Predicate& where);
  void parseSelectList();
  bool atSelectListEnd() const;
  void parseWith();
  void parseSubqueryInParens();
  void parseTailClauses(Predicate* where);
  void parseLimit();
  void parseInto();
  void parseLockingClause();
  void parseExpressionList();

  // --- table references (parse_tables.cpp)
  void parseFromClause(Predicate& where);  // table references + their join conditions
  void parseTableReferences(Predicate& on);
  void parseJoinedTable(Predicate& where);
  size_t parseTableFactor(Predicate& where);  // index of the table in out_.tables, or kNoTable
  int acceptJoin();                           // 0 none, 1 inner, 2 outer, 3 natural
  TableRef parseTableName();
  std::string parseAlias();
  void skipIndexHints();
  size_t addTable(TableRef&& t);
  std::string qualifierOf(size_t table) const;

  // --- DML (parse_dml.cpp)
  void parseInsert(bool replace);
  void parseRowList(InsertRows& rows);
  Value parseInsertValue();
  void parseAssignments(std::vector<std::string>* columns);
  void parseUpdate();
  void parseDelete();
  void parseDmlTail(Predicate& where);

  // --- SET (parse_set.cpp)
  void parseSet();
  std::string_view scanSetValue();

  // --- DDL (parse_ddl.cpp)
  void parseCreate();
  void parseAlter();
  void parseDrop();
  void parseTruncate();
  void parseRename();
  void skipViewOptions();
  void acceptIfExists();
  void acceptIfNotExists();
  void parseTableList();
  void scanForTables(bool queries);

  // --- administrative statements (parse_admin.cpp)
  void parseBegin();
  void parseStart();
  void parseCommitOrRollback(bool rollback);
  void parseChainRelease();
  void parseShow();
  void parseLock();
  void parseExplain();
  void parseTableMaintenance();
  void parseLoad();

  std::string_view sql_;
  const Token* tokens_;
  size_t count_;
  size_t pos_ = 0;
  Token end_;
  Statement& out_;
  SelectShape* shape_;  // the statement's shape, or a scratch one while inside a subquery
  int depth_ = 0;
  bool compound_ = false;  // a compound body that legitimately contains ';'
  std::vector<std::string> cteNames_;
  int outerJoins_ = 0;  // LEFT/RIGHT joins seen so far
};

// Counts recursion; past Parser::kMaxDepth it stops the parse with an error.
class DepthGuard {
 public:
  explicit DepthGuard(Parser& p) : p_(p) {
    if (++p_.depth_ > Parser::kMaxDepth) p_.abortTooDeep();
  }
  ~DepthGuard() { --p_.depth_; }
  DepthGuard(const DepthGuard&) = delete;
  DepthGuard& operator=(const DepthGuard&) = delete;

 private:
  Parser& p_;
};

}  // namespace sg::sql
