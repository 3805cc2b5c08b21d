#pragma once
// A routing plan: where one statement goes (which shards, master or replica) and why, or the MySQL
// error to send instead. The planner (planner.h) builds it from a classified statement and the
// shard map; the executor (router/exec/) carries it out. A plan never holds pointers into the map,
// so it stays valid after a shard-map reload.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "router/plan/merge_spec.h"
#include "router/sql/statement.h"

namespace sg::plan {

enum class RouteKind : uint8_t {
  kSingle,     // one shard
  kMulti,      // the shards a shard-key condition (or a split INSERT) selects
  kScatter,    // every shard, because no shard-key condition narrows it
  kBroadcast,  // every master: writes to global tables, DDL on sharded/global tables
  kReject,     // not sent anywhere; the client gets errorCode/sqlState/errorMessage
};

enum class Target : uint8_t {
  kMaster,
  kReplica,  // the executor picks a healthy replica, or the master when there is none
};

const char* toString(RouteKind route);  // "single", "multi", "scatter", "broadcast", "reject"
const char* toString(Target target);    // "master", "replica"

// MySQL errors a reject plan carries. Codes are MySQL's own where one fits, so clients and ORMs
// react as they would to the server:
//   1064 42000 ER_PARSE_ERROR          the classifier could not read the statement
//   1235 42000 ER_NOT_SUPPORTED_YET    cross-shard joins, merges not implemented yet, cross-shard
//                                      transactions, changing a shard key, INSERT without a usable
//                                      key, INSERT ... SELECT across shards, XA, LOAD DATA, ...
//   1175 HY000 ER_UPDATE_WITHOUT_KEY_IN_SAFE_MODE
//                                      UPDATE/DELETE on a sharded table with no shard-key condition
//                                      (unless [routing] allow_scatter_writes = true)
//   1526 HY000 ER_NO_PARTITION_FOR_GIVEN_VALUE
//                                      INSERT of a shard-key value that no shard's range owns
//   1210 HY000 ER_WRONG_ARGUMENTS      a /* shardgate: shard=NAME */ hint names an unknown shard
inline constexpr uint16_t kErrParse = 1064;
inline constexpr uint16_t kErrNotSupported = 1235;
inline constexpr uint16_t kErrWriteWithoutKey = 1175;
inline constexpr uint16_t kErrNoShardForKey = 1526;
inline constexpr uint16_t kErrUnknownShard = 1210;

// The statement one shard gets when shards get different statements (a split multi-row INSERT).
struct ShardStatement {
  std::string shard;
  std::string sql;
  // For a prepared statement: the 0-based indexes of the original statement's parameters that this
  // piece's placeholders take, in order (empty for the text protocol or when there are none).
  std::vector<uint32_t> params;
};

// The planner's decision for one statement: where it goes and why, or the error to send back.
// Built fresh per statement (plain values, no pointers into the shard map).
struct Plan {
  RouteKind route = RouteKind::kReject;
  std::vector<std::string> shards;  // sorted by name; empty for a reject
  Target target = Target::kMaster;
  std::string reason;  // stable, human-readable; for a reject "ERROR 1235 (42000): <message>"

  // Reject only: the MySQL error to send.
  uint16_t errorCode = 0;
  std::string sqlState;
  std::string errorMessage;

  // Non-empty when each shard gets a different statement (one entry per shard in `shards`).
  std::vector<ShardStatement> rewritten;
  // A read sent to several shards whose results are merged: `merge` says how (the statement each
  // shard runs and how rows combine). Shared so copying a plan stays cheap.
  bool needsMerge = false;
  std::shared_ptr<const MergeSpec> merge;
  // Planned at prepare time with a shard-key `?` not yet bound: the plan is provisional (every
  // shard) and must be computed again at COM_STMT_EXECUTE with the bound values.
  bool dependsOnParams = false;

  bool isReject() const { return route == RouteKind::kReject; }

  // {"route":"single|multi|scatter|broadcast|reject","shards":[...],"target":"master|replica",
  //  "reason":"..."} on one line; strings are JSON-escaped (invalid UTF-8 becomes U+FFFD).
  std::string toJson() const;
};

// What the planner needs to know about the session and the command being planned.
struct PlanContext {
  bool inTransaction = false;
  std::string currentSchema;
  bool allowScatterWrites = false;  // [routing] allow_scatter_writes
  // Bound values at COM_STMT_EXECUTE (kParam i resolves to (*params)[i]; integer parameters must
  // be given as kInt); nullptr at prepare time and for the text protocol.
  const std::vector<sql::Value>* params = nullptr;
  // The one shard an open transaction already uses (only consulted when inTransaction).
  std::optional<std::string> transactionShard;
};

// Appends `text` to `out` as a JSON string literal (with the quotes).
void appendJsonString(std::string& out, std::string_view text);

}  // namespace sg::plan
