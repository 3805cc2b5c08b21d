// Planning statements over several tables: joins on shard keys, outer joins, subqueries and
// UNIONs (what the classifier's flattened conditions can and cannot prove).

#include <gtest/gtest.h>

#include "tests/unit/plan/plan_case.h"

namespace sg::plan::testing {
namespace {

TEST(PlanJoin, Joins) {
  runCases({
      {"joined on keys with a key condition",
       Select({"users u", "orders o"}, And({ColEq("u.id", "o.user_id"), Eq("u.id", 6000000)})),
       "single s1 replica", "shard key users.id = orders.user_id in {6000000}: shard s1"},
      {"condition on the other side",
       Select({"users u", "orders o"}, And({ColEq("o.user_id", "u.id"), Eq("o.user_id", 7)})),
       "single s0 replica"},
      {"unqualified key column names its table",
       Select({"users u", "orders o"}, And({ColEq("u.id", "o.user_id"), Eq("user_id", 25000000)})),
       "single s2 replica"},
      {"join, OR over both keys",
       Select({"users u", "orders o"},
              And({ColEq("u.id", "o.user_id"), Or({Eq("u.id", 1), Eq("o.user_id", 2)})})),
       "single s0 replica"},
      {"join on keys without key condition",
       Select({"users u", "orders o"}, ColEq("u.id", "o.user_id")), "scatter s0,s1,s2 replica",
       "no condition on shard key users.id = orders.user_id"},
      {"three tables on keys",
       Select({"users u", "orders o", "items i"},
              And({ColEq("u.id", "o.user_id"), ColEq("o.user_id", "i.order_owner"),
                   Eq("i.order_owner", 5)})),
       "single s0 replica"},
      {"not joined on keys, both on s1",
       Select({"users u", "orders o"}, And({Eq("u.id", 6000000), Eq("o.user_id", 7000000)})),
       "single s1 replica"},
      {"not joined on keys, different shards",
       Select({"users u", "orders o"}, And({Eq("u.id", 1), Eq("o.user_id", 7000000)})),
       "reject 1235 42000", "unsupported: cross-shard join between users and orders"},
      {"joined on a non-key column",
       Select({"users u", "orders o"}, And({ColEq("u.id", "o.id"), Eq("u.id", 1)})),
       "reject 1235 42000", "cross-shard join between users and orders"},
      {"key join under OR does not count",
       Select({"users u", "orders o"}, Or({ColEq("u.id", "o.user_id"), Eq("u.id", 1)})),
       "reject 1235 42000", "cross-shard join"},
      {"self join on key",
       Select({"users a", "users b"}, And({ColEq("a.id", "b.id"), Eq("a.id", 20000005)})),
       "single s2 replica"},
      {"ambiguous unqualified key: both users refs", Select({"users a", "users b"}, Eq("id", 1)),
       "reject 1235 42000", "cross-shard join"},
      {"joined, key in the gap: no rows",
       Select({"users u", "orders o"}, And({ColEq("u.id", "o.user_id"), Eq("u.id", 12000000)})),
       "single s0 replica", "matches no row"},
      {"joined, contradiction across sides",
       Select({"users u", "orders o"},
              And({ColEq("u.id", "o.user_id"), Eq("u.id", 1), Eq("o.user_id", 6000000)})),
       "single s0 replica", "matches no row"},
      {"joined, IN across shards",
       Select({"users u", "orders o"},
              And({ColEq("u.id", "o.user_id"), In("u.id", {I(1), I(6000000)})})),
       "multi s0,s1 replica"},
  });
}

TEST(PlanJoin, OuterJoins) {
  // The classifier keeps only the column equalities of an outer join's ON; WHERE conditions still
  // route, but a null-extended row has NULL keys, so `key IS NULL` matches any shard.
  const std::string leftSql =
      "SELECT * FROM users u LEFT JOIN orders o ON o.user_id = u.id WHERE ...";
  sql::Statement byKey =
      Select({"users u", "orders o"}, And({ColEq("o.user_id", "u.id"), Eq("u.id", 5)}));
  sql::Statement antiJoin =
      Select({"users u", "orders o"}, And({ColEq("o.user_id", "u.id"), IsNull("o.user_id")}));
  sql::Statement antiJoinNullSafe =
      Select({"users u", "orders o"},
             And({ColEq("o.user_id", "u.id"), Cmp("o.user_id", Op::kNullSafeEq, Null())}));
  sql::Statement antiJoinLimit = antiJoin;
  antiJoinLimit.shape.limit = true;
  sql::Statement nullExtendedKey = Select(
      {"users u", "orders o"},
      And({ColEq("o.user_id", "u.id"), Or({IsNull("o.user_id"), Eq("o.user_id", 6000000)})}));
  sql::Statement withGlobal = Select({"countries c", "users u"}, ColEq("u.country", "c.code"));
  const std::string globalSql = "SELECT * FROM countries c LEFT JOIN users u ON u.country = c.code";
  sql::Statement globalByKey =
      Select({"users u", "countries c"}, And({ColEq("u.country", "c.code"), Eq("u.id", 7)}));
  runCases({
      {"left join on keys, WHERE key", byKey, "single s0 replica", "", {}, std::nullopt, leftSql},
      {"anti-join: IS NULL on the joined key",
       antiJoin,
       "scatter s0,s1,s2 replica",
       "no condition on shard key users.id = orders.user_id",
       {},
       std::nullopt,
       leftSql},
      {"anti-join with <=> NULL",
       antiJoinNullSafe,
       "scatter s0,s1,s2 replica",
       "",
       {},
       std::nullopt,
       leftSql},
      {"anti-join with LIMIT",
       antiJoinLimit,
       "scatter s0,s1,s2 replica",
       "all shards, results concatenated",
       {},
       std::nullopt,
       leftSql},
      {"IS NULL OR key",
       nullExtendedKey,
       "scatter s0,s1,s2 replica",
       "",
       {},
       std::nullopt,
       leftSql},
      {"IS NULL without outer join means no rows",
       antiJoin,
       "single s0 replica",
       "matches no row",
       {},
       std::nullopt,
       "SELECT * FROM users u JOIN orders o ON o.user_id = u.id WHERE o.user_id IS NULL"},
      {"outer join with a global table across shards",
       withGlobal,
       "reject 1235 42000",
       "outer join with global table countries (its rows would repeat once per shard)",
       {},
       std::nullopt,
       globalSql},
      {"outer join with a global table on one shard",
       globalByKey,
       "single s0 replica",
       "",
       {},
       std::nullopt,
       "SELECT * FROM users u LEFT JOIN countries c ON u.country = c.code"},
  });
}

TEST(PlanJoin, Subqueries) {
  // The outermost WHERE cannot see subquery tables, and the statement does not say which those
  // are: an unqualified key column is only trusted when there is a single table.
  auto withSubquery = [](sql::Statement s) {
    s.multiTable = false;
    s.shape.subquery = true;
    return s;
  };
  runCases({
      {"single table with a subquery", withSubquery(Select({"users"}, Eq("id", 6000000))),
       "single s1 replica"},
      {"qualified key, global subquery",
       withSubquery(Select({"users u", "countries"}, Eq("u.id", 6000000))), "single s1 replica"},
      {"unqualified key, global subquery",
       withSubquery(Select({"users", "countries"}, Eq("id", 6000000))), "reject 1235 42000",
       "subquery (table users has no shard-key condition; with subqueries, shardgate only uses a "
       "qualified key such as users.id)"},
      {"outer global, sharded subquery", withSubquery(Select({"countries", "users"}, Eq("id", 5))),
       "reject 1235 42000"},
      {"sharded subquery, unconstrained",
       withSubquery(Select({"users u", "orders o"}, Eq("u.id", 5))), "reject 1235 42000",
       "cross-shard join between users and orders"},
  });
}

TEST(PlanJoin, Unions) {
  // A UNION of single-table SELECTs arrives as OR(block conditions); references to one table
  // stand for the same rows there (and only there: not in self-joins or subqueries).
  auto unionOf = [](std::vector<std::string_view> tables, sql::Predicate where) {
    sql::Statement s = Select(std::move(tables), std::move(where));
    s.multiTable = false;
    s.shape.union_ = true;
    return s;
  };
  sql::Statement withSubquery = unionOf({"users", "users"}, Or({Eq("id", 1), Eq("id", 2)}));
  withSubquery.shape.subquery = true;
  runCases({
      {"both blocks on s0", unionOf({"users", "users"}, Or({Eq("id", 1), Eq("id", 2)})),
       "single s0 replica", "shard key users.id in [1, 2]: shard s0"},
      {"blocks on two shards", unionOf({"users", "users"}, Or({Eq("id", 1), Eq("id", 6000000)})),
       "reject 1235 42000", "unsupported in a cross-shard query: UNION (shard key"},
      {"a block without condition", unionOf({"users", "users"}, Unknown()), "reject 1235 42000",
       "UNION (tables users, users have no shard-key condition)"},
      {"different tables", unionOf({"users", "orders"}, Or({Eq("id", 1), Eq("user_id", 2)})),
       "reject 1235 42000",
       "unsupported in a cross-shard query: UNION of users and orders (not known to be on one "
       "shard)"},
      {"global and unsharded blocks", unionOf({"countries", "audit_log"}, Unknown()),
       "single s0 master"},
      {"same table with a subquery is not merged", withSubquery, "reject 1235 42000",
       "UNION of users and users"},
      {"self-join is not merged",
       Select({"users a", "users b"}, And({Eq("a.id", 1), Eq("b.id", 6000000)})),
       "reject 1235 42000", "cross-shard join between users and users"},
  });
}

}  // namespace
}  // namespace sg::plan::testing
