#pragma once
// Turns literal tokens into Values: integers (with overflow checks), numeric strings, and
// everything else as kOther with its text.

#include <cstdint>
#include <string>
#include <string_view>

#include "router/sql/statement.h"

namespace sg::sql {

// Parses [+-]digits into an int64; false on anything else or on overflow.
bool parsePlainInt(std::string_view s, int64_t& out);

// A kNumber token's value (negated when `negative`): kInt for integers that fit in int64, kOther
// for decimals, exponents and overflow. `written` becomes Value::text.
Value numberValue(std::string_view number, bool negative, std::string_view written);

// A string literal: kInt when its content is a plain integer ('42', '-7'), otherwise kOther.
Value stringValue(std::string content, std::string_view written);

// A kOther value with the given text.
Value otherValue(std::string_view written);

// `text` as a single-quoted SQL string literal (quotes and backslashes escaped), for statements
// shardgate writes itself.
std::string quoteString(std::string_view text);

}  // namespace sg::sql
