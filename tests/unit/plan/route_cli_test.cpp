// `shardmap route FILE SQL`, run as a process: one JSON line on stdout, exit codes 0 / 1 / 2.

#include <gtest/gtest.h>

#include "tests/unit/plan/plan_fixture.h"
#include "tests/unit/shardmap/cli_runner.h"
#include "tests/unit/shardmap/temp_dir.h"

namespace sg::plan::testing {
namespace {

using sg::testing::CliRun;

class RouteCli : public ::testing::Test {
 protected:
  CliRun run(const std::vector<std::string>& args) {
    return sg::testing::runShardmapCli(dir_, args);
  }

  sg::testing::TempDir dir_;
  const std::string map_ = dir_.write("map.toml", kMapText);
};

TEST_F(RouteCli, PrintsOneJsonLine) {
  struct Case {
    std::string sql;
    std::string out;
  } cases[] = {
      {"SELECT * FROM users WHERE id = 6000000",
       R"j({"route":"single","shards":["s1"],"target":"replica","reason":"shard key users.id in {6000000}: shard s1"})j"},
      {"select name from users where id in (1, 20000000)",
       R"j({"route":"multi","shards":["s0","s2"],"target":"replica","reason":"shard key users.id in {1} {20000000}: shards s0, s2, results concatenated"})j"},
      {"SELECT * FROM orders",
       R"j({"route":"scatter","shards":["s0","s1","s2"],"target":"replica","reason":"no condition on shard key orders.user_id: all shards, results concatenated"})j"},
      {"UPDATE countries SET name = 'France' WHERE code = 'FR'",
       R"j({"route":"broadcast","shards":["s0","s1","s2"],"target":"master","reason":"UPDATE of global table countries: every master"})j"},
      {"DELETE FROM users",
       R"j({"route":"reject","shards":[],"target":"master","reason":"ERROR 1175 (HY000): DELETE on sharded table users needs a condition on its shard key id (or set [routing] allow_scatter_writes = true)"})j"},
  };
  for (const Case& c : cases) {
    CliRun r = run({"route", map_, c.sql});
    EXPECT_EQ(r.exitCode, 0) << c.sql << ": " << r.err;
    EXPECT_EQ(r.out, c.out + "\n") << c.sql;
    EXPECT_EQ(r.err, "") << c.sql;
  }
}

TEST_F(RouteCli, EscapesJson) {
  // The parse error message quotes the text back; control characters and quotes are escaped.
  CliRun r = run({"route", map_, "SELECT \"a\tb\" FROM `users\x01` WHERE id = '"});
  EXPECT_EQ(r.exitCode, 0) << r.err;
  EXPECT_EQ(r.out.find('\t'), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find('\x01'), std::string::npos) << r.out;
  EXPECT_EQ(
      r.out.rfind(
          R"j({"route":"reject","shards":[],"target":"master","reason":"ERROR 1064 (42000): )j", 0),
      0u)
      << r.out;
  EXPECT_EQ(r.out.back(), '\n');
  EXPECT_EQ(r.out.find('\n'), r.out.size() - 1);
}

TEST_F(RouteCli, InvalidMapExitsOne) {
  std::string bad = dir_.write("bad.toml", "version = 1\ndefault_shard = \"nope\"\n");
  CliRun r = run({"route", bad, "SELECT 1"});
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("bad.toml:1: no shards defined"), std::string::npos) << r.err;
  CliRun missing = run({"route", (dir_.path() / "absent.toml").string(), "SELECT 1"});
  EXPECT_EQ(missing.exitCode, 1);
}

TEST_F(RouteCli, UsageErrorsExitTwo) {
  const std::vector<std::vector<std::string>> cases = {
      {"route"}, {"route", map_}, {"route", map_, "SELECT 1", "SELECT 2"}};
  for (const auto& args : cases) {
    CliRun r = run(args);
    EXPECT_EQ(r.exitCode, 2) << ::testing::PrintToString(args);
    EXPECT_NE(r.err.find("route takes FILE and SQL"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("shardmap route FILE SQL"), std::string::npos) << r.err;
    EXPECT_EQ(r.out, "");
  }
}

TEST_F(RouteCli, SqlStartingWithDashes) {
  CliRun r = run({"route", map_, "--", "-- a comment\nSELECT 1"});
  EXPECT_EQ(r.exitCode, 0) << r.err;
  EXPECT_EQ(
      r.out,
      R"j({"route":"single","shards":["s0"],"target":"master","reason":"no table: default shard s0"})j"
      "\n");
}

TEST_F(RouteCli, ExistingCommandsStillWork) {
  CliRun check = run({"check", map_});
  EXPECT_EQ(check.exitCode, 0) << check.err;
  CliRun lookup = run({"lookup", map_, "5000000"});
  EXPECT_EQ(lookup.exitCode, 0);
  EXPECT_EQ(lookup.out, "s1\n");
}

}  // namespace
}  // namespace sg::plan::testing
