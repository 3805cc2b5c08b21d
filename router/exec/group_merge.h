#pragma once
// The buffered merges of a cross-shard SELECT: rows from every shard are combined per group
// (aggregates with or without GROUP BY) or de-duplicated (DISTINCT), then filtered by HAVING,
// sorted by ORDER BY (or by the group keys, as MariaDB does), and cut by OFFSET/LIMIT. Memory is
// bounded: past `maxRows` groups (or distinct rows, or gathered DISTINCT-aggregate values) add()
// fails and the statement gets an error instead of a partial answer.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "router/exec/result_rows.h"
#include "router/plan/merge_spec.h"

namespace sg::exec {

// The resolved OFFSET/LIMIT of one execution.
struct MergeBounds {
  uint64_t offset = 0;
  std::optional<uint64_t> limit;
};

class GroupMerge {
 public:
  // `columns`: the pushed-down result's column definitions (spec.columns.size() of them).
  // `params`: a prepared statement's bound values as literals (kNumber / kString / kNull), for
  // kParam in HAVING; empty for the text protocol.
  GroupMerge(const plan::MergeSpec& spec, std::vector<ColumnInfo> columns, RowFormat format,
             size_t maxRows, MergeBounds bounds, std::vector<plan::MergeExpr> params = {});

  // One row from a shard. false once the merge holds more than maxRows entries (error() says so).
  bool add(Row row);
  // The merged rows in their final order, still with hidden columns (the caller encodes the
  // first visibleColumns). Aggregates are finished and encoded in their column's type and format
  // (e.g. AVG as DECIMAL with the column's decimals). Call once, after every shard's rows.
  std::vector<Row> finish();
  const std::string& error() const { return error_; }

 private:
  struct Group;
  const plan::MergeSpec& spec_;
  std::vector<ColumnInfo> columns_;
  RowFormat format_;
  size_t maxRows_;
  MergeBounds bounds_;
  std::vector<plan::MergeExpr> params_;
  std::string error_;
  // Implementation state (groups by grouping key, insertion order, DISTINCT sets, counters) is
  // private to group_merge.cpp.
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace sg::exec
