// INSERT and REPLACE: each row goes to the master of the shard owning its shard-key value; rows
// for several shards are split into one statement per shard. INSERT ... SELECT runs only where
// the source rows and the target are on one shard.

#include <map>

#include "router/plan/insert_split.h"
#include "router/plan/key_projection.h"
#include "router/plan/sql_text.h"
#include "router/plan/statement_planners.h"

namespace sg::plan {

namespace {

std::string intoPhrase(const PlanInput& in, const BoundTable& target) {
  return std::string(verb(in.stmt.type)) + " into sharded table " + target.display;
}

Plan planInsertSelect(const PlanInput& in, const BoundTable& target) {
  // The SELECT cannot refer to the target's columns: its conditions are about the sources only.
  std::vector<sql::TableRef> sourceRefs(in.stmt.tables.begin() + 1, in.stmt.tables.end());
  TableBinder sources(sourceRefs, in.map, in.ctx.currentSchema, Scoping::of(in.stmt));
  const auto& tables = sources.tables();
  std::string what = std::string(verb(in.stmt.type)) + " ... SELECT into " + target.display;
  size_t defaultShard = defaultShardIndex(in.map);
  bool anySharded = false;
  bool anyUnsharded = false;
  const BoundTable* firstSource = tables.empty() ? nullptr : &tables.front();
  for (const BoundTable& t : tables) {
    anySharded = anySharded || t.kind == TableKind::kSharded;
    anyUnsharded = anyUnsharded || t.kind == TableKind::kUnsharded;
  }
  auto refuse = [&](std::string why) {
    return notSupported("unsupported: " + what +
                        (firstSource ? " from " + firstSource->display : "") + " (" + why + ")");
  };

  if (target.kind == TableKind::kGlobal) {
    if (anySharded || anyUnsharded) {
      return refuse("a global table can only be filled from global tables");
    }
    return everyMaster(in.map, what + " from global tables: every master");
  }

  ShardedScope scope;
  if (anySharded) {
    ScopeOptions options;
    options.outerJoin = hasOuterJoin(in.sql);
    scope = resolveShardedScope(in.stmt.where, sources, in.map, in.ctx.params, options);
    if (scope.kind == ShardedScope::Kind::kDependsOnParams) {
      return provisionalPlan(in, scope, Target::kMaster);
    }
    if (scope.kind == ShardedScope::Kind::kCrossShard) {
      return crossShardJoin(scope.crossA, scope.crossB);
    }
    if (scope.kind == ShardedScope::Kind::kShards && scope.shards.size() > 1) {
      return refuse("the source rows come from shards " + joinShardNames(scope.shards, in.map) +
                    "; source and target must be on one shard");
    }
  }

  if (target.kind == TableKind::kUnsharded) {
    // Everything must be on the default shard.
    if (anySharded && scope.kind == ShardedScope::Kind::kShards &&
        scope.shards != ShardSet{defaultShard}) {
      return refuse("the source rows are on " + joinShardNames(scope.shards, in.map) +
                    " and the unsharded target on the default shard " + in.map.defaultShard().name);
    }
    return singlePlan(defaultShard, in.map, Target::kMaster,
                      what + ": default shard " + in.map.defaultShard().name);
  }

  // Sharded target: the source must be sharded too and resolve to one shard; the new rows are
  // taken to carry the source rows' keys (the planner cannot see them).
  if (!anySharded) {
    return refuse("the new rows' shard key " + target.key +
                  " is unknown; a sharded target needs a sharded source on one shard");
  }
  if (anyUnsharded) {
    return refuse(sources.firstOfKind(TableKind::kUnsharded)->display +
                  " is unsharded; source and target must be on one shard");
  }
  if (scope.kind == ShardedScope::Kind::kNoRows) {
    return noRowsPlan(in, scope, Target::kMaster, false);
  }
  size_t shard = scope.shards.front();
  return singlePlan(shard, in.map, Target::kMaster,
                    what + ": " + keyPhrase(scope) + ": shard " + in.map.shards()[shard].name);
}

}  // namespace

Plan planInsert(const PlanInput& in) {
  const sql::Statement& stmt = in.stmt;
  TableBinder binder(stmt.tables, in.map, in.ctx.currentSchema);
  size_t defaultShard = defaultShardIndex(in.map);
  if (binder.tables().empty()) {
    return singlePlan(defaultShard, in.map, Target::kMaster,
                      std::string(verb(stmt.type)) + " without a table: default shard " +
                          in.map.defaultShard().name);
  }
  if (auto reject = rejectKeyChange(in, binder)) return *reject;
  const BoundTable& target = binder.tables().front();
  bool fromSelect = !stmt.insert || stmt.insert->fromSelect;
  if (stmt.insert && stmt.insert->fromSelect) return planInsertSelect(in, target);

  if (target.kind == TableKind::kGlobal) {
    return everyMaster(in.map, std::string(verb(stmt.type)) + " into global table " +
                                   target.display + ": every master");
  }
  if (target.kind == TableKind::kUnsharded) {
    return singlePlan(defaultShard, in.map, Target::kMaster,
                      std::string(verb(stmt.type)) + " into unsharded table " + target.display +
                          ": default shard " + in.map.defaultShard().name);
  }
  if (fromSelect) {  // no rows were read: nothing to route by
    return notSupported(intoPhrase(in, target) + ": could not read its rows");
  }

  // Sharded target with VALUES rows.
  const sql::InsertRows& insert = *stmt.insert;
  if (insert.columns.empty()) {
    return notSupported(intoPhrase(in, target) +
                        " needs a column list that includes its shard key " + target.key);
  }
  size_t keyColumn = insert.columns.size();
  for (size_t c = 0; c < insert.columns.size(); ++c) {
    if (equalsIgnoreCase(insert.columns[c], target.key)) {
      keyColumn = c;
      break;
    }
  }
  if (keyColumn == insert.columns.size()) {
    return notSupported(intoPhrase(in, target) + " must set its shard key " + target.key);
  }
  if (insert.rows.empty()) return notSupported(intoPhrase(in, target) + " has no rows");

  std::map<size_t, std::vector<size_t>> rowsByShard;
  bool unbound = false;
  for (size_t r = 0; r < insert.rows.size(); ++r) {
    const std::vector<sql::Value>& row = insert.rows[r];
    std::string rowText = " (row " + std::to_string(r + 1) + ")";
    if (keyColumn >= row.size()) {
      return notSupported(intoPhrase(in, target) + ": no value for shard key " + target.key +
                          rowText);
    }
    const sql::Value& value = row[keyColumn];
    ResolvedValue v = resolveValue(value, in.ctx.params);
    switch (v.kind) {
      case ResolvedValue::Kind::kUnbound:
        unbound = true;
        continue;
      case ResolvedValue::Kind::kNull:
        return notSupported(intoPhrase(in, target) + ": shard key " + target.key + " is NULL" +
                            rowText);
      case ResolvedValue::Kind::kOther:
        return notSupported(intoPhrase(in, target) + ": shard key " + target.key +
                            " must be an integer constant, not " +
                            (value.text.empty() ? std::string("an expression") : value.text) +
                            rowText);
      case ResolvedValue::Kind::kInt:
        break;
    }
    const shardmap::Shard* shard = in.map.lookup(v.i);
    if (shard == nullptr) {
      return rejectPlan(kErrNoShardForKey, "HY000",
                        "no shard owns shard key " + target.display + "." + target.key + " = " +
                            std::to_string(v.i) + " (" + verb(stmt.type) + " row " +
                            std::to_string(r + 1) + ")");
    }
    rowsByShard[shardIndex(in.map, *shard)].push_back(r);
  }
  if (unbound) {
    ShardedScope scope;
    scope.keyDisplay = target.display + "." + target.key;
    return provisionalPlan(in, scope, Target::kMaster);
  }

  std::string rowsText =
      insert.rows.size() == 1 ? "1 row" : std::to_string(insert.rows.size()) + " rows";
  if (rowsByShard.size() == 1) {
    size_t shard = rowsByShard.begin()->first;
    return singlePlan(shard, in.map, Target::kMaster,
                      std::string(verb(stmt.type)) + " of " + rowsText + " into " + target.display +
                          " by shard key " + target.key + ": shard " + in.map.shards()[shard].name);
  }

  // Rows for several shards: one statement per shard.
  if (!rowSpansUsable(in.sql, insert)) {
    return notSupported(intoPhrase(in, target) + ": its rows belong to several shards and " +
                        "could not be split");
  }
  bool prepared = stmt.paramCount > 0;
  if (prepared && countPlaceholders(in.sql) != stmt.paramCount) {
    return notSupported(intoPhrase(in, target) + ": its rows belong to several shards and " +
                        "its parameters could not be split");
  }
  ShardSet shards;
  std::vector<ShardStatement> pieces;
  for (const auto& [shard, rows] : rowsByShard) {
    shards.push_back(shard);
    ShardStatement piece;
    piece.shard = in.map.shards()[shard].name;
    piece.sql = spliceRows(in.sql, insert, rows);
    if (prepared) piece.params = splicedParams(in.sql, insert, rows);
    pieces.push_back(std::move(piece));
  }
  Plan plan = routePlan(RouteKind::kMulti, shards, in.map, Target::kMaster,
                        std::string(verb(stmt.type)) + " of " + rowsText + " into " +
                            target.display + " split by shard key " + target.key + " over shards " +
                            joinShardNames(shards, in.map));
  plan.rewritten = std::move(pieces);
  return plan;
}

}  // namespace sg::plan
