#include "router/exec/session_state.h"

#include <algorithm>

namespace sg::exec {

bool SessionState::recordSet(const sql::Statement& stmt, std::string_view sqlText) {
  if (stmt.type != sql::StatementType::kSet || stmt.sets.empty()) return false;
  std::vector<std::string> names;
  for (const auto& item : stmt.sets) {
    switch (item.kind) {
      case sql::SetKind::kNames:
      case sql::SetKind::kAutocommit:
      case sql::SetKind::kSessionVar:
      case sql::SetKind::kUserVar:
        names.push_back(item.name);
        break;
      case sql::SetKind::kTransaction:
        if (item.name != "session.transaction") return false;
        names.push_back(item.name);
        break;
      case sql::SetKind::kGlobalVar:
      case sql::SetKind::kOther:
        return false;
    }
  }
  std::sort(names.begin(), names.end());
  std::string key;
  for (const auto& n : names) key += n + ",";
  std::erase_if(sets_, [&](const Entry& e) { return e.key == key; });
  sets_.push_back({std::move(key), std::string(sqlText)});
  return true;
}

std::vector<std::string> SessionState::replay() const {
  std::vector<std::string> out;
  out.reserve(sets_.size());
  for (const auto& e : sets_) out.push_back(e.sql);
  return out;
}

void SessionState::reset(std::string schema) {
  schema_ = std::move(schema);
  sets_.clear();
}

}  // namespace sg::exec
