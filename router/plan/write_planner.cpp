// UPDATE and DELETE: to the masters of the shards their shard-key conditions select. Without a
// condition they are refused unless scatter writes are allowed; a statement that would move a row
// (assigning its shard key) or make the copies of a global table diverge is refused.

#include "router/plan/sql_text.h"
#include "router/plan/statement_planners.h"

namespace sg::plan {

std::optional<Plan> rejectKeyChange(const PlanInput& in, const TableBinder& binder) {
  const sql::Statement& stmt = in.stmt;
  bool update = stmt.type == sql::StatementType::kUpdate;
  const std::vector<std::string>* assigned = nullptr;
  if (update) {
    assigned = &stmt.assignedColumns;
  } else if (stmt.insert && stmt.insert->onDuplicateKeyUpdate) {
    assigned = &stmt.insert->duplicateUpdateColumns;
  }
  if (assigned == nullptr) return std::nullopt;
  for (size_t i = 0; i < binder.tables().size(); ++i) {
    const BoundTable& t = binder.tables()[i];
    if (t.kind != TableKind::kSharded) continue;
    // An INSERT's ON DUPLICATE KEY UPDATE assigns columns of its target only.
    if (!update && i != 0) break;
    for (const std::string& column : *assigned) {
      if (!equalsIgnoreCase(column, t.key)) continue;
      std::string what =
          update ? "UPDATE" : std::string(verb(stmt.type)) + " ... ON DUPLICATE KEY UPDATE";
      return notSupported(what + " may not change shard key " + t.display + "." + t.key +
                          " (the row would have to move to another shard)");
    }
  }
  return std::nullopt;
}

Plan planUpdateDelete(const PlanInput& in) {
  const sql::Statement& stmt = in.stmt;
  const char* what = verb(stmt.type);
  TableBinder binder(stmt.tables, in.map, in.ctx.currentSchema, Scoping::of(stmt));
  if (auto reject = rejectKeyChange(in, binder)) return *reject;
  size_t defaultShard = defaultShardIndex(in.map);
  if (binder.tables().empty()) {
    return singlePlan(
        defaultShard, in.map, Target::kMaster,
        std::string(what) + " without a table: default shard " + in.map.defaultShard().name);
  }

  // Global tables: written on every master, and only from data every shard has.
  const auto& tables = binder.tables();
  size_t written = stmt.multiTable ? tables.size() : 1;  // otherwise the rest are subqueries
  for (size_t i = 0; i < written; ++i) {
    if (tables[i].kind != TableKind::kGlobal) continue;
    for (const BoundTable& other : tables) {
      if (other.kind == TableKind::kGlobal) continue;
      return notSupported("unsupported: " + std::string(what) + " involving global table " +
                          tables[i].display + " and " + other.display +
                          " (the copies of the global table on each shard would diverge)");
    }
    return everyMaster(
        in.map, std::string(what) + " of global table " + tables[i].display + ": every master");
  }

  const BoundTable* unsharded = binder.firstOfKind(TableKind::kUnsharded);
  const BoundTable* sharded = binder.firstOfKind(TableKind::kSharded);
  if (sharded == nullptr) {
    const BoundTable* t = unsharded != nullptr ? unsharded : &tables.front();
    return singlePlan(defaultShard, in.map, Target::kMaster,
                      std::string(what) + " of unsharded table " + t->display + ": default shard " +
                          in.map.defaultShard().name);
  }

  bool outerJoin = stmt.multiTable && hasOuterJoin(in.sql);
  ScopeOptions options;
  options.outerJoin = outerJoin;
  ShardedScope scope = resolveShardedScope(stmt.where, binder, in.map, in.ctx.params, options);
  switch (scope.kind) {
    case ShardedScope::Kind::kNoShardedTables:
    case ShardedScope::Kind::kDependsOnParams:
      return provisionalPlan(in, scope, Target::kMaster);
    case ShardedScope::Kind::kCrossShard:
      return crossShardJoin(scope.crossA, scope.crossB);
    case ShardedScope::Kind::kNoRows:
      return noRowsPlan(in, scope, Target::kMaster, unsharded != nullptr);
    case ShardedScope::Kind::kShards:
      break;
  }
  if (unsharded != nullptr) {
    if (scope.shards != ShardSet{defaultShard}) {
      return crossShardJoin(sharded->display, unsharded->display,
                            unsharded->display + " is unsharded and lives on the default shard " +
                                in.map.defaultShard().name + " only");
    }
    return singlePlan(defaultShard, in.map, Target::kMaster,
                      keyPhrase(scope) + " with unsharded table " + unsharded->display +
                          ": default shard " + in.map.defaultShard().name);
  }
  if (scope.shards.size() == 1) {
    return singlePlan(scope.shards.front(), in.map, Target::kMaster,
                      keyPhrase(scope) + ": shard " + in.map.shards()[scope.shards.front()].name);
  }
  bool everyKey = scope.unconstrained;
  if (everyKey && !in.ctx.allowScatterWrites) {
    return rejectPlan(kErrWriteWithoutKey, "HY000",
                      std::string(what) + " on sharded table " + sharded->display +
                          " needs a condition on its shard key " + sharded->key +
                          " (or set [routing] allow_scatter_writes = true)");
  }
  if (stmt.shape.limit || stmt.shape.orderBy) {
    return notSupported("unsupported in a cross-shard query: " + std::string(what) + " with " +
                        (stmt.shape.limit ? "LIMIT" : "ORDER BY") + " (shards " +
                        joinShardNames(scope.shards, in.map) + ")");
  }
  std::string reason =
      everyKey ? "no condition on shard key " + scope.keyDisplay +
                     ": every master (allow_scatter_writes)"
               : keyPhrase(scope) + ": masters of " + joinShardNames(scope.shards, in.map);
  return routePlan(everyKey ? RouteKind::kScatter : RouteKind::kMulti, scope.shards, in.map,
                   Target::kMaster, std::move(reason));
}

}  // namespace sg::plan
