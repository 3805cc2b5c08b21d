#pragma once
// HAVING conditions as MergeExpr trees the proxy evaluates over merged group rows: literals,
// parameters, columns and aggregates (resolved by the caller to columns of the pushed-down
// result), logic, comparisons, IS, IN, BETWEEN and arithmetic, with MySQL's operator precedence.
// Anything else is refused as "HAVING with <construct>".

#include <optional>
#include <string>

#include "router/plan/merge_spec.h"
#include "router/plan/select_items.h"

namespace sg::plan::merge {

// Maps what HAVING names to columns of the pushed-down result (adding hidden ones as needed).
// Each returns nullopt after setting `error`.
class HavingResolver {
 public:
  virtual ~HavingResolver() = default;
  virtual std::optional<size_t> column(Span ref, std::string& error) = 0;
  virtual std::optional<size_t> aggregate(const AggregateCall& call, std::string& error) = 0;
};

// The condition `cond` (tokens of the HAVING clause), or nullopt with `error` set.
std::optional<MergeExpr> parseHaving(const SelectBlock& b, Span cond, HavingResolver& resolver,
                                     std::string& error);

}  // namespace sg::plan::merge
