// shardsOwning: which shards' ranges a key set touches, at every range edge and across the gaps.

#include "router/plan/shard_set.h"

#include <gtest/gtest.h>

#include "tests/unit/plan/plan_fixture.h"

namespace sg::plan {
namespace {

using testing::fixtureMap;
using testing::kMax;
using testing::kMin;

std::string owners(const KeySet& keys) {
  return joinShardNames(shardsOwning(keys, fixtureMap()), fixtureMap());
}

TEST(ShardSet, PointsAtRangeEdges) {
  struct Case {
    int64_t key;
    std::string shards;
  } cases[] = {
      {0, "s0"},      {4999999, "s0"}, {5000000, "s1"},  {9999999, "s1"},
      {10000000, ""}, {19999999, ""},  {20000000, "s2"}, {kMax, "s2"},
      {-1, ""},       {kMin, ""},      {kMax - 1, "s2"}, {12345, "s0"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(owners(KeySet::point(c.key)), c.shards) << c.key;
    // Agrees with ShardMap::lookup.
    const shardmap::Shard* shard = fixtureMap().lookup(c.key);
    EXPECT_EQ(shard ? shard->name : "", c.shards) << c.key;
  }
}

TEST(ShardSet, Ranges) {
  struct Case {
    KeySet keys;
    std::string shards;
  } cases[] = {
      {KeySet::all(), "s0, s1, s2"},
      {KeySet::none(), ""},
      {KeySet::closed(0, 4999999), "s0"},
      {KeySet::closed(0, 5000000), "s0, s1"},
      {KeySet::closed(4999999, 5000000), "s0, s1"},
      {KeySet::closed(10000000, 19999999), ""},
      {KeySet::closed(9999999, 20000000), "s1, s2"},
      {KeySet::closed(10000000, 20000000), "s2"},
      {KeySet::below(0), ""},
      {KeySet::below(1), "s0"},
      {KeySet::above(9999999), "s2"},
      {KeySet::atLeast(5000000), "s1, s2"},
      {KeySet::closed(kMin, kMax - 1), "s0, s1, s2"},
      {KeySet::points({1, 20000001}), "s0, s2"},
      {KeySet::points({-5, 15000000}), ""},
      {KeySet::except(3), "s0, s1, s2"},
  };
  for (const Case& c : cases) EXPECT_EQ(owners(c.keys), c.shards) << c.keys.str();
}

TEST(ShardSet, AllShardsAndNames) {
  EXPECT_EQ(shardNames(allShards(fixtureMap()), fixtureMap()),
            (std::vector<std::string>{"s0", "s1", "s2"}));
  EXPECT_EQ(shardIndex(fixtureMap(), fixtureMap().defaultShard()), 0u);
}

}  // namespace
}  // namespace sg::plan
