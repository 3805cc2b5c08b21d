#include "shardmap/shard_map_loader.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <sstream>

#include "shardmap/range_checks.h"
#include "shardmap/toml_reader.h"

namespace sg::shardmap {

namespace {

constexpr int64_t kMaxWeight = 0xFFFFFFFF;

// Which shard and role an address was first seen in, to report duplicates.
struct AddressUse {
  std::string where;  // "shards.s0.master"
  int line = 0;
};

// Parses the shard map's sections one after the other into `parts`, recording diagnostics.
class ShardMapReader {
 public:
  ShardMapReader(const toml::table& root, Diagnostics& diags)
      : root_(root, "", diags, 1), diags_(diags) {}

  void read(ShardMapParts& parts) {
    if (auto version = root_.integer("version", 0, kMax, Need::kRequired)) {
      parts.version = *version;
    }
    readShards(parts);
    readDefaultShard(parts);
    readGlobalTables(parts);
    readShardedTables(parts);
    readRanges(parts);
    root_.reportUnknownKeys();
  }

 private:
  static constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

  void readShards(ShardMapParts& parts) {
    bool present = root_.node("shards") != nullptr;
    const toml::table* shards = root_.table("shards");  // reports a wrong type itself
    if (present && shards == nullptr) return;
    if (shards == nullptr || shards->empty()) {
      diags_.error(root_.lineOf("shards"),
                   "no shards defined: add at least one [shards.NAME] table");
      return;
    }
    for (const auto& [key, node] : *shards) {
      std::string name(key.str());
      std::string path = "shards." + name;
      int line = static_cast<int>(key.source().begin.line);
      shardNames_.insert(name);
      if (name.empty()) diags_.error(line, "shards: a shard name must not be empty");
      const toml::table* table = node.as_table();
      if (table == nullptr) {
        diags_.error(line, path + ": expected a table, got " + std::string(typeName(node)) +
                               " (write [" + path + "] with master = \"host:port\")");
        continue;
      }
      if (auto shard = readShard(*table, name, path, line)) parts.shards.push_back(*shard);
    }
  }

  std::optional<Shard> readShard(const toml::table& table, const std::string& name,
                                 const std::string& path, int line) {
    TableReader reader(table, path, diags_, line);
    Shard shard;
    shard.name = name;
    bool ok = true;

    auto master = reader.string("master", Need::kRequired);
    if (!master ||
        !endpoint(*master, reader.pathOf("master"), reader.lineOf("master"), shard.master)) {
      ok = false;
    }

    if (const toml::array* replicas = reader.array("replicas")) {
      for (size_t i = 0; i < replicas->size(); ++i) {
        const toml::node& item = *replicas->get(i);
        std::string itemPath = reader.pathOf("replicas") + "[" + std::to_string(i) + "]";
        int itemLine = lineOf(item) > 0 ? lineOf(item) : reader.lineOf("replicas");
        Endpoint replica;
        if (!item.is_string()) {
          diags_.error(itemLine, itemPath + ": expected a string \"host:port\", got " +
                                     std::string(typeName(item)));
          ok = false;
        } else if (!endpoint(item.as_string()->get(), itemPath, itemLine, replica)) {
          ok = false;
        } else {
          shard.replicas.push_back(replica);
        }
      }
    }

    if (const toml::array* weights = reader.array("weights")) {
      size_t replicaCount = 0;
      if (const toml::array* replicas = table.get_as<toml::array>("replicas")) {
        replicaCount = replicas->size();
      }
      for (size_t i = 0; i < weights->size(); ++i) {
        const toml::node& item = *weights->get(i);
        int itemLine = lineOf(item) > 0 ? lineOf(item) : reader.lineOf("weights");
        std::string itemPath = reader.pathOf("weights") + "[" + std::to_string(i) + "]";
        if (!item.is_integer() || item.as_integer()->get() < 1 ||
            item.as_integer()->get() > kMaxWeight) {
          diags_.error(itemLine, itemPath + ": a weight must be an integer between 1 and " +
                                     std::to_string(kMaxWeight));
          ok = false;
        } else {
          shard.weights.push_back(static_cast<uint32_t>(item.as_integer()->get()));
        }
      }
      if (weights->size() != replicaCount) {
        diags_.error(reader.lineOf("weights"),
                     reader.pathOf("weights") + ": " + std::to_string(weights->size()) +
                         " weight(s) for " + std::to_string(replicaCount) +
                         " replica(s); give exactly one weight per replica");
        ok = false;
      }
    }

    shard.maxLagMs = reader.integer("max_lag_ms", 1, kMax);
    if (!shard.maxLagMs && table.contains("max_lag_ms")) ok = false;

    reader.reportUnknownKeys();
    if (!ok) return std::nullopt;
    return shard;
  }

