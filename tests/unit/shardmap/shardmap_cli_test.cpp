// The `shardmap` CLI, run as a process: exit codes, stdout and stderr.

#include <gtest/gtest.h>

#include "tests/unit/shardmap/cli_runner.h"
#include "tests/unit/shardmap/temp_dir.h"

namespace sg::shardmap {
namespace {

using sg::testing::CliRun;

class ShardmapCli : public ::testing::Test {
 protected:
  CliRun run(const std::vector<std::string>& args) {
    return sg::testing::runShardmapCli(dir_, args);
  }

  sg::testing::TempDir dir_;
  const std::string goodMap_ = dir_.write("good.toml", R"(version = 3
default_shard = "s0"
[sharded_tables]
users = "id"
[shards.s0]
master = "h:1"
[shards.s1]
master = "h:2"
[[ranges]]
start = 0
end = 100
shard = "s0"
[[ranges]]
start = 200
shard = "s1"
)");
  const std::string badMap_ = dir_.write("bad.toml", R"(version = 1
default_shard = "nope"
[shards.s0]
master = "h"
)");
};

TEST_F(ShardmapCli, CheckValidFilePrintsSummaryAndWarnings) {
  CliRun r = run({"check", goodMap_});
  EXPECT_EQ(r.exitCode, 0) << r.err;
  EXPECT_NE(r.out.find("ok (version 3, 2 shard(s), 2 range(s)"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find(goodMap_ + ":13: warning: keys [100, 200) belong to no shard"),
            std::string::npos)
      << r.err;
}

TEST_F(ShardmapCli, CheckInvalidFileListsEveryError) {
  CliRun r = run({"check", badMap_});
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_NE(r.err.find(badMap_ + ":2: default_shard: unknown shard 'nope'"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(badMap_ + ":4: shards.s0.master: bad address 'h'"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("2 error(s)"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
}

TEST_F(ShardmapCli, CheckMissingFileFails) {
  CliRun r = run({"check", (dir_.path() / "absent.toml").string()});
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_NE(r.err.find("cannot read file"), std::string::npos) << r.err;
}

struct LookupCase {
  std::string key;
  int exitCode;
  std::string out;  // exact stdout
  std::string err;  // substring of stderr
};

TEST_F(ShardmapCli, Lookup) {
  const LookupCase cases[] = {
      {"0", 0, "s0\n", ""},
      {"99", 0, "s0\n", ""},
      {"100", 1, "", "no range owns key 100"},
      {"200", 0, "s1\n", ""},
      {"9223372036854775807", 0, "s1\n", ""},
      {"-1", 1, "", "no range owns key -1"},
      {"-9223372036854775808", 1, "", "no range owns key -9223372036854775808"},
      {"9223372036854775808", 1, "", "is not a signed 64-bit integer key"},
      {"12abc", 1, "", "'12abc' is not a signed 64-bit integer key"},
      {"", 1, "", "is not a signed 64-bit integer key"},
  };
  for (const auto& c : cases) {
    CliRun r = run({"lookup", goodMap_, c.key});
    EXPECT_EQ(r.exitCode, c.exitCode) << "key " << c.key << ": " << r.err;
    EXPECT_EQ(r.out, c.out) << "key " << c.key;
    EXPECT_NE(r.err.find(c.err), std::string::npos) << "key " << c.key << ": " << r.err;
  }
}

TEST_F(ShardmapCli, LookupAcceptsDoubleDashBeforeNegativeKey) {
  CliRun r = run({"lookup", goodMap_, "--", "-1"});
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_NE(r.err.find("no range owns key -1"), std::string::npos) << r.err;
}

TEST_F(ShardmapCli, LookupInInvalidFileFails) {
  CliRun r = run({"lookup", badMap_, "1"});
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_NE(r.err.find("unknown shard 'nope'"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
}

TEST_F(ShardmapCli, DiffPrintsOneLinePerChange) {
  std::string next = dir_.write("next.toml", R"(version = 4
default_shard = "s0"
[sharded_tables]
users = "id"
[shards.s0]
master = "h:1"
replicas = ["h:3"]
[shards.s1]
master = "h:2"
[[ranges]]
start = 0
end = 150
shard = "s0"
[[ranges]]
start = 150
shard = "s1"
)");
  CliRun r = run({"diff", goodMap_, next});
  EXPECT_EQ(r.exitCode, 0) << r.err;
  EXPECT_EQ(r.out,
            "version 3 -> 4\n"
            "range [100, 150): none -> s0\n"
            "range [150, 200): none -> s1\n"
            "shard s0: + replica h:3\n");
  EXPECT_EQ(r.err, "");  // warnings of valid files are check's business

  CliRun json = run({"diff", "--json", goodMap_, next});
  EXPECT_EQ(json.exitCode, 0) << json.err;
  EXPECT_NE(json.out.find(R"("start": 100,)"), std::string::npos) << json.out;
  EXPECT_NE(json.out.find(R"("after": "s1")"), std::string::npos) << json.out;
  EXPECT_NE(json.out.find(R"("replicas_added": [
        "h:3"
      ])"),
            std::string::npos)
      << json.out;
  EXPECT_EQ(run({"diff", goodMap_, next, "--json"}).out, json.out);
}

TEST_F(ShardmapCli, DiffOfEqualMapsSaysNoChanges) {
  CliRun r = run({"diff", goodMap_, goodMap_});
  EXPECT_EQ(r.exitCode, 0) << r.err;
  EXPECT_EQ(r.out, "no changes\n");
}

TEST_F(ShardmapCli, DiffWarnsWhenTheVersionDoesNotGoUp) {
  std::string same = dir_.write("same-version.toml", R"(version = 3
default_shard = "s1"
[shards.s0]
master = "h:1"
[shards.s1]
master = "h:2"
)");
  CliRun r = run({"diff", goodMap_, same});
  EXPECT_EQ(r.exitCode, 0) << r.err;
  EXPECT_NE(r.out.find("default shard s0 -> s1\n"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("warning: " + same + " changes the map but its version 3 is not above 3"),
            std::string::npos)
      << r.err;
}

TEST_F(ShardmapCli, DiffValidatesBothFilesLikeCheck) {
  CliRun r = run({"diff", badMap_, badMap_});
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_EQ(r.out, "");
  std::string oneFile = badMap_ + ":2: default_shard: unknown shard 'nope'";
  size_t first = r.err.find(oneFile);
  ASSERT_NE(first, std::string::npos) << r.err;
  EXPECT_NE(r.err.find(oneFile, first + 1), std::string::npos) << "both files reported\n" << r.err;
  EXPECT_NE(r.err.find(badMap_ + ": 2 error(s)"), std::string::npos) << r.err;

  CliRun missing = run({"diff", goodMap_, (dir_.path() / "absent.toml").string()});
  EXPECT_EQ(missing.exitCode, 1);
  EXPECT_NE(missing.err.find("absent.toml: cannot read file"), std::string::npos) << missing.err;
  EXPECT_EQ(missing.out, "");
}

TEST_F(ShardmapCli, UsageErrorsExitTwo) {
  const std::vector<std::vector<std::string>> cases = {
      {},
      {"frobnicate", goodMap_},
      {"check"},
      {"check", goodMap_, goodMap_},
      {"lookup", goodMap_},
      {"lookup", goodMap_, "1", "2"},
      {"diff", goodMap_},
      {"diff", goodMap_, goodMap_, goodMap_},
      {"diff", "--json", goodMap_},
  };
  for (const auto& args : cases) {
    CliRun r = run(args);
    EXPECT_EQ(r.exitCode, 2) << ::testing::PrintToString(args);
    EXPECT_NE(r.err.find("usage: shardmap check FILE"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("shardmap route FILE SQL"), std::string::npos) << r.err;
  }
}

TEST_F(ShardmapCli, HelpGoesToStdout) {
  CliRun r = run({"--help"});
  EXPECT_EQ(r.exitCode, 0);
  EXPECT_NE(r.out.find("usage: shardmap check FILE"), std::string::npos);
  EXPECT_NE(r.out.find("shardmap lookup FILE KEY"), std::string::npos);
  EXPECT_NE(r.out.find("shardmap diff OLD NEW [--json]"), std::string::npos);
}

}  // namespace
}  // namespace sg::shardmap
