// Reading the outermost SELECT block for the merge analysis: modifiers, select items and aliases,
// and the clauses after them, as token spans.

#include "router/plan/select_items.h"

#include <algorithm>
#include <array>

#include "router/sql/operators.h"

namespace sg::plan::merge {

using sql::Keyword;
using sql::Token;
using sql::TokenKind;

namespace {

bool wordIs(const Token& t, std::string_view lower) {
  return t.kind == TokenKind::kWord && lowered(t.text) == lower;
}

bool isTimeUnit(const Token& t) {
  return t.kind == TokenKind::kWord && sql::isIntervalUnit(t.text);
}

// Tokens after which a bare word or quoted name is an alias (`expr alias`).
bool endsOperand(const Token& t) {
  switch (t.kind) {
    case TokenKind::kNumber:
    case TokenKind::kString:
    case TokenKind::kQuotedIdentifier:
    case TokenKind::kPlaceholder:
    case TokenKind::kUserVariable:
    case TokenKind::kSystemVariable:
    case TokenKind::kHexLiteral:
    case TokenKind::kBitLiteral:
      return true;
    case TokenKind::kWord:
      return !sql::isReserved(t.keyword) || t.is(Keyword::kNull) || t.is(Keyword::kTrue) ||
             t.is(Keyword::kFalse);
    case TokenKind::kOperator:
      return t.isOp(')');
    default:
      return false;
  }
}

// Walks the outermost SELECT block's clauses.
class BlockReader {
 public:
  explicit BlockReader(SelectBlock& b) : b_(b) {}
  std::string read(size_t begin);

 private:
  const Token& tok(size_t i) const { return b_.tokens[i]; }
  bool is(size_t i, Keyword k) const { return i < b_.end && tok(i).is(k); }
  bool clauseStart(size_t i) const;
  bool offsetClause(size_t i) const;
  size_t scan(size_t i, bool stopAtComma, bool fromClause) const;
  std::string readItems(size_t& i);
  SelectItem makeItem(Span s) const;
  std::string readKeys(size_t& i, std::vector<SortKey>& keys, const char* clause);
  std::string readLimit(size_t& i);

