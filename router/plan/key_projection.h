#pragma once
// Projects a statement's condition tree onto shard-key columns: which key values can a matching row
// have? Leaves on other columns, and anything the classifier could not read, allow every key; AND
// intersects, OR unites; comparisons with NULL match nothing. `?` placeholders take their bound
// values when there are any, and otherwise allow every key and mark the result as depending on
// parameters.

#include <cstdint>
#include <optional>
#include <vector>

#include "router/plan/key_set.h"
#include "router/plan/table_binder.h"
#include "router/sql/statement.h"

namespace sg::plan {

// The key values one table (or one group of joined tables) can have in a matching row.
struct KeyCondition {
  KeySet keys = KeySet::all();   // a superset of the key values a matching row can have
  bool dependsOnParams = false;  // an unbound `?` on a key column widened `keys`
};

// A literal or placeholder with parameters applied.
struct ResolvedValue {
  enum class Kind : uint8_t { kInt, kNull, kOther, kUnbound };
  Kind kind = Kind::kOther;
  int64_t i = 0;
};
ResolvedValue resolveValue(const sql::Value& value, const std::vector<sql::Value>* params);

// `members[i]` says whether table i of the binder takes part: a condition counts when its column
// is the shard key of a member (several members when their keys are joined, see
// sharded_scope.h). With `nullableKeys` (the statement has an outer join, whose null-extended
// rows have NULL keys) `key IS NULL` and `key <=> NULL` allow every key instead of none.
KeyCondition projectKeys(const sql::Predicate& where, const TableBinder& binder,
                         const std::vector<bool>& members, const std::vector<sql::Value>* params,
                         bool nullableKeys = false);

}  // namespace sg::plan
