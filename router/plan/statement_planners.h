#pragma once
// The per-statement-kind planners that planStatement() (planner.cpp) dispatches to, one file each:
// reads (select_planner.cpp), UPDATE/DELETE (write_planner.cpp), INSERT/REPLACE
// (insert_planner.cpp), and statements that carry no rows (admin_planner.cpp).

#include <optional>

#include "router/plan/plan_builder.h"

namespace sg::plan {

Plan planSelect(const PlanInput& in);
Plan planUpdateDelete(const PlanInput& in);
Plan planInsert(const PlanInput& in);
Plan planDdl(const PlanInput& in);
Plan planLockTables(const PlanInput& in);
Plan planOther(const PlanInput& in);      // kOther, kCall, kXa
Plan planTableless(const PlanInput& in);  // SELECT / DO without tables
Plan planMetadata(const PlanInput& in);   // SHOW, EXPLAIN, DESCRIBE
Plan planSession(const PlanInput& in);    // SET, USE, UNLOCK TABLES, empty statements
Plan planTransactionControl(const PlanInput& in);

// Master for writes, locking reads, transactions and the `master` hint; replica otherwise.
Target readTarget(const PlanInput& in);
// The reject for an UPDATE or ON DUPLICATE KEY UPDATE that assigns a shard-key column.
std::optional<Plan> rejectKeyChange(const PlanInput& in, const TableBinder& binder);

}  // namespace sg::plan
