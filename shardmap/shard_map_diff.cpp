#include "shardmap/shard_map_diff.h"

#include <algorithm>
#include <limits>
#include <set>

#include <nlohmann/json.hpp>

namespace sg::shardmap {

namespace {

using Json = nlohmann::ordered_json;  // keeps keys in the documented order

std::optional<std::string> ownerOf(const ShardMap& map, int64_t key) {
  const Shard* shard = map.lookup(key);
  if (shard == nullptr) return std::nullopt;
  return shard->name;
}

// Owners only change where a range of either map starts or ends, so every interval between two
// consecutive boundaries has one owner per map: look up its first key in each.
std::vector<RangeChange> diffRanges(const ShardMap& before, const ShardMap& after) {
  std::vector<int64_t> bounds{std::numeric_limits<int64_t>::min()};
  for (const ShardMap* map : {&before, &after}) {
    for (const Range& range : map->ranges()) {
      bounds.push_back(range.start);
      if (range.end) bounds.push_back(*range.end);
    }
  }
  std::sort(bounds.begin(), bounds.end());
  bounds.erase(std::unique(bounds.begin(), bounds.end()), bounds.end());

  std::vector<RangeChange> changes;
  for (size_t i = 0; i < bounds.size(); ++i) {
    int64_t start = bounds[i];
    std::optional<int64_t> end;
    if (i + 1 < bounds.size()) end = bounds[i + 1];
    auto oldOwner = ownerOf(before, start);
    auto newOwner = ownerOf(after, start);
    if (oldOwner == newOwner) continue;
    if (!changes.empty()) {
      RangeChange& last = changes.back();
      if (last.end == start && last.before == oldOwner && last.after == newOwner) {
        last.end = end;
        continue;
      }
    }
    changes.push_back({start, end, std::move(oldOwner), std::move(newOwner)});
  }
  return changes;
}

uint32_t weightAt(const Shard& shard, size_t replica) {
  return replica < shard.weights.size() ? shard.weights[replica] : 1;
}

ShardChange diffShard(const Shard& before, const Shard& after) {
  ShardChange change;
  change.shard = after.name;
  if (before.master != after.master) change.master = Change<Endpoint>{before.master, after.master};
  auto indexIn = [](const Shard& shard, const Endpoint& replica) -> std::optional<size_t> {
    auto it = std::find(shard.replicas.begin(), shard.replicas.end(), replica);
    if (it == shard.replicas.end()) return std::nullopt;
    return static_cast<size_t>(it - shard.replicas.begin());
  };
  for (size_t i = 0; i < after.replicas.size(); ++i) {
    const Endpoint& replica = after.replicas[i];
    auto old = indexIn(before, replica);
    if (!old) {
      change.replicasAdded.push_back(replica);
    } else if (weightAt(before, *old) != weightAt(after, i)) {
      change.weights.push_back({replica, weightAt(before, *old), weightAt(after, i)});
    }
  }
  for (const Endpoint& replica : before.replicas) {
    if (!indexIn(after, replica)) change.replicasRemoved.push_back(replica);
  }
  if (before.maxLagMs != after.maxLagMs) {
    change.maxLagMs = Change<std::optional<int64_t>>{before.maxLagMs, after.maxLagMs};
  }
  return change;
}

void diffShards(const ShardMap& before, const ShardMap& after, MapDiff& diff) {
  // Both lists are sorted by name: walk them together.
  const auto& a = before.shards();
  const auto& b = after.shards();
  size_t i = 0;
  size_t j = 0;
  while (i < a.size() || j < b.size()) {
    if (j == b.size() || (i < a.size() && a[i].name < b[j].name)) {
      diff.shardsRemoved.push_back(a[i++].name);
    } else if (i == a.size() || b[j].name < a[i].name) {
      diff.shardsAdded.push_back(b[j++].name);
    } else {
      ShardChange change = diffShard(a[i++], b[j++]);
      if (!change.empty()) diff.shardsChanged.push_back(std::move(change));
    }
  }
}

TableChanges diffTables(const ShardMap& before, const ShardMap& after) {
  TableChanges tables;
  for (const auto& [table, column] : after.shardedTables()) {
    auto old = before.shardKey(table);
    if (!old) {
      tables.shardedAdded.emplace(table, column);
    } else if (*old != column) {
      tables.keyChanged.emplace(table, Change<std::string>{*old, column});
    }
  }
  for (const auto& [table, column] : before.shardedTables()) {
    if (!after.shardKey(table)) tables.shardedRemoved.emplace(table, column);
  }
  for (const std::string& table : after.globalTables()) {
    if (!before.isGlobal(table)) tables.globalAdded.push_back(table);
  }
  for (const std::string& table : before.globalTables()) {
    if (!after.isGlobal(table)) tables.globalRemoved.push_back(table);
  }
  return tables;
}

std::string ownerText(const std::optional<std::string>& owner) { return owner ? *owner : "none"; }

std::string intervalText(int64_t start, const std::optional<int64_t>& end) {
  return Range{start, end, ""}.str();
}

std::string maxLagText(const std::optional<int64_t>& ms) {
  return ms ? std::to_string(*ms) : "unset";
}

Json optionalJson(const std::optional<std::string>& value) {
  return value ? Json(*value) : Json(nullptr);
}

Json optionalJson(const std::optional<int64_t>& value) {
  return value ? Json(*value) : Json(nullptr);
}

Json endpointsJson(const std::vector<Endpoint>& endpoints) {
  Json out = Json::array();
  for (const Endpoint& e : endpoints) out.push_back(e.str());
  return out;
}

Json stringsJson(const std::vector<std::string>& strings) {
  Json out = Json::array();
  for (const std::string& s : strings) out.push_back(s);
  return out;
}

Json columnsJson(const std::map<std::string, std::string>& tables) {
  Json out = Json::object();
  for (const auto& [table, column] : tables) out[table] = column;
  return out;
}

}  // namespace

bool ShardChange::empty() const {
  return !master && replicasAdded.empty() && replicasRemoved.empty() && weights.empty() &&
         !maxLagMs;
}

bool TableChanges::empty() const {
  return shardedAdded.empty() && shardedRemoved.empty() && keyChanged.empty() &&
         globalAdded.empty() && globalRemoved.empty();
}

bool MapDiff::empty() const {
  return ranges.empty() && shardsAdded.empty() && shardsRemoved.empty() && shardsChanged.empty() &&
         tables.empty() && !defaultShard;
}

MapDiff diffMaps(const ShardMap& before, const ShardMap& after) {
  MapDiff diff;
  diff.version = {before.version(), after.version()};
  diff.ranges = diffRanges(before, after);
  diffShards(before, after, diff);
  diff.tables = diffTables(before, after);
  if (before.defaultShard().name != after.defaultShard().name) {
    diff.defaultShard = Change<std::string>{before.defaultShard().name, after.defaultShard().name};
  }
  return diff;
}

std::string diffToText(const MapDiff& diff) {
  std::string out;
  auto line = [&out](const std::string& text) { out += text + "\n"; };
  if (diff.version.before != diff.version.after) {
    line("version " + std::to_string(diff.version.before) + " -> " +
         std::to_string(diff.version.after));
  }
  if (diff.empty()) {
    line("no changes");
    return out;
  }
  for (const RangeChange& r : diff.ranges) {
    line("range " + intervalText(r.start, r.end) + ": " + ownerText(r.before) + " -> " +
         ownerText(r.after));
  }
  for (const std::string& shard : diff.shardsAdded) line("+ shard " + shard);
  for (const std::string& shard : diff.shardsRemoved) line("- shard " + shard);
  for (const ShardChange& s : diff.shardsChanged) {
    std::string prefix = "shard " + s.shard + ": ";
    if (s.master) {
      line(prefix + "master " + s.master->before.str() + " -> " + s.master->after.str());
    }
    for (const Endpoint& e : s.replicasAdded) line(prefix + "+ replica " + e.str());
    for (const Endpoint& e : s.replicasRemoved) line(prefix + "- replica " + e.str());
    for (const WeightChange& w : s.weights) {
      line(prefix + "weight of " + w.replica.str() + " " + std::to_string(w.before) + " -> " +
           std::to_string(w.after));
    }
    if (s.maxLagMs) {
      line(prefix + "max_lag_ms " + maxLagText(s.maxLagMs->before) + " -> " +
           maxLagText(s.maxLagMs->after));
    }
  }
  const TableChanges& t = diff.tables;
  for (const auto& [table, column] : t.shardedAdded) {
    line("+ sharded table " + table + " (key " + column + ")");
  }
  for (const auto& [table, column] : t.shardedRemoved) {
    line("- sharded table " + table + " (key " + column + ")");
  }
  for (const auto& [table, key] : t.keyChanged) {
    line("sharded table " + table + ": key " + key.before + " -> " + key.after);
  }
  for (const std::string& table : t.globalAdded) line("+ global table " + table);
  for (const std::string& table : t.globalRemoved) line("- global table " + table);
  if (diff.defaultShard) {
    line("default shard " + diff.defaultShard->before + " -> " + diff.defaultShard->after);
  }
  return out;
}

std::string diffToJson(const MapDiff& diff, int indent) {
  Json out;
  out["version"] = {{"before", diff.version.before}, {"after", diff.version.after}};
  Json ranges = Json::array();
  for (const RangeChange& r : diff.ranges) {
    ranges.push_back({{"start", r.start},
                      {"end", optionalJson(r.end)},
                      {"before", optionalJson(r.before)},
                      {"after", optionalJson(r.after)}});
  }
  out["ranges"] = std::move(ranges);
  out["shards_added"] = stringsJson(diff.shardsAdded);
  out["shards_removed"] = stringsJson(diff.shardsRemoved);
  Json shards = Json::array();
  for (const ShardChange& s : diff.shardsChanged) {
    Json shard;
    shard["shard"] = s.shard;
    if (s.master) {
      shard["master"] = {{"before", s.master->before.str()}, {"after", s.master->after.str()}};
    }
    shard["replicas_added"] = endpointsJson(s.replicasAdded);
    shard["replicas_removed"] = endpointsJson(s.replicasRemoved);
    Json weights = Json::array();
    for (const WeightChange& w : s.weights) {
      weights.push_back({{"replica", w.replica.str()}, {"before", w.before}, {"after", w.after}});
    }
    shard["weights_changed"] = std::move(weights);
    if (s.maxLagMs) {
      shard["max_lag_ms"] = {{"before", optionalJson(s.maxLagMs->before)},
                             {"after", optionalJson(s.maxLagMs->after)}};
    }
    shards.push_back(std::move(shard));
  }
  out["shards_changed"] = std::move(shards);
  Json keyChanged = Json::object();
  for (const auto& [table, key] : diff.tables.keyChanged) {
    keyChanged[table] = {{"before", key.before}, {"after", key.after}};
  }
  out["tables"] = {{"sharded_added", columnsJson(diff.tables.shardedAdded)},
                   {"sharded_removed", columnsJson(diff.tables.shardedRemoved)},
                   {"key_changed", std::move(keyChanged)},
                   {"global_added", stringsJson(diff.tables.globalAdded)},
                   {"global_removed", stringsJson(diff.tables.globalRemoved)}};
  if (diff.defaultShard) {
    out["default_shard"] = {{"before", diff.defaultShard->before},
                            {"after", diff.defaultShard->after}};
  } else {
    out["default_shard"] = nullptr;
  }
  // Names come from TOML and so are valid UTF-8; `replace` only guards against surprises.
  return out.dump(indent, ' ', false, Json::error_handler_t::replace);
}

}  // namespace sg::shardmap
