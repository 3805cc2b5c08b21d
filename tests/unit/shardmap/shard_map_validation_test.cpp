// Every validation rule of the shard-map loader: the error's line and message, one case a row.

#include <gtest/gtest.h>

#include <string>

#include "shardmap/shard_map_loader.h"
#include "tests/unit/shardmap/temp_dir.h"

namespace sg::shardmap {
namespace {

// Lines 1-2.
const std::string kHead = "version = 1\ndefault_shard = \"s0\"\n";
// Two lines: a minimal valid shard.
const std::string kS0 = "[shards.s0]\nmaster = \"h:1\"\n";

std::string allOf(const std::vector<Diagnostic>& diags) {
  std::string out;
  for (const auto& d : diags) out += "  " + d.str() + "\n";
  return out.empty() ? "  (none)\n" : out;
}

bool hasDiagnostic(const std::vector<Diagnostic>& diags, int line, std::string_view text) {
  for (const auto& d : diags) {
    if (d.line == line && d.message.find(text) != std::string::npos) return true;
  }
  return false;
}

struct ErrorCase {
  const char* name;
  std::string text;
  int line;
  std::string message;  // a substring of the expected error's message
};

// Keeps test names readable in ctest (instead of a byte dump of the parameter).
void PrintTo(const ErrorCase& c, std::ostream* os) { *os << c.name; }

class ShardMapErrors : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(ShardMapErrors, ReportsLineAndMessage) {
  const ErrorCase& c = GetParam();
  auto result = parseShardMap(c.text, "map.toml");
  EXPECT_EQ(result.map, nullptr);
  EXPECT_TRUE(hasDiagnostic(result.errors, c.line, c.message))
      << "expected map.toml:" << c.line << ": ..." << c.message << "...\ngot:\n"
      << allOf(result.errors);
  for (const auto& e : result.errors) EXPECT_EQ(e.file, "map.toml");
}

const std::string kTwoShards = kHead + kS0 + "[shards.s1]\nmaster = \"h:2\"\n";  // lines 1-6

INSTANTIATE_TEST_SUITE_P(
    Rules, ShardMapErrors,
    ::testing::Values(
        // version
        ErrorCase{"MissingVersion", "default_shard = \"s0\"\n" + kS0, 1,
                  "missing required key 'version'"},
        ErrorCase{"VersionString", "version = \"1\"\ndefault_shard = \"s0\"\n" + kS0, 1,
                  "version: expected an integer, got a string"},
        ErrorCase{"VersionFloat", "version = 1.0\ndefault_shard = \"s0\"\n" + kS0, 1,
                  "version: expected an integer, got a float"},
        ErrorCase{"VersionNegative", "version = -1\ndefault_shard = \"s0\"\n" + kS0, 1,
                  "version: must be at least 0, got -1"},
        // default_shard
        ErrorCase{"MissingDefaultShard", "version = 1\n" + kS0, 1,
                  "missing required key 'default_shard'"},
        ErrorCase{"UnknownDefaultShard", "version = 1\ndefault_shard = \"sx\"\n" + kS0, 2,
                  "default_shard: unknown shard 'sx' (shards: s0)"},
        ErrorCase{"DefaultShardNotString", "version = 1\ndefault_shard = 0\n" + kS0, 2,
                  "default_shard: expected a string, got an integer"},
        // shards
        ErrorCase{"NoShards", kHead, 1, "no shards defined"},
        ErrorCase{"EmptyShardsTable", kHead + "[shards]\n", 3, "no shards defined"},
        ErrorCase{"ShardsNotATable", kHead + "shards = 5\n", 3,
                  "shards: expected a table, got an integer"},
        ErrorCase{"ShardNotATable", kHead + "[shards]\ns0 = \"h:1\"\n", 4,
                  "shards.s0: expected a table, got string"},
        ErrorCase{"ShardWithoutMaster", kHead + kS0 + "[shards.s1]\nreplicas = [\"h:2\"]\n", 5,
                  "shards.s1: missing required key 'master'"},
        ErrorCase{"MasterNotString", kHead + "[shards.s0]\nmaster = 3306\n", 4,
                  "shards.s0.master: expected a string, got an integer"},
        ErrorCase{"EmptyShardName", kHead + kS0 + "[shards.\"\"]\nmaster = \"h:2\"\n", 5,
                  "a shard name must not be empty"},
        // host:port
        ErrorCase{"AddressMissingColon", kHead + "[shards.s0]\nmaster = \"h\"\n", 4,
                  "shards.s0.master: bad address 'h': missing ':port'"},
        ErrorCase{"AddressEmptyHost", kHead + "[shards.s0]\nmaster = \":1\"\n", 4,
                  "shards.s0.master: bad address ':1': empty host"},
        ErrorCase{"AddressPortNotNumber", kHead + "[shards.s0]\nmaster = \"h:mysql\"\n", 4,
                  "bad address 'h:mysql': port 'mysql' is not a number"},
        ErrorCase{"AddressPortTooBig", kHead + "[shards.s0]\nmaster = \"h:65536\"\n", 4,
                  "bad address 'h:65536': port '65536' is out of range 1..65535"},
        ErrorCase{"AddressPortZero", kHead + "[shards.s0]\nmaster = \"h:0\"\n", 4,
                  "port '0' is out of range"},
        ErrorCase{"AddressEmpty", kHead + "[shards.s0]\nmaster = \"\"\n", 4,
                  "bad address '': empty address"},
        ErrorCase{"ReplicaNotString", kHead + kS0 + "replicas = [\"h:2\", 5]\n", 5,
                  "shards.s0.replicas[1]: expected a string \"host:port\", got integer"},
        ErrorCase{"ReplicaBadAddress", kHead + kS0 + "replicas = [\"h:2\", \"h2\"]\n", 5,
                  "shards.s0.replicas[1]: bad address 'h2': missing ':port'"},
        ErrorCase{"ReplicasNotArray", kHead + kS0 + "replicas = \"h:2\"\n", 5,
                  "shards.s0.replicas: expected an array, got a string"},
        // the same server twice
        ErrorCase{"DuplicateMasters", kHead + kS0 + "[shards.s1]\nmaster = \"h:1\"\n", 6,
                  "shards.s1.master: address h:1 is already used by shards.s0.master (line 4)"},
        ErrorCase{"ReplicaIsAnotherShardsMaster",
                  kHead + kS0 + "[shards.s1]\nmaster = \"h:2\"\nreplicas = [\"h:1\"]\n", 7,
                  "shards.s1.replicas[0]: address h:1 is already used by shards.s0.master"},
        ErrorCase{"ReplicaTwice", kHead + kS0 + "replicas = [\"h:2\", \"h:2\"]\n", 5,
                  "shards.s0.replicas[1]: address h:2 is already used by shards.s0.replicas[0] "
                  "(line 5)"},
        ErrorCase{"ReplicaIsOwnMaster", kHead + kS0 + "replicas = [\"h:1\"]\n", 5,
                  "shards.s0.replicas[0]: address h:1 is already used by shards.s0.master"},
        // typos
        ErrorCase{"UnknownShardKey", kHead + kS0 + "replica = [\"h:2\"]\n", 5,
                  "shards.s0: unknown key 'replica' (did you mean 'replicas'?)"},
        ErrorCase{"UnknownRootKey", "version = 1\ndefault_shrad = \"s0\"\n" + kS0, 2,
                  "unknown key 'default_shrad' (did you mean 'default_shard'?)"},
        ErrorCase{"UnknownRootKeyNoSuggestion", kHead + "colour = 1\n" + kS0, 3,
                  "unknown key 'colour'"},
        ErrorCase{"UnknownRootTable", kHead + kS0 + "[shard.s1]\nmaster = \"h:2\"\n", 5,
                  "unknown table [shard] (did you mean 'shards'?)"},
        ErrorCase{"UnknownRangeKey",
                  kHead + kS0 + "[[ranges]]\nstart = 0\nstop = 9\nshard = \"s0\"\n", 7,
                  "ranges[0]: unknown key 'stop'"},
        // weights and max_lag_ms
        ErrorCase{"TooManyWeights", kHead + kS0 + "replicas = [\"h:2\"]\nweights = [1, 2]\n", 6,
                  "shards.s0.weights: 2 weight(s) for 1 replica(s)"},
        ErrorCase{"WeightsWithoutReplicas", kHead + kS0 + "weights = [1]\n", 5,
                  "shards.s0.weights: 1 weight(s) for 0 replica(s)"},
        ErrorCase{"ZeroWeight", kHead + kS0 + "replicas = [\"h:2\"]\nweights = [0]\n", 6,
                  "shards.s0.weights[0]: a weight must be an integer between 1 and"},
        ErrorCase{"WeightNotInteger", kHead + kS0 + "replicas = [\"h:2\"]\nweights = [\"1\"]\n", 6,
                  "shards.s0.weights[0]: a weight must be an integer"},
        ErrorCase{"MaxLagZero", kHead + kS0 + "max_lag_ms = 0\n", 5,
                  "shards.s0.max_lag_ms: must be at least 1, got 0"},
        // tables
        ErrorCase{"ShardedAndGlobal",
                  kHead + "global_tables = [\"t\"]\n[sharded_tables]\nt = \"id\"\n" + kS0, 5,
                  "table 't' is both sharded (line 5) and global (line 3)"},
        ErrorCase{"GlobalTablesNotArray", kHead + "global_tables = \"t\"\n" + kS0, 3,
                  "global_tables: expected an array, got a string"},
        ErrorCase{"GlobalTableNotString", kHead + "global_tables = [1]\n" + kS0, 3,
                  "global_tables[0]: expected a table name (string), got integer"},
        ErrorCase{"GlobalTableEmpty", kHead + "global_tables = [\"\"]\n" + kS0, 3,
                  "global_tables[0]: a table name must not be empty"},
        ErrorCase{"ShardKeyNotString", kHead + "[sharded_tables]\nt = 1\n" + kS0, 4,
                  "sharded_tables.t: expected the shard-key column name (string), got integer"},
        ErrorCase{"ShardKeyEmpty", kHead + "[sharded_tables]\nt = \"\"\n" + kS0, 4,
                  "sharded_tables.t: the shard-key column name must not be empty"},
        ErrorCase{"ShardedTablesNotTable", kHead + "sharded_tables = [\"t\"]\n" + kS0, 3,
                  "sharded_tables: expected a table, got an array"},
        // ranges
        ErrorCase{"RangeUnknownShard", kHead + kS0 + "[[ranges]]\nstart = 0\nshard = \"s9\"\n", 7,
                  "ranges[0].shard: unknown shard 's9' (shards: s0)"},
        ErrorCase{"RangeStartEqualsEnd",
                  kHead + kS0 + "[[ranges]]\nstart = 5\nend = 5\nshard = \"s0\"\n", 5,
                  "ranges[0]: start 5 must be below end 5"},
        ErrorCase{"RangeStartAboveEnd",
                  kHead + kS0 + "[[ranges]]\nstart = 9\nend = -9\nshard = \"s0\"\n", 5,
                  "ranges[0]: start 9 must be below end -9"},
        ErrorCase{"RangeStartString", kHead + kS0 + "[[ranges]]\nstart = \"0\"\nshard = \"s0\"\n",
                  6, "ranges[0].start: expected an integer, got a string"},
        ErrorCase{"RangeEndFloat",
                  kHead + kS0 + "[[ranges]]\nstart = 0\nend = 1e3\nshard = \"s0\"\n", 7,
                  "ranges[0].end: expected an integer, got a float"},
        ErrorCase{"RangeMissingStart", kHead + kS0 + "[[ranges]]\nshard = \"s0\"\n", 5,
                  "ranges[0]: missing required key 'start'"},
        ErrorCase{"RangeMissingShard", kHead + kS0 + "[[ranges]]\nstart = 0\n", 5,
                  "ranges[0]: missing required key 'shard'"},
        ErrorCase{"RangesNotArrayOfTables", kHead + kS0 + "[ranges]\nstart = 0\n", 5,
                  "ranges: expected an array, got a table"},
        ErrorCase{"RangeNotTable", kHead + "ranges = [1]\n" + kS0, 3,
                  "ranges[0]: expected a table (write [[ranges]]), got integer"},
        ErrorCase{"Overlap",
                  kTwoShards + "[[ranges]]\nstart = 0\nend = 5000000\nshard = \"s0\"\n" +
                      "[[ranges]]\nstart = 4000000\nshard = \"s1\"\n",
                  11,
                  "range [0, 5000000) of s0 (line 7) overlaps range [4000000, ∞) of s1 (line 11)"},
        ErrorCase{"OverlapWrittenBackwards",
                  kTwoShards + "[[ranges]]\nstart = 10\nend = 20\nshard = \"s0\"\n" +
                      "[[ranges]]\nstart = 0\nend = 15\nshard = \"s1\"\n",
                  11, "range [10, 20) of s0 (line 7) overlaps range [0, 15) of s1 (line 11)"},
        ErrorCase{"IdenticalRanges",
                  kTwoShards + "[[ranges]]\nstart = 0\nend = 10\nshard = \"s0\"\n" +
                      "[[ranges]]\nstart = 0\nend = 10\nshard = \"s0\"\n",
                  11, "range [0, 10) of s0 (line 7) overlaps range [0, 10) of s0 (line 11)"},
        ErrorCase{"OpenRangeSwallowsLaterOne",
                  kTwoShards + "[[ranges]]\nstart = 0\nshard = \"s0\"\n" +
                      "[[ranges]]\nstart = 100\nend = 200\nshard = \"s1\"\n",
                  10, "range [0, ∞) of s0 (line 7) overlaps range [100, 200) of s1 (line 10)"},
        // TOML syntax
        ErrorCase{"SyntaxError", kHead + "[shards.s0\nmaster = \"h:1\"\n", 3, "TOML syntax error"},
        ErrorCase{"DuplicateKey", "version = 1\nversion = 2\n", 2, "TOML syntax error"},
        ErrorCase{"IntegerOverflow", "version = 9223372036854775808\n", 1, "TOML syntax error"}),
    [](const ::testing::TestParamInfo<ErrorCase>& info) { return info.param.name; });

TEST(ShardMapValidation, ReportsAllErrorsSortedByLine) {
  std::string text =
      "version = \"x\"\n"         // 1
      "default_shard = \"s0\"\n"  // 2
      "[shards.s0]\n"             // 3
      "master = \"h\"\n"          // 4 bad address
      "replica = []\n"            // 5 typo
      "[[ranges]]\n"              // 6
      "start = 5\n"               // 7
      "end = 1\n"                 // 8
      "shard = \"s0\"\n"          // 9 (start >= end at line 6)
      "[[ranges]]\n"              // 10
      "start = 0\n"               // 11
      "shard = \"nope\"\n";       // 12 unknown shard
  auto result = parseShardMap(text, "multi.toml");
  EXPECT_EQ(result.map, nullptr);
  ASSERT_EQ(result.errors.size(), 5u) << allOf(result.errors);
  std::vector<int> lines;
  for (const auto& e : result.errors) lines.push_back(e.line);
  EXPECT_EQ(lines, (std::vector<int>{1, 4, 5, 6, 12}));
  EXPECT_EQ(result.errors[0].str(), "multi.toml:1: version: expected an integer, got a string");
}

TEST(ShardMapValidation, GapsAreWarningsWithBounds) {
  auto result = parseShardMap(kTwoShards +
                                  "[[ranges]]\nstart = 0\nend = 10\nshard = \"s0\"\n"   // 7
                                  "[[ranges]]\nstart = 20\nend = 30\nshard = \"s1\"\n"  // 11
                                  "[[ranges]]\nstart = 30\nend = 40\nshard = \"s0\"\n"  // 15
                                  "[[ranges]]\nstart = 100\nshard = \"s1\"\n",          // 19
                              "gaps.toml");
  ASSERT_NE(result.map, nullptr) << allOf(result.errors);
  ASSERT_EQ(result.warnings.size(), 2u) << allOf(result.warnings);
  EXPECT_EQ(result.warnings[0].str(),
            "gaps.toml:11: keys [10, 20) belong to no shard: gap before range [20, 30) of s1");
  EXPECT_EQ(result.warnings[1].line, 19);
  EXPECT_NE(result.warnings[1].message.find("keys [40, 100) belong to no shard"),
            std::string::npos);
  EXPECT_EQ(result.map->lookup(15), nullptr);
}

TEST(ShardMapValidation, ContiguousRangesHaveNoWarnings) {
  auto result = parseShardMap(kTwoShards +
                                  "[[ranges]]\nstart = 10\nend = 20\nshard = \"s1\"\n"
                                  "[[ranges]]\nstart = 0\nend = 10\nshard = \"s0\"\n",
                              "ok.toml");
  ASSERT_NE(result.map, nullptr) << allOf(result.errors);
  EXPECT_TRUE(result.warnings.empty()) << allOf(result.warnings);
}

TEST(ShardMapValidation, ShardedTablesWithoutRangesWarn) {
  auto result = parseShardMap(kHead + "[sharded_tables]\nusers = \"id\"\n" + kS0, "w.toml");
  ASSERT_NE(result.map, nullptr) << allOf(result.errors);
  ASSERT_EQ(result.warnings.size(), 1u) << allOf(result.warnings);
  EXPECT_EQ(result.warnings[0].line, 3);
  EXPECT_NE(result.warnings[0].message.find("no [[ranges]]"), std::string::npos);
}

TEST(ShardMapValidation, GlobalTableListedTwiceWarns) {
  auto result = parseShardMap(kHead + "global_tables = [\"c\", \"c\"]\n" + kS0, "w.toml");
  ASSERT_NE(result.map, nullptr) << allOf(result.errors);
  EXPECT_TRUE(hasDiagnostic(result.warnings, 3, "global table 'c' is listed twice"));
  EXPECT_EQ(result.map->globalTables().size(), 1u);
}

TEST(ShardMapValidation, IPv6AddressesNeedBrackets) {
  auto result = parseShardMap(
      kHead + "[shards.s0]\nmaster = \"[::1]:3306\"\nreplicas = [\"::1x:3306\"]\n", "v6.toml");
  EXPECT_TRUE(hasDiagnostic(result.errors, 5, "replicas[0]: bad address"));
  result = parseShardMap(kHead + "[shards.s0]\nmaster = \"[::1]:3306\"\nreplicas = [\"a:3306\"]\n",
                         "v6.toml");
  ASSERT_NE(result.map, nullptr) << allOf(result.errors);
  EXPECT_EQ(result.map->defaultShard().master.str(), "[::1]:3306");
}

TEST(ShardMapValidation, MissingFileIsAnErrorWithoutLine) {
  testing::TempDir dir;
  std::string path = (dir.path() / "absent.toml").string();
  auto result = loadShardMapFile(path);
  EXPECT_EQ(result.map, nullptr);
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0].line, 0);
  EXPECT_EQ(result.errors[0].str(), path + ": cannot read file: No such file or directory");
}

TEST(ShardMapValidation, FileErrorsNameThePath) {
  testing::TempDir dir;
  std::string path = dir.write("m.toml", "version = 1\n");
  auto result = loadShardMapFile(path);
  ASSERT_FALSE(result.errors.empty());
  EXPECT_EQ(result.errors[0].file, path);
  EXPECT_EQ(result.errors[0].str().rfind(path + ":1: ", 0), 0u);
}

}  // namespace
}  // namespace sg::shardmap
