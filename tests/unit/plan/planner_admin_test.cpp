// Planning the statements around the data: parse errors, hints, transactions (control statements
// and the one-shard rule), session state, DDL, LOCK TABLES, SHOW / EXPLAIN, CALL, XA, LOAD DATA.

#include <gtest/gtest.h>

#include "tests/unit/plan/plan_case.h"

namespace sg::plan::testing {
namespace {

using ST = sql::StatementType;

sql::Statement hinted(sql::Statement s, std::optional<std::string> shard, bool master = false) {
  s.hints.shard = std::move(shard);
  s.hints.master = master;
  return s;
}

TEST(PlanAdmin, ParseErrorIsRejected) {
  sql::Statement s = Select({"users"}, Eq("id", 1));
  s.error = "unterminated string literal at offset 27";
  Plan p = plan(s);
  EXPECT_EQ(summary(p), "reject 1064 42000");
  EXPECT_EQ(p.errorMessage, "unterminated string literal at offset 27");
  EXPECT_EQ(p.reason, "ERROR 1064 (42000): unterminated string literal at offset 27");
}

TEST(PlanAdmin, Hints) {
  runCases({
      {"shard hint on a scatter read", hinted(Select({"users"}), "s2"), "single s2 replica",
       "hint shard=s2"},
      {"shard hint overrides the key", hinted(Select({"users"}, Eq("id", 1)), "s1"),
       "single s1 replica"},
      {"shard + master hint", hinted(Select({"users"}), "s1", true), "single s1 master"},
      {"master hint on a scatter read", hinted(Select({"users"}), std::nullopt, true),
       "scatter s0,s1,s2 master"},
      {"shard hint on a write", hinted(Update({"users"}, Unknown()), "s0"), "single s0 master"},
      {"shard hint on ORDER BY read",
       [] {
         sql::Statement s = hinted(Select({"users"}), "s1");
         s.shape.orderBy = true;
         return s;
       }(),
       "single s1 replica"},
      {"shard hint on DDL", hinted(Stmt(ST::kDdl, {"users"}), "s2"), "single s2 master"},
      {"shard hint on an unsharded table", hinted(Select({"audit_log"}), "s1"),
       "single s1 replica"},
      {"unknown shard", hinted(Select({"users"}), "s9"), "reject 1210 HY000",
       "ERROR 1210 (HY000): shardgate hint shard=s9 names no shard of the map (shards: s0, s1, "
       "s2)"},
      {"shard hint in a transaction elsewhere", hinted(Select({"users"}), "s1"),
       "single s1 master", "hint shard=s1", inTransaction("s0")},
      {"hints ignored by SET", hinted(Stmt(ST::kSet), "s9"), "single s0 master", "session state"},
  });
}

// A transaction may use any shard (the session makes each one a participant); inside one,
// everything goes to masters and global/table-less reads follow the transaction's first shard.
TEST(PlanAdmin, TransactionsSpanShards) {
  runCases({
      {"same shard", Update({"users"}, Eq("id", 6000000)), "single s1 master", "",
       inTransaction("s1")},
      {"other shard", Update({"users"}, Eq("id", 1)), "single s0 master", "shard s0",
       inTransaction("s1")},
      {"multi-shard read", Select({"users"}, In("id", {I(1), I(6000000)})), "multi s0,s1 master",
       "", inTransaction("s1")},
      {"read becomes master", Select({"users"}, Eq("id", 6000000)), "single s1 master", "",
       inTransaction("s1")},
      {"first statement: any shard", Select({"users"}, In("id", {I(1), I(6000000)})),
       "multi s0,s1 master", "", inTransaction()},
      {"unsharded table while on s1", Select({"audit_log"}), "single s0 master",
       "default shard s0", inTransaction("s1")},
      {"global write while on s1", Update({"countries"}, Unknown()), "broadcast s0,s1,s2 master",
       "every master", inTransaction("s1")},
      {"global read follows the transaction", Select({"countries"}), "single s2 master", "",
       inTransaction("s2")},
      {"prepare with ? is provisional", Update({"users"}, Eq("id", P(0))),
       "scatter s0,s1,s2 master", "until execute", inTransaction("s1")},
      {"execute with ? routes by the value", Update({"users"}, Eq("id", P(0))), "single s2 master",
       "", inTransaction("s1"), std::vector<sql::Value>{I(30000000)}},
      {"transactionShard ignored outside a transaction", Update({"users"}, Eq("id", 1)),
       "single s0 master", "",
       [] {
         PlanContext ctx;
         ctx.transactionShard = "s1";
         return ctx;
       }()},
  });
}

TEST(PlanAdmin, TransactionControl) {
  const std::pair<ST, std::string> types[] = {{ST::kBegin, "BEGIN"},
                                              {ST::kCommit, "COMMIT"},
                                              {ST::kRollback, "ROLLBACK"},
                                              {ST::kSavepoint, "SAVEPOINT"},
                                              {ST::kReleaseSavepoint, "RELEASE"},
                                              {ST::kRollbackToSavepoint, "ROLLBACK TO"}};
  std::vector<PlanCase> cases;
  for (const auto& [type, name] : types) {
    cases.push_back({name + " outside", Stmt(type), "single s0 master",
                     "transaction control (applied to every backend the transaction uses)"});
    cases.push_back({name + " on s2", Stmt(type), "single s2 master", "transaction control",
                     inTransaction("s2")});
  }
  runCases(cases);
}

TEST(PlanAdmin, SessionState) {
  runCases({
      {"SET", Stmt(ST::kSet), "single s0 master",
       "session state (applied to every backend the session uses)"},
      {"USE", Stmt(ST::kUse), "single s0 master", "session state"},
      {"UNLOCK TABLES", Stmt(ST::kUnlockTables), "single s0 master", "session state"},
      {"SET in a transaction on s1 is not refused", Stmt(ST::kSet), "single s0 master", "",
       inTransaction("s1")},
      {"empty statement", Stmt(ST::kEmpty), "single s0 master", "empty statement"},
  });
}

TEST(PlanAdmin, Ddl) {
  runCases({
      {"CREATE sharded table", Stmt(ST::kDdl, {"users"}), "broadcast s0,s1,s2 master",
       "DDL on sharded table users: every master"},
      {"ALTER global table", Stmt(ST::kDdl, {"countries"}), "broadcast s0,s1,s2 master",
       "DDL on global table countries: every master"},
      {"DDL on unsharded table", Stmt(ST::kDdl, {"audit_log"}), "single s0 master",
       "DDL on unsharded table audit_log: default shard s0"},
      {"CREATE DATABASE (no table)", Stmt(ST::kDdl), "single s0 master", "DDL: default shard s0"},
      {"RENAME mixing", Stmt(ST::kDdl, {"users", "audit_log"}), "reject 1235 42000",
       "DDL that mixes sharded table users with unsharded table audit_log"},
      {"DROP sharded and global", Stmt(ST::kDdl, {"users", "countries"}),
       "broadcast s0,s1,s2 master"},
      {"schema-qualified", Stmt(ST::kDdl, {"app.orders"}), "broadcast s0,s1,s2 master",
       "app.orders"},
      {"DDL in a transaction on s1", Stmt(ST::kDdl, {"users"}), "broadcast s0,s1,s2 master", "every master",
       inTransaction("s1")},
  });
}

TEST(PlanAdmin, MetadataAndOthers) {
  runCases({
      {"SHOW without table", Stmt(ST::kShow), "single s0 replica",
       "SHOW: answered by the default shard s0"},
      {"SHOW CREATE TABLE users", Stmt(ST::kShow, {"users"}), "single s0 replica"},
      {"SHOW in a transaction on s2", Stmt(ST::kShow, {"users"}), "single s2 master",
       "the transaction shard s2", inTransaction("s2")},
      {"SHOW unsharded in a transaction on s2", Stmt(ST::kShow, {"audit_log"}), "single s0 master",
       "", inTransaction("s2")},
      {"EXPLAIN", Stmt(ST::kExplain, {"users"}, Eq("id", 6000000)), "single s0 replica",
       "EXPLAIN: answered by the default shard s0"},
      {"LOCK TABLES sharded", Stmt(ST::kLockTables, {"users"}), "broadcast s0,s1,s2 master",
       "LOCK TABLES on sharded table users"},
      {"LOCK TABLES unsharded", Stmt(ST::kLockTables, {"audit_log"}), "single s0 master"},
      {"CALL", Stmt(ST::kCall), "single s0 master", "CALL: default shard s0"},
      {"CALL in a transaction on s1", Stmt(ST::kCall), "single s0 master", "default shard s0",
       inTransaction("s1")},
      {"XA", Stmt(ST::kXa), "reject 1235 42000", "XA transactions"},
      {"other without tables", Stmt(ST::kOther), "single s0 master", "statement: default shard"},
      {"other on unsharded", Stmt(ST::kOther, {"audit_log"}), "single s0 master"},
      {"ANALYZE sharded",
       Stmt(ST::kOther, {"users"}),
       "broadcast s0,s1,s2 master",
       "ANALYZE on sharded table users: every master",
       {},
       std::nullopt,
       "ANALYZE TABLE users"},
      {"LOAD DATA into sharded",
       Stmt(ST::kOther, {"users"}),
       "reject 1235 42000",
       "LOAD DATA into sharded table users",
       {},
       std::nullopt,
       "LOAD DATA LOCAL INFILE 'x' INTO TABLE users"},
      {"LOAD DATA into global",
       Stmt(ST::kOther, {"countries"}),
       "reject 1235 42000",
       "global table countries",
       {},
       std::nullopt,
       "load data infile 'x' into table countries"},
      {"LOAD DATA into unsharded",
       Stmt(ST::kOther, {"audit_log"}),
       "single s0 master",
       "",
       {},
       std::nullopt,
       "LOAD DATA INFILE 'x' INTO TABLE audit_log"},
      {"HANDLER on sharded",
       Stmt(ST::kOther, {"users"}),
       "reject 1235 42000",
       "HANDLER",
       {},
       std::nullopt,
       "HANDLER users OPEN"},
  });
}

}  // namespace
}  // namespace sg::plan::testing