  SelectBlock& b_;
};

bool BlockReader::clauseStart(size_t i) const {
  const Token& k = tok(i);
  if (k.isOp(';')) return true;
  if (k.kind != TokenKind::kWord) return false;
  switch (k.keyword) {
    case Keyword::kFrom:
    case Keyword::kInto:
    case Keyword::kWhere:
    case Keyword::kHaving:
    case Keyword::kWindow:
    case Keyword::kLimit:
    case Keyword::kUnion:
    case Keyword::kExcept:
    case Keyword::kIntersect:
    case Keyword::kProcedure:
    case Keyword::kFetch:
    case Keyword::kWith:
      return true;
    case Keyword::kGroup:
    case Keyword::kOrder:
      return is(i + 1, Keyword::kBy);
    case Keyword::kFor:
      return is(i + 1, Keyword::kUpdate) || is(i + 1, Keyword::kShare);
    case Keyword::kLock:
      return is(i + 1, Keyword::kIn);
    default:
      return offsetClause(i);
  }
}

// MariaDB's `OFFSET n ROWS` (a word `offset` followed by a value, not a column named offset).
bool BlockReader::offsetClause(size_t i) const {
  return i + 1 < b_.end && tok(i).is(Keyword::kOffset) &&
         (tok(i + 1).kind == TokenKind::kNumber || tok(i + 1).kind == TokenKind::kPlaceholder);
}

// Advances over one expression (or clause body) at the block's depth 0.
size_t BlockReader::scan(size_t i, bool stopAtComma, bool fromClause) const {
  while (i < b_.end) {
    const Token& t = tok(i);
    if (t.isOp('(')) {
      i = matchingParen(b_.tokens, i, b_.end);
      if (i < b_.end) ++i;
      continue;
    }
    if (stopAtComma && t.isOp(',')) return i;
    if (fromClause && (t.is(Keyword::kUse) || t.is(Keyword::kIgnore) || t.is(Keyword::kForce)) &&
        (is(i + 1, Keyword::kIndex) || is(i + 1, Keyword::kKey))) {
      i += 2;  // index hint: USE INDEX [FOR JOIN | FOR ORDER BY | FOR GROUP BY] (...)
      if (is(i, Keyword::kFor)) {
        ++i;
        if (is(i, Keyword::kJoin))
          ++i;
        else if ((is(i, Keyword::kOrder) || is(i, Keyword::kGroup)) && is(i + 1, Keyword::kBy))
          i += 2;
      }
      continue;
    }
    if (clauseStart(i)) return i;
    ++i;
  }
  return i;
}

SelectItem BlockReader::makeItem(Span s) const {
  SelectItem item;
  item.whole = s;
  item.expr = s;
  const Token& last = tok(s.end - 1);
  if (last.isOp('*') && (s.size() == 1 || (tok(s.end - 2).isOp('.')))) {
    item.wildcard = true;
    return item;
  }
  if (s.size() >= 3 && tok(s.end - 2).is(Keyword::kAs)) {
    item.alias = sql::tokenValue(last);
    item.expr.end = s.end - 2;
    return item;
  }
  if (s.size() < 2) return item;
  const Token& prev = tok(s.end - 2);
  bool candidate = last.kind == TokenKind::kQuotedIdentifier ||
                   (last.kind == TokenKind::kWord && !sql::isReserved(last.keyword)) ||
                   (last.kind == TokenKind::kString && prev.kind != TokenKind::kString &&
                    !wordIs(prev, "date") && !wordIs(prev, "time") && !wordIs(prev, "timestamp"));
  if (!candidate || !endsOperand(prev) || prev.isOp('.')) return item;
  if (last.is(Keyword::kEnd) || isTimeUnit(last)) {
    // CASE ... END, INTERVAL n DAY
    for (size_t i = s.begin; i < s.end; ++i) {
      if (tok(i).is(Keyword::kCase) || tok(i).is(Keyword::kInterval)) return item;
    }
  }
  item.alias = sql::tokenValue(last);
  item.expr.end = s.end - 1;
  return item;
}

std::string BlockReader::readItems(size_t& i) {
  while (i < b_.end && !clauseStart(i)) {
    size_t begin = i;
    i = scan(i, true, false);
    if (i == begin) return "unreadable select list";
    b_.items.push_back(makeItem({begin, i}));
    if (i < b_.end && tok(i).isOp(',')) {
      ++i;
      continue;
    }
    break;
  }
  if (b_.items.empty()) return "unreadable select list";
  return "";
}

std::string BlockReader::readKeys(size_t& i, std::vector<SortKey>& keys, const char* clause) {
  for (;;) {
    size_t begin = i;
    i = scan(i, true, false);
    if (i == begin) return std::string("unreadable ") + clause;
    SortKey key;
    key.whole = {begin, i};
    key.expr = key.whole;
    if (key.expr.size() > 1 && (tok(i - 1).is(Keyword::kAsc) || tok(i - 1).is(Keyword::kDesc))) {
      key.descending = tok(i - 1).is(Keyword::kDesc);
      key.expr.end = i - 1;
    }
    keys.push_back(key);
    if (i < b_.end && tok(i).isOp(',')) {
      ++i;
      continue;
    }
    return "";
  }
}

std::string BlockReader::readLimit(size_t& i) {
  const size_t start = i++;
  auto value = [&]() -> std::optional<size_t> {
    if (i < b_.end &&
        (tok(i).kind == TokenKind::kNumber || tok(i).kind == TokenKind::kPlaceholder)) {
      return i++;
    }
    return std::nullopt;
  };
  std::optional<size_t> first = value();
  if (!first) {
    return "LIMIT with " + (i < b_.end ? std::string(tok(i).text) : std::string("no value"));
  }
  b_.limit.count = first;
  if (i < b_.end && tok(i).isOp(',')) {
    ++i;
    b_.limit.offset = first;
    b_.limit.count = value();
  } else if (is(i, Keyword::kOffset)) {
    ++i;
    b_.limit.offset = value();
    if (!b_.limit.offset) return "LIMIT ... OFFSET with a non-literal offset";
  }
  if (!b_.limit.count) return "LIMIT with a non-literal row count";
  b_.limit.present = true;
  b_.limit.span = {start, i};
  if (i < b_.end && wordIs(tok(i), "rows")) return "LIMIT ROWS EXAMINED";
  return "";
}

std::string BlockReader::read(size_t i) {
  ++i;  // SELECT
  for (;;) {
    if (is(i, Keyword::kDistinct) || is(i, Keyword::kDistinctrow)) {
      b_.distinct = true;
    } else if (is(i, Keyword::kSqlCalcFoundRows)) {
      return "SQL_CALC_FOUND_ROWS";
    } else if (!(is(i, Keyword::kAll) || is(i, Keyword::kHighPriority) ||
                 is(i, Keyword::kStraightJoin) || is(i, Keyword::kSqlSmallResult) ||
                 is(i, Keyword::kSqlBigResult) || is(i, Keyword::kSqlBufferResult) ||
                 is(i, Keyword::kSqlCache) || is(i, Keyword::kSqlNoCache))) {
      break;
    }
    ++i;
  }
  if (std::string e = readItems(i); !e.empty()) return e;
  bool tailSet = false;
  while (i < b_.end) {
    const Token& t = tok(i);
    if (t.is(Keyword::kFrom) || t.is(Keyword::kWhere)) {
      i = scan(i + 1, false, t.is(Keyword::kFrom));
      continue;
    }
    if (!tailSet) {
      b_.tail = i;
      tailSet = true;
    }
    if (t.is(Keyword::kGroup) && is(i + 1, Keyword::kBy)) {
      const size_t start = i;
      i += 2;
      b_.hasGroupBy = true;
      if (std::string e = readKeys(i, b_.groupBy, "GROUP BY"); !e.empty()) return e;
      if (is(i, Keyword::kWith) && i + 1 < b_.end && wordIs(tok(i + 1), "rollup")) {
        return "WITH ROLLUP";
      }
      b_.groupClause = {start, i};
    } else if (t.is(Keyword::kHaving)) {
      const size_t start = i;
      i = scan(i + 1, false, false);
      b_.hasHaving = true;
      b_.havingClause = {start, i};
      b_.having = {start + 1, i};
      if (b_.having.empty()) return "unreadable HAVING";
    } else if (t.is(Keyword::kOrder) && is(i + 1, Keyword::kBy)) {
      const size_t start = i;
      i += 2;
      b_.hasOrderBy = true;
      if (std::string e = readKeys(i, b_.orderBy, "ORDER BY"); !e.empty()) return e;
      b_.orderClause = {start, i};
    } else if (t.is(Keyword::kLimit)) {
      if (std::string e = readLimit(i); !e.empty()) return e;
    } else if ((t.is(Keyword::kFor) && clauseStart(i)) ||
               (t.is(Keyword::kLock) && clauseStart(i))) {
      while (i < b_.end && !tok(i).is(Keyword::kInto)) ++i;  // locking clause: kept as written
    } else if (t.is(Keyword::kInto)) {
      return "SELECT ... INTO";
    } else if (t.is(Keyword::kWindow)) {
      return "window functions";
    } else if (t.is(Keyword::kProcedure)) {
      return "PROCEDURE";
    } else if (t.is(Keyword::kUnion) || t.is(Keyword::kExcept) || t.is(Keyword::kIntersect)) {
      return uppered(t.text);
    } else if (t.is(Keyword::kFetch) || offsetClause(i)) {
      return "OFFSET ... FETCH";
    } else {
      return "unrecognised clause at '" + std::string(t.text) + "'";
    }
  }
  if (!tailSet) b_.tail = b_.end;
  return "";
}

}  // namespace

std::string readSelectBlock(std::string_view sql, SelectBlock& out) {
  out.sql = sql;
  sql::LexResult lexed = sql::lex(sql);
  if (lexed.error) return std::string("unreadable statement: ") + lexed.error->message;
  out.all = std::move(lexed.tokens);
  for (size_t i = 0; i < out.all.size(); ++i) {
    if (out.all[i].kind == TokenKind::kComment) continue;
    out.tokens.push_back(out.all[i]);
    out.allIndex.push_back(i);
  }
  const std::vector<Token>& t = out.tokens;
  size_t begin = 0;
  size_t end = t.size();
  for (size_t i = 0; i < end; ++i) {  // the first statement only
    if (t[i].isOp('(')) {
      i = matchingParen(t, i, end);
    } else if (t[i].isOp(';')) {
      end = i;
    }
  }
  while (begin < end && t[begin].isOp('(')) {  // (SELECT ...)
    size_t close = matchingParen(t, begin, end);
    if (close != end - 1) return "parenthesised query expression";
    ++begin;
    end = close;
  }
  out.end = end;
  if (begin >= end) return "empty statement";
  if (t[begin].is(Keyword::kWith)) return "WITH (common table expressions)";
  if (!t[begin].is(Keyword::kSelect)) return uppered(t[begin].text) + " statement";
  for (size_t i = begin; i + 1 < end; ++i) {
    if (t[i].isOp('(') && (t[i + 1].is(Keyword::kSelect) || t[i + 1].is(Keyword::kWith))) {
      return "subquery";
    }
    if (t[i].is(Keyword::kOver) && (t[i + 1].isOp('(') || t[i + 1].kind == TokenKind::kWord ||
                                    t[i + 1].kind == TokenKind::kQuotedIdentifier)) {
      return "window functions";
    }
  }
  BlockReader reader(out);
  return reader.read(begin);
}

}  // namespace sg::plan::merge
