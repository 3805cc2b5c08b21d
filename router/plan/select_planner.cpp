// SELECT: sharded tables by their shard-key conditions, unsharded on the default shard, global on
// one shard; multi-shard reads with the merge analyzeMerge() finds (merge_spec.h), or refused when
// no merge gives the answer one server would.

#include <optional>

#include "router/plan/sql_text.h"
#include "router/plan/statement_planners.h"

namespace sg::plan {

namespace {

// True if `where` compares an unqualified column named `key` (which, with subqueries, may belong
// to another table than the sharded one).
bool mentionsUnqualified(const sql::Predicate& p, const std::string& key, int depth) {
  if (depth > 64) return false;
  if (p.column.qualifier.empty() && equalsIgnoreCase(p.column.column, key)) return true;
  for (const sql::Predicate& child : p.children) {
    if (mentionsUnqualified(child, key, depth + 1)) return true;
  }
  return false;
}

std::string whyMultiShard(const ShardedScope& scope, const PlanInput& in) {
  if (scope.unconstrained) {
    bool several = scope.tables.size() > 1;
    std::string tables;
    for (const std::string& t : scope.tables) tables += (tables.empty() ? "" : ", ") + t;
    std::string why = (several ? "tables " : "table ") + tables + (several ? " have" : " has") +
                      " no shard-key condition";
    std::string key = scope.keyDisplay.substr(scope.keyDisplay.rfind('.') + 1);
    if (Scoping::of(in.stmt).nestedScopes && mentionsUnqualified(in.stmt.where, key, 0)) {
      why += "; with subqueries, shardgate only uses a qualified key such as " +
             scope.tables.front() + "." + key;
    }
    return why;
  }
  return keyPhrase(scope) + " spans shards " + joinShardNames(scope.shards, in.map);
}

}  // namespace

Target readTarget(const PlanInput& in) {
  bool master = in.stmt.shape.forUpdate || in.stmt.hints.master || in.ctx.inTransaction;
  return master ? Target::kMaster : Target::kReplica;
}

Plan planSelect(const PlanInput& in) {
  const sql::Statement& stmt = in.stmt;
  if (stmt.tables.empty()) return planTableless(in);
  TableBinder binder(stmt.tables, in.map, in.ctx.currentSchema, Scoping::of(stmt));
  Target target = readTarget(in);
  size_t defaultShard = defaultShardIndex(in.map);
  const BoundTable* unsharded = binder.firstOfKind(TableKind::kUnsharded);
  const BoundTable* sharded = binder.firstOfKind(TableKind::kSharded);
  if (sharded == nullptr) {
    if (unsharded != nullptr) {
      // Unsharded tables are read on the default shard's master: replicas serve the sharded
      // read path, where lag-aware replica choice applies.
      return singlePlan(defaultShard, in.map, Target::kMaster,
                        "unsharded table " + unsharded->display + ": default shard " +
                            in.map.defaultShard().name);
    }
    size_t shard = transactionShardOr(in, defaultShard);
    return singlePlan(shard, in.map, target,
                      "global table " + binder.firstOfKind(TableKind::kGlobal)->display +
                          ": read from " + in.map.shards()[shard].name);
  }

  bool outerJoin = binder.tables().size() > 1 && hasOuterJoin(in.sql);
  ScopeOptions options;
  options.outerJoin = outerJoin;
  ShardedScope scope = resolveShardedScope(stmt.where, binder, in.map, in.ctx.params, options);
  switch (scope.kind) {
    case ShardedScope::Kind::kNoShardedTables:  // not reached: there is a sharded table
    case ShardedScope::Kind::kDependsOnParams:
      return provisionalPlan(in, scope, target);
    case ShardedScope::Kind::kCrossShard:
      if (stmt.shape.union_) {
        return notSupported("unsupported in a cross-shard query: UNION of " + scope.crossA +
                            " and " + scope.crossB + " (not known to be on one shard)");
      }
      return crossShardJoin(scope.crossA, scope.crossB);
    case ShardedScope::Kind::kNoRows:
      return noRowsPlan(in, scope, target, unsharded != nullptr);
    case ShardedScope::Kind::kShards:
      break;
  }

  if (unsharded != nullptr) {
    if (scope.shards != ShardSet{defaultShard}) {
      return crossShardJoin(sharded->display, unsharded->display,
                            unsharded->display + " is unsharded and lives on the default shard " +
                                in.map.defaultShard().name + " only");
    }
    return singlePlan(defaultShard, in.map, target,
                      keyPhrase(scope) + " with unsharded table " + unsharded->display +
                          ": default shard " + in.map.defaultShard().name);
  }
  if (scope.shards.size() == 1) {
    return singlePlan(scope.shards.front(), in.map, target,
                      keyPhrase(scope) + ": shard " + in.map.shards()[scope.shards.front()].name);
  }

  // Several shards: only when merging their results gives the answer one server would.
  MergeAnalysis merge = analyzeMerge(stmt, in.sql);
  if (!merge.spec) {
    return notSupported("unsupported in a cross-shard query: " + merge.unsupported + " (" +
                        whyMultiShard(scope, in) + ")");
  }
  // A global table on the preserved side of an outer join would repeat its rows once per shard.
  if (outerJoin) {
    if (const BoundTable* global = binder.firstOfKind(TableKind::kGlobal)) {
      return notSupported("unsupported in a cross-shard query: outer join with global table " +
                          global->display + " (its rows would repeat once per shard)");
    }
  }
  bool everyKey = scope.unconstrained;
  std::string how = merge.spec->describe();
  std::string reason =
      scope.unconstrained
          ? "no condition on shard key " + scope.keyDisplay + ": all shards, " + how
          : keyPhrase(scope) + ": shards " + joinShardNames(scope.shards, in.map) + ", " + how;
  Plan plan = routePlan(everyKey ? RouteKind::kScatter : RouteKind::kMulti, scope.shards, in.map,
                        target, std::move(reason));
  plan.needsMerge = true;
  plan.merge = std::make_shared<const MergeSpec>(std::move(*merge.spec));
  return plan;
}

}  // namespace sg::plan
