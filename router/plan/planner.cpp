#include "router/plan/planner.h"

#include "router/plan/statement_planners.h"

namespace sg::plan {

namespace {

using T = sql::StatementType;

bool isTransactionControl(T type) {
  return type == T::kBegin || type == T::kCommit || type == T::kRollback || type == T::kSavepoint ||
         type == T::kReleaseSavepoint || type == T::kRollbackToSavepoint;
}

bool isSessionState(T type) {
  return type == T::kSet || type == T::kUse || type == T::kUnlockTables || type == T::kEmpty;
}

Plan planHinted(const PlanInput& in) {
  const std::string& name = *in.stmt.hints.shard;
  const shardmap::Shard* shard = in.map.findShard(name);
  if (shard == nullptr) {
    std::string known;
    for (const shardmap::Shard& s : in.map.shards()) known += (known.empty() ? "" : ", ") + s.name;
    return rejectPlan(
        kErrUnknownShard, "HY000",
        "shardgate hint shard=" + name + " names no shard of the map (shards: " + known + ")");
  }
  TableBinder binder(in.stmt.tables, in.map, in.ctx.currentSchema);
  if (auto reject = rejectKeyChange(in, binder)) return *reject;
  T type = in.stmt.type;
  Target target = Target::kMaster;
  if (type == T::kSelect && !in.stmt.insert) target = readTarget(in);
  if (type == T::kShow || type == T::kExplain) {
    target = in.stmt.hints.master || in.ctx.inTransaction ? Target::kMaster : Target::kReplica;
  }
  return singlePlan(shardIndex(in.map, *shard), in.map, target, "hint shard=" + name);
}

Plan dispatch(const PlanInput& in) {
  T type = in.stmt.type;
  if (isTransactionControl(type)) return planTransactionControl(in);
  if (isSessionState(type)) return planSession(in);
  if (in.stmt.hints.shard) return planHinted(in);
  switch (type) {
    case T::kSelect:
      return planSelect(in);
    case T::kInsert:
    case T::kReplace:
      return planInsert(in);
    case T::kUpdate:
    case T::kDelete:
      return planUpdateDelete(in);
    case T::kDdl:
      return planDdl(in);
    case T::kLockTables:
      return planLockTables(in);
    case T::kShow:
    case T::kExplain:
      return planMetadata(in);
    case T::kDo:
      return planTableless(in);
    case T::kCall:
    case T::kXa:
    case T::kOther:
      return planOther(in);
    default:
      return planOther(in);
  }
}

}  // namespace

Plan planStatement(const sql::Statement& stmt, std::string_view sqlText,
                   const shardmap::ShardMap& map, const PlanContext& ctx) {
  if (stmt.error) return rejectPlan(kErrParse, "42000", *stmt.error);
  // Only the first statement is classified: the others could need other shards.
  if (stmt.multipleStatements) {
    return notSupported("unsupported: several statements in one query (send them one by one)");
  }
  PlanInput in{stmt, sqlText, map, ctx};
  Plan plan = dispatch(in);
  if (plan.isReject()) return plan;
  if (ctx.inTransaction || stmt.hints.master) plan.target = Target::kMaster;
  return plan;
}

}  // namespace sg::plan
