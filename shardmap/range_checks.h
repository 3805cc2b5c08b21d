#pragma once
// Whole-map checks of the [[ranges]] entries once each has been parsed on its own: overlaps are
// errors (the owner of a key must be unique), gaps between ranges are warnings.

#include <vector>

#include "shardmap/diagnostic.h"
#include "shardmap/shard_map.h"

namespace sg::shardmap {

// A parsed range and where it was written.
struct LocatedRange {
  Range range;
  int line = 0;
};

// Reports every overlapping pair (as errors) and every gap between ranges (as warnings).
void checkRanges(std::vector<LocatedRange> ranges, Diagnostics& diags);

}  // namespace sg::shardmap
