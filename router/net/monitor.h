#pragma once
// The health monitor: one coroutine per server of the shard map checks it every [monitor]
// interval_ms over a connection of its own ([monitor] account): ping, @@read_only, on replicas
// the replication status and the replicated heartbeat row; on masters it writes the heartbeat
// (shardgate.heartbeat). Each round the results are published as a HealthSnapshot in
// ProxyContext. Runs on the main io_context, never on the data path; every check has a deadline,
// so a dead server delays only its own checks.

#include "router/net/asio_prelude.h"

#include <memory>

namespace sg::net {

class ProxyContext;

inline constexpr const char* kHeartbeatTable = "shardgate.heartbeat";

// Checks every server of the current shard map (re-read every round) until the io_context stops.
awaitable<void> runMonitor(std::shared_ptr<ProxyContext> ctx);

}  // namespace sg::net
