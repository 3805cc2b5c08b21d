// diffMaps: range ownership changes over the whole int64 key space (checked against lookup() on
// random maps), shard / table / default-shard changes, and the text and JSON output.

#include <gtest/gtest.h>

#include <limits>
#include <random>
#include <string>

#include <nlohmann/json.hpp>

#include "shardmap/shard_map_diff.h"
#include "shardmap/shard_map_loader.h"

namespace sg::shardmap {
namespace {

constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

std::shared_ptr<const ShardMap> load(const std::string& text) {
  auto result = parseShardMap(text, "test.toml");
  for (const auto& e : result.errors) ADD_FAILURE() << e.str() << "\n" << text;
  return result.map;
}

// A map with shards a, b, c (default a) and the given [[ranges]] entries.
std::string withRanges(const std::string& ranges, int64_t version = 1) {
  return "version = " + std::to_string(version) +
         "\ndefault_shard = \"a\"\n"
         "[shards.a]\nmaster = \"h:1\"\n[shards.b]\nmaster = \"h:2\"\n"
         "[shards.c]\nmaster = \"h:3\"\n" +
         ranges;
}

std::string range(int64_t start, std::optional<int64_t> end, const std::string& shard) {
  std::string out = "[[ranges]]\nstart = " + std::to_string(start) + "\n";
  if (end) out += "end = " + std::to_string(*end) + "\n";
  return out + "shard = \"" + shard + "\"\n";
}

std::string rangeLines(const std::string& before, const std::string& after) {
  auto a = load(withRanges(before));
  auto b = load(withRanges(after));
  if (!a || !b) return "(invalid)";
  return diffToText(diffMaps(*a, *b));
}

struct RangeCase {
  const char* name;
  std::string before;
  std::string after;
  std::string text;  // the whole diffToText output
};

TEST(MapDiffRanges, Cases) {
  const RangeCase cases[] = {
      {"split", range(0, {}, "a"), range(0, 5000000, "a") + range(5000000, {}, "b"),
       "range [5000000, ∞): a -> b\n"},
      {"gap filled and range taken over", range(0, 100, "a") + range(200, {}, "b"),
       range(0, {}, "a"), "range [100, 200): none -> a\nrange [200, ∞): b -> a\n"},
      {"coverage removed at the bottom of the key space", range(kMin, 0, "a") + range(0, {}, "b"),
       range(0, {}, "b"), "range [-9223372036854775808, 0): a -> none\n"},
      {"INT64_MAX itself loses its owner", range(0, {}, "a"), range(0, kMax, "a"),
       "range [9223372036854775807, ∞): a -> none\n"},
      {"adjacent intervals with the same pair merge",
       range(0, 10, "a") + range(10, 20, "a") + range(20, 30, "b"), range(0, 30, "b"),
       "range [0, 20): a -> b\n"},
      {"adjacent intervals with different pairs stay apart",
       range(0, 10, "a") + range(10, 20, "b") + range(20, 30, "a"), range(0, 30, "c"),
       "range [0, 10): a -> c\nrange [10, 20): b -> c\nrange [20, 30): a -> c\n"},
      {"same pair across an unchanged gap stays apart", range(0, 10, "a") + range(20, 30, "a"),
       range(0, 10, "b") + range(20, 30, "b"), "range [0, 10): a -> b\nrange [20, 30): a -> b\n"},
      {"moved boundary", range(0, 100, "a") + range(100, {}, "b"),
       range(0, 150, "a") + range(150, {}, "b"), "range [100, 150): b -> a\n"},
      {"same ownership written differently", range(0, 10, "a") + range(10, {}, "a"),
       range(0, {}, "a"), "no changes\n"},
      {"no ranges on either side", "", "", "no changes\n"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(rangeLines(c.before, c.after), c.text) << c.name;
  }
}

// Random maps over a small set of boundaries (including both ends of the key space): every key
// at and around every boundary must be reported with the owners lookup() gives, and keys outside
// the reported intervals must have the same owner in both maps.
TEST(MapDiffRanges, MatchesLookupOnRandomMaps) {
  std::mt19937_64 rng(42);
  const std::vector<int64_t> points = {kMin, kMin + 1, -1000, -1, 0, 1, 7, 1000, kMax - 1, kMax};
  auto randomRanges = [&]() {
    std::string out;
    size_t i = 0;
    while (i + 1 < points.size()) {
      size_t j = i + 1 + rng() % 3;
      if (j >= points.size()) j = points.size() - 1;
      switch (rng() % 4) {
        case 0:  // leave a gap
          break;
        default:
          out += range(points[i], points[j], std::string(1, static_cast<char>('a' + rng() % 3)));
      }
      i = j;
    }
    if (rng() % 2 != 0) out += range(kMax, {}, "a");  // just the key INT64_MAX
    return out;
  };
  auto name = [](const Shard* s) { return s ? std::optional<std::string>(s->name) : std::nullopt; };

  for (int round = 0; round < 300; ++round) {
    auto before = load(withRanges(randomRanges()));
    auto after = load(withRanges(randomRanges()));
    ASSERT_TRUE(before && after);
    MapDiff diff = diffMaps(*before, *after);
    for (size_t k = 1; k < diff.ranges.size(); ++k) {
      const RangeChange& prev = diff.ranges[k - 1];
      const RangeChange& next = diff.ranges[k];
      ASSERT_TRUE(prev.end.has_value());
      EXPECT_LE(*prev.end, next.start);
      EXPECT_FALSE(*prev.end == next.start && prev.before == next.before &&
                   prev.after == next.after)
          << "not merged at " << next.start;
    }
    std::vector<int64_t> keys;
    for (int64_t p : points) {
      keys.push_back(p);
      if (p > kMin) keys.push_back(p - 1);
      if (p < kMax) keys.push_back(p + 1);
    }
    for (int64_t key : keys) {
      const RangeChange* hit = nullptr;
      for (const RangeChange& r : diff.ranges) {
        if (key >= r.start && (!r.end || key < *r.end)) hit = &r;
      }
      auto oldOwner = name(before->lookup(key));
      auto newOwner = name(after->lookup(key));
      if (hit == nullptr) {
        EXPECT_EQ(oldOwner, newOwner) << "key " << key << " changed but is not reported";
      } else {
        EXPECT_EQ(hit->before, oldOwner) << "key " << key;
        EXPECT_EQ(hit->after, newOwner) << "key " << key;
      }
    }
  }
}

constexpr const char* kBase = R"(version = 1
default_shard = "s0"
global_tables = ["countries", "currencies"]
[sharded_tables]
users = "id"
orders = "user_id"
[shards.s0]
master = "10.0.0.1:3306"
replicas = ["10.0.0.11:3306", "10.0.0.12:3306"]
weights = [3, 1]
max_lag_ms = 250
[shards.s1]
master = "10.0.0.2:3306"
replicas = ["10.0.0.21:3306"]
[shards.s2]
master = "10.0.0.3:3306"
[[ranges]]
start = 0
end = 5000000
shard = "s0"
[[ranges]]
start = 5000000
shard = "s1"
)";

constexpr const char* kChanged = R"(version = 2
default_shard = "s1"
global_tables = ["currencies", "languages"]
[sharded_tables]
users = "user_id"
items = "id"
[shards.s0]
master = "10.0.0.1:3306"
replicas = ["10.0.0.12:3306", "10.0.0.11:3306", "10.0.0.13:3306"]
weights = [3, 1, 5]
[shards.s1]
master = "10.0.0.9:3306"
replicas = ["10.0.0.21:3306"]
weights = [1]
max_lag_ms = 100
[shards.s3]
master = "10.0.0.4:3306"
[[ranges]]
start = 0
end = 5000000
shard = "s0"
[[ranges]]
start = 5000000
end = 6000000
shard = "s1"
[[ranges]]
start = 6000000
shard = "s3"
)";

TEST(MapDiff, EveryKindOfChange) {
  auto before = load(kBase);
  auto after = load(kChanged);
  ASSERT_TRUE(before && after);
  MapDiff diff = diffMaps(*before, *after);
  EXPECT_FALSE(diff.empty());
  EXPECT_EQ(diff.version.before, 1);
  EXPECT_EQ(diff.version.after, 2);
  EXPECT_EQ(diff.shardsAdded, std::vector<std::string>{"s3"});
  EXPECT_EQ(diff.shardsRemoved, std::vector<std::string>{"s2"});
  // s1's `weights = [1]` equals the implicit weight: no weight change there.
  EXPECT_EQ(diffToText(diff),
            "version 1 -> 2\n"
            "range [6000000, ∞): s1 -> s3\n"
            "+ shard s3\n"
            "- shard s2\n"
            "shard s0: + replica 10.0.0.13:3306\n"
            "shard s0: weight of 10.0.0.12:3306 1 -> 3\n"
            "shard s0: weight of 10.0.0.11:3306 3 -> 1\n"
            "shard s0: max_lag_ms 250 -> unset\n"
            "shard s1: master 10.0.0.2:3306 -> 10.0.0.9:3306\n"
            "shard s1: max_lag_ms unset -> 100\n"
            "+ sharded table items (key id)\n"
            "- sharded table orders (key user_id)\n"
            "sharded table users: key id -> user_id\n"
            "+ global table languages\n"
            "- global table countries\n"
            "default shard s0 -> s1\n");
}

TEST(MapDiff, ReplicaRemovedAndWeightsDropped) {
  const std::string twoReplicas =
      "replicas = [\"10.0.0.11:3306\", \"10.0.0.12:3306\"]\nweights = [3, 1]";
  std::string after = kBase;
  after.replace(after.find(twoReplicas), twoReplicas.size(), "replicas = [\"10.0.0.11:3306\"]");
  auto a = load(kBase);
  auto b = load(after);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(diffToText(diffMaps(*a, *b)),
            "shard s0: - replica 10.0.0.12:3306\n"
            "shard s0: weight of 10.0.0.11:3306 3 -> 1\n");
}

TEST(MapDiff, IdenticalMapsHaveNoChanges) {
  auto a = load(kBase);
  auto b = load(kBase);
  ASSERT_TRUE(a && b);
  MapDiff diff = diffMaps(*a, *b);
  EXPECT_TRUE(diff.empty());
  EXPECT_EQ(diffToText(diff), "no changes\n");
}

TEST(MapDiff, OnlyTheVersionChanged) {
  std::string bumped = kBase;
  bumped.replace(0, std::string("version = 1").size(), "version = 9");
  auto a = load(kBase);
  auto b = load(bumped);
  ASSERT_TRUE(a && b);
  MapDiff diff = diffMaps(*a, *b);
  EXPECT_TRUE(diff.empty());
  EXPECT_EQ(diffToText(diff), "version 1 -> 9\nno changes\n");
}

TEST(MapDiffJson, Shape) {
  auto before = load(kBase);
  auto after = load(kChanged);
  ASSERT_TRUE(before && after);
  auto json = nlohmann::json::parse(diffToJson(diffMaps(*before, *after)));
  EXPECT_EQ(json["version"], nlohmann::json::parse(R"({"before":1,"after":2})"));
  EXPECT_EQ(json["ranges"],
            nlohmann::json::parse(R"([{"start":6000000,"end":null,"before":"s1","after":"s3"}])"));
  EXPECT_EQ(json["shards_added"], nlohmann::json::parse(R"(["s3"])"));
  EXPECT_EQ(json["shards_removed"], nlohmann::json::parse(R"(["s2"])"));
  EXPECT_EQ(json["shards_changed"], nlohmann::json::parse(R"([
    {"shard":"s0","replicas_added":["10.0.0.13:3306"],"replicas_removed":[],
     "weights_changed":[{"replica":"10.0.0.12:3306","before":1,"after":3},
                        {"replica":"10.0.0.11:3306","before":3,"after":1}],
     "max_lag_ms":{"before":250,"after":null}},
    {"shard":"s1","master":{"before":"10.0.0.2:3306","after":"10.0.0.9:3306"},
     "replicas_added":[],"replicas_removed":[],"weights_changed":[],
     "max_lag_ms":{"before":null,"after":100}}])"));
  EXPECT_EQ(json["tables"], nlohmann::json::parse(R"({
    "sharded_added":{"items":"id"},"sharded_removed":{"orders":"user_id"},
    "key_changed":{"users":{"before":"id","after":"user_id"}},
    "global_added":["languages"],"global_removed":["countries"]})"));
  EXPECT_EQ(json["default_shard"], nlohmann::json::parse(R"({"before":"s0","after":"s1"})"));
}

TEST(MapDiffJson, Int64BoundsAreExactAndNoneIsNull) {
  auto a = load(withRanges(range(kMin, kMax, "a")));
  auto b = load(withRanges(""));
  ASSERT_TRUE(a && b);
  std::string text = diffToJson(diffMaps(*a, *b));
  EXPECT_NE(text.find(R"("start":-9223372036854775808,"end":9223372036854775807)"),
            std::string::npos)
      << text;
  auto json = nlohmann::json::parse(text);
  EXPECT_EQ(json["ranges"][0]["start"].get<int64_t>(), kMin);
  EXPECT_EQ(json["ranges"][0]["end"].get<int64_t>(), kMax);
  EXPECT_EQ(json["ranges"][0]["before"], "a");
  EXPECT_TRUE(json["ranges"][0]["after"].is_null());
  EXPECT_TRUE(json["default_shard"].is_null());
}

TEST(MapDiffJson, NoChangesIsAllEmpty) {
  auto a = load(kBase);
  ASSERT_TRUE(a);
  EXPECT_EQ(diffToJson(diffMaps(*a, *a)),
            R"({"version":{"before":1,"after":1},"ranges":[],"shards_added":[],)"
            R"("shards_removed":[],"shards_changed":[],"tables":{"sharded_added":{},)"
            R"("sharded_removed":{},"key_changed":{},"global_added":[],"global_removed":[]},)"
            R"("default_shard":null})");
}

}  // namespace
}  // namespace sg::shardmap
