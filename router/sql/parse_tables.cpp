// Table references: FROM lists, joins (whose ON / USING conditions feed the routing predicate),
// derived tables, table names with schema qualifiers, aliases, PARTITION and index hints.

#include "router/sql/parser.h"
#include "router/sql/predicate_builder.h"

namespace sg::sql {
namespace {

constexpr int kNoJoin = 0;
constexpr int kInnerJoin = 1;
constexpr int kOuterJoin = 2;
constexpr int kNaturalJoin = 3;

bool sameName(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x | 0x20);
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y | 0x20);
    if (x != y) return false;
  }
  return true;
}

}  // namespace

void Parser::parseFromClause(Predicate& where) {
  Predicate on;
  const int outerBefore = outerJoins_;
  parseTableReferences(on);
  // With an outer join anywhere in the clause, an ON condition may no longer filter every
  // table's rows (LEFT JOIN's ON does not filter the left side; with a RIGHT JOIN, even the ON
  // of an inner join on the left does not filter the right side): keep only the key equalities
  // that relate tables.
  if (outerJoins_ != outerBefore) on = keepColumnEqualities(std::move(on));
  andInto(where, std::move(on));
}

void Parser::parseTableReferences(Predicate& where) {
  DepthGuard guard(*this);
  for (;;) {
    parseJoinedTable(where);
    if (!acceptOp(',')) return;
    out_.multiTable = true;
  }
}

int Parser::acceptJoin() {
  const Token& t = peek();
  if (t.is(Keyword::kJoin) || t.is(Keyword::kStraightJoin)) {
    take();
    return kInnerJoin;
  }
  if ((t.is(Keyword::kInner) || t.is(Keyword::kCross)) && peek(1).is(Keyword::kJoin)) {
    pos_ += 2;
    return kInnerJoin;
  }
  if (t.is(Keyword::kLeft) || t.is(Keyword::kRight)) {
    if (peek(1).is(Keyword::kJoin)) {
      pos_ += 2;
      ++outerJoins_;
      out_.outerJoin = true;
      return kOuterJoin;
    }
    if (peek(1).is(Keyword::kOuter) && peek(2).is(Keyword::kJoin)) {
      pos_ += 3;
      ++outerJoins_;
      out_.outerJoin = true;
      return kOuterJoin;
    }
    return kNoJoin;
  }
  if (t.is(Keyword::kNatural)) {
    size_t i = 1;
    bool outer = false;
    if (peek(i).is(Keyword::kLeft) || peek(i).is(Keyword::kRight)) {
      outer = true;
      ++i;
      if (peek(i).is(Keyword::kOuter)) ++i;
    } else if (peek(i).is(Keyword::kInner)) {
      ++i;
    }
    if (peek(i).is(Keyword::kJoin)) {
      pos_ += i + 1;
      if (outer) {
        ++outerJoins_;
        out_.outerJoin = true;
      }
      return kNaturalJoin;
    }
  }
  return kNoJoin;
}

void Parser::parseJoinedTable(Predicate& where) {
  size_t left = parseTableFactor(where);
  for (;;) {
    const int join = acceptJoin();
    if (join == kNoJoin) return;
    out_.multiTable = true;
    const size_t right = parseTableFactor(where);
    if (join != kNaturalJoin) {
      if (accept(Keyword::kOn)) {
        andInto(where, parseCondition());
      } else if (peek().is(Keyword::kUsing) && peek(1).isOp('(')) {
        pos_ += 2;
        while (!atEnd() && !peek().isOp(')')) {
          if (isName(peek())) {
            std::string column = identifier(take());
            if (left != kNoTable && right != kNoTable) {
              andInto(where, makeColumnEq(ColumnRef{qualifierOf(left), column},
                                          ColumnRef{qualifierOf(right), column}));
            }
          } else if (!acceptOp(',')) {
            skipOne();
          }
        }
        acceptOp(')');
      }
    }
    left = right;
  }
}

