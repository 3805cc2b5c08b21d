#pragma once
// What changes between two versions of the shard map: the key ranges that move to another shard
// (computed exactly over the whole int64 key space), shards, servers, tables and the default shard.
// Used by `shardmap diff` and by live reload, which logs and returns the diff of every swap.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "shardmap/endpoint.h"
#include "shardmap/shard_map.h"

namespace sg::shardmap {

template <typename T>
struct Change {
  T before;
  T after;
};

// A maximal interval [start, end) of shard-key values whose owner differs between the two maps;
// no end = up to and including INT64_MAX. An owner is nullopt when no range covers the keys.
struct RangeChange {
  int64_t start = 0;
  std::optional<int64_t> end;
  std::optional<std::string> before;
  std::optional<std::string> after;
};

// The weight of a replica that is in both versions of a shard. A shard without `weights` gives
// every replica weight 1 (as the router does), so adding `weights = [1, 1]` is no change.
struct WeightChange {
  Endpoint replica;
  uint32_t before = 1;
  uint32_t after = 1;
};

// What changed in a shard that exists in both maps.
struct ShardChange {
  std::string shard;
  std::optional<Change<Endpoint>> master;
  std::vector<Endpoint> replicasAdded;    // in the order of the new map
  std::vector<Endpoint> replicasRemoved;  // in the order of the old map
  std::vector<WeightChange> weights;      // in the order of the new map
  // nullopt inside = the shard has no max_lag_ms of its own ([monitor] max_lag_ms applies).
  std::optional<Change<std::optional<int64_t>>> maxLagMs;

  bool empty() const;
};

struct TableChanges {
  std::map<std::string, std::string> shardedAdded;    // table -> key column
  std::map<std::string, std::string> shardedRemoved;  // table -> key column
  std::map<std::string, Change<std::string>> keyChanged;
  std::vector<std::string> globalAdded;    // in the order of the new map
  std::vector<std::string> globalRemoved;  // in the order of the old map

  bool empty() const;
};

// Every difference between two shard maps. Lists are sorted (ranges by start, shards and tables
// by name) unless a comment says otherwise, so a diff prints the same way every time.
struct MapDiff {
  Change<int64_t> version;
  std::vector<RangeChange> ranges;
  std::vector<std::string> shardsAdded;
  std::vector<std::string> shardsRemoved;
  std::vector<ShardChange> shardsChanged;
  TableChanges tables;
  std::optional<Change<std::string>> defaultShard;

  // True when the maps are the same apart from their version.
  bool empty() const;
};

MapDiff diffMaps(const ShardMap& before, const ShardMap& after);

// One line per change, e.g. "range [5000000, 6000000): s1 -> s2", "+ shard s3",
// "shard s0: + replica 127.0.0.1:33063"; starts with "version 1 -> 2" when the versions differ
// and says "no changes" when empty(). Every line ends with '\n'.
std::string diffToText(const MapDiff& diff);

// The diff as one JSON object (see docs/shardmap-diff.md for its shape); `indent` < 0 gives one
// line, otherwise pretty-printed with that many spaces.
std::string diffToJson(const MapDiff& diff, int indent = -1);

}  // namespace sg::shardmap
