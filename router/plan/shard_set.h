#pragma once
// Which shards own a set of shard-key values: every shard whose [start, end) range intersects one
// of the set's intervals. Shards are identified by their index in ShardMap::shards() (sorted by
// name), so results come out sorted by name.

#include <cstddef>
#include <string>
#include <vector>

#include "router/plan/key_set.h"
#include "shardmap/shard_map.h"

namespace sg::plan {

using ShardSet = std::vector<size_t>;  // sorted, unique indexes into ShardMap::shards()

ShardSet shardsOwning(const KeySet& keys, const shardmap::ShardMap& map);
ShardSet allShards(const shardmap::ShardMap& map);
size_t shardIndex(const shardmap::ShardMap& map, const shardmap::Shard& shard);

std::vector<std::string> shardNames(const ShardSet& shards, const shardmap::ShardMap& map);
// "s0", "s0, s1"
std::string joinShardNames(const ShardSet& shards, const shardmap::ShardMap& map);

}  // namespace sg::plan
