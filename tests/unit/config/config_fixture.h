#pragma once
// A temporary directory holding a valid shardmap.toml, and helpers to load a shardgate.toml
// written next to it, for the config tests.

#include <gtest/gtest.h>

#include <string>

#include "router/config/config.h"
#include "tests/unit/shardmap/temp_dir.h"

namespace sg::config {

inline constexpr std::string_view kValidShardMap = R"(version = 4
default_shard = "s0"
[shards.s0]
master = "127.0.0.1:33061"
)";

// Lines 1-6 of a minimal valid shardgate.toml, in pieces so cases can put keys in between.
inline const std::string kShardMapLine = "shard_map = \"shardmap.toml\"\n";         // 1 line
inline const std::string kUser = "[[users]]\nname = \"app\"\npassword = \"pw\"\n";  // 3 lines
inline const std::string kBackend = "[backend]\nuser = \"app\"\n";                  // 2 lines
inline const std::string kMinimal = kShardMapLine + kUser + kBackend;

inline std::string joinAll(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += "  " + l + "\n";
  return out.empty() ? "  (none)\n" : out;
}

class ConfigTest : public ::testing::Test {
 protected:
  ConfigTest() { dir_.write("shardmap.toml", kValidShardMap); }

  std::string configPath() const { return (dir_.path() / "shardgate.toml").string(); }

  // Parses `text` as if it were <dir>/shardgate.toml.
  LoadResult parse(const std::string& text) const { return parseConfig(text, configPath()); }

  // Parses text that must be valid; fails the test otherwise.
  Config parseValid(const std::string& text) const {
    auto result = parse(text);
    EXPECT_TRUE(result.errors.empty()) << joinAll(result.errors);
    if (!result.config) return Config{};
    return *result.config;
  }

  sg::testing::TempDir dir_;
};

}  // namespace sg::config
