#pragma once
// Evaluates a HAVING condition (plan::MergeExpr) over one merged group row with MySQL's
// semantics: three-valued logic, numbers compared as numbers (exactly when both are exact),
// strings as strings, a number against a string as doubles. Private to router/exec (GroupMerge).

#include <optional>
#include <vector>

#include "router/exec/result_rows.h"
#include "router/plan/merge_spec.h"

namespace sg::exec {

class HavingEval {
 public:
  HavingEval(const std::vector<ColumnInfo>& columns, RowFormat format,
             const std::vector<plan::MergeExpr>& params)
      : columns_(columns), format_(format), params_(params) {}

  // true / false, nullopt for SQL NULL (UNKNOWN). A row is kept only when this is true.
  std::optional<bool> test(const plan::MergeExpr& expr, const Row& row) const;

 private:
  struct Value;
  Value eval(const plan::MergeExpr& expr, const Row& row, int depth) const;
  std::optional<bool> truth(const Value& v) const;
  std::optional<int> compare(const Value& a, const Value& b) const;

  const std::vector<ColumnInfo>& columns_;
  RowFormat format_;
  const std::vector<plan::MergeExpr>& params_;
};

}  // namespace sg::exec
