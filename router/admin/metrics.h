#pragma once
// shardgate's Prometheus metrics. The data path bumps relaxed atomic counters through handles
// it obtained once (no lock, no map lookup, no allocation per event); a scrape reads them, adds
// the state gauges the proxy reports at that moment (backends, clients, shard map version) and
// renders the Prometheus text format with prometheus-cpp's TextSerializer.
//
// The metric and label names below are a public interface (dashboards and alerts use them):
//   shardgate_queries_total{shard,role,statement}      counter
//   shardgate_query_duration_seconds{shard,role}       histogram (kQueryDurationBucketsNs)
//   shardgate_routed_total{route}                      counter
//   shardgate_replica_lag_seconds{shard,backend}       gauge, millisecond precision; NaN = unknown
//   shardgate_backend_up{shard,backend,role}           gauge 0/1
//   shardgate_backend_connections{backend,state}       gauge, state idle|busy
//   shardgate_client_connections                       gauge
//   shardgate_client_connections_total                 counter
//   shardgate_errors_total{kind}                       counter
//   shardgate_transactions_total{kind}                 counter
//   shardgate_shardmap_version                         gauge
//   shardgate_shardmap_reloads_total{result}           counter

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sg::admin {

enum class Role : uint8_t { kMaster, kReplica };
enum class StatementKind : uint8_t { kSelect, kInsert, kUpdate, kDelete, kOther };
enum class Route : uint8_t { kSingle, kMulti, kScatter, kBroadcast, kMasterFallback, kRejected };
enum class ErrorKind : uint8_t { kAuth, kProtocol, kBackend, kRouting, kTimeout };
enum class TransactionKind : uint8_t { kSingle, kXaCommit, kXaRollback };
enum class ReloadResult : uint8_t { kOk, kInvalid, kStale };

// The label values, indexed by the enums above.
inline constexpr std::array<std::string_view, 2> kRoleNames = {"master", "replica"};
inline constexpr std::array<std::string_view, 5> kStatementNames = {"select", "insert", "update",
                                                                    "delete", "other"};
inline constexpr std::array<std::string_view, 6> kRouteNames = {
    "single", "multi", "scatter", "broadcast", "master_fallback", "rejected"};
inline constexpr std::array<std::string_view, 5> kErrorNames = {"auth", "protocol", "backend",
                                                                "routing", "timeout"};
inline constexpr std::array<std::string_view, 3> kTransactionNames = {"single", "xa_commit",
                                                                      "xa_rollback"};
inline constexpr std::array<std::string_view, 3> kReloadNames = {"ok", "invalid", "stale"};

// Upper bounds (le) of shardgate_query_duration_seconds, in nanoseconds: 0.0001 s to 10 s.
inline constexpr std::array<uint64_t, 16> kQueryDurationBucketsNs = {
    100'000,       250'000,       500'000,       1'000'000,     2'500'000,   5'000'000,
    10'000'000,    25'000'000,    50'000'000,    100'000'000,   250'000'000, 500'000'000,
    1'000'000'000, 2'500'000'000, 5'000'000'000, 10'000'000'000};

// The counters of one (shard, role): statements forwarded, by kind, and how long they took.
// Sessions obtain it once from Metrics::series() and keep the reference (valid as long as the
// Metrics object); counting is then a few relaxed atomic increments.
class alignas(64) ServerSeries {
 public:
  void countQuery(StatementKind kind, std::chrono::nanoseconds took) {
    queries_[static_cast<size_t>(kind)].fetch_add(1, std::memory_order_relaxed);
    uint64_t ns = took.count() > 0 ? static_cast<uint64_t>(took.count()) : 0;
    size_t bucket = 0;
    while (bucket < kQueryDurationBucketsNs.size() && ns > kQueryDurationBucketsNs[bucket]) {
      ++bucket;
    }
    buckets_[bucket].fetch_add(1, std::memory_order_relaxed);
    sumNs_.fetch_add(ns, std::memory_order_relaxed);
  }

 private:
  friend class Metrics;
  std::array<std::atomic<uint64_t>, kStatementNames.size()> queries_{};
  // Per bucket, not cumulative; the last one is +Inf. Cumulated at scrape.
  std::array<std::atomic<uint64_t>, kQueryDurationBucketsNs.size() + 1> buckets_{};
  std::atomic<uint64_t> sumNs_{0};
};

// One backend as the proxy sees it at scrape time.
struct BackendState {
  std::string shard;
  std::string backend;  // "host:port", as shardmap::Endpoint::str() writes it
  Role role = Role::kMaster;
  bool up = false;
  // Replicas only (ignored for masters): the measured lag, as health::ServerHealth::lagMs.
  // nullopt (unknown) is exported as NaN, so every replica always has one lag series.
  std::optional<int64_t> lagMs;
  uint64_t idleConnections = 0;  // pooled, not lent to a session
  uint64_t busyConnections = 0;  // lent to a session
};

// What a scrape asks the proxy for, besides the counters Metrics holds itself.
struct ScrapeState {
  std::vector<BackendState> backends;
  uint64_t clientConnections = 0;       // ProxyContext::clients()
  uint64_t clientConnectionsTotal = 0;  // ProxyContext::clientsTotal()
  int64_t shardMapVersion = 0;
};

// All of shardgate's metrics: event counters updated by the data path, exported together with
// a ScrapeState. Thread-safe. Every label combination of the fixed sets (routes, error kinds,
// transaction kinds, reload results) is exported from the start at 0, and so are the statement
// kinds of every (shard, role) series once obtained: call series() for each shard's master and
// replica role when a shard map is loaded to have them from the first scrape.
class Metrics {
 public:
  Metrics() = default;
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // The counters of (shard, role), created at 0 on first use. Takes a lock: call once per
  // session/backend and keep the reference, which stays valid for the life of this object.
  ServerSeries& series(std::string_view shard, Role role);

  void countRoute(Route route) { add(routes_, route); }
  void countError(ErrorKind kind) { add(errors_, kind); }
  void countTransaction(TransactionKind kind) { add(transactions_, kind); }
  void countReload(ReloadResult result) { add(reloads_, result); }

  // The metric families: counters from this object, gauges from `state`.
  std::vector<prometheus::MetricFamily> collect(const ScrapeState& state) const;
  // collect() in the Prometheus text exposition format 0.0.4: what GET /metrics returns.
  std::string render(const ScrapeState& state) const;

 private:
  // Each array on its own cache line, so threads bumping one family don't slow the others.
  template <size_t N>
  struct alignas(64) CounterArray {
    std::array<std::atomic<uint64_t>, N> values{};
  };
  template <size_t N, typename Enum>
  static void add(CounterArray<N>& counters, Enum e) {
    counters.values[static_cast<size_t>(e)].fetch_add(1, std::memory_order_relaxed);
  }

  CounterArray<kRouteNames.size()> routes_;
  CounterArray<kErrorNames.size()> errors_;
  CounterArray<kTransactionNames.size()> transactions_;
  CounterArray<kReloadNames.size()> reloads_;

  mutable std::mutex seriesMutex_;
  // By shard, then Role; unique_ptr keeps the handles' addresses stable.
  std::map<std::string, std::array<std::unique_ptr<ServerSeries>, 2>, std::less<>> series_;
};

// Metrics as a prometheus-cpp Collectable, asking `state` for the gauges at each Collect():
// for code that gathers several Collectables (e.g. prometheus-cpp's Exposer). The admin API
// itself calls Metrics::render().
class MetricsCollectable final : public prometheus::Collectable {
 public:
  MetricsCollectable(std::shared_ptr<const Metrics> metrics, std::function<ScrapeState()> state)
      : metrics_(std::move(metrics)), state_(std::move(state)) {}
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  std::shared_ptr<const Metrics> metrics_;
  std::function<ScrapeState()> state_;
};

}  // namespace sg::admin
