#pragma once
// The SQL layer's entry point: one call per query on the proxy's hot path. Lexes the text once,
// reads routing hints from comments, and describes the statement (type, tables, conditions on
// columns, result shape, INSERT rows, SET items) for the planner.

#include <string_view>

#include "router/sql/statement.h"

namespace sg::sql {

// Never throws. Text that cannot be lexed (unterminated string, comment or quoted identifier,
// unbalanced parentheses) or a malformed shardgate hint sets Statement::error; the type and
// whatever could be read before the problem are still filled in.
Statement classify(std::string_view sql);

}  // namespace sg::sql
