#include "router/admin/metrics.h"

#include <prometheus/text_serializer.h>

#include <cmath>
#include <limits>
#include <sstream>

namespace sg::admin {

namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;
using Labels = std::vector<ClientMetric::Label>;

ClientMetric::Label label(std::string_view name, std::string_view value) {
  return {std::string(name), std::string(value)};
}

MetricFamily family(std::string name, std::string help, MetricType type) {
  MetricFamily f;
  f.name = std::move(name);
  f.help = std::move(help);
  f.type = type;
  return f;
}

void addCounter(MetricFamily& f, Labels labels, double value) {
  ClientMetric m;
  m.label = std::move(labels);
  m.counter.value = value;
  f.metric.push_back(std::move(m));
}

void addGauge(MetricFamily& f, Labels labels, double value) {
  ClientMetric m;
  m.label = std::move(labels);
  m.gauge.value = value;
  f.metric.push_back(std::move(m));
}

// One counter family with a single label over a fixed set of values.
template <size_t N>
MetricFamily enumCounter(std::string name, std::string help, std::string_view labelName,
                         const std::array<std::string_view, N>& names,
                         const std::array<std::atomic<uint64_t>, N>& values) {
  MetricFamily f = family(std::move(name), std::move(help), MetricType::Counter);
  for (size_t i = 0; i < N; ++i) {
    addCounter(f, {label(labelName, names[i])},
               static_cast<double>(values[i].load(std::memory_order_relaxed)));
  }
  return f;
}

std::string_view roleName(Role role) { return kRoleNames[static_cast<size_t>(role)]; }

}  // namespace

ServerSeries& Metrics::series(std::string_view shard, Role role) {
  std::lock_guard lock(seriesMutex_);
  auto it = series_.find(shard);
  if (it == series_.end()) it = series_.emplace(std::string(shard), decltype(it->second){}).first;
  auto& slot = it->second[static_cast<size_t>(role)];
  if (!slot) slot = std::make_unique<ServerSeries>();
  return *slot;
}

std::vector<MetricFamily> Metrics::collect(const ScrapeState& state) const {
  std::vector<MetricFamily> out;

  MetricFamily queries =
      family("shardgate_queries_total",
             "Statements forwarded to a backend, by shard, server role and statement kind.",
             MetricType::Counter);
  MetricFamily durations = family(
      "shardgate_query_duration_seconds",
      "Time from forwarding a statement to the end of its response, by shard and server role.",
      MetricType::Histogram);
  {
    std::lock_guard lock(seriesMutex_);
    for (const auto& [shard, roles] : series_) {
      for (size_t r = 0; r < roles.size(); ++r) {
        const ServerSeries* s = roles[r].get();
        if (!s) continue;
        for (size_t k = 0; k < kStatementNames.size(); ++k) {
          addCounter(queries,
                     {label("shard", shard), label("role", kRoleNames[r]),
                      label("statement", kStatementNames[k])},
                     static_cast<double>(s->queries_[k].load(std::memory_order_relaxed)));
        }
        // The count is the sum of the buckets, so +Inf and _count always agree.
        ClientMetric m;
        m.label = {label("shard", shard), label("role", kRoleNames[r])};
        uint64_t cumulative = 0;
        for (size_t b = 0; b < s->buckets_.size(); ++b) {
          cumulative += s->buckets_[b].load(std::memory_order_relaxed);
          ClientMetric::Bucket bucket;
          bucket.cumulative_count = cumulative;
          bucket.upper_bound = b < kQueryDurationBucketsNs.size()
                                   ? static_cast<double>(kQueryDurationBucketsNs[b]) / 1e9
                                   : std::numeric_limits<double>::infinity();
          m.histogram.bucket.push_back(bucket);
        }
        m.histogram.sample_count = cumulative;
        m.histogram.sample_sum =
            static_cast<double>(s->sumNs_.load(std::memory_order_relaxed)) / 1e9;
        durations.metric.push_back(std::move(m));
      }
    }
  }
  out.push_back(std::move(queries));
  out.push_back(std::move(durations));

  out.push_back(enumCounter("shardgate_routed_total", "Statements routed, by kind of route.",
                            "route", kRouteNames, routes_.values));

  MetricFamily lag =
      family("shardgate_replica_lag_seconds",
             "Replication lag the health monitor measured; NaN when unknown.", MetricType::Gauge);
  MetricFamily up =
      family("shardgate_backend_up", "1 when the health monitor considers the backend up, else 0.",
             MetricType::Gauge);
  // A backend may serve several shards; its pool is one, so connections are summed per backend.
  std::map<std::string_view, std::pair<uint64_t, uint64_t>> pools;
  for (const BackendState& b : state.backends) {
    if (b.role == Role::kReplica) {
      double seconds = b.lagMs ? static_cast<double>(*b.lagMs) / 1000.0
                               : std::numeric_limits<double>::quiet_NaN();
      addGauge(lag, {label("shard", b.shard), label("backend", b.backend)}, seconds);
    }
    addGauge(
        up, {label("shard", b.shard), label("backend", b.backend), label("role", roleName(b.role))},
        b.up ? 1.0 : 0.0);
    auto& pool = pools[b.backend];
    pool.first += b.idleConnections;
    pool.second += b.busyConnections;
  }
  out.push_back(std::move(lag));
  out.push_back(std::move(up));

  MetricFamily connections =
      family("shardgate_backend_connections", "Pooled backend connections, by backend and state.",
             MetricType::Gauge);
  for (const auto& [backend, counts] : pools) {
    addGauge(connections, {label("backend", backend), label("state", "idle")},
             static_cast<double>(counts.first));
    addGauge(connections, {label("backend", backend), label("state", "busy")},
             static_cast<double>(counts.second));
  }
  out.push_back(std::move(connections));

  MetricFamily clients =
      family("shardgate_client_connections", "Client connections open now.", MetricType::Gauge);
  addGauge(clients, {}, static_cast<double>(state.clientConnections));
  out.push_back(std::move(clients));
  MetricFamily clientsTotal =
      family("shardgate_client_connections_total", "Client connections accepted since start.",
             MetricType::Counter);
  addCounter(clientsTotal, {}, static_cast<double>(state.clientConnectionsTotal));
  out.push_back(std::move(clientsTotal));

  out.push_back(enumCounter("shardgate_errors_total", "Errors, by kind.", "kind", kErrorNames,
                            errors_.values));
  out.push_back(enumCounter("shardgate_transactions_total",
                            "Transactions finished, by kind: single shard, or a cross-shard XA "
                            "commit or rollback.",
                            "kind", kTransactionNames, transactions_.values));

  MetricFamily version =
      family("shardgate_shardmap_version", "Version of the shard map in use.", MetricType::Gauge);
  addGauge(version, {}, static_cast<double>(state.shardMapVersion));
  out.push_back(std::move(version));
  out.push_back(enumCounter("shardgate_shardmap_reloads_total",
                            "Shard map reload attempts, by result.", "result", kReloadNames,
                            reloads_.values));
  return out;
}

std::string Metrics::render(const ScrapeState& state) const {
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, collect(state));
  return std::move(out).str();
}

std::vector<MetricFamily> MetricsCollectable::Collect() const {
  return metrics_->collect(state_ ? state_() : ScrapeState{});
}

}  // namespace sg::admin
