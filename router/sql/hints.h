#pragma once
// Routing hints carried in comments: `/* shardgate: shard=s1 master max_lag_ms=50 */` (also in
// `-- ` and `#` comments). Options are separated by spaces or commas; several hint comments in
// one statement add up.

#include <optional>
#include <string>
#include <string_view>

#include "router/sql/statement.h"

namespace sg::sql {

enum class HintResult : uint8_t {
  kNotAHint,   // an ordinary comment
  kApplied,    // options merged into Hints
  kMalformed,  // a shardgate hint that could not be read; `error` says why
};

// `comment` is the whole comment token text, delimiters included.
HintResult parseHintComment(std::string_view comment, Hints& hints, std::string& error);

}  // namespace sg::sql
