// Lookup at range edges and the accessors of a loaded ShardMap.

#include <gtest/gtest.h>

#include <limits>

#include "shardmap/shard_map_loader.h"

namespace sg::shardmap {
namespace {

constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

// Ranges written out of order on purpose, with a gap [200, 300) and an open-ended last range.
constexpr std::string_view kMap = R"(version = 7
default_shard = "s0"
global_tables = ["countries", "currencies"]
[sharded_tables]
users  = "id"
orders = "user_id"
[shards.s2]
master = "10.0.0.3:3306"
[shards.s0]
master   = "10.0.0.1:3306"
replicas = ["10.0.0.11:3306", "10.0.0.12:3306"]
weights  = [3, 1]
max_lag_ms = 250
[shards.s1]
master = "10.0.0.2:3306"
[[ranges]]
start = 300
shard = "s2"
[[ranges]]
start = -100
end   = 100
shard = "s0"
[[ranges]]
start = 100
end   = 200
shard = "s1"
)";

std::shared_ptr<const ShardMap> load(std::string_view text) {
  auto result = parseShardMap(text, "test.toml");
  for (const auto& e : result.errors) ADD_FAILURE() << e.str();
  return result.map;
}

struct LookupCase {
  int64_t key;
  const char* shard;  // nullptr = no owner
};

TEST(ShardMapLookup, RangeEdges) {
  auto map = load(kMap);
  ASSERT_TRUE(map);
  const LookupCase cases[] = {
      {kMin, nullptr},    // below every range
      {-101, nullptr},    // just below the first start
      {-100, "s0"},       // start is inclusive
      {0, "s0"},          //
      {99, "s0"},         // end - 1
      {100, "s1"},        // end is exclusive: next range's start
      {199, "s1"},        //
      {200, nullptr},     // gap [200, 300)
      {299, nullptr},     //
      {300, "s2"},        // open-ended range from its start...
      {1'000'000, "s2"},  //
      {kMax, "s2"},       // ...up to and including INT64_MAX
  };
  for (const auto& c : cases) {
    const Shard* shard = map->lookup(c.key);
    if (c.shard == nullptr) {
      EXPECT_EQ(shard, nullptr) << "key " << c.key << " -> " << (shard ? shard->name : "");
    } else {
      ASSERT_NE(shard, nullptr) << "key " << c.key;
      EXPECT_EQ(shard->name, c.shard) << "key " << c.key;
    }
  }
}

TEST(ShardMapLookup, FullKeySpace) {
  auto map = load(R"(version = 1
default_shard = "lo"
[shards.lo]
master = "a:1"
[shards.hi]
master = "b:1"
[[ranges]]
start = -9223372036854775808
end = 0
shard = "lo"
[[ranges]]
start = 0
shard = "hi"
)");
  ASSERT_TRUE(map);
  EXPECT_EQ(map->lookup(kMin)->name, "lo");
  EXPECT_EQ(map->lookup(-1)->name, "lo");
  EXPECT_EQ(map->lookup(0)->name, "hi");
  EXPECT_EQ(map->lookup(kMax)->name, "hi");
}

TEST(ShardMapLookup, BoundedLastRangeEndsAtItsEnd) {
  auto map = load(R"(version = 1
default_shard = "s0"
[shards.s0]
master = "a:1"
[[ranges]]
start = 10
end = 9223372036854775807
shard = "s0"
)");
  ASSERT_TRUE(map);
  EXPECT_EQ(map->lookup(kMax - 1)->name, "s0");
  EXPECT_EQ(map->lookup(kMax), nullptr);  // end is exclusive even at INT64_MAX
  EXPECT_EQ(map->lookup(9), nullptr);
}

TEST(ShardMapLookup, NoRangesOwnsNothing) {
  auto map = load("version = 1\ndefault_shard = \"s0\"\n[shards.s0]\nmaster = \"a:1\"\n");
  ASSERT_TRUE(map);
  EXPECT_EQ(map->lookup(0), nullptr);
  EXPECT_EQ(map->lookup(kMin), nullptr);
}

TEST(ShardMapAccessors, ExposeTheFile) {
  auto map = load(kMap);
  ASSERT_TRUE(map);
  EXPECT_EQ(map->version(), 7);
  EXPECT_EQ(map->defaultShard().name, "s0");
  EXPECT_EQ(map->globalTables(), (std::vector<std::string>{"countries", "currencies"}));
  EXPECT_TRUE(map->isGlobal("countries"));
  EXPECT_FALSE(map->isGlobal("Countries"));  // exact, case-sensitive names
  EXPECT_FALSE(map->isGlobal("users"));
  EXPECT_EQ(map->shardKey("orders"), "user_id");
  EXPECT_EQ(map->shardKey("users"), "id");
  EXPECT_EQ(map->shardKey("countries"), std::nullopt);
  EXPECT_EQ(map->shardKey("USERS"), std::nullopt);
  EXPECT_EQ(map->shardedTables().size(), 2u);
  EXPECT_EQ(map->sourceText(), kMap);

  ASSERT_EQ(map->shards().size(), 3u);  // sorted by name
  EXPECT_EQ(map->shards()[0].name, "s0");
  EXPECT_EQ(map->shards()[2].name, "s2");
  ASSERT_EQ(map->ranges().size(), 3u);  // sorted by start
  EXPECT_EQ(map->ranges()[0].start, -100);
  EXPECT_EQ(map->ranges()[0].str(), "[-100, 100)");
  EXPECT_EQ(map->ranges()[2].str(), "[300, ∞)");

  const Shard* s0 = map->findShard("s0");
  ASSERT_NE(s0, nullptr);
  EXPECT_EQ(s0->master.str(), "10.0.0.1:3306");
  ASSERT_EQ(s0->replicas.size(), 2u);
  EXPECT_EQ(s0->replicas[1], (Endpoint{"10.0.0.12", 3306}));
  EXPECT_EQ(s0->weights, (std::vector<uint32_t>{3, 1}));
  EXPECT_EQ(s0->maxLagMs, 250);
  const Shard* s1 = map->findShard("s1");
  ASSERT_NE(s1, nullptr);
  EXPECT_TRUE(s1->replicas.empty());
  EXPECT_TRUE(s1->weights.empty());
  EXPECT_EQ(s1->maxLagMs, std::nullopt);
  EXPECT_EQ(map->findShard("s3"), nullptr);
  EXPECT_EQ(map->findShard(""), nullptr);
}

TEST(ShardMapAccessors, ExampleFileLoads) {
  auto result = loadShardMapFile(SG_CONF_DIR "/shardmap.toml");
  for (const auto& e : result.errors) ADD_FAILURE() << e.str();
  ASSERT_TRUE(result.map);
  EXPECT_TRUE(result.warnings.empty());
  const ShardMap& map = *result.map;
  EXPECT_EQ(map.version(), 1);
  EXPECT_EQ(map.defaultShard().name, "s0");
  EXPECT_TRUE(map.isGlobal("countries"));
  EXPECT_EQ(map.shardKey("orders"), "user_id");
  EXPECT_EQ(map.lookup(4999999)->name, "s0");
  EXPECT_EQ(map.lookup(5000000)->name, "s1");
  EXPECT_EQ(map.findShard("s1")->replicas.at(0).str(), "127.0.0.1:33072");
}

}  // namespace
}  // namespace sg::shardmap
