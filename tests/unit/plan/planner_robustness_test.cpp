// The planner never crashes and keeps its invariants on anything the classifier produces: every
// statement of route_cases.txt cut at every byte, planned with and without (odd) parameters and
// inside a transaction.

#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "router/sql/classifier.h"
#include "tests/unit/plan/plan_case.h"

namespace sg::plan::testing {
namespace {

std::vector<std::string> caseStatements() {
  std::ifstream in(std::string(PLAN_TEST_DIR) + "/route_cases.txt");
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#' || line[0] == '@' || line[0] == ' ') continue;
    out.push_back(line);
  }
  return out;
}

void checkInvariants(const Plan& p, const shardmap::ShardMap& map, const std::string& sql) {
  SCOPED_TRACE(sql);
  std::set<std::string> known;
  for (const auto& s : map.shards()) known.insert(s.name);
  for (const std::string& s : p.shards) EXPECT_TRUE(known.contains(s)) << s;
  EXPECT_TRUE(std::is_sorted(p.shards.begin(), p.shards.end()));
  EXPECT_EQ(std::set<std::string>(p.shards.begin(), p.shards.end()).size(), p.shards.size());
  switch (p.route) {
    case RouteKind::kReject:
      EXPECT_TRUE(p.shards.empty());
      EXPECT_NE(p.errorCode, 0);
      EXPECT_EQ(p.sqlState.size(), 5u);
      EXPECT_FALSE(p.errorMessage.empty());
      break;
    case RouteKind::kSingle:
      EXPECT_EQ(p.shards.size(), 1u);
      break;
    case RouteKind::kMulti:
      EXPECT_GE(p.shards.size(), 2u);
      break;
    case RouteKind::kScatter:
    case RouteKind::kBroadcast:
      EXPECT_EQ(p.shards.size(), map.shards().size());
      break;
  }
  if (!p.rewritten.empty()) {
    EXPECT_EQ(p.route, RouteKind::kMulti);
    ASSERT_EQ(p.rewritten.size(), p.shards.size());
    for (size_t i = 0; i < p.shards.size(); ++i) EXPECT_EQ(p.rewritten[i].shard, p.shards[i]);
  }
  EXPECT_FALSE(p.reason.empty());
  std::string json = p.toJson();
  EXPECT_EQ(json.rfind("{\"route\":\"", 0), 0u);
  EXPECT_EQ(json.back(), '}');
  for (char c : json) EXPECT_GE(static_cast<unsigned char>(c), 0x20) << json;
}

TEST(PlanRobustness, EveryPrefixOfEveryCase) {
  const shardmap::ShardMap& map = fixtureMap();
  std::vector<sql::Value> params = {I(6000000), Null(), Other("'x'"), I(kMin), P(0)};
  std::vector<sql::Value> fewParams = {I(1)};
  PlanContext none;
  PlanContext bound;
  bound.params = &params;
  PlanContext short_;
  short_.params = &fewParams;
  PlanContext transaction = inTransaction("s1");
  transaction.allowScatterWrites = true;
  transaction.currentSchema = "app";
  size_t planned = 0;
  for (const std::string& sql : caseStatements()) {
    for (size_t cut = 0; cut <= sql.size(); ++cut) {
      std::string text = sql.substr(0, cut);
      sql::Statement stmt = sql::classify(text);
      for (const PlanContext* ctx : {&none, &bound, &short_, &transaction}) {
        checkInvariants(planStatement(stmt, text, map, *ctx), map, text);
        ++planned;
      }
      if (::testing::Test::HasFailure()) return;
    }
  }
  EXPECT_GT(planned, 10000u);
}

TEST(PlanRobustness, HandBuiltOddities) {
  // Things a classifier should not produce, planned without crashing.
  sql::Statement s = Insert("users", {"id"}, {{I(1)}, {I(6000000)}});
  s.insert->rowSpans = {{5, 2}, {0, 1}};  // reversed / overlapping
  s.insert->valuesEnd = 1000;
  checkInvariants(plan(s, {}, "INSERT INTO users (id) VALUES (1), (6000000)"), fixtureMap(), "");
  sql::Statement deep = Select({"users"}, Eq("id", 1));
  for (int i = 0; i < 300; ++i) deep.where = And({std::move(deep.where)});
  checkInvariants(plan(deep), fixtureMap(), "deep");
  sql::Statement between = Select({"users"});
  between.where.kind = PK::kBetween;
  between.where.column = C("id");  // no values
  checkInvariants(plan(between), fixtureMap(), "between");
  sql::Statement noTables = Stmt(sql::StatementType::kUpdate);
  checkInvariants(plan(noTables), fixtureMap(), "update without tables");
  sql::Statement insertNoTables = Stmt(sql::StatementType::kInsert);
  checkInvariants(plan(insertNoTables), fixtureMap(), "insert without tables");
}

}  // namespace
}  // namespace sg::plan::testing
