// Statements that carry no rows of their own: DDL, LOCK TABLES, SHOW / EXPLAIN, session state,
// transaction control, table-less SELECT / DO, CALL and the rest.

#include "router/plan/sql_text.h"
#include "router/plan/statement_planners.h"

namespace sg::plan {

namespace {

// Sharded or global tables exist on every shard; a statement about them goes to every master,
// one about unsharded tables to the default shard. Both at once cannot run anywhere.
Plan everyMasterOrDefault(const PlanInput& in, const std::string& what) {
  TableBinder binder(in.stmt.tables, in.map, in.ctx.currentSchema);
  const BoundTable* spread = binder.firstOfKind(TableKind::kSharded);
  if (spread == nullptr) spread = binder.firstOfKind(TableKind::kGlobal);
  const BoundTable* unsharded = binder.firstOfKind(TableKind::kUnsharded);
  if (spread != nullptr && unsharded != nullptr) {
    return notSupported("unsupported: " + what + " that mixes " +
                        (spread->kind == TableKind::kSharded ? "sharded" : "global") + " table " +
                        spread->display + " with unsharded table " + unsharded->display);
  }
  if (spread != nullptr) {
    return everyMaster(in.map, what + " on " +
                                   (spread->kind == TableKind::kSharded ? "sharded" : "global") +
                                   " table " + spread->display + ": every master");
  }
  std::string on = unsharded != nullptr ? " on unsharded table " + unsharded->display : "";
  return singlePlan(defaultShardIndex(in.map), in.map, Target::kMaster,
                    what + on + ": default shard " + in.map.defaultShard().name);
}

}  // namespace

Plan planDdl(const PlanInput& in) { return everyMasterOrDefault(in, "DDL"); }

Plan planLockTables(const PlanInput& in) { return everyMasterOrDefault(in, "LOCK TABLES"); }

Plan planOther(const PlanInput& in) {
  const sql::Statement& stmt = in.stmt;
  if (stmt.type == sql::StatementType::kXa) {
    return notSupported("unsupported: XA transactions through shardgate");
  }
  TableBinder binder(stmt.tables, in.map, in.ctx.currentSchema);
  const BoundTable* spread = binder.firstOfKind(TableKind::kSharded);
  if (spread == nullptr) spread = binder.firstOfKind(TableKind::kGlobal);
  if (stmt.type == sql::StatementType::kOther && spread != nullptr) {
    std::string keyword = firstKeyword(in.sql);
    const char* kind = spread->kind == TableKind::kSharded ? "sharded" : "global";
    if (keyword == "LOAD") {
      return notSupported("unsupported: LOAD DATA into " + std::string(kind) + " table " +
                          spread->display + " (load each shard's master directly)");
    }
    if (keyword == "HANDLER") {
      return notSupported("unsupported: HANDLER on " + std::string(kind) + " table " +
                          spread->display);
    }
    // ANALYZE / OPTIMIZE / CHECK / GRANT ... ON / FLUSH TABLES ...: the table is on every shard.
    return everyMasterOrDefault(in, keyword.empty() ? "statement" : keyword);
  }
  std::string what = verb(stmt.type);
  if (stmt.type == sql::StatementType::kOther) {
    std::string keyword = firstKeyword(in.sql);
    if (!keyword.empty()) what = keyword;
  }
  if (const BoundTable* unsharded = binder.firstOfKind(TableKind::kUnsharded)) {
    return singlePlan(defaultShardIndex(in.map), in.map, Target::kMaster,
                      what + " on unsharded table " + unsharded->display + ": default shard " +
                          in.map.defaultShard().name);
  }
  return singlePlan(defaultShardIndex(in.map), in.map, Target::kMaster,
                    what + ": default shard " + in.map.defaultShard().name);
}

Plan planTableless(const PlanInput& in) {
  size_t defaultShard = defaultShardIndex(in.map);
  size_t shard = transactionShardOr(in, defaultShard);
  return singlePlan(shard, in.map, Target::kMaster,
                    std::string("no table: ") +
                        (shard == defaultShard ? "default shard " : "transaction shard ") +
                        in.map.shards()[shard].name);
}

Plan planMetadata(const PlanInput& in) {
  // Every shard has the schema of sharded and global tables; unsharded ones only the default.
  TableBinder binder(in.stmt.tables, in.map, in.ctx.currentSchema);
  size_t defaultShard = defaultShardIndex(in.map);
  size_t shard =
      binder.hasKind(TableKind::kUnsharded) ? defaultShard : transactionShardOr(in, defaultShard);
  Target target = in.stmt.hints.master || in.ctx.inTransaction ? Target::kMaster : Target::kReplica;
  return singlePlan(shard, in.map, target,
                    std::string(verb(in.stmt.type)) + ": answered by " +
                        (shard == defaultShard ? "the default shard " : "the transaction shard ") +
                        in.map.shards()[shard].name);
}

Plan planSession(const PlanInput& in) {
  if (in.stmt.type == sql::StatementType::kEmpty) {
    return singlePlan(defaultShardIndex(in.map), in.map, Target::kMaster,
                      "empty statement: default shard " + in.map.defaultShard().name);
  }
  return singlePlan(defaultShardIndex(in.map), in.map, Target::kMaster,
                    "session state (applied to every backend the session uses)");
}

Plan planTransactionControl(const PlanInput& in) {
  size_t shard = transactionShardOr(in, defaultShardIndex(in.map));
  return singlePlan(shard, in.map, Target::kMaster,
                    "transaction control (applied to every backend the transaction uses)");
}

}  // namespace sg::plan
