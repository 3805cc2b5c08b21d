#pragma once
// The tables of one statement as the shard map sees them (sharded with a key column, global, or
// unsharded), and which of them a column in a condition belongs to. Sharding config applies to a
// table name whatever its schema: `otherdb.users` is sharded when `users` is; the schema is kept
// for messages.

#include <string>
#include <string_view>
#include <vector>

#include "router/sql/statement.h"
#include "shardmap/shard_map.h"

namespace sg::plan {

enum class TableKind : uint8_t { kSharded, kGlobal, kUnsharded };

// One table reference of the statement, with what the shard map says about its name.
struct BoundTable {
  const sql::TableRef* ref = nullptr;
  TableKind kind = TableKind::kUnsharded;
  std::string key;      // shard-key column (kSharded only)
  std::string display;  // "users" or "otherdb.users"
};

// How a statement's table list relates to the scopes its conditions can see.
struct Scoping {
  // Several references to one table stand for the same rows: a UNION of single-table SELECTs,
  // whose conditions arrive OR-ed. (In self-joins and subqueries they are different rows.)
  bool sameNameIsOneTable = false;
  // Some tables are only in subqueries or derived tables, which the outermost conditions cannot
  // refer to, and the statement does not say which: only columns that name their table
  // unambiguously are resolved (an unqualified `id` might be the outer table's own column).
  bool nestedScopes = false;
  // With nested scopes: the one table of the outermost scope when it is known (a single-table
  // UPDATE / DELETE lists its target first), which unqualified columns then belong to.
  int outerTable = -1;

  static Scoping of(const sql::Statement& stmt);
};

// Looks up each of a statement's tables in the shard map once, then tells which table a column of
// a condition belongs to, following MySQL's name resolution as far as the statement shows it.
class TableBinder {
 public:
  TableBinder(const std::vector<sql::TableRef>& tables, const shardmap::ShardMap& map,
              std::string_view currentSchema, Scoping scoping = {});

  const std::vector<BoundTable>& tables() const { return tables_; }
  bool hasKind(TableKind kind) const;
  // The first table of that kind, or nullptr.
  const BoundTable* firstOfKind(TableKind kind) const;

  // Index of the table `column` belongs to, or -1 when it cannot be told. A qualifier is matched
  // against aliases first, then names of unaliased tables, then any name ("db.t" also checks the
  // schema); with nested scopes it must match one table only, whichever way. An unqualified
  // column belongs to the only table, or in a join to the one sharded table whose shard key has
  // that name (MySQL refuses ambiguous names, and the key column exists in its table).
  int resolve(const sql::ColumnRef& column) const;
  // True when `column` is the shard-key column of table `index` (column names are
  // case-insensitive, as in MySQL).
  bool isKeyOf(int index, const sql::ColumnRef& column) const;
  // "users.id" for table `index` (sharded).
  std::string keyDisplay(int index) const;
  bool sameNameIsOneTable() const { return scoping_.sameNameIsOneTable; }
  bool sameTable(size_t a, size_t b) const;

 private:
  int resolveQualified(std::string_view qualifier) const;
  // Two matches are ambiguous unless they are the same table and sameNameIsOneTable.
  bool ambiguous(size_t a, size_t b) const {
    return !(scoping_.sameNameIsOneTable && sameTable(a, b));
  }

  std::vector<BoundTable> tables_;
  std::string currentSchema_;
  Scoping scoping_;
};

bool equalsIgnoreCase(std::string_view a, std::string_view b);

}  // namespace sg::plan
