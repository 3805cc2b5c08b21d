#pragma once
// How the results of one SELECT sent to several shards become the result one server holding all
// the rows would return. analyzeMerge() reads the statement's outermost SELECT and produces the
// statement each shard runs (with hidden columns the merge needs appended to the select list) and
// the recipe the executor (router/exec/) follows to combine the shards' rows. A shape it cannot
// merge exactly is refused, naming the construct.
//
// Pushed-down rewrites:
//   AVG(x)                 AVG(x) stays (for its column metadata); SUM(x), COUNT(x) hidden
//   ORDER BY expr          expr hidden when it is not a select-list item (by alias, position or
//                          identical text); per string-capable key also WEIGHT_STRING(expr) and
//                          the weight of a space in expr's collation, hidden
//   LIMIT [m,] n           streaming merges: LIMIT m+n on each shard, OFFSET/LIMIT at the proxy;
//                          grouped merges: removed (applied at the proxy)
//   GROUP BY               kept; keys not in the select list hidden; ORDER BY, HAVING and LIMIT
//                          removed (applied at the proxy after the groups are combined)
//   COUNT/SUM/AVG(DISTINCT x)
//                          x hidden and appended to GROUP BY, so shards return each distinct x
//   HAVING                 removed; aggregates it uses that are not in the select list hidden
//   DISTINCT               kept; duplicates across shards removed at the proxy

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "router/sql/statement.h"

namespace sg::plan {

enum class Aggregate : uint8_t { kNone, kCount, kSum, kMin, kMax, kAvg };

// Where one sort / group / distinct key lives in a pushed-down row: the value's column and, for
// values that may be strings, the hidden WEIGHT_STRING(expr) column and the column holding the
// weight of one space in expr's collation (both NULL in rows where expr is not a string).
struct MergeKey {
  size_t column = 0;
  std::optional<size_t> weight;
  std::optional<size_t> padWeight;
  bool descending = false;
  bool operator==(const MergeKey&) const = default;
};

// One column of the rows the shards return for the pushed-down statement.
struct MergeColumn {
  // What combining several shards' values of this column means. kNone: a plain value (a group
  // key, or any value of the group, as MySQL returns for a non-aggregated column).
  Aggregate aggregate = Aggregate::kNone;
  // COUNT/SUM/AVG(DISTINCT x): the proxy computes the aggregate over the distinct non-NULL values
  // of x, found in hidden column `argument` (x is compared as `argumentKey` says).
  bool distinct = false;
  MergeKey argumentKey;
  // AVG(x) without DISTINCT: hidden columns holding each shard's SUM(x) and COUNT(x). The
  // column itself carries the shard's AVG(x), used for its metadata only.
  size_t sumColumn = 0;
  size_t countColumn = 0;
  // MIN/MAX: how to compare candidate values (weight columns for strings).
  MergeKey minMaxKey;
  bool hidden = false;  // added for the merge; never sent to the client
  bool operator==(const MergeColumn&) const = default;
};

// A LIMIT / OFFSET operand: a literal, a `?` of a prepared statement (its 0-based index), or
// absent (neither set).
struct LimitValue {
  std::optional<uint64_t> literal;
  std::optional<uint32_t> param;
  bool present() const { return literal || param; }
  bool operator==(const LimitValue&) const = default;
};

// A HAVING condition, evaluated at the proxy over a merged group row, with MySQL's semantics
// (three-valued logic; numbers compared as numbers, strings as strings).
struct MergeExpr {
  enum class Kind : uint8_t {
    kColumn,      // `column`: a column of the merged row (aggregate, group key, alias target)
    kNumber,      // numeric literal, `text` as written ("10", "-2.5", "1e3")
    kString,      // string literal, `text` is its content (escapes resolved)
    kNull,        // NULL
    kParam,       // `?` number `param` of a prepared statement
    kCompare,     // children[0] op children[1]; op in `text`: = <> < <= > >= <=>
    kArithmetic,  // children[0] op children[1]; op in `text`: + - * / DIV %
    kNegate,      // -children[0]
    kAnd,         // children[0] AND children[1] (&&)
    kOr,          // children[0] OR children[1] (||)
    kXor,
    kNot,        // NOT children[0] (!)
    kIsNull,     // children[0] IS NULL
    kIsNotNull,  // children[0] IS NOT NULL
    kIsTrue,
    kIsNotTrue,
    kIsFalse,
    kIsNotFalse,
    kIn,  // children[0] IN (children[1..])
    kNotIn,
    kBetween,  // children[0] BETWEEN children[1] AND children[2]
    kNotBetween,
  };
  Kind kind = Kind::kNull;
  size_t column = 0;
  std::string text;
  uint32_t param = 0;
  std::vector<MergeExpr> children;
  bool operator==(const MergeExpr&) const = default;
};

struct MergeSpec {
  // The statement every shard runs, and for each `?` in it the 0-based index of the client's
  // parameter it takes (the rewrite may drop or repeat placeholders). For the text protocol
  // `params` is empty.
  std::string sql;
  std::vector<uint32_t> params;

  size_t visibleColumns = 0;         // the first visibleColumns columns go to the client
  std::vector<MergeColumn> columns;  // every column of the pushed-down result, in order

  // Grouped merge: GROUP BY or aggregate functions. Rows with equal groupBy keys combine into one
  // row; without GROUP BY all rows combine into exactly one (even when every shard is empty).
  bool aggregate = false;
  std::vector<MergeKey> groupBy;
  // MariaDB returns GROUP BY results sorted by the group keys when there is no ORDER BY
  // (ORDER BY NULL turns that off): false when the proxy must not sort groups.
  bool sortGroups = true;
  // SELECT DISTINCT: rows equal on every visible column (compared as these keys say) are one.
  bool distinct = false;
  std::vector<MergeKey> distinctKeys;
  // Final order (after grouping / DISTINCT). Streaming merges: the shards' rows arrive sorted by
  // it and are merged in this order.
  std::vector<MergeKey> orderBy;
  std::optional<MergeExpr> having;
  LimitValue offset;
  LimitValue limit;

  // The select list has `*` / `t.*`: its column count is only known when the result arrives.
  // Columns are laid out as if the wildcard gave none; resolved(n) makes the spec for a result of
  // n columns (nullopt if n < columns.size()). Without a wildcard: *this if n == columns.size(),
  // else nullopt.
  bool wildcard = false;
  size_t wildcardColumn = 0;  // where the (first) wildcard's columns go
  std::optional<MergeSpec> resolved(size_t actualColumns) const;

  // Rows stream through the proxy (concatenated, or merged in orderBy order) holding one row per
  // shard; otherwise they are buffered, bounded by [routing] max_merge_rows.
  bool streaming() const { return !aggregate && !distinct; }
  bool hasHiddenColumns() const { return visibleColumns < columns.size(); }
  // "results concatenated", "sorted results merged", "groups merged", "distinct rows merged"
  // (for plan reasons)
  std::string describe() const;
};

// Either a spec, or the construct that makes the statement unmergeable ("window functions",
// "GROUP_CONCAT", "aggregate inside an expression: SUM(a)/COUNT(*)", ...) for
// "ERROR 1235 (42000): unsupported in a cross-shard query: <construct>".
struct MergeAnalysis {
  std::optional<MergeSpec> spec;
  std::string unsupported;
};

// Analyses a SELECT (`stmt` is its classification, `sql` its text) that goes to several shards.
MergeAnalysis analyzeMerge(const sql::Statement& stmt, std::string_view sql);

}  // namespace sg::plan