  // Parses one address and checks it is not used elsewhere in the map.
  bool endpoint(const std::string& text, const std::string& path, int line, Endpoint& out) {
    std::string error;
    auto parsed = parseEndpoint(text, error);
    if (!parsed) {
      diags_.error(line, path + ": bad address '" + text + "': " + error);
      return false;
    }
    auto [it, inserted] = addresses_.try_emplace(*parsed, AddressUse{path, line});
    if (!inserted) {
      diags_.error(line, path + ": address " + parsed->str() + " is already used by " +
                             it->second.where + " (line " + std::to_string(it->second.line) + ")");
      return false;
    }
    out = *parsed;
    return true;
  }

  void readDefaultShard(ShardMapParts& parts) {
    auto name = root_.string("default_shard", Need::kRequired);
    if (!name) return;
    parts.defaultShard = *name;
    if (!shardNames_.empty() && !shardNames_.contains(*name)) {
      diags_.error(root_.lineOf("default_shard"),
                   "default_shard: unknown shard '" + *name + "'" + knownShards());
    }
  }

  void readGlobalTables(ShardMapParts& parts) {
    const toml::array* tables = root_.array("global_tables");
    if (tables == nullptr) return;
    for (size_t i = 0; i < tables->size(); ++i) {
      const toml::node& item = *tables->get(i);
      int line = lineOf(item) > 0 ? lineOf(item) : root_.lineOf("global_tables");
      std::string path = "global_tables[" + std::to_string(i) + "]";
      if (!item.is_string()) {
        diags_.error(line,
                     path + ": expected a table name (string), got " + std::string(typeName(item)));
        continue;
      }
      const std::string& table = item.as_string()->get();
      if (table.empty()) {
        diags_.error(line, path + ": a table name must not be empty");
        continue;
      }
      if (!globalLines_.try_emplace(table, line).second) {
        diags_.warning(line, "global table '" + table + "' is listed twice");
        continue;
      }
      parts.globalTables.push_back(table);
    }
  }

  void readShardedTables(ShardMapParts& parts) {
    const toml::table* tables = root_.table("sharded_tables");
    if (tables == nullptr) return;
    for (const auto& [key, node] : *tables) {
      std::string table(key.str());
      int line = lineOf(node) > 0 ? lineOf(node) : static_cast<int>(key.source().begin.line);
      std::string path = "sharded_tables." + table;
      if (table.empty()) {
        diags_.error(line, "sharded_tables: a table name must not be empty");
        continue;
      }
      if (!node.is_string()) {
        diags_.error(line, path + ": expected the shard-key column name (string), got " +
                               std::string(typeName(node)));
        continue;
      }
      const std::string& column = node.as_string()->get();
      if (column.empty()) {
        diags_.error(line, path + ": the shard-key column name must not be empty");
        continue;
      }
      if (auto global = globalLines_.find(table); global != globalLines_.end()) {
        diags_.error(line, "table '" + table + "' is both sharded (line " + std::to_string(line) +
                               ") and global (line " + std::to_string(global->second) + ")");
        continue;
      }
      parts.shardedTables.emplace(table, column);
    }
  }

