#pragma once
// The shard map: which MySQL servers make up each shard, which tables are sharded (and on which
// column), which are global, and which shard owns each range of shard-key values. A ShardMap is
// an immutable snapshot: loaders build a new one and swap a std::shared_ptr<const ShardMap>, so
// requests in flight keep the map they started with.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "shardmap/endpoint.h"

namespace sg::shardmap {

// One shard: a master and its read replicas.
struct Shard {
  std::string name;
  Endpoint master;
  std::vector<Endpoint> replicas;
  // One positive weight per replica for read balancing; empty means "all equal".
  std::vector<uint32_t> weights;
  // Replicas lagging more than this are not read from; nullopt = use [monitor] max_lag_ms.
  std::optional<int64_t> maxLagMs;
};

// The half-open interval [start, end) of shard-key values owned by `shard`; no end = up to and
// including INT64_MAX.
struct Range {
  int64_t start = 0;
  std::optional<int64_t> end;
  std::string shard;

  // "[0, 5000000)" or "[5000000, ∞)".
  std::string str() const;
};

// Everything a ShardMap is made of. The constructor trusts it to be valid, as the loader in
// shard_map_loader.h checks (ranges must not overlap); it throws std::invalid_argument only if the
// default shard or a range's shard is missing.
struct ShardMapParts {
  int64_t version = 0;
  std::string defaultShard;
  std::vector<std::string> globalTables;
  std::map<std::string, std::string, std::less<>> shardedTables;  // table -> key column
  std::vector<Shard> shards;
  std::vector<Range> ranges;
  std::string sourceText;
};

// Read-only view of one version of the shard map, with O(log n) key lookup. Table names are
// compared exactly (case-sensitive, as MySQL does on Linux with lower_case_table_names=0).
class ShardMap {
 public:
  explicit ShardMap(ShardMapParts parts);

  int64_t version() const { return version_; }
  const Shard& defaultShard() const { return shards_[defaultIndex_]; }
  // In the order of the file.
  const std::vector<std::string>& globalTables() const { return globalTables_; }
  // Sharded table -> shard-key column.
  const std::map<std::string, std::string, std::less<>>& shardedTables() const {
    return shardedTables_;
  }
  // Sorted by name.
  const std::vector<Shard>& shards() const { return shards_; }
  // Sorted by start.
  const std::vector<Range>& ranges() const { return ranges_; }

  const Shard* findShard(std::string_view name) const;
  // The shard owning `key`, or nullptr when no range covers it.
  const Shard* lookup(int64_t key) const;
  bool isGlobal(std::string_view table) const;
  // The shard-key column of a sharded table; nullopt if the table is not sharded.
  std::optional<std::string> shardKey(std::string_view table) const;

  // The TOML text this map was loaded from (for the admin API and diffs).
  const std::string& sourceText() const { return sourceText_; }

 private:
  int64_t version_;
  std::vector<std::string> globalTables_;
  std::set<std::string, std::less<>> globalSet_;
  std::map<std::string, std::string, std::less<>> shardedTables_;
  std::vector<Shard> shards_;
  size_t defaultIndex_ = 0;
  std::vector<Range> ranges_;
  std::vector<size_t> rangeShard_;  // index into shards_ for each range
  std::string sourceText_;
};

}  // namespace sg::shardmap
