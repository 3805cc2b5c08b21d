// MergeSpec's own behaviour: how a plan reason names the merge, and fitting a spec with a
// wildcard to the column count of the result that arrived.

#include <algorithm>
#include <cstddef>

#include "router/plan/merge_spec.h"

namespace sg::plan {

namespace {

// Moves every column index at or after `at` by `by`.
struct ColumnShift {
  size_t at;
  size_t by;
  void operator()(size_t& c) const {
    if (c >= at) c += by;
  }
  void operator()(MergeKey& k) const {
    (*this)(k.column);
    if (k.weight) (*this)(*k.weight);
    if (k.padWeight) (*this)(*k.padWeight);
  }
  void operator()(MergeExpr& e) const {
    if (e.kind == MergeExpr::Kind::kColumn) (*this)(e.column);
    for (MergeExpr& child : e.children) (*this)(child);
  }
};

}  // namespace

std::string MergeSpec::describe() const {
  if (aggregate) return "groups merged";
  if (distinct) return "distinct rows merged";
  if (!orderBy.empty()) return "sorted results merged";
  return "results concatenated";
}

std::optional<MergeSpec> MergeSpec::resolved(size_t actualColumns) const {
  if (!wildcard) {
    if (actualColumns == columns.size()) return *this;
    return std::nullopt;
  }
  if (actualColumns < columns.size()) return std::nullopt;
  const size_t added = actualColumns - columns.size();
  MergeSpec r = *this;
  r.wildcard = false;
  ColumnShift shift{wildcardColumn, added};
  for (MergeColumn& c : r.columns) {
    if (c.distinct) shift(c.argumentKey);
    if (c.aggregate == Aggregate::kAvg && !c.distinct) {
      shift(c.sumColumn);
      shift(c.countColumn);
    }
    if (c.aggregate == Aggregate::kMin || c.aggregate == Aggregate::kMax) shift(c.minMaxKey);
  }
  for (MergeKey& k : r.groupBy) shift(k);
  for (MergeKey& k : r.distinctKeys) shift(k);
  for (MergeKey& k : r.orderBy) shift(k);
  if (r.having) shift(*r.having);
  const size_t at = std::min(wildcardColumn, r.columns.size());
  r.columns.insert(r.columns.begin() + static_cast<std::ptrdiff_t>(at), added, MergeColumn{});
  r.visibleColumns += added;
  return r;
}

}  // namespace sg::plan
