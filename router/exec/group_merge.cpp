// Buffered merge of a cross-shard SELECT (see group_merge.h): groups keyed by groupingKey(),
// per-column accumulators for the aggregates, then HAVING, DISTINCT, ORDER BY and OFFSET/LIMIT
// over the finished rows.

#include "router/exec/group_merge.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "router/exec/having_eval.h"
#include "router/exec/value_order.h"

namespace sg::exec {

using plan::Aggregate;

namespace {

// What one column of one group has accumulated so far.
struct Accumulator {
  int64_t count = 0;  // COUNT total; AVG's summed counts; DISTINCT: distinct values seen
  bool any = false;   // SUM: a non-NULL value was added
  Decimal exactSum;   // exact parts of SUM / AVG
  double doubleSum = 0;
  bool sawDouble = false;
  std::unordered_set<std::string> seen;  // DISTINCT aggregates: grouping keys of the values

  void addNumber(const Number& n) {
    any = true;
    if (n.isDouble) {
      doubleSum += n.dbl;
      sawDouble = true;
    } else {
      exactSum = exactSum + n.exact;
    }
  }
  double totalDouble() const { return doubleSum + exactSum.toDouble(); }
};

}  // namespace

struct GroupMerge::Group {
  Row row;  // first row of the group; kNone / MIN / MAX cells are updated in place
  std::vector<Accumulator> acc;
};

struct GroupMerge::State {
  std::unordered_map<std::string, size_t> index;  // grouping key -> groups[i]
  std::vector<Group> groups;                      // in first-seen order
  std::unordered_set<std::string> distinctSeen;   // non-aggregate DISTINCT
  std::vector<Row> rows;                          // non-aggregate rows kept
  std::vector<bool> carried;  // weight columns that travel with a MIN/MAX winner
  size_t entries = 0;
  bool failed = false;
};

GroupMerge::GroupMerge(const plan::MergeSpec& spec, std::vector<ColumnInfo> columns,
                       RowFormat format, size_t maxRows, MergeBounds bounds,
                       std::vector<plan::MergeExpr> params)
    : spec_(spec),
      columns_(std::move(columns)),
      format_(format),
      maxRows_(maxRows),
      bounds_(bounds),
      params_(std::move(params)),
      state_(std::make_shared<State>()) {
  state_->carried.assign(spec_.columns.size(), false);
  for (size_t i = 0; i < spec_.columns.size(); ++i) {
    const auto& c = spec_.columns[i];
    if (c.aggregate != Aggregate::kMin && c.aggregate != Aggregate::kMax) continue;
    for (auto w : {c.minMaxKey.weight, c.minMaxKey.padWeight}) {
      if (w && *w != i && *w < state_->carried.size()) state_->carried[*w] = true;
    }
  }
}

bool GroupMerge::add(Row row) {
  State& st = *state_;
  if (st.failed) return false;
  if (row.size() < columns_.size()) row.resize(columns_.size());
  auto countEntry = [&]() {
    if (++st.entries > maxRows_) {
      st.failed = true;
      error_ = "more than " + std::to_string(maxRows_) +
               " rows to merge from several shards ([routing] max_merge_rows)";
      return false;
    }
    return true;
  };

  if (!spec_.aggregate) {
    if (spec_.distinct) {
      auto key = groupingKey(row, spec_.distinctKeys, columns_, format_);
      if (!st.distinctSeen.insert(std::move(key)).second) return true;
    }
    if (!countEntry()) return false;
    st.rows.push_back(std::move(row));
    return true;
  }

  std::string key =
      spec_.groupBy.empty() ? std::string() : groupingKey(row, spec_.groupBy, columns_, format_);
  auto found = st.index.find(key);
  size_t gi;
  if (found == st.index.end()) {
    if (!countEntry()) return false;
    gi = st.groups.size();
    st.index.emplace(std::move(key), gi);
    st.groups.push_back(Group{row, std::vector<Accumulator>(spec_.columns.size())});
  } else {
    gi = found->second;
  }
  Group& g = st.groups[gi];

  for (size_t i = 0; i < spec_.columns.size() && i < columns_.size(); ++i) {
    const plan::MergeColumn& mc = spec_.columns[i];
    Accumulator& acc = g.acc[i];
    if (mc.distinct && (mc.aggregate == Aggregate::kCount || mc.aggregate == Aggregate::kSum ||
                        mc.aggregate == Aggregate::kAvg)) {
      size_t arg = mc.argumentKey.column;
      if (arg >= row.size() || arg >= columns_.size() || row[arg].null) continue;
      auto valueKey = groupingKey(row, {mc.argumentKey}, columns_, format_);
      if (!acc.seen.insert(std::move(valueKey)).second) continue;
      if (!countEntry()) return false;
      ++acc.count;
      if (auto n = numberOf(row[arg], columns_[arg], format_)) acc.addNumber(*n);
      continue;
    }
    switch (mc.aggregate) {
      case Aggregate::kNone:
        if (!st.carried[i] && g.row[i].null && !row[i].null) g.row[i] = row[i];
        break;
      case Aggregate::kCount:
        if (auto n = numberOf(row[i], columns_[i], format_)) acc.addNumber(*n);
        break;
      case Aggregate::kSum:
        if (auto n = numberOf(row[i], columns_[i], format_)) acc.addNumber(*n);
        break;
      case Aggregate::kAvg: {
        if (mc.sumColumn >= row.size() || mc.countColumn >= row.size()) break;
        auto s = numberOf(row[mc.sumColumn], columns_[mc.sumColumn], format_);
        auto c = numberOf(row[mc.countColumn], columns_[mc.countColumn], format_);
        if (s) acc.addNumber(*s);
        if (c) acc.count += static_cast<int64_t>(c->isDouble ? c->dbl : c->exact.toDouble());
        break;
      }
      case Aggregate::kMin:
      case Aggregate::kMax: {
        if (row[i].null) break;
        bool take = g.row[i].null;
        if (!take) {
          int c = compareKey(row, g.row, mc.minMaxKey, columns_, format_);
          take = mc.aggregate == Aggregate::kMin ? c < 0 : c > 0;
        }
        if (take) {
          g.row[i] = row[i];
          for (auto w : {mc.minMaxKey.weight, mc.minMaxKey.padWeight}) {
            if (w && *w < row.size() && *w != i) g.row[*w] = row[*w];
          }
        }
        break;
      }
    }
  }
  return true;
}

std::vector<Row> GroupMerge::finish() {
  State& st = *state_;
  std::vector<Row> out;
  if (!spec_.aggregate) {
    out = std::move(st.rows);
  } else {
    if (st.groups.empty() && spec_.groupBy.empty()) {
      st.groups.push_back(
          Group{Row(columns_.size()), std::vector<Accumulator>(spec_.columns.size())});
    }
    out.reserve(st.groups.size());
    for (Group& g : st.groups) {
      Row row = std::move(g.row);
      for (size_t i = 0; i < spec_.columns.size() && i < columns_.size(); ++i) {
        const plan::MergeColumn& mc = spec_.columns[i];
        const Accumulator& acc = g.acc[i];
        const ColumnInfo& col = columns_[i];
        switch (mc.aggregate) {
          case Aggregate::kCount:
            if (mc.distinct) {
              row[i] = cellOfInteger(acc.count, col, format_);
            } else if (acc.sawDouble) {
              row[i] = cellOfDouble(acc.totalDouble(), col, format_);
            } else {
              row[i] = cellOfDecimal(acc.exactSum, col, format_);
            }
            break;
          case Aggregate::kSum:
            if (!acc.any) {
              row[i] = Cell::makeNull();
            } else if (col.isFloating() || acc.sawDouble) {
              row[i] = cellOfDouble(acc.totalDouble(), col, format_);
            } else {
              row[i] = cellOfDecimal(acc.exactSum, col, format_);
            }
            break;
          case Aggregate::kAvg:
            if (acc.count == 0 || !acc.any) {
              row[i] = Cell::makeNull();
            } else if (col.isFloating() || acc.sawDouble) {
              row[i] =
                  cellOfDouble(acc.totalDouble() / static_cast<double>(acc.count), col, format_);
            } else {
              auto avg = acc.exactSum.dividedBy(Decimal::fromInt(acc.count), col.decimals);
              row[i] = avg ? cellOfDecimal(*avg, col, format_) : Cell::makeNull();
            }
            break;
          default:
            break;
        }
      }
      out.push_back(std::move(row));
    }
    st.groups.clear();
    st.index.clear();
  }

  if (spec_.having) {
    HavingEval having(columns_, format_, params_);
    std::erase_if(out, [&](const Row& r) {
      auto t = having.test(*spec_.having, r);
      return !(t && *t);
    });
  }
  if (spec_.distinct && spec_.aggregate) {
    std::unordered_set<std::string> seen;
    std::erase_if(out, [&](const Row& r) {
      return !seen.insert(groupingKey(r, spec_.distinctKeys, columns_, format_)).second;
    });
  }

  const std::vector<plan::MergeKey>* order = nullptr;
  if (!spec_.orderBy.empty()) {
    order = &spec_.orderBy;
  } else if (spec_.aggregate && spec_.sortGroups && !spec_.groupBy.empty()) {
    order = &spec_.groupBy;
  }
  if (order) {
    std::stable_sort(out.begin(), out.end(), [&](const Row& a, const Row& b) {
      return compareRows(a, b, *order, columns_, format_) < 0;
    });
  }

  uint64_t offset = std::min<uint64_t>(bounds_.offset, out.size());
  out.erase(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(offset));
  if (bounds_.limit && *bounds_.limit < out.size()) {
    out.resize(static_cast<size_t>(*bounds_.limit));
  }
  return out;
}

}  // namespace sg::exec
