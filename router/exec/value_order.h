#pragma once
// Orders and groups values the way the MySQL server does, so rows from several shards merge into
// the order (and the groups) one server holding all the rows would produce.
//
// Strings are compared by the weight strings the shards computed (hidden WEIGHT_STRING(expr)
// columns the merge adds to the statement), which is exactly the server's comparison for every
// collation; PAD SPACE collations pad the shorter weight string with the weight of a space, given
// by a second hidden column. Everything else is compared by value: integers (signed or unsigned),
// DECIMAL exactly, FLOAT/DOUBLE, dates and times (text or binary form), binary strings byte-wise.
// NULL is smaller than every value (first in ASC, last in DESC, as in MySQL).

#include <optional>

#include "router/exec/result_rows.h"
#include "router/plan/merge_spec.h"

namespace sg::exec {

// -1, 0, 1: how `a` sorts against `b` for this key (descending is NOT applied here).
int compareKey(const Row& a, const Row& b, const plan::MergeKey& key,
               const std::vector<ColumnInfo>& columns, RowFormat format);

// Compares two values of one column (no weight strings: strings byte-wise). -1, 0, 1.
int compareValues(const Cell& a, const Cell& b, const ColumnInfo& column, RowFormat format);

// Lexicographic over keys, each in its direction. -1, 0, 1.
int compareRows(const Row& a, const Row& b, const std::vector<plan::MergeKey>& keys,
                const std::vector<ColumnInfo>& columns, RowFormat format);

// A byte string equal for two rows exactly when compareKey() says 0 for every key, for hashing
// groups and DISTINCT values (numbers normalised: 1.50 and 1.5, -0 and 0; strings by weight with
// trailing pad weights removed).
std::string groupingKey(const Row& row, const std::vector<plan::MergeKey>& keys,
                        const std::vector<ColumnInfo>& columns, RowFormat format);

}  // namespace sg::exec
