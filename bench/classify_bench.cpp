// Throughput of sg::sql::classify on a sysbench-like mix plus a few heavier statements.
// Not a test: run `build/tests/unit/sql/sql_classify_bench [seconds]` on a Release build.

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "router/sql/classifier.h"

namespace {

// Roughly oltp_read_write's mix: 10 point selects, 4 range queries, 4 writes, BEGIN/COMMIT.
constexpr std::string_view kMix[] = {
    "BEGIN",
    "SELECT c FROM sbtest1 WHERE id=?",
    "SELECT c FROM sbtest1 WHERE id=?",
    "SELECT c FROM sbtest1 WHERE id=?",
    "SELECT c FROM sbtest1 WHERE id=?",
    "SELECT c FROM sbtest1 WHERE id=?",
    "SELECT c FROM sbtest1 WHERE id=?",
    "SELECT c FROM sbtest1 WHERE id=?",
    "SELECT c FROM sbtest1 WHERE id=?",
    "SELECT c FROM sbtest1 WHERE id=?",
    "SELECT c FROM sbtest1 WHERE id=?",
    "SELECT c FROM sbtest1 WHERE id BETWEEN ? AND ?",
    "SELECT SUM(k) FROM sbtest1 WHERE id BETWEEN ? AND ?",
    "SELECT c FROM sbtest1 WHERE id BETWEEN ? AND ? ORDER BY c",
    "SELECT DISTINCT c FROM sbtest1 WHERE id BETWEEN ? AND ? ORDER BY c",
    "UPDATE sbtest1 SET k=k+1 WHERE id=?",
    "UPDATE sbtest1 SET c=? WHERE id=?",
    "DELETE FROM sbtest1 WHERE id=?",
    "INSERT INTO sbtest1 (id, k, c, pad) VALUES (?, ?, ?, ?)",
    "COMMIT",
    "SET autocommit=1",
    "/* app:checkout */ SELECT o.id, o.total, u.email FROM orders o JOIN users u ON u.id = "
    "o.user_id WHERE o.user_id = 42 AND o.status IN ('paid', 'shipped') ORDER BY o.created_at "
    "DESC LIMIT 20",
    "INSERT INTO events (user_id, kind, payload) VALUES (1, 'click', '{\"a\":1}'), (2, 'view', "
    "'{}'), (3, 'click', '{\"b\":2}') ON DUPLICATE KEY UPDATE payload = VALUES(payload)",
};

}  // namespace

int main(int argc, char** argv) {
  double seconds = argc > 1 ? std::atof(argv[1]) : 1.0;
  if (seconds <= 0) seconds = 1.0;
  const auto point = "SELECT c FROM sbtest1 WHERE id=?";
  using Clock = std::chrono::steady_clock;
  size_t sink = 0;

  auto run = [&](auto&& body) {
    size_t count = 0;
    const auto start = Clock::now();
    const auto deadline = start + std::chrono::duration<double>(seconds);
    while (Clock::now() < deadline) {
      for (int i = 0; i < 64; ++i) count += body();
    }
    const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    return count / elapsed;
  };

  const double mixRate = run([&] {
    for (std::string_view sql : kMix) {
      sg::sql::Statement st = sg::sql::classify(sql);
      sink += st.tables.size() + st.paramCount;
    }
    return std::size(kMix);
  });
  const double pointRate = run([&] {
    sg::sql::Statement st = sg::sql::classify(point);
    sink += st.tables.size();
    return size_t{1};
  });
  std::printf("mix of %zu statements: %.0f statements/s (%.0f ns each)\n", std::size(kMix), mixRate,
              1e9 / mixRate);
  std::printf("point select:          %.0f statements/s (%.0f ns each)\n", pointRate,
              1e9 / pointRate);
  return sink == 0 ? 1 : 0;
}
