// Metrics: the exact text lines of every family, histogram arithmetic, label escaping, and
// exact totals under concurrent updates.

#include "router/admin/metrics.h"

#include <gtest/gtest.h>

#include <sstream>
#include <thread>

namespace sg::admin {
namespace {

using namespace std::chrono_literals;

// The lines of `text` that start with `prefix` (a metric name, with '{' or ' ' to be exact).
std::vector<std::string> linesStarting(const std::string& text, const std::string& prefix) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(prefix, 0) == 0) out.push_back(line);
  }
  return out;
}

bool hasLine(const std::string& text, const std::string& line) {
  return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
}

#define EXPECT_LINE(text, line) \
  EXPECT_TRUE(hasLine(text, line)) << "missing line: " << line << "\n" << text

TEST(MetricsTest, FixedLabelSetsAreExportedAtZeroFromTheStart) {
  Metrics m;
  std::string text = m.render({});
  for (auto route : kRouteNames) {
    EXPECT_LINE(text, "shardgate_routed_total{route=\"" + std::string(route) + "\"} 0");
  }
  for (auto kind : kErrorNames) {
    EXPECT_LINE(text, "shardgate_errors_total{kind=\"" + std::string(kind) + "\"} 0");
  }
  for (auto kind : kTransactionNames) {
    EXPECT_LINE(text, "shardgate_transactions_total{kind=\"" + std::string(kind) + "\"} 0");
  }
  for (auto result : kReloadNames) {
    EXPECT_LINE(text, "shardgate_shardmap_reloads_total{result=\"" + std::string(result) + "\"} 0");
  }
  EXPECT_EQ(linesStarting(text, "shardgate_routed_total{").size(), 6u);
  EXPECT_EQ(linesStarting(text, "shardgate_errors_total{").size(), 5u);
  EXPECT_EQ(linesStarting(text, "shardgate_transactions_total{").size(), 3u);
  EXPECT_EQ(linesStarting(text, "shardgate_shardmap_reloads_total{").size(), 3u);
  EXPECT_LINE(text, "shardgate_client_connections 0");
  EXPECT_LINE(text, "shardgate_client_connections_total 0");
  EXPECT_LINE(text, "shardgate_shardmap_version 0");
  // No shard has been seen: no per-shard series yet, but the families are declared.
  EXPECT_TRUE(linesStarting(text, "shardgate_queries_total{").empty());
  EXPECT_LINE(text, "# TYPE shardgate_queries_total counter");
  EXPECT_LINE(text, "# TYPE shardgate_query_duration_seconds histogram");
  EXPECT_LINE(text, "# TYPE shardgate_replica_lag_seconds gauge");
  EXPECT_LINE(text, "# TYPE shardgate_backend_up gauge");
  EXPECT_LINE(text, "# TYPE shardgate_backend_connections gauge");
  EXPECT_LINE(text, "# TYPE shardgate_client_connections gauge");
  EXPECT_LINE(text, "# TYPE shardgate_client_connections_total counter");
  EXPECT_LINE(text, "# TYPE shardgate_errors_total counter");
  EXPECT_LINE(text, "# TYPE shardgate_transactions_total counter");
  EXPECT_LINE(text, "# TYPE shardgate_shardmap_version gauge");
  EXPECT_LINE(text, "# TYPE shardgate_shardmap_reloads_total counter");
}

TEST(MetricsTest, EventCountersAppearWithTheirLabels) {
  Metrics m;
  for (int i = 0; i < 3; ++i) m.countRoute(Route::kSingle);
  m.countRoute(Route::kScatter);
  m.countRoute(Route::kMasterFallback);
  m.countRoute(Route::kMasterFallback);
  m.countError(ErrorKind::kAuth);
  m.countError(ErrorKind::kTimeout);
  m.countError(ErrorKind::kTimeout);
  m.countTransaction(TransactionKind::kXaCommit);
  m.countTransaction(TransactionKind::kXaRollback);
  m.countTransaction(TransactionKind::kSingle);
  m.countTransaction(TransactionKind::kSingle);
  m.countReload(ReloadResult::kOk);
  m.countReload(ReloadResult::kStale);
  m.countReload(ReloadResult::kInvalid);
  m.countReload(ReloadResult::kInvalid);
  std::string text = m.render({});
  EXPECT_LINE(text, "shardgate_routed_total{route=\"single\"} 3");
  EXPECT_LINE(text, "shardgate_routed_total{route=\"multi\"} 0");
  EXPECT_LINE(text, "shardgate_routed_total{route=\"scatter\"} 1");
  EXPECT_LINE(text, "shardgate_routed_total{route=\"broadcast\"} 0");
  EXPECT_LINE(text, "shardgate_routed_total{route=\"master_fallback\"} 2");
  EXPECT_LINE(text, "shardgate_routed_total{route=\"rejected\"} 0");
  EXPECT_LINE(text, "shardgate_errors_total{kind=\"auth\"} 1");
  EXPECT_LINE(text, "shardgate_errors_total{kind=\"protocol\"} 0");
  EXPECT_LINE(text, "shardgate_errors_total{kind=\"timeout\"} 2");
  EXPECT_LINE(text, "shardgate_transactions_total{kind=\"single\"} 2");
  EXPECT_LINE(text, "shardgate_transactions_total{kind=\"xa_commit\"} 1");
  EXPECT_LINE(text, "shardgate_transactions_total{kind=\"xa_rollback\"} 1");
  EXPECT_LINE(text, "shardgate_shardmap_reloads_total{result=\"ok\"} 1");
  EXPECT_LINE(text, "shardgate_shardmap_reloads_total{result=\"invalid\"} 2");
  EXPECT_LINE(text, "shardgate_shardmap_reloads_total{result=\"stale\"} 1");
}

