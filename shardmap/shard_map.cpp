#include "shardmap/shard_map.h"

#include <algorithm>
#include <stdexcept>

namespace sg::shardmap {

std::string Range::str() const {
  std::string out = "[";
  out += std::to_string(start);
  out += ", ";
  out += end ? std::to_string(*end) : "∞";
  out += ")";
  return out;
}

ShardMap::ShardMap(ShardMapParts parts)
    : version_(parts.version),
      globalTables_(std::move(parts.globalTables)),
      globalSet_(globalTables_.begin(), globalTables_.end()),
      shardedTables_(std::move(parts.shardedTables)),
      shards_(std::move(parts.shards)),
      ranges_(std::move(parts.ranges)),
      sourceText_(std::move(parts.sourceText)) {
  std::sort(shards_.begin(), shards_.end(),
            [](const Shard& a, const Shard& b) { return a.name < b.name; });
  std::sort(ranges_.begin(), ranges_.end(),
            [](const Range& a, const Range& b) { return a.start < b.start; });
  auto indexOf = [this](std::string_view name) {
    const Shard* shard = findShard(name);
    if (shard == nullptr) {
      throw std::invalid_argument("ShardMap: unknown shard '" + std::string(name) + "'");
    }
    return static_cast<size_t>(shard - shards_.data());
  };
  defaultIndex_ = indexOf(parts.defaultShard);
  rangeShard_.reserve(ranges_.size());
  for (const Range& range : ranges_) rangeShard_.push_back(indexOf(range.shard));
}

const Shard* ShardMap::findShard(std::string_view name) const {
  auto it = std::lower_bound(shards_.begin(), shards_.end(), name,
                             [](const Shard& s, std::string_view n) { return s.name < n; });
  if (it == shards_.end() || it->name != name) return nullptr;
  return &*it;
}

const Shard* ShardMap::lookup(int64_t key) const {
  // The last range starting at or below key is the only candidate (ranges do not overlap).
  auto it = std::upper_bound(ranges_.begin(), ranges_.end(), key,
                             [](int64_t k, const Range& r) { return k < r.start; });
  if (it == ranges_.begin()) return nullptr;
  --it;
  if (it->end && key >= *it->end) return nullptr;
  return &shards_[rangeShard_[static_cast<size_t>(it - ranges_.begin())]];
}

bool ShardMap::isGlobal(std::string_view table) const { return globalSet_.contains(table); }

std::optional<std::string> ShardMap::shardKey(std::string_view table) const {
  auto it = shardedTables_.find(table);
  if (it == shardedTables_.end()) return std::nullopt;
  return it->second;
}

}  // namespace sg::shardmap
