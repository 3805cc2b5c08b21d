#pragma once
// A set of shard-key values, kept as sorted, disjoint, closed intervals over the whole int64 range.
// The planner turns each condition on a shard-key column into one of these and combines them
// exactly (AND = intersection, OR = union) before asking which shards own the result.

#include <cstdint>
#include <string>
#include <vector>

namespace sg::plan {

class KeySet {
 public:
  struct Interval {
    int64_t lo;  // inclusive
    int64_t hi;  // inclusive
    bool operator==(const Interval&) const = default;
  };

  KeySet() = default;  // empty

  static KeySet all();
  static KeySet none() { return {}; }
  static KeySet point(int64_t v);
  static KeySet closed(int64_t lo, int64_t hi);  // empty when lo > hi
  static KeySet points(std::vector<int64_t> values);
  static KeySet below(int64_t v);    // key < v
  static KeySet atMost(int64_t v);   // key <= v
  static KeySet above(int64_t v);    // key > v
  static KeySet atLeast(int64_t v);  // key >= v
  static KeySet except(int64_t v);   // key <> v

  KeySet unite(const KeySet& other) const;
  KeySet intersect(const KeySet& other) const;

  bool empty() const { return intervals_.empty(); }
  bool isAll() const;
  // The value when the set holds exactly one.
  bool isPoint() const { return intervals_.size() == 1 && intervals_[0].lo == intervals_[0].hi; }
  const std::vector<Interval>& intervals() const { return intervals_; }

  // "{}", "{42}", "[1, 9]", "{1} [5, 9]", "all" -- for reasons and test failures.
  std::string str() const;

  bool operator==(const KeySet&) const = default;

 private:
  explicit KeySet(std::vector<Interval> intervals) : intervals_(std::move(intervals)) {}
  // Sorts nothing: merges overlapping or adjacent neighbours of an already sorted list.
  static std::vector<Interval> coalesce(std::vector<Interval> sorted);

  std::vector<Interval> intervals_;
};

}  // namespace sg::plan