  void readRanges(ShardMapParts& parts) {
    const toml::array* ranges = root_.array("ranges");
    std::vector<LocatedRange> located;
    if (ranges != nullptr) {
      for (size_t i = 0; i < ranges->size(); ++i) {
        const toml::node& item = *ranges->get(i);
        std::string path = "ranges[" + std::to_string(i) + "]";
        int line = lineOf(item) > 0 ? lineOf(item) : root_.lineOf("ranges");
        const toml::table* table = item.as_table();
        if (table == nullptr) {
          diags_.error(line, path + ": expected a table (write [[ranges]]), got " +
                                 std::string(typeName(item)));
          continue;
        }
        if (auto range = readRange(*table, path, line)) {
          located.push_back({*range, line});
          parts.ranges.push_back(*range);
        }
      }
    }
    checkRanges(located, diags_);
    if (located.empty() && !parts.shardedTables.empty()) {
      diags_.warning(root_.lineOf("sharded_tables"),
                     "sharded tables are defined but there are no [[ranges]]: no shard-key value "
                     "belongs to any shard");
    }
  }

  std::optional<Range> readRange(const toml::table& table, const std::string& path, int line) {
    TableReader reader(table, path, diags_, line);
    Range range;
    auto start =
        reader.integer("start", std::numeric_limits<int64_t>::min(), kMax, Need::kRequired);
    range.end = reader.integer("end");
    auto shard = reader.string("shard", Need::kRequired);
    reader.reportUnknownKeys();
    bool ok = start.has_value() && shard.has_value() && (range.end || !table.contains("end"));
    if (shard && !shardNames_.contains(*shard)) {
      diags_.error(reader.lineOf("shard"),
                   reader.pathOf("shard") + ": unknown shard '" + *shard + "'" + knownShards());
      ok = false;
    }
    if (start && range.end && *start >= *range.end) {
      diags_.error(line, path + ": start " + std::to_string(*start) + " must be below end " +
                             std::to_string(*range.end) + " (ranges are [start, end))");
      ok = false;
    }
    if (!ok) return std::nullopt;
    range.start = *start;
    range.shard = *shard;
    return range;
  }

  std::string knownShards() const {
    if (shardNames_.empty()) return "";
    std::string list;
    for (const std::string& name : shardNames_) list += (list.empty() ? "" : ", ") + name;
    return " (shards: " + list + ")";
  }

  TableReader root_;
  Diagnostics& diags_;
  std::set<std::string, std::less<>> shardNames_;
  std::map<Endpoint, AddressUse> addresses_;
  std::map<std::string, int, std::less<>> globalLines_;
};

LoadResult finish(Diagnostics& diags, std::shared_ptr<const ShardMap> map) {
  diags.sortByLine();
  LoadResult result;
  result.errors = std::move(diags.errors());
  result.warnings = std::move(diags.warnings());
  if (result.errors.empty()) result.map = std::move(map);
  return result;
}

}  // namespace

LoadResult parseShardMap(std::string_view text, std::string sourceName) {
  Diagnostics diags(sourceName);
  toml::table root;
  try {
    root = toml::parse(text, sourceName);
  } catch (const toml::parse_error& e) {
    diags.error(static_cast<int>(e.source().begin.line),
                "TOML syntax error: " + std::string(e.description()));
    return finish(diags, nullptr);
  }

  ShardMapParts parts;
  ShardMapReader(root, diags).read(parts);
  if (diags.hasErrors()) return finish(diags, nullptr);
  parts.sourceText = std::string(text);
  return finish(diags, std::make_shared<const ShardMap>(std::move(parts)));
}

LoadResult loadShardMapFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    Diagnostics diags(path);
    diags.error(0, std::string("cannot read file: ") + std::strerror(errno));
    return finish(diags, nullptr);
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    Diagnostics diags(path);
    diags.error(0, "cannot read file");
    return finish(diags, nullptr);
  }
  return parseShardMap(text.str(), path);
}

}  // namespace sg::shardmap
