#pragma once
// The routing planner: decides where one classified statement goes given a shard-map snapshot and
// the session's state. Pure and cheap (no I/O, no locks); never throws on anything the classifier
// produced. The rules, in short:
//  - sharded tables go where their shard-key conditions send them (exactly: AND intersects, OR
//    unites, ranges map to every shard they touch); no condition means every shard;
//  - writes, locking reads and everything in a transaction go to masters, plain reads to replicas;
//  - unsharded tables live on the default shard, global tables on every shard (writes to every
//    master, reads from one shard);
//  - whatever would need a cross-shard join, a merge beyond concatenation, a cross-shard
//    transaction or a scatter write is refused with a MySQL error instead of a wrong answer.
// Statements that carry no data are planned like this (the executor does the rest):
//  - SET / USE / UNLOCK TABLES: single, default shard, master, "session state (...)": the executor
//    applies them to every backend the session uses;
//  - BEGIN / COMMIT / ROLLBACK / SAVEPOINT ...: single, the transaction's shard (else the default
//    shard), master: the executor applies them to every backend the transaction uses;
//  - SHOW / EXPLAIN / DESCRIBE and table-less SELECT / DO: one shard (the transaction's, else the
//    default shard); CALL and other statements without tables: default shard, master.
// An empty shard-key condition (a key in a gap, `key = NULL`, `key IS NULL`, contradictions) can
// match no row: such a statement goes to one shard (the transaction's, else the first shard) so the
// client still gets a correct, empty result with real metadata.
// Where the statement leaves room for doubt the planner assumes the wider case:
//  - outer joins: the classifier keeps only the column equalities of their ON; `key IS NULL` then
//    matches any shard (null-extended rows), and a multi-shard outer join with a global table is
//    refused (the global rows would repeat once per shard);
//  - subqueries and derived tables: their conditions are not visible, so their sharded tables need
//    every shard (usually a refused cross-shard join), and outer conditions count only when they
//    name their table (`u.id = 5`), except in a single-table UPDATE / DELETE;
//  - a UNION of single-table SELECTs is planned as one table under the OR of the blocks' WHERE;
//  - multi-table UPDATE / DELETE touching a global table are refused (its copies could diverge);
//  - INSERT ... SELECT into a sharded table takes the new rows' keys to be the source rows' keys;
//  - several statements in one query are refused (only the first one is classified).

#include <string_view>

#include "router/plan/plan.h"
#include "router/sql/statement.h"
#include "shardmap/shard_map.h"

namespace sg::plan {

Plan planStatement(const sql::Statement& stmt, std::string_view sqlText,
                   const shardmap::ShardMap& map, const PlanContext& ctx);

}  // namespace sg::plan
