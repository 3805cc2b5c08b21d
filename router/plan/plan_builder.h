#pragma once
// Shared pieces of the statement planners (router/plan/*_planner.cpp): the input they all take,
// how plans and rejects are built, and the names and reasons they share.

#include <string>
#include <string_view>

#include "router/plan/plan.h"
#include "router/plan/shard_set.h"
#include "router/plan/sharded_scope.h"
#include "router/plan/table_binder.h"
#include "router/sql/statement.h"
#include "shardmap/shard_map.h"

namespace sg::plan {

// Everything one planning call looks at, passed to each statement planner by reference.
struct PlanInput {
  const sql::Statement& stmt;
  std::string_view sql;
  const shardmap::ShardMap& map;
  const PlanContext& ctx;
};

Plan rejectPlan(uint16_t code, std::string_view sqlState, std::string message);
Plan notSupported(std::string message);  // 1235 42000
Plan routePlan(RouteKind route, const ShardSet& shards, const shardmap::ShardMap& map,
               Target target, std::string reason);
Plan singlePlan(size_t shard, const shardmap::ShardMap& map, Target target, std::string reason);
Plan everyMaster(const shardmap::ShardMap& map, std::string reason);  // kBroadcast

size_t defaultShardIndex(const shardmap::ShardMap& map);
// The open transaction's shard when there is one (and it is in the map), else `fallback`.
size_t transactionShardOr(const PlanInput& in, size_t fallback);

// "SELECT", "INSERT", "REPLACE", "UPDATE", "DELETE", ...
const char* verb(sql::StatementType type);

// "shard key users.id in {42}" (the key set shortened when long).
std::string keyPhrase(const ShardedScope& scope);

// A statement that can match no row: one shard for an empty result (see planner.h).
Plan noRowsPlan(const PlanInput& in, const ShardedScope& scope, Target target,
                bool needsDefaultShard);
// At prepare time with the shard key in unbound `?`: every shard, planned again at execute.
Plan provisionalPlan(const PlanInput& in, const ShardedScope& scope, Target target);
// "unsupported: cross-shard join between a and b"
Plan crossShardJoin(std::string_view a, std::string_view b, std::string_view why = {});

}  // namespace sg::plan
