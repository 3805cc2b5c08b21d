#include "router/plan/shard_set.h"

#include <algorithm>

namespace sg::plan {

size_t shardIndex(const shardmap::ShardMap& map, const shardmap::Shard& shard) {
  return static_cast<size_t>(&shard - map.shards().data());
}

ShardSet shardsOwning(const KeySet& keys, const shardmap::ShardMap& map) {
  const auto& ranges = map.ranges();
  std::vector<bool> owned(map.shards().size(), false);
  for (const KeySet::Interval& iv : keys.intervals()) {
    // Ranges are sorted by start and do not overlap, so their ends are sorted too: skip the ones
    // ending at or below iv.lo, then take every range starting at or below iv.hi.
    auto it = std::partition_point(ranges.begin(), ranges.end(), [&](const shardmap::Range& r) {
      return r.end.has_value() && *r.end <= iv.lo;
    });
    for (; it != ranges.end() && it->start <= iv.hi; ++it) {
      const shardmap::Shard* shard = map.findShard(it->shard);
      if (shard != nullptr) owned[shardIndex(map, *shard)] = true;
    }
  }
  ShardSet out;
  for (size_t i = 0; i < owned.size(); ++i) {
    if (owned[i]) out.push_back(i);
  }
  return out;
}

ShardSet allShards(const shardmap::ShardMap& map) {
  ShardSet out(map.shards().size());
  for (size_t i = 0; i < out.size(); ++i) out[i] = i;
  return out;
}

std::vector<std::string> shardNames(const ShardSet& shards, const shardmap::ShardMap& map) {
  std::vector<std::string> names;
  names.reserve(shards.size());
  for (size_t i : shards) names.push_back(map.shards()[i].name);
  return names;
}

std::string joinShardNames(const ShardSet& shards, const shardmap::ShardMap& map) {
  std::string out;
  for (size_t i : shards) {
    if (!out.empty()) out += ", ";
    out += map.shards()[i].name;
  }
  return out;
}

}  // namespace sg::plan