TEST(MetricsTest, QueriesAreCountedPerShardRoleAndStatement) {
  Metrics m;
  ServerSeries& s0m = m.series("s0", Role::kMaster);
  ServerSeries& s0r = m.series("s0", Role::kReplica);
  ServerSeries& s1m = m.series("s1", Role::kMaster);
  EXPECT_EQ(&s0m, &m.series("s0", Role::kMaster));  // the same handle every time
  EXPECT_NE(&s0m, &s0r);
  s0m.countQuery(StatementKind::kInsert, 1ms);
  s0m.countQuery(StatementKind::kInsert, 1ms);
  s0m.countQuery(StatementKind::kUpdate, 1ms);
  s0m.countQuery(StatementKind::kDelete, 1ms);
  s0m.countQuery(StatementKind::kOther, 1ms);
  s0r.countQuery(StatementKind::kSelect, 1ms);
  s1m.countQuery(StatementKind::kSelect, 1ms);
  std::string text = m.render({});
  auto lines = linesStarting(text, "shardgate_queries_total{");
  std::vector<std::string> expected = {
      R"(shardgate_queries_total{shard="s0",role="master",statement="select"} 0)",
      R"(shardgate_queries_total{shard="s0",role="master",statement="insert"} 2)",
      R"(shardgate_queries_total{shard="s0",role="master",statement="update"} 1)",
      R"(shardgate_queries_total{shard="s0",role="master",statement="delete"} 1)",
      R"(shardgate_queries_total{shard="s0",role="master",statement="other"} 1)",
      R"(shardgate_queries_total{shard="s0",role="replica",statement="select"} 1)",
      R"(shardgate_queries_total{shard="s0",role="replica",statement="insert"} 0)",
      R"(shardgate_queries_total{shard="s0",role="replica",statement="update"} 0)",
      R"(shardgate_queries_total{shard="s0",role="replica",statement="delete"} 0)",
      R"(shardgate_queries_total{shard="s0",role="replica",statement="other"} 0)",
      R"(shardgate_queries_total{shard="s1",role="master",statement="select"} 1)",
      R"(shardgate_queries_total{shard="s1",role="master",statement="insert"} 0)",
      R"(shardgate_queries_total{shard="s1",role="master",statement="update"} 0)",
      R"(shardgate_queries_total{shard="s1",role="master",statement="delete"} 0)",
      R"(shardgate_queries_total{shard="s1",role="master",statement="other"} 0)",
  };
  EXPECT_EQ(lines, expected);
}

