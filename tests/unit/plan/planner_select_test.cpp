// Planning SELECT: shard-key conditions (points, ranges, IN, OR/AND, NULL, gaps, int64 edges),
// scatter reads, merge-needing constructs, global and unsharded tables, parameters (joins,
// subqueries and UNIONs are in planner_join_test.cpp).

#include <gtest/gtest.h>

#include "tests/unit/plan/plan_case.h"

namespace sg::plan::testing {
namespace {

sql::Statement withShape(sql::Statement s, void (*set)(sql::SelectShape&)) {
  set(s.shape);
  return s;
}

TEST(PlanSelect, SingleShardKeys) {
  runCases({
      {"key at range start", Select({"users"}, Eq("id", 0)), "single s0 replica",
       "shard key users.id in {0}: shard s0"},
      {"key at end-1", Select({"users"}, Eq("id", 4999999)), "single s0 replica"},
      {"key at end", Select({"users"}, Eq("id", 5000000)), "single s1 replica", "shard s1"},
      {"last range, INT64_MAX", Select({"users"}, Eq("id", kMax)), "single s2 replica"},
      {"second range end-1", Select({"users"}, Eq("id", 9999999)), "single s1 replica"},
      {"third range start", Select({"users"}, Eq("id", 20000000)), "single s2 replica"},
      {"qualified by table", Select({"users"}, Eq("users.id", 7)), "single s0 replica"},
      {"qualified by alias", Select({"users u"}, Eq("u.id", 5000001)), "single s1 replica"},
      {"qualified by schema.table", Select({"app.users"}, Eq("app.users.id", 7)),
       "single s0 replica", "app.users.id"},
      {"other schema, same sharding", Select({"otherdb.users"}, Eq("id", 6000000)),
       "single s1 replica", "otherdb.users.id"},
      {"key column case-insensitive", Select({"users"}, Eq("ID", 6000000)), "single s1 replica"},
      {"orders by user_id", Select({"orders"}, Eq("user_id", 25000000)), "single s2 replica"},
      {"null-safe equal", Select({"users"}, Cmp("id", Op::kNullSafeEq, I(3))), "single s0 replica"},
      {"IN within one shard", Select({"users"}, In("id", {I(1), I(2), I(4999999)})),
       "single s0 replica"},
      {"BETWEEN within one shard", Select({"users"}, Between("id", I(5000000), I(9999999))),
       "single s1 replica"},
      {"range within one shard",
       Select({"users"}, And({Cmp("id", Op::kGe, I(100)), Cmp("id", Op::kLt, I(200))})),
       "single s0 replica", "[100, 199]"},
      {"non-key condition ANDed", Select({"users"}, And({Eq("id", 1), Eq("name", Other("'x'"))})),
       "single s0 replica"},
      {"key AND unknown", Select({"users"}, And({Unknown(), Eq("id", 20000001)})),
       "single s2 replica"},
      {"> INT64_MAX-1", Select({"users"}, Cmp("id", Op::kGt, I(kMax - 1))), "single s2 replica"},
      {"< 1 reaches only s0", Select({"users"}, Cmp("id", Op::kLt, I(1))), "single s0 replica"},
      {"> 9999999 skips the gap", Select({"users"}, Cmp("id", Op::kGt, I(9999999))),
       "single s2 replica"},
      {"string literal key counted as int", Select({"users"}, Eq("id", I(42))),
       "single s0 replica"},
  });
}

TEST(PlanSelect, MultiShardKeys) {
  runCases({
      {"IN across shards", Select({"users"}, In("id", {I(1), I(5000000)})), "multi s0,s1 replica",
       "shard key users.id in {1} {5000000}: shards s0, s1"},
      {"OR across shards", Select({"users"}, Or({Eq("id", 1), Eq("id", 20000000)})),
       "multi s0,s2 replica"},
      {"BETWEEN across all", Select({"users"}, Between("id", I(0), I(kMax))),
       "multi s0,s1,s2 replica"},
      {"range spanning s0/s1", Select({"users"}, Between("id", I(4999999), I(5000000))),
       "multi s0,s1 replica"},
      {"range over the gap", Select({"users"}, Between("id", I(9999999), I(20000000))),
       "multi s1,s2 replica"},
      {">= 0 covers all shards but is a condition", Select({"users"}, Cmp("id", Op::kGe, I(0))),
       "multi s0,s1,s2 replica"},
      {"<> key", Select({"users"}, Cmp("id", Op::kNe, I(3))), "multi s0,s1,s2 replica"},
      {"OR of AND", Select({"users"}, Or({And({Eq("id", 1), Eq("x", 2)}), Eq("id", 6000000)})),
       "multi s0,s1 replica"},
      {"AND of ORs intersects",
       Select({"users"}, And({Or({Eq("id", 1), Eq("id", 6000000), Eq("id", 30000000)}),
                              Cmp("id", Op::kGe, I(5000000))})),
       "multi s1,s2 replica"},
      {"BETWEEN with unknown upper bound", Select({"users"}, Between("id", I(6000000), Other("x"))),
       "multi s1,s2 replica"},
      {"needsMerge flag", Select({"users"}, In("id", {I(1), I(5000000)})), "multi s0,s1 replica",
       "results concatenated"},
  });
  Plan p = plan(Select({"users"}, In("id", {I(1), I(5000000)})));
  EXPECT_TRUE(p.needsMerge);
  EXPECT_TRUE(plan(Select({"users"})).needsMerge);
  EXPECT_FALSE(plan(Select({"users"}, Eq("id", 1))).needsMerge);
}

TEST(PlanSelect, ScatterWithoutKey) {
  runCases({
      {"no where", Select({"users"}), "scatter s0,s1,s2 replica",
       "no condition on shard key users.id: all shards"},
      {"non-key condition", Select({"users"}, Eq("name", Other("'bob'"))),
       "scatter s0,s1,s2 replica"},
      {"key OR non-key", Select({"users"}, Or({Eq("id", 1), Eq("name", Other("'x'"))})),
       "scatter s0,s1,s2 replica"},
      {"key compared with an expression", Select({"users"}, Eq("id", Other("NOW()"))),
       "scatter s0,s1,s2 replica"},
      {"IN list with an expression", Select({"users"}, In("id", {I(1), Other("a+1")})),
       "scatter s0,s1,s2 replica"},
      {"unknown qualifier", Select({"users"}, Eq("x.id", 1)), "scatter s0,s1,s2 replica"},
      {">= INT64_MIN", Select({"users"}, Cmp("id", Op::kGe, I(kMin))), "scatter s0,s1,s2 replica"},
      {"key OR its complement",
       Select({"users"}, Or({Cmp("id", Op::kLt, I(7)), Cmp("id", Op::kGe, I(7))})),
       "scatter s0,s1,s2 replica"},
  });
}

TEST(PlanSelect, NoRowsGoToTheFirstShard) {
  runCases({
      {"key in the gap", Select({"users"}, Eq("id", 15000000)), "single s0 replica",
       "matches no row any shard owns: sent to s0 for an empty result"},
      {"negative key", Select({"users"}, Eq("id", -1)), "single s0 replica", "{-1}"},
      {"INT64_MIN", Select({"users"}, Eq("id", kMin)), "single s0 replica"},
      {"key = NULL", Select({"users"}, Eq("id", Null())), "single s0 replica", "in {}"},
      {"key <=> NULL", Select({"users"}, Cmp("id", Op::kNullSafeEq, Null())), "single s0 replica"},
      {"key IS NULL", Select({"users"}, IsNull("id")), "single s0 replica"},
      {"contradiction", Select({"users"}, And({Eq("id", 1), Eq("id", 2)})), "single s0 replica"},
      {"< INT64_MIN", Select({"users"}, Cmp("id", Op::kLt, I(kMin))), "single s0 replica"},
      {"> INT64_MAX", Select({"users"}, Cmp("id", Op::kGt, I(kMax))), "single s0 replica"},
      {"IN of gap keys", Select({"users"}, In("id", {I(-5), I(10000000), I(19999999)})),
       "single s0 replica"},
      {"IN (NULL)", Select({"users"}, In("id", {Null()})), "single s0 replica"},
      {"BETWEEN reversed", Select({"users"}, Between("id", I(9), I(1))), "single s0 replica"},
      {"BETWEEN NULL", Select({"users"}, Between("id", I(1), Null())), "single s0 replica"},
      {"range inside the gap", Select({"users"}, Between("id", I(10000000), I(19999999))),
       "single s0 replica"},
      {"no rows in a transaction on s2", Select({"users"}, Eq("id", 15000000)), "single s2 master",
       "sent to s2", inTransaction("s2")},
      {"no rows, ORDER BY is fine",
       withShape(Select({"users"}, Eq("id", -1)), [](sql::SelectShape& s) { s.orderBy = true; }),
       "single s0 replica"},
  });
}

TEST(PlanSelect, MultiShardReadsNeedingMergeAreRefused) {
  struct Construct {
    void (*set)(sql::SelectShape&);
    std::string name;
  } constructs[] = {
      {[](sql::SelectShape& s) { s.orderBy = true; }, "ORDER BY"},
      {[](sql::SelectShape& s) { s.limit = true; }, "LIMIT"},
      {[](sql::SelectShape& s) { s.aggregates = true; }, "aggregate functions"},
      {[](sql::SelectShape& s) { s.groupBy = true; }, "GROUP BY"},
      {[](sql::SelectShape& s) { s.having = true; }, "HAVING"},
      {[](sql::SelectShape& s) { s.distinct = true; }, "DISTINCT"},
      {[](sql::SelectShape& s) { s.union_ = true; }, "UNION"},
      {[](sql::SelectShape& s) { s.windowFunctions = true; }, "window functions"},
      {[](sql::SelectShape& s) { s.subquery = true; }, "subquery"},
      {[](sql::SelectShape& s) { s.intoOutfile = true; }, "SELECT ... INTO"},
  };
  std::vector<PlanCase> cases;
  for (const Construct& c : constructs) {
    cases.push_back({"scatter " + c.name, withShape(Select({"users"}), c.set), "reject 1235 42000",
                     "unsupported in a cross-shard query: " + c.name +
                         " (table users has no shard-key condition)"});
    cases.push_back({"multi " + c.name,
                     withShape(Select({"users"}, In("id", {I(1), I(6000000)})), c.set),
                     "reject 1235 42000",
                     "unsupported in a cross-shard query: " + c.name +
                         " (shard key users.id in {1} {6000000} spans shards s0, s1)"});
    cases.push_back({"single " + c.name, withShape(Select({"users"}, Eq("id", 1)), c.set),
                     "single s0 replica"});
  }
  sql::Statement derived = Select({"users"});
  derived.hasDerivedTable = true;
  cases.push_back({"derived table", derived, "reject 1235 42000", "derived table"});
  sql::Statement joined = Select({"users u", "orders o"}, ColEq("u.id", "o.user_id"));
  joined.shape.limit = true;
  cases.push_back({"join scatter with LIMIT", joined, "reject 1235 42000",
                   "LIMIT (tables users, orders have no shard-key condition)"});
  runCases(cases);
  Plan p = plan(withShape(Select({"users"}), constructs[0].set));
  EXPECT_EQ(p.errorCode, kErrNotSupported);
  EXPECT_EQ(p.sqlState, "42000");
  EXPECT_EQ(p.errorMessage,
            "unsupported in a cross-shard query: ORDER BY (table users has no shard-key "
            "condition)");
}

TEST(PlanSelect, LockingReadsAndHintsUseTheMaster) {
  sql::Statement forUpdate = Select({"users"}, Eq("id", 1));
  forUpdate.shape.forUpdate = true;
  sql::Statement hinted = Select({"users"}, Eq("id", 1));
  hinted.hints.master = true;
  sql::Statement scatterForUpdate = Select({"users"});
  scatterForUpdate.shape.forUpdate = true;
  runCases({
      {"FOR UPDATE", forUpdate, "single s0 master"},
      {"master hint", hinted, "single s0 master"},
      {"in a transaction", Select({"users"}, Eq("id", 1)), "single s0 master", "", inTransaction()},
      {"scatter FOR UPDATE", scatterForUpdate, "scatter s0,s1,s2 master"},
  });
}

TEST(PlanSelect, GlobalAndUnshardedTables) {
  runCases({
      {"global read: default shard replica", Select({"countries"}), "single s0 replica",
       "global table countries: read from s0"},
      {"global read with ORDER BY",
       withShape(Select({"countries"}),
                 [](sql::SelectShape& s) {
                   s.orderBy = true;
                   s.limit = true;
                 }),
       "single s0 replica"},
      {"global read in a transaction on s1", Select({"countries"}), "single s1 master",
       "read from s1", inTransaction("s1")},
      {"two global tables", Select({"countries c", "currencies k"}), "single s0 replica"},
      {"unsharded: default shard", Select({"audit_log"}), "single s0 master",
       "unsharded table audit_log: default shard s0"},
      {"unsharded join global", Select({"audit_log a", "countries c"}), "single s0 master"},
      {"sharded join global by key",
       Select({"users u", "countries c"}, And({ColEq("u.country", "c.code"), Eq("u.id", 6000000)})),
       "single s1 replica"},
      {"sharded join global scatter",
       Select({"users u", "countries c"}, ColEq("u.country", "c.code")),
       "scatter s0,s1,s2 replica"},
      {"sharded + unsharded on the default shard",
       Select({"users u", "audit_log a"}, And({ColEq("u.id", "a.user_id"), Eq("u.id", 3)})),
       "single s0 replica", "with unsharded table audit_log: default shard s0"},
      {"sharded + unsharded elsewhere",
       Select({"users u", "audit_log a"}, And({ColEq("u.id", "a.user_id"), Eq("u.id", 6000000)})),
       "reject 1235 42000",
       "unsupported: cross-shard join between users and audit_log (audit_log is unsharded and "
       "lives on the default shard s0 only)"},
      {"sharded scatter + unsharded", Select({"users u", "audit_log a"}), "reject 1235 42000",
       "cross-shard join between users and audit_log"},
      {"sharded no rows + unsharded goes to the default shard",
       Select({"users u", "audit_log a"}, Eq("u.id", -3)), "single s0 replica"},
  });
}

TEST(PlanSelect, Parameters) {
  std::vector<sql::Value> bound1 = {I(6000000)};
  runCases({
      {"prepare: key is ?", Select({"users"}, Eq("id", P(0))), "scatter s0,s1,s2 replica",
       "depends on unbound parameters: all shards until execute"},
      {"execute: bound to s1",
       Select({"users"}, Eq("id", P(0))),
       "single s1 replica",
       "",
       {},
       std::vector<sql::Value>{I(6000000)}},
      {"execute: bound NULL",
       Select({"users"}, Eq("id", P(0))),
       "single s0 replica",
       "matches no row",
       {},
       std::vector<sql::Value>{Null()}},
      {"execute: bound string",
       Select({"users"}, Eq("id", P(0))),
       "scatter s0,s1,s2 replica",
       "no condition",
       {},
       std::vector<sql::Value>{Other("'abc'")}},
      {"execute: index out of range",
       Select({"users"}, Eq("id", P(3))),
       "scatter s0,s1,s2 replica",
       "",
       {},
       std::vector<sql::Value>{I(1)}},
      {"execute: IN of params",
       Select({"users"}, In("id", {P(0), P(1)})),
       "multi s0,s2 replica",
       "",
       {},
       std::vector<sql::Value>{I(1), I(30000000)}},
      {"execute: BETWEEN params",
       Select({"users"}, Between("id", P(0), P(1))),
       "single s1 replica",
       "",
       {},
       std::vector<sql::Value>{I(5000000), I(9999999)}},
      {"prepare: ? AND constant is final", Select({"users"}, And({Eq("id", P(0)), Eq("id", 7)})),
       "single s0 replica"},
      {"prepare: non-key ? does not matter",
       Select({"users"}, And({Eq("id", 7), Eq("name", P(0))})), "single s0 replica"},
      {"prepare: ? with ORDER BY is not refused yet",
       withShape(Select({"users"}, Eq("id", P(0))), [](sql::SelectShape& s) { s.orderBy = true; }),
       "scatter s0,s1,s2 replica", "until execute"},
      {"execute: ORDER BY on one shard",
       withShape(Select({"users"}, Eq("id", P(0))), [](sql::SelectShape& s) { s.orderBy = true; }),
       "single s2 replica",
       "",
       {},
       std::vector<sql::Value>{I(kMax)}},
      {"prepare: ? BETWEEN bounded to keys no shard owns",
       Select({"users"}, Between("id", P(0), I(-1))), "single s0 replica", "matches no row"},
      {"prepare: join groups, one unbound",
       Select({"users u", "orders o"}, And({Eq("u.id", 1), Eq("o.user_id", P(0))})),
       "scatter s0,s1,s2 replica", "until execute"},
      {"execute: join groups on one shard",
       Select({"users u", "orders o"}, And({Eq("u.id", 1), Eq("o.user_id", P(0))})),
       "single s0 replica",
       "",
       {},
       std::vector<sql::Value>{I(2)}},
  });
  PlanContext ctx;
  Plan prepared = plan(Select({"users"}, Eq("id", P(0))), ctx);
  EXPECT_TRUE(prepared.dependsOnParams);
  ctx.params = &bound1;
  Plan executed = plan(Select({"users"}, Eq("id", P(0))), ctx);
  EXPECT_FALSE(executed.dependsOnParams);
}

TEST(PlanSelect, TablelessStatements) {
  runCases({
      {"SELECT 1", Select({}), "single s0 master", "no table: default shard s0"},
      {"DO", Stmt(sql::StatementType::kDo), "single s0 master"},
      {"SELECT in a transaction on s2", Select({}), "single s2 master",
       "no table: transaction shard s2", inTransaction("s2")},
  });
}

TEST(PlanSelect, DefaultShardOtherThanFirst) {
  // Unsharded tables go to the default shard; a statement matching no rows to the first shard.
  std::string text(kMapText);
  text.replace(text.find("default_shard = \"s0\""), 20, "default_shard = \"s2\"");
  auto map = loadMap(text);
  ASSERT_NE(map, nullptr);
  runCases(
      {
          {"unsharded", Select({"audit_log"}), "single s2 master", "default shard s2"},
          {"global", Select({"countries"}), "single s2 replica"},
          {"no rows", Select({"users"}, Eq("id", -1)), "single s0 replica", "sent to s0"},
          {"sharded + unsharded on s2", Select({"users u", "audit_log a"}, Eq("u.id", 20000000)),
           "single s2 replica"},
          {"sharded + unsharded on s0", Select({"users u", "audit_log a"}, Eq("u.id", 1)),
           "reject 1235 42000", "default shard s2 only"},
          {"no table", Select({}), "single s2 master"},
      },
      *map);
}

}  // namespace
}  // namespace sg::plan::testing
