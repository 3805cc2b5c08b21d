#include "router/plan/table_binder.h"

#include <algorithm>

namespace sg::plan {

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    auto lower = [](char c) {
      return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    };
    return lower(x) == lower(y);
  });
}

Scoping Scoping::of(const sql::Statement& stmt) {
  Scoping scoping;
  scoping.nestedScopes = stmt.shape.subquery || stmt.hasDerivedTable;
  bool singleTableWrite =
      (stmt.type == sql::StatementType::kUpdate || stmt.type == sql::StatementType::kDelete) &&
      !stmt.multiTable;
  if (singleTableWrite && stmt.tables.size() > 1) {  // the others are in subqueries
    scoping.nestedScopes = true;
    scoping.outerTable = 0;
  }
  scoping.sameNameIsOneTable = stmt.shape.union_ && !stmt.multiTable && !scoping.nestedScopes;
  return scoping;
}

TableBinder::TableBinder(const std::vector<sql::TableRef>& tables, const shardmap::ShardMap& map,
                         std::string_view currentSchema, Scoping scoping)
    : currentSchema_(currentSchema), scoping_(scoping) {
  tables_.reserve(tables.size());
  for (const sql::TableRef& ref : tables) {
    BoundTable bound;
    bound.ref = &ref;
    bound.display = ref.schema.empty() ? ref.name : ref.schema + "." + ref.name;
    auto it = map.shardedTables().find(ref.name);
    if (it != map.shardedTables().end()) {
      bound.kind = TableKind::kSharded;
      bound.key = it->second;
    } else if (map.isGlobal(ref.name)) {
      bound.kind = TableKind::kGlobal;
    }
    tables_.push_back(std::move(bound));
  }
}

bool TableBinder::hasKind(TableKind kind) const { return firstOfKind(kind) != nullptr; }

const BoundTable* TableBinder::firstOfKind(TableKind kind) const {
  for (const BoundTable& t : tables_) {
    if (t.kind == kind) return &t;
  }
  return nullptr;
}

int TableBinder::resolveQualified(std::string_view qualifier) const {
  auto unique = [&](auto&& matches) {
    int found = -1;
    for (size_t i = 0; i < tables_.size(); ++i) {
      if (!matches(*tables_[i].ref)) continue;
      if (found < 0) {
        found = static_cast<int>(i);
      } else if (ambiguous(static_cast<size_t>(found), i)) {
        return -2;
      }
    }
    return found;
  };
  size_t dot = qualifier.rfind('.');
  if (dot != std::string_view::npos) {
    std::string_view schema = qualifier.substr(0, dot);
    std::string_view name = qualifier.substr(dot + 1);
    int found = unique([&](const sql::TableRef& r) {
      if (r.name != name) return false;
      if (!r.schema.empty()) return r.schema == schema;
      return currentSchema_.empty() || currentSchema_ == schema;
    });
    return std::max(found, -1);
  }
  if (scoping_.nestedScopes) {
    int found =
        unique([&](const sql::TableRef& r) { return r.alias == qualifier || r.name == qualifier; });
    return std::max(found, -1);
  }
  // Tiers: alias, name of an unaliased table, name of any table. The first tier with a match
  // decides; two matches in it mean the column cannot be told.
  int found = unique([&](const sql::TableRef& r) { return r.alias == qualifier; });
  if (found == -1) {
    found = unique([&](const sql::TableRef& r) { return r.alias.empty() && r.name == qualifier; });
  }
  if (found == -1) found = unique([&](const sql::TableRef& r) { return r.name == qualifier; });
  return std::max(found, -1);
}

int TableBinder::resolve(const sql::ColumnRef& column) const {
  if (!column.qualifier.empty()) return resolveQualified(column.qualifier);
  if (tables_.size() == 1) return 0;
  if (scoping_.nestedScopes) return scoping_.outerTable;
  int found = -1;
  for (size_t i = 0; i < tables_.size(); ++i) {
    const BoundTable& t = tables_[i];
    if (t.kind != TableKind::kSharded || !equalsIgnoreCase(t.key, column.column)) continue;
    if (found < 0) {
      found = static_cast<int>(i);
    } else if (ambiguous(static_cast<size_t>(found), i)) {
      return -1;  // two sharded tables share that key name
    }
  }
  return found;
}

bool TableBinder::sameTable(size_t a, size_t b) const {
  const sql::TableRef& x = *tables_[a].ref;
  const sql::TableRef& y = *tables_[b].ref;
  return x.name == y.name && x.schema == y.schema;
}

bool TableBinder::isKeyOf(int index, const sql::ColumnRef& column) const {
  if (index < 0 || static_cast<size_t>(index) >= tables_.size()) return false;
  const BoundTable& t = tables_[static_cast<size_t>(index)];
  return t.kind == TableKind::kSharded && equalsIgnoreCase(t.key, column.column);
}

std::string TableBinder::keyDisplay(int index) const {
  const BoundTable& t = tables_[static_cast<size_t>(index)];
  return t.display + "." + t.key;
}

}  // namespace sg::plan
