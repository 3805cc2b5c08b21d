// The `shardmap` command-line tool: checks a shard-map file before it is deployed, tells which
// shard owns a shard-key value, shows what changes between two versions of a map, and shows where
// shardgate would route a SQL statement. Exit codes: 0 success (also for a statement shardgate
// would refuse), 1 invalid file or no owner, 2 usage.

#include <charconv>
#include <cstdint>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "router/plan/planner.h"
#include "router/sql/classifier.h"
#include "shardmap/shard_map_diff.h"
#include "shardmap/shard_map_loader.h"

namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

constexpr std::string_view kUsage =
    "usage: shardmap check FILE        validate a shard map (warnings and errors on stderr)\n"
    "       shardmap lookup FILE KEY   print the shard that owns shard-key value KEY\n"
    "       shardmap diff OLD NEW [--json]\n"
    "                                  print what changes from map OLD to map NEW: key ranges\n"
    "                                  that move, shards, servers, tables (one line each)\n"
    "       shardmap route FILE SQL    print where SQL would be routed, as one JSON line:\n"
    "                                  {\"route\":\"single|multi|scatter|broadcast|reject\",\n"
    "                                   "
    "\"shards\":[...],\"target\":\"master|replica\",\"reason\":...}\n";

int usageError(std::string_view problem) {
  std::cerr << "shardmap: " << problem << "\n" << kUsage;
  return kExitUsage;
}

void printDiagnostics(const sg::shardmap::LoadResult& result) {
  for (auto w : result.warnings) {
    w.message = "warning: " + w.message;
    std::cerr << w.str() << "\n";
  }
  for (const auto& e : result.errors) std::cerr << e.str() << "\n";
}

// Prints an invalid file's diagnostics and error count as `check` does; true if the file is valid.
bool reportIfInvalid(const std::string& file, const sg::shardmap::LoadResult& result) {
  if (result.ok()) return true;
  printDiagnostics(result);
  std::cerr << file << ": " << result.errors.size() << " error(s)\n";
  return false;
}

int check(const std::string& file) {
  auto result = sg::shardmap::loadShardMapFile(file);
  if (!reportIfInvalid(file, result)) return kExitFailed;
  printDiagnostics(result);  // the warnings
  const auto& map = *result.map;
  std::cout << file << ": ok (version " << map.version() << ", " << map.shards().size()
            << " shard(s), " << map.ranges().size() << " range(s), " << map.shardedTables().size()
            << " sharded and " << map.globalTables().size() << " global table(s))\n";
  return kExitOk;
}

int lookup(const std::string& file, std::string_view keyText) {
  int64_t key = 0;
  auto [ptr, ec] = std::from_chars(keyText.data(), keyText.data() + keyText.size(), key);
  if (keyText.empty() || ec != std::errc() || ptr != keyText.data() + keyText.size()) {
    std::cerr << "shardmap: '" << keyText << "' is not a signed 64-bit integer key\n";
    return kExitFailed;
  }
  auto result = sg::shardmap::loadShardMapFile(file);
  if (!result.ok()) {
    for (const auto& e : result.errors) std::cerr << e.str() << "\n";
    return kExitFailed;
  }
  const sg::shardmap::Shard* shard = result.map->lookup(key);
  if (shard == nullptr) {
    std::cerr << "shardmap: no range owns key " << key << "\n";
    return kExitFailed;
  }
  std::cout << shard->name << "\n";
  return kExitOk;
}

// Both files are validated first (every error of both is reported); warnings are not repeated.
int diff(const std::string& oldFile, const std::string& newFile, bool json) {
  auto before = sg::shardmap::loadShardMapFile(oldFile);
  auto after = sg::shardmap::loadShardMapFile(newFile);
  bool valid = reportIfInvalid(oldFile, before);
  valid = reportIfInvalid(newFile, after) && valid;
  if (!valid) return kExitFailed;
  sg::shardmap::MapDiff changes = sg::shardmap::diffMaps(*before.map, *after.map);
  if (json) {
    std::cout << sg::shardmap::diffToJson(changes, 2) << "\n";
  } else {
    std::cout << sg::shardmap::diffToText(changes);
  }
  // A running shardgate only takes a map whose version is above its current one.
  if (changes.version.after <= changes.version.before && !changes.empty()) {
    std::cerr << "shardmap: warning: " << newFile << " changes the map but its version "
              << changes.version.after << " is not above " << changes.version.before
              << ": shardgate would refuse it as stale\n";
  }
  return kExitOk;
}

// Plans SQL as the first statement of a fresh session (no transaction, no bound parameters).
int route(const std::string& file, std::string_view sql) {
  auto result = sg::shardmap::loadShardMapFile(file);
  if (!result.ok()) {
    for (const auto& e : result.errors) std::cerr << e.str() << "\n";
    return kExitFailed;
  }
  sg::sql::Statement statement = sg::sql::classify(sql);
  sg::plan::Plan plan = sg::plan::planStatement(statement, sql, *result.map, {});
  std::cout << plan.toJson() << "\n";
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  // A "--" anywhere is dropped, so `shardmap lookup FILE -- -5` works as well as `... -5`.
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) {
    if (std::string_view(argv[i]) != "--") args.emplace_back(argv[i]);
  }
  if (args.empty()) return usageError("missing command");
  const std::string& command = args[0];
  if (command == "-h" || command == "--help" || command == "help") {
    std::cout << kUsage;
    return kExitOk;
  }
  if (command == "check") {
    if (args.size() != 2) return usageError("check takes exactly one FILE");
    return check(args[1]);
  }
  if (command == "lookup") {
    if (args.size() != 3) return usageError("lookup takes FILE and KEY");
    return lookup(args[1], args[2]);
  }
  if (command == "diff") {
    std::vector<std::string> files;
    bool json = false;
    for (size_t i = 1; i < args.size(); ++i) {
      if (args[i] == "--json") {
        json = true;
      } else {
        files.push_back(args[i]);
      }
    }
    if (files.size() != 2) return usageError("diff takes OLD and NEW (and optionally --json)");
    return diff(files[0], files[1], json);
  }
  if (command == "route") {
    if (args.size() != 3) return usageError("route takes FILE and SQL (quote the statement)");
    return route(args[1], args[2]);
  }
  return usageError("unknown command '" + command + "'");
}
