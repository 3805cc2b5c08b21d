#include "tests/unit/plan/plan_fixture.h"

namespace sg::plan::testing {

sql::Statement Insert(std::string_view table, std::vector<std::string> columns,
                      std::vector<std::vector<sql::Value>> rows, std::string_view sql) {
  sql::Statement s = Stmt(sql::StatementType::kInsert, {table});
  sql::InsertRows insert;
  insert.columns = std::move(columns);
  insert.rows = std::move(rows);
  size_t values = sql.find("VALUES");
  if (values != std::string_view::npos) {
    size_t pos = values + 6;
    while (insert.rowSpans.size() < insert.rows.size()) {
      size_t open = sql.find('(', pos);
      if (open == std::string_view::npos) break;
      int depth = 0;
      size_t close = open;
      for (; close < sql.size(); ++close) {
        if (sql[close] == '(') ++depth;
        if (sql[close] == ')' && --depth == 0) break;
      }
      insert.rowSpans.emplace_back(open, close + 1);
      pos = close + 1;
    }
    if (!insert.rowSpans.empty()) {
      insert.valuesBegin = insert.rowSpans.front().first;
      insert.valuesEnd = insert.rowSpans.back().second;
    }
  }
  size_t params = 0;
  for (char c : sql) params += c == '?';
  s.paramCount = static_cast<uint32_t>(params);
  s.insert = std::move(insert);
  return s;
}

}  // namespace sg::plan::testing