TEST(MetricsTest, HistogramBucketsAreCumulativeWithSumAndCount) {
  Metrics m;
  ServerSeries& s = m.series("s0", Role::kMaster);
  s.countQuery(StatementKind::kSelect, 50us);   // <= 0.0001
  s.countQuery(StatementKind::kSelect, 100us);  // exactly on a bound: le is inclusive
  s.countQuery(StatementKind::kSelect, 300us);  // <= 0.0005
  s.countQuery(StatementKind::kSelect, 2ms);    // <= 0.0025
  s.countQuery(StatementKind::kSelect, 20s);    // +Inf only
  s.countQuery(StatementKind::kSelect, -5ns);   // a clock step: counted as 0
  std::string text = m.render({});
  auto lines = linesStarting(text, "shardgate_query_duration_seconds");
  std::vector<std::string> expected = {
      R"(shardgate_query_duration_seconds_count{shard="s0",role="master"} 6)",
      R"(shardgate_query_duration_seconds_sum{shard="s0",role="master"} 20.00245)",
      R"(shardgate_query_duration_seconds_bucket{shard="s0",role="master",le="0.0001"} 3)",
      R"(shardgate_query_duration_seconds_bucket{shard="s0",role="master",le="0.00025"} 3)",
      R"(shardgate_query_duration_seconds_bucket{shard="s0",role="master",le="0.0005"} 4)",
      R"(shardgate_query_duration_seconds_bucket{shard="s0",role="master",le="0.001"} 4)",
      R"(shardgate_query_duration_seconds_bucket{shard="s0",role="master",le="0.0025"} 5)",
      R"(shardgate_query_duration_seconds_bucket{shard="s0",role="master",le="0.005"} 5)",
      R"(shardgate_query_duration_seconds_bucket{shard="s0",role="master",le="0.01"} 5)",
      R"(shardgate_query_duration_seconds_bucket{shard="s0",role="master",le="0.025"} 5)",
      R"(shardgate_query_duration_seconds_bucket{shard="s0",role="master",le="0.05"} 5)",
      R"(shardgate_query_duration_seconds_bucket{shard="s0",role="master",le="0.1"} 5)",
      R"(shardgate_query_duration_seconds_bucket{shard="s0",role="master",le="0.25"} 5)",
      R"(shardgate_query_duration_seconds_bucket{shard="s0",role="master",le="0.5"} 5)",
      R"(shardgate_query_duration_seconds_bucket{shard="s0",role="master",le="1"} 5)",
      R"(shardgate_query_duration_seconds_bucket{shard="s0",role="master",le="2.5"} 5)",
      R"(shardgate_query_duration_seconds_bucket{shard="s0",role="master",le="5"} 5)",
      R"(shardgate_query_duration_seconds_bucket{shard="s0",role="master",le="10"} 5)",
      R"(shardgate_query_duration_seconds_bucket{shard="s0",role="master",le="+Inf"} 6)",
  };
  EXPECT_EQ(lines, expected);
}

TEST(MetricsTest, StateGaugesComeFromTheScrapeState) {
  Metrics m;
  ScrapeState state;
  state.backends = {
      {"s0", "10.0.0.1:3306", Role::kMaster, true, std::nullopt, 4, 1},
      {"s0", "10.0.0.2:3306", Role::kReplica, true, 1234, 2, 0},
      {"s1", "10.0.0.3:3306", Role::kReplica, false, std::nullopt, 0, 0},
      {"s1", "10.0.0.4:3306", Role::kReplica, true, 0, 0, 0},
      // The same server in a second shard: one pool, counted once per shard entry.
      {"s2", "10.0.0.1:3306", Role::kMaster, true, std::nullopt, 1, 2},
  };
  state.clientConnections = 12;
  state.clientConnectionsTotal = 345;
  state.shardMapVersion = 42;
  std::string text = m.render(state);

  EXPECT_EQ(linesStarting(text, "shardgate_replica_lag_seconds{"),
            (std::vector<std::string>{
                R"(shardgate_replica_lag_seconds{shard="s0",backend="10.0.0.2:3306"} 1.234)",
                R"(shardgate_replica_lag_seconds{shard="s1",backend="10.0.0.3:3306"} Nan)",
                R"(shardgate_replica_lag_seconds{shard="s1",backend="10.0.0.4:3306"} 0)",
            }));
  EXPECT_EQ(linesStarting(text, "shardgate_backend_up{"),
            (std::vector<std::string>{
                R"(shardgate_backend_up{shard="s0",backend="10.0.0.1:3306",role="master"} 1)",
                R"(shardgate_backend_up{shard="s0",backend="10.0.0.2:3306",role="replica"} 1)",
                R"(shardgate_backend_up{shard="s1",backend="10.0.0.3:3306",role="replica"} 0)",
                R"(shardgate_backend_up{shard="s1",backend="10.0.0.4:3306",role="replica"} 1)",
                R"(shardgate_backend_up{shard="s2",backend="10.0.0.1:3306",role="master"} 1)",
            }));
  EXPECT_EQ(linesStarting(text, "shardgate_backend_connections{"),
            (std::vector<std::string>{
                R"(shardgate_backend_connections{backend="10.0.0.1:3306",state="idle"} 5)",
                R"(shardgate_backend_connections{backend="10.0.0.1:3306",state="busy"} 3)",
                R"(shardgate_backend_connections{backend="10.0.0.2:3306",state="idle"} 2)",
                R"(shardgate_backend_connections{backend="10.0.0.2:3306",state="busy"} 0)",
                R"(shardgate_backend_connections{backend="10.0.0.3:3306",state="idle"} 0)",
                R"(shardgate_backend_connections{backend="10.0.0.3:3306",state="busy"} 0)",
                R"(shardgate_backend_connections{backend="10.0.0.4:3306",state="idle"} 0)",
                R"(shardgate_backend_connections{backend="10.0.0.4:3306",state="busy"} 0)",
            }));
  EXPECT_LINE(text, "shardgate_client_connections 12");
  EXPECT_LINE(text, "shardgate_client_connections_total 345");
  EXPECT_LINE(text, "shardgate_shardmap_version 42");
}

