#pragma once
// One row of the planner's table-driven tests: a statement, the session context, and the expected
// plan in summary form ("single s0 replica", "reject 1235 42000") plus a reason substring.

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "tests/unit/plan/plan_fixture.h"

namespace sg::plan::testing {

struct PlanCase {
  std::string name;
  sql::Statement stmt;
  std::string expect;     // summary(plan)
  std::string reasonHas;  // substring of plan.reason ("" = anything)
  PlanContext ctx = {};
  std::optional<std::vector<sql::Value>> params = std::nullopt;  // bound into ctx.params
  std::string sql = {};
};

inline void runCases(const std::vector<PlanCase>& cases,
                     const shardmap::ShardMap& map = fixtureMap()) {
  for (const PlanCase& c : cases) {
    PlanContext ctx = c.ctx;
    if (c.params) ctx.params = &*c.params;
    Plan p = planStatement(c.stmt, c.sql, map, ctx);
    EXPECT_EQ(summary(p), c.expect) << c.name << "\n  reason: " << p.reason;
    EXPECT_NE(p.reason.find(c.reasonHas), std::string::npos)
        << c.name << "\n  reason: " << p.reason << "\n  wanted: " << c.reasonHas;
    if (p.isReject()) {
      EXPECT_EQ(p.reason,
                "ERROR " + std::to_string(p.errorCode) + " (" + p.sqlState + "): " + p.errorMessage)
          << c.name;
      EXPECT_TRUE(p.shards.empty()) << c.name;
    }
  }
}

inline PlanContext inTransaction(std::optional<std::string> shard = std::nullopt) {
  PlanContext ctx;
  ctx.inTransaction = true;
  ctx.transactionShard = std::move(shard);
  return ctx;
}

}  // namespace sg::plan::testing
