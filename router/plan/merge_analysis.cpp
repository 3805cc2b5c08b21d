// analyzeMerge(): from the outermost SELECT block (select_items.h) to the statement each shard
// runs and the MergeSpec the executor follows. MergeBuilder lays out the result's columns
// (visible items, then hidden ones, deduplicated by text), resolves GROUP BY / ORDER BY / HAVING
// references to columns, and rewrites the text (merge_rewrite.h).

#include <map>
#include <set>
#include <utility>

#include "router/plan/having_parser.h"
#include "router/plan/merge_rewrite.h"
#include "router/plan/merge_spec.h"
#include "router/plan/select_items.h"

namespace sg::plan {

namespace merge {
namespace {

using sql::Keyword;
using sql::Token;
using sql::TokenKind;

constexpr size_t kNoColumn = static_cast<size_t>(-1);

Fragment wrap(const char* prefix, const Fragment& f, const char* suffix) {
  Fragment out;
  out.text = prefix;
  out.text += f.text;
  out.text += suffix;
  out.params = f.params;
  return out;
}

MergeAnalysis refused(std::string why) {
  MergeAnalysis a;
  a.unsupported = std::move(why);
  return a;
}

class MergeBuilder final : public HavingResolver {
 public:
  MergeBuilder(const sql::Statement& stmt, const SelectBlock& b) : stmt_(stmt), b_(b) {}

  MergeAnalysis run();

  std::optional<size_t> column(Span ref, std::string& error) override;
  std::optional<size_t> aggregate(const AggregateCall& call, std::string& error) override;

 private:
  bool refuse(std::string why) {
    if (error_.empty()) error_ = std::move(why);
    return false;
  }
  std::string text(Span s) const { return fragmentOf(b_, s).text; }

  bool layoutItems();
  bool findAggregates(Span s);
  size_t hidden(const Fragment& f, MergeColumn c);
  MergeKey keyFor(size_t column, const Fragment& e, bool numeric, bool descending);
  void aggregateExtras(const AggregateCall& call, size_t column);
  size_t aggregateColumn(const AggregateCall& call);
  void appendGroupKey(const Fragment& arg);
  std::optional<MergeKey> resolveKey(const SortKey& key, bool group);
  std::optional<MergeKey> itemKey(size_t item, bool descending);
  std::optional<size_t> itemByAlias(const Token& name, bool skipAggregates) const;
  std::optional<size_t> itemByText(const std::string& norm) const;
  bool readLimitValue(std::optional<size_t> token, LimitValue& out);
  bool rewrite();

