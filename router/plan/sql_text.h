#pragma once
// The few facts the planner reads straight from the SQL text, with a small scanner that skips
// string literals, quoted identifiers and comments (the contents of /*! ... */ count as SQL, as in
// MySQL): `?` placeholders in a byte range, the first keyword, and whether an outer join is used.

#include <cstddef>
#include <string>
#include <string_view>

namespace sg::plan {

// Number of `?` placeholders in `sql` (outside literals and comments).
size_t countPlaceholders(std::string_view sql);

// The first keyword, upper-cased ("LOAD", "HANDLER", "SELECT"), or "" if there is none.
std::string firstKeyword(std::string_view sql);

// True if the text has LEFT / RIGHT [OUTER] JOIN (MySQL has no FULL JOIN).
bool hasOuterJoin(std::string_view sql);

}  // namespace sg::plan
