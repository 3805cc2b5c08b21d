#pragma once
// Compact text renderings of a classified Statement, so the table-driven classifier tests can
// state expectations in one line per SQL statement and print readable diffs.

#include <string>

#include "router/sql/statement.h"

namespace sg::sql::test {

// "db.t a, u" — schema.name alias, in order.
inline std::string tablesText(const Statement& st) {
  std::string out;
  for (const TableRef& t : st.tables) {
    if (!out.empty()) out += ", ";
    if (!t.schema.empty()) out += t.schema + ".";
    out += t.name;
    if (!t.alias.empty()) out += " " + t.alias;
  }
  return out;
}

// "distinct aggregates groupBy having orderBy limit(10) union subquery window forUpdate into"
inline std::string shapeText(const SelectShape& s) {
  std::string out;
  auto add = [&](bool on, const std::string& word) {
    if (!on) return;
    if (!out.empty()) out += ' ';
    out += word;
  };
  add(s.distinct, "distinct");
  add(s.aggregates, "aggregates");
  add(s.groupBy, "groupBy");
  add(s.having, "having");
  add(s.orderBy, "orderBy");
  add(s.limit, s.limitText ? "limit(" + *s.limitText + ")" : std::string("limit"));
  add(s.union_, "union");
  add(s.subquery, "subquery");
  add(s.windowFunctions, "window");
  add(s.forUpdate, "forUpdate");
  add(s.intoOutfile, "into");
  return out;
}

// Everything else that is not the default, e.g. "multi params=2 schema=db".
inline std::string extraText(const Statement& st) {
  std::string out;
  auto add = [&](bool on, const std::string& word) {
    if (!on) return;
    if (!out.empty()) out += ' ';
    out += word;
  };
  add(st.multiTable, "multi");
  add(st.hasDerivedTable, "derived");
  add(st.outerJoin, "outer");
  add(st.paramCount > 0, "params=" + std::to_string(st.paramCount));
  add(!st.schema.empty(), "schema=" + st.schema);
  add(st.readOnly, "readOnly");
  add(st.ddlIfExists, "ifExists");
  add(st.ddlIfNotExists, "ifNotExists");
  add(st.temporary, "temporary");
  add(st.explained != StatementType::kEmpty, std::string("explained=") + toString(st.explained));
  add(!st.savepoint.empty(), "savepoint=" + st.savepoint);
  add(st.chain, "chain");
  add(st.release, "release");
  add(st.multipleStatements, "multiStatements");
  add(st.hints.shard.has_value(), "hint.shard=" + st.hints.shard.value_or(""));
  add(st.hints.master, "hint.master");
  add(st.hints.maxLagMs.has_value(),
      "hint.maxLagMs=" + std::to_string(st.hints.maxLagMs.value_or(0)));
  add(st.insert.has_value(), "insert");
  add(
      !st.assignedColumns.empty(), "assigned=" + [&] {
        std::string cols;
        for (const std::string& c : st.assignedColumns) cols += (cols.empty() ? "" : ",") + c;
        return cols;
      }());
  add(!st.sets.empty(), "sets=" + std::to_string(st.sets.size()));
  add(st.error.has_value(), "error");
  return out;
}

// One SET item: "SESSION sql_mode='x'" (bool value appended as [true]/[false]).
inline std::string setItemText(const SetItem& item) {
  std::string out = std::string(toString(item.kind)) + " " + item.name + "=" + item.valueText;
  if (item.boolValue) out += *item.boolValue ? " [true]" : " [false]";
  return out;
}

}  // namespace sg::sql::test
