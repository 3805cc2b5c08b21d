#pragma once
// Where the rows of a statement's sharded tables live. Sharded tables joined on their shard keys
// (`a.key = b.key` in the top-level AND of the conditions) have co-located rows and form one group
// whose key condition is projected onto all the members' keys at once; the statement can run on
// one set of shards only when every group agrees on it (several groups must all land on the same
// single shard), otherwise it needs a cross-shard join.

#include <string>
#include <vector>

#include "router/plan/key_projection.h"
#include "router/plan/shard_set.h"
#include "router/plan/table_binder.h"
#include "router/sql/statement.h"
#include "shardmap/shard_map.h"

namespace sg::plan {

// Sharded tables whose rows are co-located, and the shards their rows can come from.
struct KeyGroup {
  std::vector<int> members;  // indexes into TableBinder::tables()
  KeyCondition condition;
  ShardSet shards;
  std::string keyDisplay;  // "users.id" or "users.id = orders.user_id"
};

// The verdict for all the sharded tables of a statement together: no rows, a set of shards, a
// cross-shard join, or "unknown until the parameters are bound".
struct ShardedScope {
  enum class Kind : uint8_t {
    kNoShardedTables,
    kNoRows,           // some group's key condition matches no key any shard owns
    kShards,           // `shards` (sorted); never empty
    kCrossShard,       // groups need different shards: crossA/crossB name two such tables
    kDependsOnParams,  // more than one shard until unbound `?` key values are known
  };
  Kind kind = Kind::kNoShardedTables;
  ShardSet shards;
  bool unconstrained = false;       // kShards: no key condition at all, every shard
  std::string keyDisplay;           // of the group that decided
  std::vector<std::string> tables;  // of the group that decided ("users", "otherdb.orders")
  KeySet keys;                      // of the group that decided
  std::string crossA;
  std::string crossB;
};

// How to read the statement's conditions (see the planner for when each applies).
struct ScopeOptions {
  // The statement has an outer join. The classifier keeps only the column equalities of an outer
  // join's ON (its other conditions do not filter the preserved side), so the conditions still
  // hold for every result row, except that null-extended rows have NULL keys.
  bool outerJoin = false;
};

std::vector<KeyGroup> groupByKey(const sql::Predicate& where, const TableBinder& binder,
                                 const shardmap::ShardMap& map,
                                 const std::vector<sql::Value>* params,
                                 const ScopeOptions& options);

ShardedScope resolveShardedScope(const sql::Predicate& where, const TableBinder& binder,
                                 const shardmap::ShardMap& map,
                                 const std::vector<sql::Value>* params,
                                 const ScopeOptions& options = {});

}  // namespace sg::plan
