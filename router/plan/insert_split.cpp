#include "router/plan/insert_split.h"

#include "router/plan/sql_text.h"

namespace sg::plan {

bool rowSpansUsable(std::string_view sql, const sql::InsertRows& insert) {
  if (insert.rowSpans.size() != insert.rows.size() || insert.rowSpans.empty()) return false;
  if (insert.valuesBegin > insert.valuesEnd || insert.valuesEnd > sql.size()) return false;
  size_t previousEnd = insert.valuesBegin;
  for (const auto& [begin, end] : insert.rowSpans) {
    if (begin < previousEnd || begin >= end || end > insert.valuesEnd) return false;
    previousEnd = end;
  }
  return true;
}

std::string spliceRows(std::string_view sql, const sql::InsertRows& insert,
                       const std::vector<size_t>& rows) {
  std::string out(sql.substr(0, insert.valuesBegin));
  for (size_t i = 0; i < rows.size(); ++i) {
    if (i > 0) out += ", ";
    const auto& [begin, end] = insert.rowSpans[rows[i]];
    out.append(sql.substr(begin, end - begin));
  }
  out.append(sql.substr(insert.valuesEnd));
  return out;
}

std::vector<uint32_t> splicedParams(std::string_view sql, const sql::InsertRows& insert,
                                    const std::vector<size_t>& rows) {
  // Parameters are numbered in text order: prefix, each row, the text between rows (none in
  // valid SQL, counted anyway), suffix.
  std::vector<uint32_t> rowFirst(insert.rowSpans.size());
  std::vector<uint32_t> rowCount(insert.rowSpans.size());
  uint32_t prefix = static_cast<uint32_t>(countPlaceholders(sql.substr(0, insert.valuesBegin)));
  uint32_t next = prefix;
  size_t previousEnd = insert.valuesBegin;
  for (size_t r = 0; r < insert.rowSpans.size(); ++r) {
    const auto& [begin, end] = insert.rowSpans[r];
    next += static_cast<uint32_t>(countPlaceholders(sql.substr(previousEnd, begin - previousEnd)));
    rowFirst[r] = next;
    rowCount[r] = static_cast<uint32_t>(countPlaceholders(sql.substr(begin, end - begin)));
    next += rowCount[r];
    previousEnd = end;
  }
  next += static_cast<uint32_t>(
      countPlaceholders(sql.substr(previousEnd, insert.valuesEnd - previousEnd)));
  uint32_t suffix = static_cast<uint32_t>(countPlaceholders(sql.substr(insert.valuesEnd)));

  std::vector<uint32_t> out;
  for (uint32_t p = 0; p < prefix; ++p) out.push_back(p);
  for (size_t r : rows) {
    for (uint32_t p = 0; p < rowCount[r]; ++p) out.push_back(rowFirst[r] + p);
  }
  for (uint32_t p = 0; p < suffix; ++p) out.push_back(next + p);
  return out;
}

}  // namespace sg::plan
