#pragma once
// Loading and validating a shard map (conf/shardmap.toml). Every problem is reported, each with
// file:line and the entries involved; a map is produced only when there are no errors, so a bad
// edit can never replace a good map.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "shardmap/diagnostic.h"
#include "shardmap/shard_map.h"

namespace sg::shardmap {

struct LoadResult {
  std::shared_ptr<const ShardMap> map;  // null iff errors is non-empty
  std::vector<Diagnostic> errors;
  std::vector<Diagnostic> warnings;

  bool ok() const { return map != nullptr; }
};

// Parses shard-map TOML text; `sourceName` is the file name used in diagnostics.
LoadResult parseShardMap(std::string_view text, std::string sourceName);

// Reads and parses a shard-map file; an unreadable file is an error with line 0.
LoadResult loadShardMapFile(const std::string& path);

}  // namespace sg::shardmap
