#pragma once
// What every client session of one shardgate process shares: settings, the accounts, the
// current shard map (an immutable snapshot, swapped atomically on reload), the health monitor's
// latest snapshot (same), what the backends announced about themselves, and connection
// counters. Thread-safe.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "router/admin/metrics.h"
#include "router/health/health_snapshot.h"
#include "router/net/authenticator.h"
#include "router/net/server_stats.h"
#include "router/net/session_registry.h"
#include "shardmap/shard_map.h"

namespace boost::asio::ssl {
class context;
}

namespace sg::net {

struct ProxySettings {
  uint32_t maxConnections = 10000;
  size_t maxAllowedPacket = 64 * 1024 * 1024;
  std::string serverVersion;  // empty: learn it from the default shard's master
  std::string backendUser;
  std::string backendPassword;
  std::chrono::milliseconds connectTimeout{1000};
  std::chrono::milliseconds loginTimeout{10000};  // greeting to OK, for clients
  bool allowScatterWrites = false;                // [routing] allow_scatter_writes
  size_t maxMergeRows = 1000000;                  // [routing] max_merge_rows
  bool staleReadError = false;  // [routing] stale_read = "error": no fresh replica fails a read
  bool readYourWrites = false;  // [routing] read_your_writes = "session"
  // [monitor]: the health checks' account and rhythm.
  std::string monitorUser;
  std::string monitorPassword;
  std::chrono::milliseconds monitorInterval{100};
  int64_t monitorMaxLagMs = 1000;  // a shard's own max_lag_ms overrides it
  uint32_t monitorFailAfter = 3;
  bool monitorHeartbeat = true;
};

// What the default shard's master said in its greeting; clients are offered the same.
struct ServerIdentity {
  std::string version = "8.0.35-shardgate";
  uint32_t capabilities = 0xFFFFFFFF;  // unknown yet: offer everything shardgate supports
  uint8_t collation = 45;              // utf8mb4_general_ci
  bool learned = false;
};

class ProxyContext {
 public:
  ProxyContext(ProxySettings settings, std::shared_ptr<Authenticator> auth,
               std::shared_ptr<const shardmap::ShardMap> map,
               std::shared_ptr<boost::asio::ssl::context> tls)
      : settings_(std::move(settings)),
        auth_(std::move(auth)),
        map_(std::move(map)),
        tls_(std::move(tls)),
        mapVersion_(map_->version()) {}

  const ProxySettings& settings() const { return settings_; }
  Authenticator& auth() { return *auth_; }
  SessionRegistry& sessions() { return sessions_; }
  ServerStatsRegistry& serverStats() { return serverStats_; }
  admin::Metrics& metrics() { return metrics_; }
  // TLS for client connections; nullptr when disabled.
  boost::asio::ssl::context* tls() const { return tls_.get(); }

  std::shared_ptr<const shardmap::ShardMap> shardMap() const { return std::atomic_load(&map_); }
  void setShardMap(std::shared_ptr<const shardmap::ShardMap> m) {
    const int64_t version = m->version();
    std::atomic_store(&map_, std::move(m));
    mapVersion_.store(version, std::memory_order_release);
  }
  // The current map's version, without taking the map (sessions check it at every command).
  int64_t shardMapVersion() const { return mapVersion_.load(std::memory_order_acquire); }

  // The monitor's latest view of the servers; nullptr until its first round.
  std::shared_ptr<const health::HealthSnapshot> healthSnapshot() const {
    return std::atomic_load(&health_);
  }
  void setHealthSnapshot(std::shared_ptr<const health::HealthSnapshot> h) {
    std::atomic_store(&health_, std::move(h));
  }

  ServerIdentity identity() const {
    std::lock_guard lock(identityMutex_);
    return identity_;
  }
  void setIdentity(ServerIdentity id) {
    std::lock_guard lock(identityMutex_);
    identity_ = std::move(id);
  }

  uint32_t nextConnectionId() { return connectionIds_.fetch_add(1, std::memory_order_relaxed); }
  // Counts a client in; false (and nothing counted) when max_connections is reached.
  bool admitClient() {
    uint32_t n = clients_.load(std::memory_order_relaxed);
    do {
      if (n >= settings_.maxConnections) return false;
    } while (!clients_.compare_exchange_weak(n, n + 1, std::memory_order_relaxed));
    clientsTotal_.fetch_add(1, std::memory_order_relaxed);
    return true;
  }
  void releaseClient() { clients_.fetch_sub(1, std::memory_order_relaxed); }
  uint32_t clients() const { return clients_.load(std::memory_order_relaxed); }
  uint64_t clientsTotal() const { return clientsTotal_.load(std::memory_order_relaxed); }

 private:
  ProxySettings settings_;
  std::shared_ptr<Authenticator> auth_;
  std::shared_ptr<const shardmap::ShardMap> map_;
  std::shared_ptr<boost::asio::ssl::context> tls_;
  std::atomic<int64_t> mapVersion_;
  std::shared_ptr<const health::HealthSnapshot> health_;
  SessionRegistry sessions_;
  ServerStatsRegistry serverStats_;
  admin::Metrics metrics_;
  mutable std::mutex identityMutex_;
  ServerIdentity identity_;
  std::atomic<uint32_t> connectionIds_{1};
  std::atomic<uint32_t> clients_{0};
  std::atomic<uint64_t> clientsTotal_{0};
};

}  // namespace sg::net
