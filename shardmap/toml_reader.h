#pragma once
// Typed, diagnosing access to one TOML table, shared by the shard-map and shardgate.toml loaders.
// Each getter reports wrong types, out-of-range values and missing required keys with file:line
// and remembers the key, so reportUnknownKeys() can flag every key nobody asked for (typos).

#include <cstdint>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include <toml++/toml.h>

#include "shardmap/diagnostic.h"

namespace sg::shardmap {

enum class Need { kOptional, kRequired };

// The 1-based line where a node starts (0 if toml++ does not know).
int lineOf(const toml::node& node);
// "string", "integer", "table", "array", ... for messages.
std::string_view typeName(const toml::node& node);

class TableReader {
 public:
  // `path` names the table in messages ("" for the root, "listen", "ranges[2]", "shards.s0").
  // `line` overrides the table's own line (for the root table and tables with no header).
  TableReader(const toml::table& table, std::string path, Diagnostics& diags, int line = 0);

  std::optional<std::string> string(std::string_view key, Need need = Need::kOptional);
  std::optional<int64_t> integer(std::string_view key,
                                 int64_t min = std::numeric_limits<int64_t>::min(),
                                 int64_t max = std::numeric_limits<int64_t>::max(),
                                 Need need = Need::kOptional);
  std::optional<bool> boolean(std::string_view key, Need need = Need::kOptional);
  const toml::array* array(std::string_view key, Need need = Need::kOptional);
  const toml::table* table(std::string_view key, Need need = Need::kOptional);
  // Any value; marks the key as known. nullptr (and an error if required) when absent.
  const toml::node* node(std::string_view key, Need need = Need::kOptional);

  // The table's own line.
  int line() const { return line_; }
  // The line of key's value, or the table's line when the key is absent.
  int lineOf(std::string_view key) const;
  // "listen.port" for key "port" of table "listen"; "version" at the root.
  std::string pathOf(std::string_view key) const;
  // An error for each key that no getter asked for, with a "did you mean" when one is close.
  void reportUnknownKeys();

 private:
  void typeError(std::string_view key, const toml::node& node, std::string_view expected);

  const toml::table& table_;
  std::string path_;
  Diagnostics& diags_;
  int line_;
  std::set<std::string, std::less<>> known_;
};

}  // namespace sg::shardmap
