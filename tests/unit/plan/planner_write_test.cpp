// Planning UPDATE and DELETE: masters of the key's shards, refused without a key (unless scatter
// writes are allowed), refused when the shard key would change or a global table's copies would
// diverge.

#include <gtest/gtest.h>

#include "tests/unit/plan/plan_case.h"

namespace sg::plan::testing {
namespace {

PlanContext scatterWrites() {
  PlanContext ctx;
  ctx.allowScatterWrites = true;
  return ctx;
}

TEST(PlanWrite, UpdateAndDeleteByKey) {
  runCases({
      {"UPDATE one key", Update({"users"}, Eq("id", 6000000)), "single s1 master",
       "shard key users.id in {6000000}: shard s1"},
      {"DELETE one key", Delete({"users"}, Eq("id", 20000000)), "single s2 master"},
      {"UPDATE IN across shards", Update({"users"}, In("id", {I(1), I(6000000), I(20000000)})),
       "multi s0,s1,s2 master", "masters of s0, s1, s2"},
      {"DELETE range", Delete({"orders"}, Between("user_id", I(4000000), I(6000000))),
       "multi s0,s1 master"},
      {"UPDATE key in the gap", Update({"users"}, Eq("id", 15000000)), "single s0 master",
       "matches no row"},
      {"DELETE key IS NULL", Delete({"users"}, IsNull("id")), "single s0 master"},
      {"UPDATE by key plus other conditions",
       Update({"users"}, And({Eq("id", 3), Cmp("age", Op::kGt, I(3))})), "single s0 master"},
      {"replica never used, even with no hint", Delete({"users"}, Eq("id", 1)), "single s0 master"},
  });
}

TEST(PlanWrite, WithoutKeyRefusedUnlessAllowed) {
  runCases({
      {"UPDATE without where", Update({"users"}, Unknown()), "reject 1175 HY000",
       "ERROR 1175 (HY000): UPDATE on sharded table users needs a condition on its shard key id "
       "(or set [routing] allow_scatter_writes = true)"},
      {"DELETE non-key where", Delete({"orders"}, Eq("status", Other("'x'"))), "reject 1175 HY000",
       "DELETE on sharded table orders needs a condition on its shard key user_id"},
      {"UPDATE key OR non-key", Update({"users"}, Or({Eq("id", 1), Eq("name", Other("'a'"))})),
       "reject 1175 HY000"},
      {"allowed: UPDATE every master", Update({"users"}, Unknown()), "scatter s0,s1,s2 master",
       "every master (allow_scatter_writes)", scatterWrites()},
      {"allowed: DELETE every master", Delete({"users"}), "scatter s0,s1,s2 master", "",
       scatterWrites()},
  });
}

TEST(PlanWrite, ChangingTheShardKeyIsRefused) {
  runCases({
      {"SET id", Update({"users"}, Eq("id", 1), {"name", "id"}), "reject 1235 42000",
       "UPDATE may not change shard key users.id (the row would have to move to another shard)"},
      {"SET ID (case)", Update({"users"}, Eq("id", 1), {"ID"}), "reject 1235 42000"},
      {"SET user_id on orders", Update({"orders"}, Eq("user_id", 1), {"user_id"}),
       "reject 1235 42000", "orders.user_id"},
      {"even with a shard hint",
       [] {
         sql::Statement s = Update({"users"}, Eq("id", 1), {"id"});
         s.hints.shard = "s0";
         return s;
       }(),
       "reject 1235 42000"},
      {"non-key column on unsharded table", Update({"audit_log"}, Unknown(), {"id"}),
       "single s0 master"},
  });
}

TEST(PlanWrite, GlobalAndUnshardedTables) {
  sql::Statement updateJoin =
      Update({"orders o", "countries c"}, And({ColEq("o.country", "c.code"), Eq("o.user_id", 1)}),
             {"tax"});
  sql::Statement deleteSubquery = Delete({"users", "countries"}, Eq("id", 6000000));
  deleteSubquery.multiTable = false;  // countries is read in a subquery
  deleteSubquery.shape.subquery = true;
  runCases({
      {"UPDATE global: every master", Update({"countries"}, Eq("code", Other("'FR'"))),
       "broadcast s0,s1,s2 master", "UPDATE of global table countries: every master"},
      {"DELETE global", Delete({"countries"}), "broadcast s0,s1,s2 master"},
      {"UPDATE unsharded", Update({"audit_log"}, Unknown()), "single s0 master",
       "UPDATE of unsharded table audit_log: default shard s0"},
      {"DELETE unsharded", Delete({"audit_log"}), "single s0 master"},
      {"multi-table UPDATE with a global table", updateJoin, "reject 1235 42000",
       "UPDATE involving global table countries and orders (the copies of the global table on "
       "each shard would diverge)"},
      {"DELETE reading a global table in a subquery", deleteSubquery, "single s1 master"},
      {"UPDATE with a global subquery: target is the outer table",
       [] {
         sql::Statement s = Update({"users", "countries"}, Eq("id", 6000000));
         s.multiTable = false;
         s.shape.subquery = true;
         return s;
       }(),
       "single s1 master"},
      {"UPDATE unsharded with a sharded subquery",
       [] {
         sql::Statement s = Update({"audit_log", "users"}, Eq("id", 5), {"seen"});
         s.multiTable = false;
         s.shape.subquery = true;
         return s;
       }(),
       "reject 1235 42000", "cross-shard join between users and audit_log"},
      {"UPDATE global from sharded subquery",
       [] {
         sql::Statement s = Update({"countries", "users"}, Unknown(), {"n"});
         s.multiTable = false;
         return s;
       }(),
       "reject 1235 42000", "global table countries and users"},
  });
}

TEST(PlanWrite, MultiTable) {
  sql::Statement limited = Update({"users"}, In("id", {I(1), I(6000000)}));
  limited.shape.limit = true;
  runCases({
      {"UPDATE join on keys by key",
       Update({"users u", "orders o"}, And({ColEq("u.id", "o.user_id"), Eq("u.id", 20000000)}),
              {"total"}),
       "single s2 master"},
      {"DELETE join across shards",
       Delete({"users u", "orders o"}, And({Eq("u.id", 1), Eq("o.user_id", 6000000)})),
       "reject 1235 42000", "cross-shard join between users and orders"},
      {"UPDATE sharded + unsharded on the default shard",
       Update({"users u", "audit_log a"}, And({ColEq("u.id", "a.uid"), Eq("u.id", 2)}), {"x"}),
       "single s0 master"},
      {"UPDATE sharded + unsharded elsewhere",
       Update({"users u", "audit_log a"}, Eq("u.id", 6000000), {"x"}), "reject 1235 42000",
       "audit_log is unsharded"},
      {"multi-shard UPDATE with LIMIT", limited, "reject 1235 42000", "UPDATE with LIMIT"},
      {"prepare: UPDATE by ?", Update({"users"}, Eq("id", P(0))), "scatter s0,s1,s2 master",
       "until execute"},
      {"execute: UPDATE by ?",
       Update({"users"}, Eq("id", P(0))),
       "single s1 master",
       "",
       {},
       std::vector<sql::Value>{I(5000000)}},
  });
}

}  // namespace
}  // namespace sg::plan::testing
