// Routing throughput: classify + plan a realistic mix of statements on one core, as the proxy does
// for each query, and print routing decisions per second. Usage: route_bench [seconds] (default 3).

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "router/plan/planner.h"
#include "router/sql/classifier.h"
#include "shardmap/shard_map_loader.h"

namespace {

constexpr std::string_view kMap = R"(version = 1
default_shard = "s0"
global_tables = ["countries", "currencies"]
[sharded_tables]
users  = "id"
orders = "user_id"
[shards.s0]
master = "10.0.0.1:3306"
[shards.s1]
master = "10.0.0.2:3306"
[shards.s2]
master = "10.0.0.3:3306"
[shards.s3]
master = "10.0.0.4:3306"
[[ranges]]
start = 0
end = 2500000
shard = "s0"
[[ranges]]
start = 2500000
end = 5000000
shard = "s1"
[[ranges]]
start = 5000000
end = 7500000
shard = "s2"
[[ranges]]
start = 7500000
shard = "s3"
)";

// Weighted like an OLTP application: mostly point reads and writes by key.
struct Weighted {
  int weight;
  const char* sql;
};
constexpr Weighted kMix[] = {
    {30, "SELECT id, name, email, created_at FROM users WHERE id = 1234567"},
    {12,
     "SELECT o.id, o.total, o.status FROM orders o WHERE o.user_id = 6543210 AND o.status = "
     "'open' ORDER BY o.created_at DESC LIMIT 20"},
    {8, "UPDATE users SET last_seen = NOW(), visits = visits + 1 WHERE id = 3456789"},
    {8,
     "INSERT INTO orders (user_id, total, status, created_at) VALUES (2345678, 19.99, 'new', "
     "NOW())"},
    {5,
     "SELECT u.name, o.total FROM users u JOIN orders o ON o.user_id = u.id WHERE u.id = "
     "8765432"},
    {5, "SELECT * FROM users WHERE id IN (12, 2600000, 5100000, 9000000)"},
    {4, "SELECT code, name FROM countries WHERE code = 'FR'"},
    {4, "DELETE FROM orders WHERE user_id = 42 AND id = 991"},
    {4, "BEGIN"},
    {4, "COMMIT"},
    {3, "SET NAMES utf8mb4"},
    {3, "SELECT 1"},
    {3,
     "INSERT INTO users (id, name, email) VALUES (100, 'a', 'a@x'), (2600000, 'b', 'b@x'), "
     "(7600000, 'c', 'c@x')"},
    {2, "SELECT * FROM users WHERE id BETWEEN 2400000 AND 2600000"},
    {2, "/* shardgate: master */ SELECT balance FROM users WHERE id = 77 FOR UPDATE"},
    {2, "SELECT COUNT(*) FROM orders WHERE status = 'open'"},
    {1, "UPDATE orders SET status = 'late' WHERE created_at < '2024-01-01'"},
};

}  // namespace

int main(int argc, char** argv) {
  double seconds = argc > 1 ? std::atof(argv[1]) : 3.0;
  if (seconds <= 0) seconds = 3.0;
  auto loaded = sg::shardmap::parseShardMap(kMap, "bench.toml");
  if (!loaded.ok()) {
    std::fprintf(stderr, "bench map invalid\n");
    return 1;
  }
  std::vector<std::string> statements;
  for (const Weighted& w : kMix) {
    for (int i = 0; i < w.weight; ++i) statements.emplace_back(w.sql);
  }
  // Interleave so consecutive statements differ (no accidental cache-friendly runs).
  std::vector<std::string> mixed;
  for (size_t stride = 0; stride < 7; ++stride) {
    for (size_t i = stride; i < statements.size(); i += 7) mixed.push_back(statements[i]);
  }

  const sg::shardmap::ShardMap& map = *loaded.map;
  sg::plan::PlanContext ctx;
  size_t rejects = 0;
  size_t shardsTouched = 0;
  using Clock = std::chrono::steady_clock;
  // Runs `body` over the whole mix until `seconds` have passed; returns {decisions, elapsed}.
  auto timed = [&](auto&& body) {
    size_t decisions = 0;
    auto start = Clock::now();
    auto deadline =
        start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
    Clock::time_point now = start;
    while (now < deadline) {
      for (size_t i = 0; i < mixed.size(); ++i) body(i);
      decisions += mixed.size();
      now = Clock::now();
    }
    return std::pair<size_t, double>(decisions, std::chrono::duration<double>(now - start).count());
  };

  // What the proxy does per query: classify, then plan.
  auto [decisions, elapsed] = timed([&](size_t i) {
    sg::sql::Statement statement = sg::sql::classify(mixed[i]);
    sg::plan::Plan plan = sg::plan::planStatement(statement, mixed[i], map, ctx);
    rejects += plan.isReject();
    shardsTouched += plan.shards.size();
  });
  std::printf(
      "classify+plan: %.0f routing decisions/s (%.2f us each; %zu statement kinds, %.1f%% "
      "rejected, %.2f shards per plan)\n",
      static_cast<double>(decisions) / elapsed, elapsed * 1e6 / static_cast<double>(decisions),
      std::size(kMix), 100.0 * static_cast<double>(rejects) / static_cast<double>(decisions),
      static_cast<double>(shardsTouched) / static_cast<double>(decisions));

  // The planner alone, on statements classified once.
  std::vector<sg::sql::Statement> classified;
  for (const std::string& sql : mixed) classified.push_back(sg::sql::classify(sql));
  auto [planned, planElapsed] = timed([&](size_t i) {
    sg::plan::Plan plan = sg::plan::planStatement(classified[i], mixed[i], map, ctx);
    shardsTouched += plan.shards.size();
  });
  std::printf("plan only:     %.0f plans/s (%.2f us each)\n",
              static_cast<double>(planned) / planElapsed,
              planElapsed * 1e6 / static_cast<double>(planned));
  return 0;
}
