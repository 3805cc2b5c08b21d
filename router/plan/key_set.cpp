#include "router/plan/key_set.h"

#include <algorithm>
#include <limits>

namespace sg::plan {

namespace {
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
}  // namespace

KeySet KeySet::all() { return KeySet({{kMin, kMax}}); }

KeySet KeySet::point(int64_t v) { return KeySet({{v, v}}); }

KeySet KeySet::closed(int64_t lo, int64_t hi) {
  if (lo > hi) return {};
  return KeySet({{lo, hi}});
}

KeySet KeySet::points(std::vector<int64_t> values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  std::vector<Interval> intervals;
  intervals.reserve(values.size());
  for (int64_t v : values) intervals.push_back({v, v});
  return KeySet(coalesce(std::move(intervals)));
}

KeySet KeySet::below(int64_t v) { return v == kMin ? KeySet() : closed(kMin, v - 1); }
KeySet KeySet::atMost(int64_t v) { return closed(kMin, v); }
KeySet KeySet::above(int64_t v) { return v == kMax ? KeySet() : closed(v + 1, kMax); }
KeySet KeySet::atLeast(int64_t v) { return closed(v, kMax); }
KeySet KeySet::except(int64_t v) { return below(v).unite(above(v)); }

bool KeySet::isAll() const {
  return intervals_.size() == 1 && intervals_[0].lo == kMin && intervals_[0].hi == kMax;
}

std::vector<KeySet::Interval> KeySet::coalesce(std::vector<Interval> sorted) {
  std::vector<Interval> out;
  out.reserve(sorted.size());
  for (const Interval& next : sorted) {
    if (!out.empty()) {
      Interval& last = out.back();
      // Overlapping, or adjacent (last.hi + 1 == next.lo, written so it cannot overflow).
      if (next.lo <= last.hi || (last.hi != kMax && next.lo == last.hi + 1)) {
        last.hi = std::max(last.hi, next.hi);
        continue;
      }
    }
    out.push_back(next);
  }
  return out;
}

KeySet KeySet::unite(const KeySet& other) const {
  if (other.empty()) return *this;
  if (empty()) return other;
  std::vector<Interval> merged;
  merged.reserve(intervals_.size() + other.intervals_.size());
  std::merge(intervals_.begin(), intervals_.end(), other.intervals_.begin(), other.intervals_.end(),
             std::back_inserter(merged),
             [](const Interval& a, const Interval& b) { return a.lo < b.lo; });
  return KeySet(coalesce(std::move(merged)));
}

KeySet KeySet::intersect(const KeySet& other) const {
  std::vector<Interval> out;
  size_t i = 0;
  size_t j = 0;
  while (i < intervals_.size() && j < other.intervals_.size()) {
    const Interval& a = intervals_[i];
    const Interval& b = other.intervals_[j];
    int64_t lo = std::max(a.lo, b.lo);
    int64_t hi = std::min(a.hi, b.hi);
    if (lo <= hi) out.push_back({lo, hi});
    if (a.hi < b.hi) {
      ++i;
    } else {
      ++j;
    }
  }
  return KeySet(std::move(out));
}

std::string KeySet::str() const {
  if (empty()) return "{}";
  if (isAll()) return "all";
  std::string out;
  for (const Interval& iv : intervals_) {
    if (!out.empty()) out += ' ';
    // Appended piece by piece (g++ 12 warns falsely on "{" + std::to_string(...), PR 105329).
    if (iv.lo == iv.hi) {
      out += '{';
      out += std::to_string(iv.lo);
      out += '}';
    } else {
      out += '[';
      out += std::to_string(iv.lo);
      out += ", ";
      out += std::to_string(iv.hi);
      out += ']';
    }
  }
  return out;
}

}  // namespace sg::plan
