#pragma once
// What the health monitor last learned about every server of the shard map, as one immutable
// snapshot (published through ProxyContext, read without locks): up or down, read_only,
// replication threads and lag. `fresh` is the question read routing asks.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace sg::health {

enum class Role : uint8_t { kMaster, kReplica };

struct ServerHealth {
  std::string key;    // "host:port", as Endpoint::str() writes it
  std::string shard;  // the shard it belongs to
  Role role = Role::kMaster;
  bool up = true;                        // false after fail_after failed checks in a row
  uint32_t consecutiveFailures = 0;      // failed checks since the last good one
  bool checked = false;                  // at least one check finished (either way)
  bool readOnly = false;                 // @@read_only at the last good check
  bool ioRunning = false;                // replicas: the IO (receiver) thread runs
  bool sqlRunning = false;               // replicas: the SQL (applier) thread runs
  std::string lastError;                 // why the last check or replication failed
  std::optional<int64_t> secondsBehind;  // Seconds_Behind_Master; nullopt when NULL
  std::optional<int64_t> lagMs;          // measured lag; nullopt = unknown
  std::optional<uint64_t> heartbeatSeq;  // replicas: applied; masters: last written
  std::chrono::steady_clock::time_point checkedAt{};

  // Both replication threads run.
  bool replicating() const { return ioRunning && sqlRunning; }
};

struct HealthSnapshot {
  std::map<std::string, ServerHealth, std::less<>> servers;  // by key

  const ServerHealth* find(std::string_view key) const;
  // Masters: up. Replicas: up, both replication threads running, and a known lag of at most
  // maxLagMs. Unknown servers are not fresh.
  bool fresh(std::string_view key, int64_t maxLagMs) const;
};

// The same rule for one server.
bool isFresh(const ServerHealth& server, int64_t maxLagMs);

}  // namespace sg::health
