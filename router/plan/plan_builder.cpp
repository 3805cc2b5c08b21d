#include "router/plan/plan_builder.h"

namespace sg::plan {

namespace {
constexpr size_t kMaxKeyText = 120;
}

Plan rejectPlan(uint16_t code, std::string_view sqlState, std::string message) {
  Plan plan;
  plan.route = RouteKind::kReject;
  plan.target = Target::kMaster;
  plan.errorCode = code;
  plan.sqlState = sqlState;
  plan.reason = "ERROR " + std::to_string(code) + " (" + std::string(sqlState) + "): " + message;
  plan.errorMessage = std::move(message);
  return plan;
}

Plan notSupported(std::string message) {
  return rejectPlan(kErrNotSupported, "42000", std::move(message));
}

Plan routePlan(RouteKind route, const ShardSet& shards, const shardmap::ShardMap& map,
               Target target, std::string reason) {
  Plan plan;
  plan.route = route;
  plan.shards = shardNames(shards, map);
  plan.target = target;
  plan.reason = std::move(reason);
  return plan;
}

Plan singlePlan(size_t shard, const shardmap::ShardMap& map, Target target, std::string reason) {
  return routePlan(RouteKind::kSingle, ShardSet{shard}, map, target, std::move(reason));
}

Plan everyMaster(const shardmap::ShardMap& map, std::string reason) {
  return routePlan(RouteKind::kBroadcast, allShards(map), map, Target::kMaster, std::move(reason));
}

size_t defaultShardIndex(const shardmap::ShardMap& map) {
  return shardIndex(map, map.defaultShard());
}

size_t transactionShardOr(const PlanInput& in, size_t fallback) {
  if (!in.ctx.inTransaction || !in.ctx.transactionShard) return fallback;
  const shardmap::Shard* shard = in.map.findShard(*in.ctx.transactionShard);
  return shard == nullptr ? fallback : shardIndex(in.map, *shard);
}

const char* verb(sql::StatementType type) {
  using T = sql::StatementType;
  switch (type) {
    case T::kSelect:
      return "SELECT";
    case T::kInsert:
      return "INSERT";
    case T::kReplace:
      return "REPLACE";
    case T::kUpdate:
      return "UPDATE";
    case T::kDelete:
      return "DELETE";
    case T::kDdl:
      return "DDL";
    case T::kLockTables:
      return "LOCK TABLES";
    case T::kShow:
      return "SHOW";
    case T::kExplain:
      return "EXPLAIN";
    case T::kCall:
      return "CALL";
    case T::kDo:
      return "DO";
    default:
      return "statement";
  }
}

std::string keyPhrase(const ShardedScope& scope) {
  std::string keys = scope.keys.str();
  if (keys.size() > kMaxKeyText) {
    size_t cut = keys.rfind(' ', kMaxKeyText);
    keys = keys.substr(0, cut == std::string::npos ? kMaxKeyText : cut) + " ...";
  }
  return "shard key " + scope.keyDisplay + " in " + keys;
}

Plan noRowsPlan(const PlanInput& in, const ShardedScope& scope, Target target,
                bool needsDefaultShard) {
  size_t shard = needsDefaultShard ? defaultShardIndex(in.map) : transactionShardOr(in, 0);
  return singlePlan(shard, in.map, target,
                    keyPhrase(scope) + " matches no row any shard owns: sent to " +
                        in.map.shards()[shard].name + " for an empty result");
}

Plan provisionalPlan(const PlanInput& in, const ShardedScope& scope, Target target) {
  Plan plan = routePlan(
      RouteKind::kScatter, allShards(in.map), in.map, target,
      "shard key " + scope.keyDisplay + " depends on unbound parameters: all shards until execute");
  plan.dependsOnParams = true;
  return plan;
}

Plan crossShardJoin(std::string_view a, std::string_view b, std::string_view why) {
  std::string message =
      "unsupported: cross-shard join between " + std::string(a) + " and " + std::string(b);
  if (!why.empty()) message += " (" + std::string(why) + ")";
  return notSupported(std::move(message));
}

}  // namespace sg::plan
