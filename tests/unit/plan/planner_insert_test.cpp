// Planning INSERT / REPLACE: rows routed by their key, split across shards (exact rewritten text
// and parameter lists), refused without a usable key, and INSERT ... SELECT on one shard only.

#include <gtest/gtest.h>

#include "tests/unit/plan/plan_case.h"

namespace sg::plan::testing {
namespace {

sql::Statement fromSelect(std::vector<std::string_view> tables, sql::Predicate where = {}) {
  sql::Statement s = Stmt(sql::StatementType::kInsert, std::move(tables), std::move(where));
  s.multiTable = false;
  s.insert.emplace();
  s.insert->fromSelect = true;
  return s;
}

TEST(PlanInsert, RowsByKey) {
  runCases({
      {"one row", Insert("users", {"id", "name"}, {{I(7), Other("'a'")}}), "single s0 master",
       "INSERT of 1 row into users by shard key id: shard s0"},
      {"rows on one shard",
       Insert("users", {"name", "id"}, {{Other("'a'"), I(5000000)}, {Other("'b'"), I(9999999)}}),
       "single s1 master", "2 rows"},
      {"key column named in other case", Insert("users", {"ID"}, {{I(20000000)}}),
       "single s2 master"},
      {"REPLACE",
       [] {
         sql::Statement s = Insert("orders", {"user_id"}, {{I(kMax)}});
         s.type = sql::StatementType::kReplace;
         return s;
       }(),
       "single s2 master", "REPLACE of 1 row"},
      {"global table: every master", Insert("countries", {"code"}, {{Other("'FR'")}}),
       "broadcast s0,s1,s2 master", "INSERT into global table countries: every master"},
      {"unsharded table", Insert("audit_log", {}, {{I(1)}}), "single s0 master",
       "INSERT into unsharded table audit_log: default shard s0"},
      {"in a transaction on s0", Insert("users", {"id"}, {{I(1)}}), "single s0 master", "",
       inTransaction("s0")},
  });
}

TEST(PlanInsert, UnusableKeysAreRefused) {
  runCases({
      {"no column list", Insert("users", {}, {{I(1), Other("'a'")}}), "reject 1235 42000",
       "INSERT into sharded table users needs a column list that includes its shard key id"},
      {"key column missing", Insert("users", {"name"}, {{Other("'a'")}}), "reject 1235 42000",
       "INSERT into sharded table users must set its shard key id"},
      {"key is an expression", Insert("users", {"id"}, {{I(1)}, {Other("1+1")}}),
       "reject 1235 42000",
       "INSERT into sharded table users: shard key id must be an integer constant, not 1+1 (row "
       "2)"},
      {"key is NULL", Insert("users", {"id"}, {{Null()}}), "reject 1235 42000",
       "shard key id is NULL (row 1)"},
      {"key in the gap", Insert("users", {"id"}, {{I(1)}, {I(15000000)}}), "reject 1526 HY000",
       "ERROR 1526 (HY000): no shard owns shard key users.id = 15000000 (INSERT row 2)"},
      {"negative key", Insert("orders", {"user_id"}, {{I(-1)}}), "reject 1526 HY000",
       "orders.user_id = -1"},
      {"INT64_MIN key", Insert("orders", {"user_id"}, {{I(kMin)}}), "reject 1526 HY000"},
      {"short row", Insert("users", {"name", "id"}, {{Other("'a'")}}), "reject 1235 42000",
       "no value for shard key id (row 1)"},
      {"no rows", Insert("users", {"id"}, {}), "reject 1235 42000", "has no rows"},
      {"ON DUPLICATE KEY UPDATE of the key",
       [] {
         sql::Statement s = Insert("users", {"id"}, {{I(1)}});
         s.insert->onDuplicateKeyUpdate = true;
         s.insert->duplicateUpdateColumns = {"name", "id"};
         return s;
       }(),
       "reject 1235 42000", "INSERT ... ON DUPLICATE KEY UPDATE may not change shard key users.id"},
      {"ON DUPLICATE KEY UPDATE of other columns",
       [] {
         sql::Statement s = Insert("users", {"id"}, {{I(1)}});
         s.insert->onDuplicateKeyUpdate = true;
         s.insert->duplicateUpdateColumns = {"name"};
         return s;
       }(),
       "single s0 master"},
      {"no insert details", Stmt(sql::StatementType::kInsert, {"users"}), "reject 1235 42000",
       "could not read its rows"},
  });
}

TEST(PlanInsert, MultiRowSplitPerShard) {
  const std::string sql =
      "INSERT INTO users (id, name) VALUES (1, 'a'), (6000000, 'b'),(2,'c') , (20000000, 'd (x)') "
      "ON DUPLICATE KEY UPDATE name = VALUES(name)";
  sql::Statement s = Insert("users", {"id", "name"},
                            {{I(1), Other("'a'")},
                             {I(6000000), Other("'b'")},
                             {I(2), Other("'c'")},
                             {I(20000000), Other("'d (x)'")}},
                            sql);
  s.insert->onDuplicateKeyUpdate = true;
  s.insert->duplicateUpdateColumns = {"name"};
  Plan p = plan(s, {}, sql);
  EXPECT_EQ(summary(p), "multi s0,s1,s2 master");
  EXPECT_EQ(p.reason, "INSERT of 4 rows into users split by shard key id over shards s0, s1, s2");
  ASSERT_EQ(p.rewritten.size(), 3u);
  EXPECT_EQ(p.rewritten[0].shard, "s0");
  EXPECT_EQ(p.rewritten[0].sql,
            "INSERT INTO users (id, name) VALUES (1, 'a'), (2,'c') ON DUPLICATE KEY UPDATE name = "
            "VALUES(name)");
  EXPECT_EQ(p.rewritten[1].shard, "s1");
  EXPECT_EQ(p.rewritten[1].sql,
            "INSERT INTO users (id, name) VALUES (6000000, 'b') ON DUPLICATE KEY UPDATE name = "
            "VALUES(name)");
  EXPECT_EQ(p.rewritten[2].sql,
            "INSERT INTO users (id, name) VALUES (20000000, 'd (x)') ON DUPLICATE KEY UPDATE "
            "name = VALUES(name)");
  for (const auto& piece : p.rewritten) EXPECT_TRUE(piece.params.empty());
  EXPECT_FALSE(p.needsMerge);
}

TEST(PlanInsert, SplitWithBoundParameters) {
  const std::string sql = "INSERT INTO orders (user_id, total) VALUES (?, ?), (?, 5), (?, ? + 1)";
  sql::Statement s = Insert("orders", {"user_id", "total"},
                            {{P(0), P(1)}, {P(2), I(5)}, {P(3), Other("? + 1")}}, sql);
  ASSERT_EQ(s.paramCount, 5u);
  std::vector<sql::Value> params = {I(6000000), I(10), I(3), I(6000001), I(7)};
  PlanContext ctx;
  ctx.params = &params;
  Plan p = plan(s, ctx, sql);
  EXPECT_EQ(summary(p), "multi s0,s1 master");
  ASSERT_EQ(p.rewritten.size(), 2u);
  EXPECT_EQ(p.rewritten[0].sql, "INSERT INTO orders (user_id, total) VALUES (?, 5)");
  EXPECT_EQ(p.rewritten[0].params, (std::vector<uint32_t>{2}));
  EXPECT_EQ(p.rewritten[1].sql, "INSERT INTO orders (user_id, total) VALUES (?, ?), (?, ? + 1)");
  EXPECT_EQ(p.rewritten[1].params, (std::vector<uint32_t>{0, 1, 3, 4}));

  // At prepare time the rows' shards are unknown.
  Plan prepared = plan(s, {}, sql);
  EXPECT_EQ(summary(prepared), "scatter s0,s1,s2 master");
  EXPECT_TRUE(prepared.dependsOnParams);
  EXPECT_NE(prepared.reason.find("orders.user_id depends on unbound parameters"),
            std::string::npos);
}

TEST(PlanInsert, SplitParametersInSuffix) {
  const std::string sql =
      "INSERT INTO users (id, n) VALUES (1, ?), (6000000, ?) ON DUPLICATE KEY UPDATE n = ?";
  sql::Statement s = Insert("users", {"id", "n"}, {{I(1), P(0)}, {I(6000000), P(1)}}, sql);
  s.insert->onDuplicateKeyUpdate = true;
  s.insert->duplicateUpdateColumns = {"n"};
  std::vector<sql::Value> params = {I(1), I(2), I(3)};
  PlanContext ctx;
  ctx.params = &params;
  Plan p = plan(s, ctx, sql);
  ASSERT_EQ(p.rewritten.size(), 2u);
  EXPECT_EQ(p.rewritten[0].params, (std::vector<uint32_t>{0, 2}));
  EXPECT_EQ(p.rewritten[1].params, (std::vector<uint32_t>{1, 2}));
}

TEST(PlanInsert, SplitNeedsUsableSpans) {
  sql::Statement s = Insert("users", {"id"}, {{I(1)}, {I(6000000)}});  // no spans
  EXPECT_EQ(summary(plan(s, {}, "INSERT INTO users (id) VALUES (1), (6000000)")),
            "reject 1235 42000");
  const std::string sql = "INSERT INTO users (id) VALUES (1), (6000000)";
  sql::Statement bad = Insert("users", {"id"}, {{I(1)}, {I(6000000)}}, sql);
  bad.insert->rowSpans[1] = {30, 999};  // past the end
  Plan p = plan(bad, {}, sql);
  EXPECT_EQ(summary(p), "reject 1235 42000");
  EXPECT_NE(p.errorMessage.find("could not be split"), std::string::npos);
  // In a transaction too (every master it reaches joins the transaction).
  sql::Statement good = Insert("users", {"id"}, {{I(1)}, {I(6000000)}}, sql);
  EXPECT_EQ(summary(plan(good, inTransaction("s0"), sql)), "multi s0,s1 master");
}

TEST(PlanInsert, InsertSelect) {
  runCases({
      {"sharded from sharded on one shard", fromSelect({"orders", "users u"}, Eq("u.id", 6000000)),
       "single s1 master",
       "INSERT ... SELECT into orders: shard key users.id in {6000000}: shard s1"},
      {"sharded from sharded across shards", fromSelect({"orders", "users"}), "reject 1235 42000",
       "unsupported: INSERT ... SELECT into orders from users (the source rows come from shards "
       "s0, s1, s2; source and target must be on one shard)"},
      {"sharded from global", fromSelect({"orders", "countries"}), "reject 1235 42000",
       "a sharded target needs a sharded source on one shard"},
      {"sharded from nothing", fromSelect({"orders"}), "reject 1235 42000"},
      {"sharded from sharded + unsharded",
       fromSelect({"orders", "users u", "audit_log a"}, Eq("u.id", 1)), "reject 1235 42000",
       "audit_log is unsharded"},
      {"sharded from sharded, no rows", fromSelect({"orders", "users"}, Eq("id", -4)),
       "single s0 master", "matches no row"},
      {"unsharded from unsharded", fromSelect({"audit_log", "audit_archive"}), "single s0 master",
       "INSERT ... SELECT into audit_log: default shard s0"},
      {"unsharded from global", fromSelect({"audit_log", "countries"}), "single s0 master"},
      {"unsharded from sharded on the default shard",
       fromSelect({"audit_log", "users"}, Eq("id", 3)), "single s0 master"},
      {"unsharded from sharded elsewhere", fromSelect({"audit_log", "users"}, Eq("id", 6000000)),
       "reject 1235 42000", "the source rows are on s1"},
      {"global from global", fromSelect({"countries", "currencies"}), "broadcast s0,s1,s2 master"},
      {"global from sharded", fromSelect({"countries", "users"}, Eq("id", 1)), "reject 1235 42000",
       "a global table can only be filled from global tables"},
      {"prepare: source key ?", fromSelect({"orders", "users"}, Eq("id", P(0))),
       "scatter s0,s1,s2 master", "until execute"},
      {"cross-shard source join",
       fromSelect({"orders", "users u", "items i"},
                  And({Eq("u.id", 1), Eq("i.order_owner", 6000000)})),
       "reject 1235 42000", "cross-shard join between users and items"},
  });
}

}  // namespace
}  // namespace sg::plan::testing
