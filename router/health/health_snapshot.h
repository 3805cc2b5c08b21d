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

#include "router/health/gtid.h"

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
  bool ioConnecting = false;             // replicas: the IO thread is (re)connecting to the master
  std::string lastError;                 // why the last check or replication failed
  std::optional<int64_t> secondsBehind;  // Seconds_Behind_Master; nullopt when NULL
  std::optional<int64_t> lagMs;          // measured lag; nullopt = unknown
  std::optional<uint64_t> heartbeatSeq;  // replicas: applied; masters: last written
  std::chrono::steady_clock::time_point checkedAt{};
  // With read_your_writes: masters' @@gtid_binlog_pos (MySQL @@gtid_executed), replicas'
  // @@gtid_slave_pos, and when the query that read it was sent.
  std::optional<GtidPosition> gtid;
  std::chrono::steady_clock::time_point gtidAt{};
  // When the last successful check started, and when the last failed one ended (epoch = never).
  std::chrono::steady_clock::time_point goodSince{};
  std::chrono::steady_clock::time_point failedAt{};

  // Both replication threads run.
  bool replicating() const { return ioRunning && sqlRunning; }
};

struct HealthSnapshot {
  std::map<std::string, ServerHealth, std::less<>> servers;  // by key

  const ServerHealth* find(std::string_view key) const;
  // Masters: up. Replicas: up, both replication threads running, and a known lag of at most
  // maxLagMs. Unknown servers are not fresh. While the replica's master is failing
  // (`masterFailing`), an IO thread that is reconnecting to it counts as running: the replica
  // has everything the master could send, and reads keep being served.
  bool fresh(std::string_view key, int64_t maxLagMs, bool masterFailing = false) const;
};

// The same rule for one server.
bool isFresh(const ServerHealth& server, int64_t maxLagMs, bool masterFailing = false);

// Down, or its last check failed.
inline bool isFailing(const ServerHealth& server) {
  return !server.up || server.consecutiveFailures > 0;
}

}  // namespace sg::health
