// The health monitor: see monitor.h. All its coroutines run on one executor (the main
// io_context, one thread), so their shared state needs no locks.

#include "router/net/monitor.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <string>

#include <spdlog/spdlog.h>

#include "router/health/health_snapshot.h"
#include "router/health/heartbeat_lag.h"
#include "router/health/replication_status.h"
#include "router/net/admin_connection.h"
#include "router/net/deadline.h"
#include "router/net/proxy_context.h"
#include "router/sql/literal.h"

namespace sg::net {

namespace {

using Clock = std::chrono::steady_clock;
using health::Role;

constexpr uint16_t kParseError = 1064;
constexpr uint16_t kNoSuchTable = 1146;
constexpr uint16_t kUnknownVariable = 1193;
// While a replica stays not fresh, its state is logged again this often.
constexpr std::chrono::seconds kStaleLogEvery{5};
// Statements asking for the replication status, tried in this order (MariaDB, MySQL 8, older).
constexpr const char* kStatusStatements[] = {"SHOW ALL SLAVES STATUS", "SHOW REPLICA STATUS",
                                             "SHOW SLAVE STATUS"};
constexpr size_t kStatusForms = sizeof(kStatusStatements) / sizeof(kStatusStatements[0]);

// What the monitor's coroutines share.
struct MonitorShared {
  std::shared_ptr<ProxyContext> ctx;
  health::HeartbeatLag heartbeats;
};

// One server's checker: its connection and what it learned.
struct ServerWorker {
  std::string host;
  uint16_t port = 0;
  health::ServerHealth health;
  int64_t maxLagMs = 1000;
  bool retired = false;  // no longer in the shard map: the coroutine ends
  std::unique_ptr<AdminConnection> conn;
  bool heartbeatReady = false;  // heartbeat table created through this connection
  size_t statusForm = 0;        // index into kStatusStatements of the form that works
  bool mysqlGtid = false;       // the server has @@gtid_executed, not MariaDB's positions
  bool readOnlyKnown = false;
  bool wasFresh = true;
  Clock::time_point lastStaleLog{};
};

const char* roleName(Role r) { return r == Role::kMaster ? "master" : "replica"; }

// History long enough to measure lags well beyond any sensible max_lag_ms.
size_t historyFor(const ProxySettings& s) {
  const int64_t interval = std::max<int64_t>(1, s.monitorInterval.count());
  const int64_t maxLag = std::min<int64_t>(s.monitorMaxLagMs, 1 << 30);
  const int64_t horizon = std::max<int64_t>(60000, 4 * maxLag);
  return static_cast<size_t>(std::clamp<int64_t>(horizon / interval + 16, 64, 1 << 20));
}

std::string lostText(const Deadline& deadline) {
  return deadline.expired() ? "check timed out" : "lost connection";
}

// Creates the heartbeat table if it is missing.
awaitable<std::optional<std::string>> prepareHeartbeat(ServerWorker& w) {
  QueryResult r = co_await w.conn->query("CREATE DATABASE IF NOT EXISTS shardgate");
  if (r.ok()) {
    r = co_await w.conn->query(std::string("CREATE TABLE IF NOT EXISTS ") + kHeartbeatTable +
                               " (shard VARCHAR(64) PRIMARY KEY, seq BIGINT UNSIGNED NOT NULL, "
                               "written_us BIGINT NOT NULL) ENGINE=InnoDB");
  }
  if (!r.ok()) co_return r.errorText();
  w.heartbeatReady = true;
  co_return std::nullopt;
}

// Writes the next heartbeat on a master; an error text when it could not. The row's sequence
// number is incremented by the server (and read back with LAST_INSERT_ID(), connection-local),
// so it keeps growing across restarts and when several shardgates write the same row: each one
// remembers the numbers it wrote and when.
awaitable<std::optional<std::string>> writeHeartbeat(MonitorShared& m, ServerWorker& w) {
  if (!w.heartbeatReady) {
    if (auto failure = co_await prepareHeartbeat(w)) {
      co_return std::string("heartbeat table: ") + *failure;
    }
  }
  const auto at = Clock::now();
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  QueryResult r = co_await w.conn->query(
      std::string("INSERT INTO ") + kHeartbeatTable + " (shard, seq, written_us) VALUES (" +
      sql::quoteString(w.health.shard) + ", LAST_INSERT_ID(1), " + std::to_string(us) +
      ") ON DUPLICATE KEY UPDATE seq = LAST_INSERT_ID(seq + 1), written_us = VALUES(written_us)");
  if (r.ok()) r = co_await w.conn->query("SELECT LAST_INSERT_ID()");
  if (!r.ok()) co_return std::string("heartbeat write: ") + r.errorText();
  if (r.rows.empty() || r.rows[0].empty() || !r.rows[0][0])
    co_return std::string("heartbeat write: no seq");
  const uint64_t seq = std::strtoull(r.rows[0][0]->c_str(), nullptr, 10);
  m.heartbeats.recordWrite(w.health.shard, seq, at);
  w.health.heartbeatSeq = seq;
  co_return std::nullopt;
}

// Reads a replica's replication status into w.health; false when the connection was lost.
awaitable<bool> readReplication(ServerWorker& w) {
  health::ServerHealth& h = w.health;
  QueryResult r;
  for (size_t i = w.statusForm; i < kStatusForms; ++i) {
    r = co_await w.conn->query(kStatusStatements[i]);
    if (r.lost) co_return false;
    if (r.ok()) {
      w.statusForm = i;
      break;
    }
    if (r.error->code != kParseError) break;  // refused (privileges): no other form will do
  }
  h.ioRunning = h.sqlRunning = h.ioConnecting = false;
  h.secondsBehind.reset();
  if (!r.ok()) {
    h.lastError = std::string("replication status: ") + r.errorText();
    co_return true;
  }
  std::vector<health::StatusRow> rows;
  rows.reserve(r.rows.size());
  for (auto& values : r.rows) {
    health::StatusRow row;
    for (size_t c = 0; c < values.size() && c < r.columns.size(); ++c) {
      row.emplace(r.columns[c], std::move(values[c]));
    }
    rows.push_back(std::move(row));
  }
  auto status = health::pickReplicationStatus(rows);
  if (!status) {
    h.lastError = "replication is not configured";
    co_return true;
  }
  h.ioRunning = status->ioRunning;
  h.sqlRunning = status->sqlRunning;
  h.ioConnecting = status->ioState == "Connecting";
  h.secondsBehind = status->secondsBehind;
  if (!status->running()) {
    std::string why;
    if (!status->ioRunning) why += "IO thread " + status->ioState + "; ";
    if (!status->sqlRunning) why += "SQL thread not running; ";
    why += status->lastError;
    if (why.size() >= 2 && why.compare(why.size() - 2, 2, "; ") == 0) why.resize(why.size() - 2);
    h.lastError = std::move(why);
  }
  co_return true;
}

// The heartbeat sequence a replica shows: 0 when it has none yet; nullopt when unreadable.
awaitable<std::optional<uint64_t>> readAppliedHeartbeat(ServerWorker& w, bool& lost) {
  QueryResult r = co_await w.conn->query(std::string("SELECT seq FROM ") + kHeartbeatTable +
                                         " WHERE shard = " + sql::quoteString(w.health.shard));
  lost = r.lost;
  if (r.error && r.error->code == kNoSuchTable) co_return 0;
  if (!r.ok()) co_return std::nullopt;
  if (r.rows.empty() || r.rows[0].empty() || !r.rows[0][0]) co_return 0;
  co_return std::strtoull(r.rows[0][0]->c_str(), nullptr, 10);
}

// Reads the server's GTID position into w.health (read-your-writes); false when the connection
// was lost. A server without GTIDs has no position, and sessions that wrote read its master.
awaitable<bool> readGtid(ServerWorker& w) {
  health::ServerHealth& h = w.health;
  const auto at = Clock::now();
  QueryResult r;
  if (!w.mysqlGtid) {
    r = co_await w.conn->query(h.role == Role::kMaster ? "SELECT @@global.gtid_binlog_pos"
                                                       : "SELECT @@global.gtid_slave_pos");
    if (r.error && r.error->code == kUnknownVariable) w.mysqlGtid = true;
  }
  if (w.mysqlGtid) r = co_await w.conn->query("SELECT @@global.gtid_executed");
  if (r.lost) co_return false;
  h.gtid.reset();
  if (r.ok() && !r.rows.empty() && !r.rows[0].empty() && r.rows[0][0]) {
    h.gtid = health::GtidPosition::parse(*r.rows[0][0]);
    h.gtidAt = at;
  }
  co_return true;
}

// One check of one server; the reason when it failed (unreachable, timed out, no answer).
awaitable<std::optional<std::string>> checkOnce(MonitorShared& m, ServerWorker& w,
                                                std::chrono::milliseconds timeout) {
  const ProxySettings& s = m.ctx->settings();
  health::ServerHealth& h = w.health;
  if (!w.conn || !w.conn->isOpen()) {
    w.heartbeatReady = false;
    std::string failure;
    w.conn =
        co_await connectAdmin(w.host, w.port, s.monitorUser, s.monitorPassword, timeout, &failure);
    if (!w.conn) co_return std::string("cannot connect: ") + failure;
  }
  Deadline deadline(co_await asio::this_coro::executor, timeout, w.conn->socket());
  if (!co_await w.conn->ping()) co_return lostText(deadline);
  QueryResult ro = co_await w.conn->query("SELECT @@global.read_only");
  if (ro.lost) co_return lostText(deadline);
  if (!ro.ok() || ro.rows.empty() || ro.rows[0].empty() || !ro.rows[0][0]) {
    co_return std::string("cannot read @@read_only: ") + ro.errorText();
  }
  const bool readOnly = *ro.rows[0][0] == "1" || *ro.rows[0][0] == "ON";
  if (w.readOnlyKnown && readOnly != h.readOnly) {
    spdlog::warn("monitor: {} {} of shard {} became {}", roleName(h.role), h.key, h.shard,
                 readOnly ? "read-only" : "writable");
  } else if (!w.readOnlyKnown && readOnly == (h.role == Role::kMaster)) {
    spdlog::warn("monitor: {} {} of shard {} is {}", roleName(h.role), h.key, h.shard,
                 readOnly ? "read-only" : "writable");
  }
  h.readOnly = readOnly;
  w.readOnlyKnown = true;
  h.lastError.clear();

  if (h.role == Role::kMaster) {
    if (s.monitorHeartbeat && !readOnly) {
      if (auto failure = co_await writeHeartbeat(m, w)) {
        if (!w.conn->isOpen()) co_return lostText(deadline);
        h.lastError = *failure;
      }
    }
    if (s.readYourWrites && !co_await readGtid(w)) co_return lostText(deadline);
    co_return std::nullopt;
  }

  if (!co_await readReplication(w)) co_return lostText(deadline);
  std::optional<uint64_t> applied;
  if (s.monitorHeartbeat) {
    bool lost = false;
    applied = co_await readAppliedHeartbeat(w, lost);
    if (lost) co_return lostText(deadline);
  }
  h.heartbeatSeq = applied;
  if (s.readYourWrites && !co_await readGtid(w)) co_return lostText(deadline);
  const auto now = Clock::now();
  std::optional<int64_t> lag;
  if (applied) lag = m.heartbeats.lagMs(h.shard, *applied, now);
  if (!lag && h.secondsBehind) lag = *h.secondsBehind * 1000;
  h.lagMs = lag;
  co_return std::nullopt;
}

std::string lagText(const std::optional<int64_t>& lag) {
  return lag ? std::to_string(*lag) + " ms" : std::string("unknown");
}

// Updates up/down after a check and logs what changed.
void record(MonitorShared& m, ServerWorker& w, const std::optional<std::string>& failure,
            Clock::time_point started) {
  const ProxySettings& s = m.ctx->settings();
  health::ServerHealth& h = w.health;
  const auto now = Clock::now();
  h.checked = true;
  h.checkedAt = now;
  if (failure) {
    h.failedAt = now;
    ++h.consecutiveFailures;
    h.lastError = *failure;
    h.lagMs.reset();
    if (h.up && h.consecutiveFailures >= s.monitorFailAfter) {
      h.up = false;
      spdlog::warn("monitor: {} {} of shard {} is down after {} failed checks: {}",
                   roleName(h.role), h.key, h.shard, h.consecutiveFailures, *failure);
      // Statements waiting on a server that stopped answering (not dead: hung, or cut off
      // without a reset) end now instead of waiting for it.
      m.ctx->sessions().dropBackend(w.host, w.port, h.key);
    } else {
      spdlog::debug("monitor: check of {} failed: {}", h.key, *failure);
    }
  } else {
    if (!h.up) {
      spdlog::info("monitor: {} {} of shard {} is up again", roleName(h.role), h.key, h.shard);
    }
    h.up = true;
    h.consecutiveFailures = 0;
    h.goodSince = started;
  }
  if (h.role != Role::kReplica) return;
  const bool fresh = health::isFresh(h, w.maxLagMs);
  if (fresh) {
    if (!w.wasFresh) {
      spdlog::info("monitor: replica {} of shard {} is fresh again: lag {}", h.key, h.shard,
                   lagText(h.lagMs));
    }
  } else if (h.up && (w.wasFresh || now - w.lastStaleLog >= kStaleLogEvery)) {
    std::string why = h.lastError;
    if (why.empty()) {
      why = h.lagMs ? std::string("lag over max_lag_ms ") + std::to_string(w.maxLagMs)
                    : std::string("lag unknown");
    }
    spdlog::warn("monitor: replica {} of shard {} {} not fresh ({}): lag {}", h.key, h.shard,
                 w.wasFresh ? "is" : "still", why, lagText(h.lagMs));
    w.lastStaleLog = now;
  }
  w.wasFresh = fresh;
}

// Waits for the next round, `interval` after the previous one (or now, when running late); false
// when the timer was cancelled (shutdown).
awaitable<bool> nextRound(asio::steady_timer& timer, Clock::time_point& next,
                          std::chrono::milliseconds interval) {
  next += interval;
  const auto now = Clock::now();
  if (next < now) next = now;
  timer.expires_at(next);
  boost::system::error_code ec;
  co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  co_return !ec;
}

awaitable<void> runServer(std::shared_ptr<MonitorShared> m, std::shared_ptr<ServerWorker> w) {
  auto ex = co_await asio::this_coro::executor;
  const ProxySettings& s = m->ctx->settings();
  const auto timeout = std::max(s.monitorInterval, s.connectTimeout);
  asio::steady_timer timer(ex);
  auto next = Clock::now();
  while (!w->retired) {
    const auto started = Clock::now();
    std::optional<std::string> failure = co_await checkOnce(*m, *w, timeout);
    if (w->retired) break;
    record(*m, *w, failure, started);
    if (!co_await nextRound(timer, next, s.monitorInterval)) break;
  }
  if (w->conn) w->conn->close();
}

}  // namespace

awaitable<void> runMonitor(std::shared_ptr<ProxyContext> ctx) {
  auto ex = co_await asio::this_coro::executor;
  const ProxySettings& s = ctx->settings();
  auto shared =
      std::make_shared<MonitorShared>(MonitorShared{ctx, health::HeartbeatLag(historyFor(s))});
  std::map<std::string, std::shared_ptr<ServerWorker>> workers;  // by "host:port"
  asio::steady_timer timer(ex);
  auto next = Clock::now();
  spdlog::info("monitor: checking every server every {} ms as '{}'{}", s.monitorInterval.count(),
               s.monitorUser, s.monitorHeartbeat ? ", with heartbeats" : "");
  for (;;) {
    // Follow the current shard map: new servers get a checker, removed ones lose theirs.
    auto map = ctx->shardMap();
    std::set<std::string> present;
    for (const shardmap::Shard& shard : map->shards()) {
      const int64_t maxLag = shard.maxLagMs.value_or(s.monitorMaxLagMs);
      auto ensure = [&](const shardmap::Endpoint& e, Role role) {
        std::string key = e.str();
        present.insert(key);
        auto& w = workers[key];
        if (!w) {
          w = std::make_shared<ServerWorker>();
          w->host = e.host;
          w->port = e.port;
          w->health.key = key;
          asio::co_spawn(ex, runServer(shared, w), asio::detached);
        }
        w->health.shard = shard.name;
        w->health.role = role;
        w->maxLagMs = maxLag;
      };
      ensure(shard.master, Role::kMaster);
      for (const shardmap::Endpoint& r : shard.replicas) ensure(r, Role::kReplica);
    }
    for (auto it = workers.begin(); it != workers.end();) {
      if (present.count(it->first)) {
        ++it;
      } else {
        it->second->retired = true;
        it = workers.erase(it);
      }
    }

    if (!co_await nextRound(timer, next, s.monitorInterval)) co_return;

    auto snapshot = std::make_shared<health::HealthSnapshot>();
    for (const auto& [key, w] : workers) snapshot->servers.emplace(key, w->health);
    ctx->setHealthSnapshot(std::move(snapshot));
  }
}

}  // namespace sg::net