  const sql::Statement& stmt_;
  const SelectBlock& b_;
  MergeSpec spec_;
  std::string error_;
  bool aggregate_ = false;
  size_t firstWildcardItem_ = kNoColumn;
  std::vector<size_t> itemColumn_;
  std::vector<std::string> itemText_;  // normalised expression of each item
  std::vector<std::optional<AggregateCall>> itemAggregate_;
  std::vector<Fragment> hidden_;
  std::map<std::string, size_t> hiddenIndex_;
  std::vector<Fragment> groupAppend_;
  std::set<std::string> groupAppendKeys_;
};

bool MergeBuilder::layoutItems() {
  for (size_t i = 0; i < b_.items.size(); ++i) {
    const SelectItem& item = b_.items[i];
    itemText_.push_back(item.wildcard ? std::string() : normalised(b_, item.expr));
    itemAggregate_.emplace_back();
    if (item.wildcard) {
      itemColumn_.push_back(kNoColumn);
      if (!spec_.wildcard) {
        spec_.wildcard = true;
        spec_.wildcardColumn = spec_.columns.size();
        firstWildcardItem_ = i;
      }
      continue;
    }
    MergeColumn column;
    std::vector<AggregateCall> calls = aggregateCalls(b_, item.expr);
    for (const AggregateCall& c : calls) {
      if (c.kind == Aggregate::kNone) return refuse(c.name);
    }
    if (!calls.empty()) {
      std::optional<AggregateCall> whole = wholeAggregate(b_, item.expr);
      if (!whole) return refuse("expression over aggregates: " + text(item.expr));
      if (whole->distinct && whole->severalArguments) {
        return refuse(whole->name + "(DISTINCT) of several expressions: " + text(item.expr));
      }
      column.aggregate = whole->kind;
      itemAggregate_.back() = whole;
      aggregate_ = true;
    }
    itemColumn_.push_back(spec_.columns.size());
    spec_.columns.push_back(column);
  }
  spec_.visibleColumns = spec_.columns.size();
  return true;
}

// Notes aggregates in a clause; refuses the ones the proxy cannot merge.
bool MergeBuilder::findAggregates(Span s) {
  for (const AggregateCall& c : aggregateCalls(b_, s)) {
    if (c.kind == Aggregate::kNone) return refuse(c.name);
    aggregate_ = true;
  }
  return true;
}

size_t MergeBuilder::hidden(const Fragment& f, MergeColumn c) {
  std::string key = normalised(f);
  if (auto it = hiddenIndex_.find(key); it != hiddenIndex_.end()) return it->second;
  size_t index = spec_.columns.size();
  c.hidden = true;
  spec_.columns.push_back(c);
  hidden_.push_back(f);
  hiddenIndex_.emplace(std::move(key), index);
  return index;
}

MergeKey MergeBuilder::keyFor(size_t column, const Fragment& e, bool numeric, bool descending) {
  MergeKey key;
  key.column = column;
  key.descending = descending;
  if (!numeric) {
    key.weight = hidden(wrap("WEIGHT_STRING(", e, ")"), {});
    key.padWeight = hidden(wrap("WEIGHT_STRING(CONCAT(LEFT(", e, ",0),' '))"), {});
  }
  return key;
}

void MergeBuilder::appendGroupKey(const Fragment& arg) {
  std::string key = normalised(arg);
  for (const SortKey& k : b_.groupBy) {
    if (normalised(b_, k.expr) == key) return;
  }
  if (groupAppendKeys_.insert(key).second) groupAppend_.push_back(arg);
}

// The hidden columns an aggregate column needs (AVG's SUM and COUNT, a DISTINCT argument, MIN/MAX
// weights).
void MergeBuilder::aggregateExtras(const AggregateCall& call, size_t column) {
  Fragment arg = fragmentOf(b_, call.argument);
  if (call.distinct && call.kind != Aggregate::kMin && call.kind != Aggregate::kMax) {
    size_t argColumn = hidden(arg, {});
    MergeKey key = keyFor(argColumn, arg, isNumericExpr(b_, call.argument), false);
    spec_.columns[column].distinct = true;
    spec_.columns[column].argumentKey = key;
    appendGroupKey(arg);
    return;
  }
  switch (call.kind) {
    case Aggregate::kAvg: {
      MergeColumn sum;
      sum.aggregate = Aggregate::kSum;
      size_t sumColumn = hidden(wrap("SUM(", arg, ")"), sum);
      MergeColumn count;
      count.aggregate = Aggregate::kCount;
      size_t countColumn = hidden(wrap("COUNT(", arg, ")"), count);
      spec_.columns[column].sumColumn = sumColumn;
      spec_.columns[column].countColumn = countColumn;
      break;
    }
    case Aggregate::kMin:
    case Aggregate::kMax: {
      MergeKey key =
          keyFor(column, fragmentOf(b_, call.call), isNumericExpr(b_, call.argument), false);
      spec_.columns[column].minMaxKey = key;
      break;
    }
    default:
      break;
  }
}

// The column holding an aggregate: the identical select item, else a hidden column.
size_t MergeBuilder::aggregateColumn(const AggregateCall& call) {
  std::string norm = normalised(b_, call.call);
  for (size_t i = 0; i < b_.items.size(); ++i) {
    if (itemAggregate_[i] && itemText_[i] == norm) return itemColumn_[i];
  }
  Fragment f = fragmentOf(b_, call.call);
  bool existed = hiddenIndex_.count(normalised(f)) > 0;
  MergeColumn c;
  c.aggregate = call.kind;
  size_t column = hidden(f, c);
  if (!existed) aggregateExtras(call, column);
  return column;
}

std::optional<size_t> MergeBuilder::itemByAlias(const Token& name, bool skipAggregates) const {
  if (name.kind != TokenKind::kQuotedIdentifier &&
      !(name.kind == TokenKind::kWord && !sql::isReserved(name.keyword))) {
    return std::nullopt;
  }
  std::string wanted = lowered(sql::tokenValue(name));
  for (size_t i = 0; i < b_.items.size(); ++i) {
    const SelectItem& item = b_.items[i];
    if (item.wildcard || item.alias.empty() || lowered(item.alias) != wanted) continue;
    if (skipAggregates && itemAggregate_[i]) continue;
    return i;
  }
  return std::nullopt;
}

std::optional<size_t> MergeBuilder::itemByText(const std::string& norm) const {
  for (size_t i = 0; i < b_.items.size(); ++i) {
    if (!b_.items[i].wildcard && itemText_[i] == norm) return i;
  }
  return std::nullopt;
}

// A key on select item `item`: its column, or with a wildcard (whose columns come first in the
// result at unknown positions) a hidden copy of its expression.
std::optional<MergeKey> MergeBuilder::itemKey(size_t item, bool descending) {
  Span expr = b_.items[item].expr;
  Fragment f = fragmentOf(b_, expr);
  size_t column = itemColumn_[item];
  if (spec_.wildcard && item > firstWildcardItem_) column = hidden(f, {});
  return keyFor(column, f, isNumericExpr(b_, expr), descending);
}

std::optional<MergeKey> MergeBuilder::resolveKey(const SortKey& key, bool group) {
  const std::string clause = group ? "GROUP BY" : "ORDER BY";
  const Span e = key.expr;
  const Token& first = b_.tokens[e.begin];
  if (e.size() == 1 && first.kind == TokenKind::kNumber &&
      first.text.find_first_not_of("0123456789") == std::string_view::npos) {
    size_t position = first.text.size() > 9 ? 0 : std::stoul(std::string(first.text));
    if (position < 1 || position > b_.items.size()) {
      refuse(clause + " position " + std::string(first.text) + " (the select list has " +
             std::to_string(b_.items.size()) + " expressions)");
      return std::nullopt;
    }
    size_t item = position - 1;
    if (spec_.wildcard && item >= firstWildcardItem_) {
      refuse(clause + " position " + std::string(first.text) + " with * in the select list");
      return std::nullopt;
    }
    if (group && itemAggregate_[item]) {
      refuse("GROUP BY position " + std::string(first.text) + " names an aggregate");
      return std::nullopt;
    }
    return itemKey(item, key.descending);
  }
  if (e.size() == 1) {
    if (std::optional<size_t> item = itemByAlias(first, group))
      return itemKey(*item, key.descending);
  }
  if (!spec_.wildcard) {
    if (std::optional<size_t> item = itemByText(normalised(b_, e))) {
      if (group && itemAggregate_[*item]) {
        refuse("aggregate in GROUP BY: " + text(e));
        return std::nullopt;
      }
      return itemKey(*item, key.descending);
    }
  }
  if (!group && b_.distinct) {
    refuse("DISTINCT with ORDER BY key not in the select list: " + text(e));
    return std::nullopt;
  }
  Fragment f = fragmentOf(b_, e);
  const bool numeric = isNumericExpr(b_, e);
  if (!aggregateCalls(b_, e).empty()) {
    std::optional<AggregateCall> whole = wholeAggregate(b_, e);
    if (group) {
      refuse("aggregate in GROUP BY: " + text(e));
    } else if (!whole) {
      refuse("expression over aggregates: " + text(e));
    } else if (whole->distinct && whole->severalArguments) {
      refuse(whole->name + "(DISTINCT) of several expressions: " + text(e));
    } else {
      return keyFor(aggregateColumn(*whole), f, numeric, key.descending);
    }
    return std::nullopt;
  }
  return keyFor(hidden(f, {}), f, numeric, key.descending);
}

std::optional<size_t> MergeBuilder::column(Span ref, std::string& error) {
  std::string norm = normalised(b_, ref);
  for (size_t k = 0; k < b_.groupBy.size() && k < spec_.groupBy.size(); ++k) {
    if (normalised(b_, b_.groupBy[k].expr) == norm) return spec_.groupBy[k].column;
  }
  if (ref.size() == 1) {
    if (std::optional<size_t> item = itemByAlias(b_.tokens[ref.begin], false)) {
      return itemColumn_[*item];
    }
  }
  if (std::optional<size_t> item = itemByText(norm)) return itemColumn_[*item];
  (void)error;
  return hidden(fragmentOf(b_, ref), {});
}

std::optional<size_t> MergeBuilder::aggregate(const AggregateCall& call, std::string& error) {
  if (call.distinct && call.severalArguments) {
    error = call.name + "(DISTINCT) of several expressions";
    return std::nullopt;
  }
  return aggregateColumn(call);
}

bool MergeBuilder::readLimitValue(std::optional<size_t> token, LimitValue& out) {
  if (!token) return true;
  const Token& t = b_.tokens[*token];
  if (t.kind == TokenKind::kPlaceholder) {
    out.param = t.param;
    return true;
  }
  if (t.text.find_first_not_of("0123456789") != std::string_view::npos) {
    return refuse("LIMIT with " + std::string(t.text));
  }
  uint64_t value = 0;
  for (char c : t.text) {
    uint64_t digit = static_cast<uint64_t>(c - '0');
    if (value > (UINT64_MAX - digit) / 10) return refuse("LIMIT value out of range");
    value = value * 10 + digit;
  }
  out.literal = value;
  return true;
}

bool MergeBuilder::rewrite() {
  SqlRewriter rw(b_);
  if (!hidden_.empty()) {
    Fragment f;
    for (const Fragment& h : hidden_) {
      f.text += ", ";
      f.text += h.text;
      f.params.insert(f.params.end(), h.params.begin(), h.params.end());
    }
    rw.insert(b_.tokens[b_.items.back().whole.end - 1].end, std::move(f));
  }
  if (!groupAppend_.empty()) {
    Fragment f;
    f.text = b_.hasGroupBy ? ", " : " GROUP BY ";
    for (size_t i = 0; i < groupAppend_.size(); ++i) {
      if (i > 0) f.text += ", ";
      f.text += groupAppend_[i].text;
      f.params.insert(f.params.end(), groupAppend_[i].params.begin(), groupAppend_[i].params.end());
    }
    size_t after = b_.hasGroupBy ? b_.groupClause.end : b_.tail;
    rw.insert(b_.tokens[after - 1].end, std::move(f));
  }
  if (aggregate_) {
    if (b_.hasHaving) rw.removeClause(b_.havingClause);
    if (b_.hasOrderBy) rw.removeClause(b_.orderClause);
    if (b_.limit.present) rw.removeClause(b_.limit.span);
  } else if (b_.limit.present) {
    const LimitValue& n = spec_.limit;
    const LimitValue& m = spec_.offset;
    if (n.literal && m.literal) {
      uint64_t sum = *n.literal > UINT64_MAX - *m.literal ? UINT64_MAX : *n.literal + *m.literal;
      rw.replaceClause(b_.limit.span, Fragment{"LIMIT " + std::to_string(sum), {}});
    } else if (m.present() || !(n.literal || n.param)) {
      rw.removeClause(b_.limit.span);
    }
    // LIMIT n / LIMIT ?: kept as written
  }
  Fragment out = rw.result();
  if (!rw.error().empty()) return refuse(rw.error());
  spec_.sql = std::move(out.text);
  if (stmt_.paramCount > 0) spec_.params = std::move(out.params);
  return true;
}

MergeAnalysis MergeBuilder::run() {
  if (!layoutItems()) return refused(error_);
  if (b_.hasGroupBy) aggregate_ = true;
  if (b_.hasHaving && !findAggregates(b_.having)) return refused(error_);
  for (const SortKey& k : b_.orderBy) {
    if (!findAggregates(k.expr)) return refused(error_);
    for (size_t i = k.expr.begin; i + 1 < k.expr.end; ++i) {
      const Token& t = b_.tokens[i];
      if (t.kind == TokenKind::kWord && lowered(t.text) == "rand" && b_.tokens[i + 1].isOp('(')) {
        return refused("ORDER BY RAND()");
      }
    }
  }
  if (spec_.wildcard && (aggregate_ || b_.distinct)) {
    return refused(
        "* in the select list of a grouped/DISTINCT cross-shard query; list the columns");
  }
  for (size_t i = 0; i < b_.items.size(); ++i) {
    if (itemAggregate_[i]) aggregateExtras(*itemAggregate_[i], itemColumn_[i]);
  }
  const bool orderByNull = b_.orderBy.size() == 1 && b_.orderBy[0].expr.size() == 1 &&
                           b_.tokens[b_.orderBy[0].expr.begin].is(Keyword::kNull);
  if (!aggregate_ && !b_.distinct && (!b_.hasOrderBy || orderByNull) && !b_.limit.present) {
    spec_.sql = std::string(b_.sql);  // concatenation
    if (stmt_.paramCount > 0) {
      for (const Token& t : b_.all) {
        if (t.kind == TokenKind::kPlaceholder) spec_.params.push_back(t.param);
      }
    }
    return MergeAnalysis{std::move(spec_), {}};
  }
  spec_.aggregate = aggregate_;
  spec_.distinct = b_.distinct;
  if (aggregate_) {
    for (const SortKey& k : b_.groupBy) {
      std::optional<MergeKey> key = resolveKey(k, true);
      if (!key) return refused(error_);
      spec_.groupBy.push_back(*key);
    }
    if (b_.hasHaving) {
      spec_.having = parseHaving(b_, b_.having, *this, error_);
      if (!spec_.having) return refused(error_.empty() ? "HAVING" : error_);
    }
  }
  if (orderByNull) {
    spec_.sortGroups = false;
  } else {
    for (const SortKey& k : b_.orderBy) {
      std::optional<MergeKey> key = resolveKey(k, false);
      if (!key) return refused(error_);
      spec_.orderBy.push_back(*key);
    }
  }
  if (!aggregate_) spec_.sortGroups = true;
  if (b_.distinct) {
    for (size_t i = 0; i < b_.items.size(); ++i) {
      std::optional<MergeKey> key = itemKey(i, false);
      if (!key) return refused(error_);
      spec_.distinctKeys.push_back(*key);
    }
  }
  if (!readLimitValue(b_.limit.count, spec_.limit) ||
      !readLimitValue(b_.limit.offset, spec_.offset) || !rewrite()) {
    return refused(error_);
  }
  return MergeAnalysis{std::move(spec_), {}};
}

// UNION / INTERSECT / EXCEPT, as the statement spells the first one.
std::string setOperation(std::string_view sql) {
  for (const Token& t : sql::lex(sql).tokens) {
    if (t.is(Keyword::kUnion) || t.is(Keyword::kIntersect) || t.is(Keyword::kExcept)) {
      return uppered(t.text);
    }
  }
  return "UNION";
}

// A statement without text (hand-built, as in planner tests) is judged by its shape alone: a
// concatenation when nothing needs merging, else refused naming the first construct.
MergeAnalysis fromShapeOnly(const sql::Statement& stmt) {
  const sql::SelectShape& s = stmt.shape;
  const char* construct = s.union_               ? "UNION"
                          : s.groupBy            ? "GROUP BY"
                          : s.aggregates         ? "aggregate functions"
                          : s.having             ? "HAVING"
                          : s.distinct           ? "DISTINCT"
                          : s.windowFunctions    ? "window functions"
                          : s.orderBy            ? "ORDER BY"
                          : s.limit              ? "LIMIT"
                          : s.subquery           ? "subquery"
                          : stmt.hasDerivedTable ? "derived table"
                          : s.intoOutfile        ? "SELECT ... INTO"
                                                 : nullptr;
  if (construct) return refused(construct);
  MergeAnalysis a;
  a.spec.emplace();
  a.spec->wildcard = true;  // columns unknown
  return a;
}

}  // namespace
}  // namespace merge

MergeAnalysis analyzeMerge(const sql::Statement& stmt, std::string_view sql) {
  if (stmt.type != sql::StatementType::kSelect) {
    return merge::refused("statement other than SELECT");
  }
  if (sql.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return merge::fromShapeOnly(stmt);
  }
  if (stmt.shape.union_) return merge::refused(merge::setOperation(sql));
  if (stmt.hasDerivedTable) return merge::refused("derived table");
  merge::SelectBlock block;
  if (std::string why = merge::readSelectBlock(sql, block); !why.empty()) {
    return merge::refused(std::move(why));
  }
  if (stmt.shape.windowFunctions) return merge::refused("window functions");
  if (stmt.shape.subquery) return merge::refused("subquery");
  if (stmt.shape.intoOutfile) return merge::refused("SELECT ... INTO");
  merge::MergeBuilder builder(stmt, block);
  return builder.run();
}

}  // namespace sg::plan
