// Replication status parsing: see replication_status.h.

#include "router/health/replication_status.h"

#include <charconv>
#include <initializer_list>

namespace sg::health {

namespace {

// The value of the first of `names` the row has (a NULL value counts as present).
const std::optional<std::string>* column(const StatusRow& row,
                                         std::initializer_list<const char*> names) {
  for (const char* n : names) {
    auto it = row.find(n);
    if (it != row.end()) return &it->second;
  }
  return nullptr;
}

std::string text(const StatusRow& row, std::initializer_list<const char*> names) {
  const auto* v = column(row, names);
  return v && *v ? **v : std::string();
}

}  // namespace

std::optional<ReplicationStatus> parseReplicationStatus(const StatusRow& row) {
  const auto* io = column(row, {"Slave_IO_Running", "Replica_IO_Running"});
  const auto* sql = column(row, {"Slave_SQL_Running", "Replica_SQL_Running"});
  if (!io || !sql) return std::nullopt;
  ReplicationStatus s;
  s.connectionName = text(row, {"Connection_name"});
  s.ioState = io->value_or("");
  s.ioRunning = s.ioState == "Yes";
  s.sqlRunning = sql->value_or("") == "Yes";
  for (const char* name : {"Last_IO_Error", "Last_SQL_Error", "Last_Error"}) {
    s.lastError = text(row, {name});
    if (!s.lastError.empty()) break;
  }
  const auto* behind = column(row, {"Seconds_Behind_Master", "Seconds_Behind_Source"});
  if (behind && *behind && !(*behind)->empty()) {
    const std::string& v = **behind;
    int64_t n = 0;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (ec == std::errc() && end == v.data() + v.size() && n >= 0) s.secondsBehind = n;
  }
  return s;
}

std::optional<ReplicationStatus> pickReplicationStatus(const std::vector<StatusRow>& rows) {
  std::optional<ReplicationStatus> first;
  for (const StatusRow& row : rows) {
    auto s = parseReplicationStatus(row);
    if (!s) continue;
    if (s->connectionName.empty()) return s;
    if (!first) first = std::move(s);
  }
  return first;
}

}  // namespace sg::health
