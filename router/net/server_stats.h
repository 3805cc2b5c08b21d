#pragma once
// Live counters per MySQL server that every client session shares: connections open, commands
// in flight, and when a session last failed to reach the server. Updated with relaxed atomics on
// the data path; read by replica choice, /backends and the metrics scrape.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace sg::net {

struct ServerStats {
  using Clock = std::chrono::steady_clock;

  std::atomic<int64_t> connections{0};  // open session connections
  std::atomic<int64_t> inFlight{0};     // commands sent whose response has not ended
  std::atomic<int64_t> failedAtNs{0};   // Clock time of the last failed connect or lost link

  void markFailed() {
    failedAtNs.store(Clock::now().time_since_epoch().count(), std::memory_order_relaxed);
  }
  // Epoch when no session has failed to reach it.
  Clock::time_point failedAt() const {
    return Clock::time_point(Clock::duration(failedAtNs.load(std::memory_order_relaxed)));
  }
};

// Counts one open connection for as long as it lives.
class CountedConnection {
 public:
  CountedConnection() = default;
  explicit CountedConnection(std::shared_ptr<ServerStats> stats) : stats_(std::move(stats)) {
    if (stats_) stats_->connections.fetch_add(1, std::memory_order_relaxed);
  }
  CountedConnection(CountedConnection&& o) noexcept : stats_(std::move(o.stats_)) {}
  CountedConnection& operator=(CountedConnection&& o) noexcept {
    if (this != &o) {
      release();
      stats_ = std::move(o.stats_);
    }
    return *this;
  }
  CountedConnection(const CountedConnection&) = delete;
  CountedConnection& operator=(const CountedConnection&) = delete;
  ~CountedConnection() { release(); }

  void release() {
    if (stats_) stats_->connections.fetch_sub(1, std::memory_order_relaxed);
    stats_.reset();
  }

 private:
  std::shared_ptr<ServerStats> stats_;
};

// Counts one command in flight for the scope it lives in.
class InFlight {
 public:
  explicit InFlight(ServerStats* stats) : stats_(stats) {
    if (stats_) stats_->inFlight.fetch_add(1, std::memory_order_relaxed);
  }
  InFlight(const InFlight&) = delete;
  InFlight& operator=(const InFlight&) = delete;
  ~InFlight() {
    if (stats_) stats_->inFlight.fetch_sub(1, std::memory_order_relaxed);
  }

 private:
  ServerStats* stats_;
};

// The stats of every server any session has used, by "host:port". Entries live as long as the
// process (a server removed from the shard map keeps its few bytes).
class ServerStatsRegistry {
 public:
  std::shared_ptr<ServerStats> get(const std::string& key) {
    std::lock_guard lock(mutex_);
    auto& s = stats_[key];
    if (!s) s = std::make_shared<ServerStats>();
    return s;
  }
  // Nullptr when no session has used it.
  std::shared_ptr<const ServerStats> find(const std::string& key) const {
    std::lock_guard lock(mutex_);
    auto it = stats_.find(key);
    return it == stats_.end() ? nullptr : it->second;
  }

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<ServerStats>, std::less<>> stats_;
};

}  // namespace sg::net
