// XA recovery: see xa_recovery.h. Uses its own short-lived connections with the backend account.

#include "router/net/xa_recovery.h"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>

#include "router/net/admin_connection.h"
#include "router/net/proxy_context.h"
#include "router/sql/literal.h"
#include "shardmap/endpoint.h"

namespace sg::net {

namespace {

// Logs in with the backend account.
awaitable<std::unique_ptr<AdminConnection>> connectBackendAdmin(const ProxyContext& ctx,
                                                                std::string host, uint16_t port) {
  const auto& s = ctx.settings();
  return connectAdmin(std::move(host), port, s.backendUser, s.backendPassword, s.connectTimeout);
}

constexpr uint16_t kDuplicateKey = 1062;

// Creates the transaction log if it is missing; the reason when that failed.
awaitable<std::optional<std::string>> createLogTable(AdminConnection& c) {
  QueryResult r = co_await c.query("CREATE DATABASE IF NOT EXISTS shardgate");
  if (r.ok()) {
    r = co_await c.query(std::string("CREATE TABLE IF NOT EXISTS ") + kXaLogTable +
                         " (gtrid VARBINARY(64) NOT NULL PRIMARY KEY, decision "
                         "ENUM('commit','abort') NOT NULL, created TIMESTAMP NOT NULL DEFAULT "
                         "CURRENT_TIMESTAMP) ENGINE=InnoDB");
  }
  if (r.ok()) co_return std::nullopt;
  co_return r.errorText();
}

// A prepared branch shardgate created, as XA RECOVER lists it.
struct Branch {
  std::string gtrid;
  std::string bqual;
  std::string coordinator;  // "host:port" from the gtrid
};

std::optional<Branch> parseBranch(const std::vector<std::optional<std::string>>& row) {
  if (row.size() < 4 || !row[0] || !row[1] || !row[2] || !row[3]) return std::nullopt;
  if (*row[0] != std::to_string(kXaFormatId)) return std::nullopt;
  size_t gl = std::strtoul(row[1]->c_str(), nullptr, 10);
  size_t bl = std::strtoul(row[2]->c_str(), nullptr, 10);
  const std::string& data = *row[3];
  if (gl + bl != data.size()) return std::nullopt;
  Branch b{data.substr(0, gl), data.substr(gl), {}};
  std::string_view g = b.gtrid;
  std::string_view prefix = kXaGtridPrefix;
  size_t slash = g.rfind('/');
  if (g.substr(0, prefix.size()) != prefix || slash == std::string_view::npos ||
      slash < prefix.size()) {
    return std::nullopt;
  }
  b.coordinator = std::string(g.substr(prefix.size(), slash - prefix.size()));
  return b;
}

// The transaction's outcome per the coordinator's log, fencing it first: "commit", "abort", or
// nullopt when it can't be known now (coordinator unreachable, a commit still in flight).
awaitable<std::optional<std::string>> decide(AdminConnection& coordinator,
                                             const std::string& gtrid) {
  QueryResult r = co_await coordinator.query(std::string("INSERT INTO ") + kXaLogTable +
                                             " (gtrid, decision) VALUES (" +
                                             sql::quoteString(gtrid) + ", 'abort')");
  if (r.ok()) co_return "abort";
  if (r.lost || r.error->code != kDuplicateKey) co_return std::nullopt;
  r = co_await coordinator.query(std::string("SELECT decision FROM ") + kXaLogTable +
                                 " WHERE gtrid = " + sql::quoteString(gtrid));
  if (!r.ok() || r.rows.empty() || !r.rows[0][0]) co_return std::nullopt;
  co_return *r.rows[0][0];
}

}  // namespace

awaitable<size_t> recoverXaOnce(ProxyContext& ctx) {
  auto map = ctx.shardMap();
  std::map<std::string, std::unique_ptr<AdminConnection>> conns;  // by "host:port"; null: down
  auto connection = [&](const std::string& key) -> awaitable<AdminConnection*> {
    auto it = conns.find(key);
    if (it == conns.end()) {
      std::unique_ptr<AdminConnection> c;
      std::string error;
      if (auto addr = shardmap::parseEndpoint(key, error)) {
        c = co_await connectBackendAdmin(ctx, addr->host, addr->port);
      }
      if (c) {
        // A commit in flight holds its log row: wait for it only briefly.
        co_await c->query("SET SESSION innodb_lock_wait_timeout = 3");
      }
      it = conns.emplace(key, std::move(c)).first;
    }
    co_return it->second.get();
  };

  size_t resolved = 0;
  bool everyMaster = true;              // every master answered XA RECOVER
  std::set<std::string> stillPrepared;  // gtrids with a branch left prepared somewhere
  for (const shardmap::Shard& shard : map->shards()) {
    const std::string key = shard.master.str();
    AdminConnection* master = co_await connection(key);
    if (!master) {
      everyMaster = false;
      continue;
    }
    if (auto failure = co_await createLogTable(*master)) {
      spdlog::warn("XA recovery: cannot create {} on shard {} master {}: {}", kXaLogTable,
                   shard.name, key, *failure);
    }
    QueryResult prepared = co_await master->query("XA RECOVER");
    if (!prepared.ok()) everyMaster = false;
    if (!prepared.ok()) {
      if (prepared.error) {
        spdlog::warn("XA recovery: XA RECOVER on {}: {}", key, prepared.error->message);
      }
      continue;
    }
    for (const auto& row : prepared.rows) {
      auto branch = parseBranch(row);
      if (!branch) continue;
      AdminConnection* coordinator = co_await connection(branch->coordinator);
      std::optional<std::string> decision;
      if (coordinator) decision = co_await decide(*coordinator, branch->gtrid);
      if (!decision) {
        stillPrepared.insert(branch->gtrid);
        spdlog::info("XA recovery: {} on {} undecided for now (coordinator {})", branch->gtrid, key,
                     branch->coordinator);
        continue;
      }
      const bool commit = *decision == "commit";
      std::string xid = sql::quoteString(branch->gtrid) + "," + sql::quoteString(branch->bqual) +
                        "," + std::to_string(kXaFormatId);
      QueryResult done = co_await master->query((commit ? "XA COMMIT " : "XA ROLLBACK ") + xid);
      if (done.ok()) {
        ++resolved;
        spdlog::warn("XA recovery: {} branch {} of {} on shard {} master {}",
                     commit ? "committed" : "rolled back", branch->bqual, branch->gtrid, shard.name,
                     key);
      } else {
        stillPrepared.insert(branch->gtrid);
        spdlog::warn("XA recovery: cannot {} {} on {}: {}", commit ? "commit" : "roll back",
                     branch->gtrid, key, done.lost ? "lost connection" : done.error->message);
      }
    }
    // Fences older than an hour protect nothing any more.
    co_await master->query(std::string("DELETE FROM ") + kXaLogTable +
                           " WHERE decision = 'abort' AND created < NOW() - INTERVAL 1 HOUR");
  }
  // A 'commit' row is needed while a branch of its transaction may be prepared: the committing
  // session deletes it, recovery does when it had to finish the branches itself. Only when every
  // master was seen, and with a minute's margin for commits in flight.
  if (everyMaster) {
    std::string keep;
    for (const std::string& g : stillPrepared) {
      if (!keep.empty()) keep += ", ";
      keep += sql::quoteString(g);
    }
    for (const shardmap::Shard& shard : map->shards()) {
      AdminConnection* master = co_await connection(shard.master.str());
      if (!master) continue;
      std::string cleanup = std::string("DELETE FROM ") + kXaLogTable +
                            " WHERE decision = 'commit' AND created < NOW() - INTERVAL 1 MINUTE";
      if (!keep.empty()) {
        cleanup += " AND gtrid NOT IN (";
        cleanup += keep;
        cleanup += ')';
      }
      co_await master->query(std::move(cleanup));
    }
  }
  for (auto& [key, c] : conns) {
    if (c) c->close();
  }
  co_return resolved;
}

awaitable<std::optional<std::string>> ensureXaLogTable(ProxyContext& ctx, std::string host,
                                                       uint16_t port) {
  auto c = co_await connectBackendAdmin(ctx, host, port);
  if (!c) co_return "cannot connect to " + shardmap::Endpoint{host, port}.str();
  auto failure = co_await createLogTable(*c);
  c->close();
  co_return failure;
}

awaitable<void> runXaRecovery(std::shared_ptr<ProxyContext> ctx) {
  auto ex = co_await asio::this_coro::executor;
  for (;;) {
    co_await recoverXaOnce(*ctx);
    asio::steady_timer t(ex, kXaRecoveryInterval);
    boost::system::error_code ec;
    co_await t.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
  }
}

}  // namespace sg::net
