// HealthSnapshot: see health_snapshot.h.

#include "router/health/health_snapshot.h"

namespace sg::health {

const ServerHealth* HealthSnapshot::find(std::string_view key) const {
  auto it = servers.find(key);
  return it == servers.end() ? nullptr : &it->second;
}

bool HealthSnapshot::fresh(std::string_view key, int64_t maxLagMs, bool masterFailing) const {
  const ServerHealth* s = find(key);
  return s != nullptr && isFresh(*s, maxLagMs, masterFailing);
}

bool isFresh(const ServerHealth& server, int64_t maxLagMs, bool masterFailing) {
  if (!server.up) return false;
  if (server.role == Role::kMaster) return true;
  const bool receiving = server.ioRunning || (masterFailing && server.ioConnecting);
  return receiving && server.sqlRunning && server.lagMs.has_value() && *server.lagMs <= maxLagMs;
}

}  // namespace sg::health
