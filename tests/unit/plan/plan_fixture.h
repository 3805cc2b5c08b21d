#pragma once
// Shared fixture of the planner tests: a three-shard map with gaps, and terse builders for the
// hand-made sql::Statement values the planner is tested against (independently of the classifier).
//
//   s0 [0, 5000000)   s1 [5000000, 10000000)   gap [10000000, 20000000)   s2 [20000000, ∞)
//   keys below 0 belong to no shard; default shard s0
//   sharded: users(id), orders(user_id), items(order_owner); global: countries, currencies;
//   anything else (audit_log, ...) is unsharded.

#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "router/plan/planner.h"
#include "router/sql/statement.h"
#include "shardmap/shard_map_loader.h"

namespace sg::plan::testing {

constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

inline constexpr std::string_view kMapText = R"(version = 1
default_shard = "s0"
global_tables = ["countries", "currencies"]
[sharded_tables]
users  = "id"
orders = "user_id"
items  = "order_owner"
[shards.s0]
master = "10.0.0.1:3306"
replicas = ["10.0.0.11:3306"]
[shards.s1]
master = "10.0.0.2:3306"
[shards.s2]
master = "10.0.0.3:3306"
[[ranges]]
start = 0
end = 5000000
shard = "s0"
[[ranges]]
start = 5000000
end = 10000000
shard = "s1"
[[ranges]]
start = 20000000
shard = "s2"
)";

inline std::shared_ptr<const shardmap::ShardMap> loadMap(std::string_view text = kMapText) {
  auto result = shardmap::parseShardMap(text, "fixture.toml");
  if (!result.ok()) {
    ADD_FAILURE() << "fixture map invalid: " << result.errors.front().str();
    return nullptr;
  }
  return result.map;
}

inline const shardmap::ShardMap& fixtureMap() {
  static const std::shared_ptr<const shardmap::ShardMap> map = loadMap();
  return *map;
}

// --- values, columns, tables ---------------------------------------------------------------

inline sql::Value I(int64_t v) {
  sql::Value value;
  value.kind = sql::Value::Kind::kInt;
  value.i = v;
  value.text = std::to_string(v);
  return value;
}
inline sql::Value P(uint32_t index) {
  sql::Value value;
  value.kind = sql::Value::Kind::kParam;
  value.param = index;
  value.text = "?";
  return value;
}
inline sql::Value Null() {
  sql::Value value;
  value.kind = sql::Value::Kind::kNull;
  value.text = "NULL";
  return value;
}
inline sql::Value Other(std::string text) {
  sql::Value value;
  value.kind = sql::Value::Kind::kOther;
  value.text = std::move(text);
  return value;
}

// "id", "u.id", "db.users.id"
inline sql::ColumnRef C(std::string_view text) {
  sql::ColumnRef column;
  size_t dot = text.rfind('.');
  if (dot == std::string_view::npos) {
    column.column = std::string(text);
  } else {
    column.qualifier = std::string(text.substr(0, dot));
    column.column = std::string(text.substr(dot + 1));
  }
  return column;
}

// "users", "users u", "db.users", "db.users u"
inline sql::TableRef T(std::string_view text) {
  sql::TableRef table;
  size_t space = text.find(' ');
  std::string_view name = text.substr(0, space);
  if (space != std::string_view::npos) table.alias = std::string(text.substr(space + 1));
  size_t dot = name.find('.');
  if (dot != std::string_view::npos) {
    table.schema = std::string(name.substr(0, dot));
    name = name.substr(dot + 1);
  }
  table.name = std::string(name);
  return table;
}

// --- predicates ----------------------------------------------------------------------------

using Op = sql::CompareOp;
using PK = sql::Predicate::Kind;

inline sql::Predicate Unknown() { return {}; }
inline sql::Predicate Cmp(std::string_view column, Op op, sql::Value v) {
  sql::Predicate p;
  p.kind = PK::kCompare;
  p.column = C(column);
  p.op = op;
  p.value = std::move(v);
  return p;
}
inline sql::Predicate Eq(std::string_view column, sql::Value v) {
  return Cmp(column, Op::kEq, std::move(v));
}
inline sql::Predicate Eq(std::string_view column, int64_t v) { return Eq(column, I(v)); }
inline sql::Predicate In(std::string_view column, std::vector<sql::Value> values) {
  sql::Predicate p;
  p.kind = PK::kIn;
  p.column = C(column);
  p.values = std::move(values);
  return p;
}
inline sql::Predicate Between(std::string_view column, sql::Value lo, sql::Value hi) {
  sql::Predicate p;
  p.kind = PK::kBetween;
  p.column = C(column);
  p.values = {std::move(lo), std::move(hi)};
  return p;
}
inline sql::Predicate IsNull(std::string_view column) {
  sql::Predicate p;
  p.kind = PK::kIsNull;
  p.column = C(column);
  return p;
}
inline sql::Predicate ColEq(std::string_view a, std::string_view b) {
  sql::Predicate p;
  p.kind = PK::kColumnEq;
  p.column = C(a);
  p.otherColumn = C(b);
  return p;
}
inline sql::Predicate And(std::vector<sql::Predicate> children) {
  sql::Predicate p;
  p.kind = PK::kAnd;
  p.children = std::move(children);
  return p;
}
inline sql::Predicate Or(std::vector<sql::Predicate> children) {
  sql::Predicate p;
  p.kind = PK::kOr;
  p.children = std::move(children);
  return p;
}

// --- statements ----------------------------------------------------------------------------

inline sql::Statement Stmt(sql::StatementType type, std::vector<std::string_view> tables = {},
                           sql::Predicate where = {}) {
  sql::Statement s;
  s.type = type;
  for (auto t : tables) s.tables.push_back(T(t));
  s.multiTable = s.tables.size() > 1;
  s.where = std::move(where);
  return s;
}
inline sql::Statement Select(std::vector<std::string_view> tables, sql::Predicate where = {}) {
  return Stmt(sql::StatementType::kSelect, std::move(tables), std::move(where));
}
inline sql::Statement Update(std::vector<std::string_view> tables, sql::Predicate where,
                             std::vector<std::string> assigned = {"name"}) {
  sql::Statement s = Stmt(sql::StatementType::kUpdate, std::move(tables), std::move(where));
  s.assignedColumns = std::move(assigned);
  return s;
}
inline sql::Statement Delete(std::vector<std::string_view> tables, sql::Predicate where = {}) {
  return Stmt(sql::StatementType::kDelete, std::move(tables), std::move(where));
}

// INSERT INTO table (columns) VALUES rows, with spans computed from `sql`: the tuples are the
// parenthesised groups after the word VALUES (as the classifier would report them).
sql::Statement Insert(std::string_view table, std::vector<std::string> columns,
                      std::vector<std::vector<sql::Value>> rows, std::string_view sql = {});

// --- running the planner -------------------------------------------------------------------

inline Plan plan(const sql::Statement& s, const PlanContext& ctx = {}, std::string_view sql = {},
                 const shardmap::ShardMap& map = fixtureMap()) {
  return planStatement(s, sql, map, ctx);
}

// "single s0 replica", "multi s0,s1 master", "reject 1235" -- compact expectations.
inline std::string summary(const Plan& p) {
  if (p.isReject()) return "reject " + std::to_string(p.errorCode) + " " + p.sqlState;
  std::string out = std::string(toString(p.route)) + " ";
  for (size_t i = 0; i < p.shards.size(); ++i) out += (i ? "," : "") + p.shards[i];
  return out + " " + toString(p.target);
}

}  // namespace sg::plan::testing