TEST(MetricsTest, LagHasMillisecondPrecision) {
  Metrics m;
  ScrapeState state;
  state.backends = {{"s0", "r1:3306", Role::kReplica, true, 1, 0, 0},
                    {"s0", "r2:3306", Role::kReplica, true, 60001, 0, 0}};
  std::string text = m.render(state);
  EXPECT_LINE(text, R"(shardgate_replica_lag_seconds{shard="s0",backend="r1:3306"} 0.001)");
  EXPECT_LINE(text, R"(shardgate_replica_lag_seconds{shard="s0",backend="r2:3306"} 60.001)");
}

TEST(MetricsTest, LabelValuesAreEscaped) {
  Metrics m;
  m.series("we\"ird\\sh\nard", Role::kMaster).countQuery(StatementKind::kSelect, 1ms);
  ScrapeState state;
  state.backends = {{"a\"b", "h\\1:3306", Role::kMaster, true, std::nullopt, 0, 0}};
  std::string text = m.render(state);
  EXPECT_LINE(
      text,
      R"(shardgate_queries_total{shard="we\"ird\\sh\nard",role="master",statement="select"} 1)");
  EXPECT_LINE(text, R"(shardgate_backend_up{shard="a\"b",backend="h\\1:3306",role="master"} 1)");
  // No raw newline leaked into a sample line.
  for (const auto& line : linesStarting(text, "ard")) ADD_FAILURE() << "split line: " << line;
}

TEST(MetricsTest, ConcurrentUpdatesGiveExactTotals) {
  Metrics m;
  constexpr int kThreads = 8;
  constexpr int kPerThread = 100000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&m, t] {
      // Half the threads share one shard, so handle creation races too.
      std::string shard = "shared";
      if (t % 2 == 0) shard = std::string("s").append(std::to_string(t));
      ServerSeries& s = m.series(shard, Role::kReplica);
      for (int i = 0; i < kPerThread; ++i) {
        m.countRoute(Route::kMulti);
        m.countError(ErrorKind::kBackend);
        s.countQuery(StatementKind::kSelect, std::chrono::microseconds(i % 3 ? 200 : 2000));
      }
    });
  }
  for (auto& t : threads) t.join();
  std::string text = m.render({});
  const std::string total = std::to_string(kThreads * kPerThread);
  EXPECT_LINE(text, "shardgate_routed_total{route=\"multi\"} " + total);
  EXPECT_LINE(text, "shardgate_errors_total{kind=\"backend\"} " + total);
  const int shared = kThreads / 2 * kPerThread;
  EXPECT_LINE(text,
              R"(shardgate_queries_total{shard="shared",role="replica",statement="select"} )" +
                  std::to_string(shared));
  EXPECT_LINE(text, R"(shardgate_query_duration_seconds_count{shard="shared",role="replica"} )" +
                        std::to_string(shared));
  // i % 3 != 0 took 200 us: two thirds (rounded up per thread) in le="0.00025".
  const int fast = kThreads / 2 * (kPerThread - (kPerThread + 2) / 3);
  EXPECT_LINE(
      text,
      R"(shardgate_query_duration_seconds_bucket{shard="shared",role="replica",le="0.00025"} )" +
          std::to_string(fast));
  EXPECT_LINE(text, R"(shardgate_queries_total{shard="s0",role="replica",statement="select"} )" +
                        std::to_string(kPerThread));
}

TEST(MetricsTest, CollectableReadsTheStateAtEachCollect) {
  auto metrics = std::make_shared<Metrics>();
  int64_t version = 1;
  MetricsCollectable collectable(metrics, [&version] {
    ScrapeState s;
    s.shardMapVersion = version++;
    return s;
  });
  auto versionOf = [](const std::vector<prometheus::MetricFamily>& families) {
    for (const auto& f : families) {
      if (f.name == "shardgate_shardmap_version") return f.metric.at(0).gauge.value;
    }
    return -1.0;
  };
  EXPECT_EQ(versionOf(collectable.Collect()), 1.0);
  EXPECT_EQ(versionOf(collectable.Collect()), 2.0);
  metrics->countRoute(Route::kBroadcast);
  auto families = collectable.Collect();
  ASSERT_EQ(families.size(), 12u);
  EXPECT_EQ(families[2].name, "shardgate_routed_total");
  EXPECT_EQ(families[2].metric[3].counter.value, 1.0);
}

}  // namespace
}  // namespace sg::admin
