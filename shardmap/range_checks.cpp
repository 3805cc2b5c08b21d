#include "shardmap/range_checks.h"

#include <algorithm>
#include <optional>

namespace sg::shardmap {

namespace {

std::string describe(const LocatedRange& r, bool withLine = true) {
  std::string text = "range " + r.range.str() + " of " + r.range.shard;
  if (withLine) text += " (line " + std::to_string(r.line) + ")";
  return text;
}

bool startsBefore(const LocatedRange& a, const LocatedRange& b) {
  if (a.range.start != b.range.start) return a.range.start < b.range.start;
  return a.line < b.line;
}

}  // namespace

void checkRanges(std::vector<LocatedRange> ranges, Diagnostics& diags) {
  std::sort(ranges.begin(), ranges.end(), startsBefore);

  // Overlaps: a range overlaps every later-starting range that starts before its end.
  for (size_t i = 0; i < ranges.size(); ++i) {
    const LocatedRange& a = ranges[i];
    for (size_t j = i + 1; j < ranges.size(); ++j) {
      const LocatedRange& b = ranges[j];
      if (a.range.end && b.range.start >= *a.range.end) break;
      const LocatedRange& first = a.line <= b.line ? a : b;
      const LocatedRange& second = a.line <= b.line ? b : a;
      diags.error(second.line, describe(first) + " overlaps " + describe(second));
    }
  }

  // Gaps: keys between the furthest end so far and the next start belong to no shard.
  std::optional<int64_t> coveredUpTo;  // exclusive; nullopt after an open-ended range
  bool open = false;
  for (size_t i = 0; i < ranges.size(); ++i) {
    const LocatedRange& r = ranges[i];
    if (i > 0 && !open && coveredUpTo && r.range.start > *coveredUpTo) {
      diags.warning(r.line, "keys [" + std::to_string(*coveredUpTo) + ", " +
                                std::to_string(r.range.start) +
                                ") belong to no shard: gap before " + describe(r, false));
    }
    if (!r.range.end) {
      open = true;
    } else if (!coveredUpTo || *r.range.end > *coveredUpTo) {
      coveredUpTo = r.range.end;
    }
  }
}

}  // namespace sg::shardmap
