// ProxyAdmin: see proxy_admin.h.

#include "router/net/proxy_admin.h"

#include <nlohmann/json.hpp>

#include "shardmap/shard_map_diff.h"

namespace sg::net {

namespace {

using nlohmann::json;

// Every server of the map with its shard and role, in map order (masters first per shard).
template <typename F>
void forEachServer(const shardmap::ShardMap& map, F&& f) {
  for (const auto& shard : map.shards()) {
    f(shard, shard.master, admin::Role::kMaster);
    for (const auto& r : shard.replicas) f(shard, r, admin::Role::kReplica);
  }
}

int64_t load(const std::shared_ptr<const ServerStats>& stats, bool inFlight) {
  if (!stats) return 0;
  const auto& counter = inFlight ? stats->inFlight : stats->connections;
  return std::max<int64_t>(0, counter.load(std::memory_order_relaxed));
}

}  // namespace

bool ProxyAdmin::ready(std::string& why) {
  auto map = ctx_->shardMap();
  auto health = ctx_->healthSnapshot();
  if (!health) {
    why = "the health monitor has not reported yet";
    return false;
  }
  for (const auto& shard : map->shards()) {
    const std::string key = shard.master.str();
    const health::ServerHealth* h = health->find(key);
    if (!h || !h->checked) {
      why = "shard " + shard.name + " master " + key + " not checked yet";
      return false;
    }
    if (!h->up) {
      why = "shard " + shard.name + " master " + key + " is unreachable: " + h->lastError;
      return false;
    }
  }
  return true;
}

std::string ProxyAdmin::metricsText() {
  auto map = ctx_->shardMap();
  auto health = ctx_->healthSnapshot();
  admin::ScrapeState state;
  state.clientConnections = ctx_->clients();
  state.clientConnectionsTotal = ctx_->clientsTotal();
  state.shardMapVersion = map->version();
  forEachServer(*map, [&](const shardmap::Shard& shard, const shardmap::Endpoint& server,
                          admin::Role role) {
    admin::BackendState b;
    b.shard = shard.name;
    b.backend = server.str();
    b.role = role;
    const health::ServerHealth* h = health ? health->find(b.backend) : nullptr;
    b.up = h && h->checked && h->up;
    if (h) b.lagMs = h->lagMs;
    auto stats = ctx_->serverStats().find(b.backend);
    const int64_t connections = load(stats, false);
    const int64_t busy = std::min(load(stats, true), connections);
    b.busyConnections = static_cast<uint64_t>(busy);
    b.idleConnections = static_cast<uint64_t>(connections - busy);
    state.backends.push_back(std::move(b));
  });
  return ctx_->metrics().render(state);
}

std::pair<std::string, int64_t> ProxyAdmin::shardMap() {
  auto map = ctx_->shardMap();
  return {map->sourceText(), map->version()};
}

admin::PutReply ProxyAdmin::putShardMap(std::string body) {
  using Kind = shardmap::ApplyResult::Kind;
  shardmap::ApplyResult r =
      reloader_->apply(std::move(body), MapReloader::Source::kApi, "PUT /shardmap");
  json out;
  out["result"] = std::string(shardmap::kindName(r.kind));
  out["message"] = r.message;
  out["version"] = r.map ? r.map->version() : 0;
  json warnings = json::array();
  for (const auto& w : r.warnings) warnings.push_back(w.str());
  out["warnings"] = std::move(warnings);
  admin::PutReply reply;
  switch (r.kind) {
    case Kind::kOk:
      out["diff"] = json::parse(shardmap::diffToJson(*r.diff));
      reply.status = 200;
      break;
    case Kind::kUnchanged:
      reply.status = 200;
      break;
    case Kind::kInvalid: {
      json errors = json::array();
      for (const auto& e : r.errors) errors.push_back(e.str());
      out["error"] = r.message;
      out["errors"] = std::move(errors);
      reply.status = 400;
      break;
    }
    case Kind::kStale:
      out["error"] = r.message;
      reply.status = 409;
      break;
    case Kind::kWriteFailed:
      out["error"] = r.message;
      reply.status = 500;
      break;
  }
  reply.json = out.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
  return reply;
}

std::string ProxyAdmin::backendsJson() {
  auto map = ctx_->shardMap();
  auto health = ctx_->healthSnapshot();
  json list = json::array();
  forEachServer(*map, [&](const shardmap::Shard& shard, const shardmap::Endpoint& server,
                          admin::Role role) {
    const std::string key = server.str();
    const health::ServerHealth* h = health ? health->find(key) : nullptr;
    auto stats = ctx_->serverStats().find(key);
    json b;
    b["shard"] = shard.name;
    b["address"] = key;
    b["role"] = role == admin::Role::kMaster ? "master" : "replica";
    b["checked"] = h && h->checked;
    b["up"] = h && h->checked && h->up;
    b["read_only"] = h ? json(h->readOnly) : json(nullptr);
    if (role == admin::Role::kReplica) {
      b["lag_ms"] = h && h->lagMs ? json(*h->lagMs) : json(nullptr);
      b["replicating"] = h && h->replicating();
      b["seconds_behind_master"] = h && h->secondsBehind ? json(*h->secondsBehind) : json(nullptr);
      const int64_t bound = shard.maxLagMs.value_or(ctx_->settings().monitorMaxLagMs);
      b["max_lag_ms"] = bound;
      b["fresh"] = health && health->fresh(key, bound);
    }
    b["consecutive_failures"] = h ? h->consecutiveFailures : 0;
    b["last_error"] = h ? h->lastError : std::string();
    b["connections"] = load(stats, false);
    b["in_flight"] = load(stats, true);
    list.push_back(std::move(b));
  });
  return list.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace sg::net
