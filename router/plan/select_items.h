#pragma once
// The outermost SELECT block of a statement as the merge analysis reads it: its tokens, select
// items (expression and alias), GROUP BY / ORDER BY keys, HAVING and LIMIT, with the token spans
// the rewrite needs. Also the token-level helpers the analysis shares: normalised text for
// "identical expression" matching, expression text for hidden columns, aggregate calls.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "router/plan/merge_spec.h"
#include "router/sql/lexer.h"

namespace sg::plan::merge {

// Tokens [begin, end) of SelectBlock::tokens.
struct Span {
  size_t begin = 0;
  size_t end = 0;
  bool empty() const { return begin >= end; }
  size_t size() const { return end > begin ? end - begin : 0; }
};

// SQL text and, for each `?` in it in order, the index of the client parameter it takes.
struct Fragment {
  std::string text;
  std::vector<uint32_t> params;
};

struct SelectItem {
  Span expr;              // the expression, without its alias
  Span whole;             // expression and alias
  std::string alias;      // unquoted; empty when there is none
  bool wildcard = false;  // `*`, `t.*`, `db.t.*`
};

// One GROUP BY / ORDER BY key.
struct SortKey {
  Span expr;  // without ASC/DESC
  Span whole;
  bool descending = false;
};

struct LimitClause {
  bool present = false;
  Span span;                     // LIMIT ... (its last value included)
  std::optional<size_t> count;   // token of the row count
  std::optional<size_t> offset;  // token of the offset
};

struct SelectBlock {
  std::string_view sql;
  std::vector<sql::Token> all;     // every token, comments included
  std::vector<sql::Token> tokens;  // without comments
  std::vector<size_t> allIndex;    // tokens[i] is all[allIndex[i]]
  size_t end = 0;                  // the block ends before tokens[end]
  bool distinct = false;
  std::vector<SelectItem> items;
  size_t tail = 0;  // first token after FROM / WHERE (where a new GROUP BY goes)
  bool hasGroupBy = false;
  Span groupClause;  // GROUP BY ... (last key included)
  std::vector<SortKey> groupBy;
  bool hasHaving = false;
  Span havingClause;  // HAVING ...
  Span having;        // its condition
  bool hasOrderBy = false;
  Span orderClause;
  std::vector<SortKey> orderBy;
  LimitClause limit;
};

// Reads the outermost SELECT of `sql`. Returns "" or the construct that stops the analysis.
std::string readSelectBlock(std::string_view sql, SelectBlock& out);

// Index of the ')' closing the '(' at `open`, or `end` when it is not closed before `end`.
size_t matchingParen(const std::vector<sql::Token>& tokens, size_t open, size_t end);

// Token text for "identical expression" tests: words and quoted identifiers lower-cased (and
// unquoted), `?` numbered, whitespace and comments ignored.
std::string normalised(const SelectBlock& b, Span s);
// The same for SQL text written by the analysis (placeholders numbered by `f.params`).
std::string normalised(const Fragment& f);

// The expression's text (tokens joined, comments dropped) and its placeholders.
Fragment fragmentOf(const SelectBlock& b, Span s);

// True if the expression's value is certainly a number (no weight string needed to compare it):
// a numeric literal, COUNT/SUM/AVG, MIN/MAX of such, or arithmetic.
bool isNumericExpr(const SelectBlock& b, Span s);

// One aggregate function call.
struct AggregateCall {
  std::string name;                   // upper-case, as "GROUP_CONCAT"
  Aggregate kind = Aggregate::kNone;  // kNone: an aggregate the proxy cannot merge
  Span call;                          // name ... ')'
  Span argument;                      // inside the parentheses, after DISTINCT / ALL
  bool distinct = false;              // COUNT/SUM/AVG(DISTINCT ...) (MIN/MAX ignore DISTINCT)
  bool star = false;                  // COUNT(*)
  bool severalArguments = false;      // a top-level ',' in the argument
};

// True if tokens[i] names an aggregate function and a '(' follows.
bool isAggregateCallAt(const SelectBlock& b, size_t i, size_t end);
AggregateCall readAggregateCall(const SelectBlock& b, size_t nameAt, size_t end);
// Every aggregate call in `s`, at any depth.
std::vector<AggregateCall> aggregateCalls(const SelectBlock& b, Span s);
// The call when `s` is exactly one aggregate call.
std::optional<AggregateCall> wholeAggregate(const SelectBlock& b, Span s);

// Lower-cased copy.
std::string lowered(std::string_view s);
std::string uppered(std::string_view s);

}  // namespace sg::plan::merge
