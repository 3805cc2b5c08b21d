#pragma once
// Rebuilds a multi-row INSERT/REPLACE as one statement per shard from the original text: the text
// before the first tuple, only that shard's tuples (in their original order, joined by ", "), and
// the text after the last tuple (ON DUPLICATE KEY UPDATE ...). For prepared statements it also
// says which of the original `?` parameters each piece uses.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "router/sql/statement.h"

namespace sg::plan {

// True when the classifier's tuple offsets are consistent with `sql` (one span per row, in order,
// inside [valuesBegin, valuesEnd], within the text), so splicing cannot read out of bounds.
bool rowSpansUsable(std::string_view sql, const sql::InsertRows& insert);

// The statement holding only rows `rows` (indexes into insert.rows, ascending). Requires
// rowSpansUsable().
std::string spliceRows(std::string_view sql, const sql::InsertRows& insert,
                       const std::vector<size_t>& rows);

// The original parameter indexes that the placeholders of spliceRows(sql, insert, rows) take, in
// order. Requires rowSpansUsable().
std::vector<uint32_t> splicedParams(std::string_view sql, const sql::InsertRows& insert,
                                    const std::vector<size_t>& rows);

}  // namespace sg::plan