size_t Parser::parseTableFactor(Predicate& where) {
  DepthGuard guard(*this);
  const Token& t = peek();
  if (t.isOp('(')) {
    if (isQueryStartAt(pos_ + 1)) {  // derived table
      parseSubqueryInParens();
      out_.hasDerivedTable = true;
      parseAlias();
      if (peek().isOp('(')) skipBalanced();  // column names
      return kNoTable;
    }
    take();  // ( table references )
    parseTableReferences(where);
    skipToCloseParen();
    acceptOp(')');
    return kNoTable;
  }
  if ((t.is(Keyword::kLateral) || t.is(Keyword::kJsonTable)) && peek(1).isOp('(')) {
    take();
    skipBalanced();
    out_.hasDerivedTable = true;
    parseAlias();
    if (peek().isOp('(')) skipBalanced();
    return kNoTable;
  }
  if (t.isOp('{')) {  // ODBC { OJ table_reference }
    take();
    if (wordIs(peek(), "oj")) take();
    parseTableReferences(where);
    while (!atEnd() && !peek().isOp('}')) skipOne();
    acceptOp('}');
    return kNoTable;
  }
  if (t.is(Keyword::kDual)) {
    take();
    return kNoTable;
  }
  if (!isPlainName(t)) return kNoTable;
  TableRef ref = parseTableName();
  if (peek().is(Keyword::kPartition) && peek(1).isOp('(')) {
    take();
    skipBalanced();
  }
  ref.alias = parseAlias();
  skipIndexHints();
  return addTable(std::move(ref));
}

std::string Parser::qualifierOf(size_t table) const {
  const TableRef& t = out_.tables[table];
  if (!t.alias.empty()) return t.alias;
  if (t.schema.empty()) return t.name;
  return t.schema + "." + t.name;
}

TableRef Parser::parseTableName() {
  TableRef ref;
  assignIdentifier(ref.name, take());
  if (peek().isOp('.') && isName(peek(1))) {
    take();
    ref.schema.swap(ref.name);
    assignIdentifier(ref.name, take());
  }
  if (peek().isOp('.') && peek(1).isOp('*')) {  // DELETE t.* FROM ...
    take();
    take();
  }
  return ref;
}

std::string Parser::parseAlias() {
  if (accept(Keyword::kAs)) {
    if (isName(peek()) || peek().kind == TokenKind::kString) return identifier(take());
    return {};
  }
  if (isPlainName(peek())) return identifier(take());
  return {};
}

void Parser::skipIndexHints() {
  for (;;) {
    const Token& t = peek();
    if (!(t.is(Keyword::kUse) || t.is(Keyword::kIgnore) || t.is(Keyword::kForce)) ||
        !(peek(1).is(Keyword::kIndex) || peek(1).is(Keyword::kKey))) {
      return;
    }
    pos_ += 2;
    if (accept(Keyword::kFor)) {
      if (!accept(Keyword::kJoin) && (accept(Keyword::kOrder) || accept(Keyword::kGroup))) {
        accept(Keyword::kBy);
      }
    }
    if (peek().isOp('(')) skipBalanced();
    // Hints may be separated by commas: `USE INDEX (a), IGNORE INDEX (b)`.
    if (peek().isOp(',') &&
        (peek(1).is(Keyword::kUse) || peek(1).is(Keyword::kIgnore) ||
         peek(1).is(Keyword::kForce)) &&
        (peek(2).is(Keyword::kIndex) || peek(2).is(Keyword::kKey))) {
      take();
    }
  }
}

size_t Parser::addTable(TableRef&& ref) {
  if (ref.name.empty()) return kNoTable;
  if (ref.schema.empty()) {
    for (const std::string& cte : cteNames_) {
      if (sameName(cte, ref.name)) return kNoTable;  // a reference to a WITH query
    }
  }
  out_.tables.push_back(std::move(ref));
  return out_.tables.size() - 1;
}

}  // namespace sg::sql
