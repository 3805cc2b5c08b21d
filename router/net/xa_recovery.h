#pragma once
// Completes cross-shard transactions a crash left half done. Every master is asked for its
// prepared XA branches (XA RECOVER); for each branch shardgate created (format id kXaFormatId),
// the coordinator's transaction log decides: shardgate first inserts an 'abort' row for the
// transaction there (a fence: it waits while the coordinator's own 'commit' row is still locked
// by a commit in flight). If the insert succeeds the transaction never committed and the branch
// is rolled back; if a 'commit' row exists the branch is committed. Runs at start and then
// every kXaRecoveryInterval, on the main io_context, never on the data path.

#include "router/net/asio_prelude.h"

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace sg::net {

class ProxyContext;

inline constexpr uint32_t kXaFormatId = 21319;  // 'S' << 8 | 'G'
// gtrid = kXaGtridPrefix + coordinator "host:port" + "/" + 16 hex digits; bqual = branch number.
inline constexpr const char* kXaGtridPrefix = "sg:";
inline constexpr const char* kXaLogTable = "shardgate.xa_log";
inline constexpr std::chrono::seconds kXaRecoveryInterval{5};

// Creates the log table on every master that lacks it, then resolves prepared branches; repeats
// every kXaRecoveryInterval until the io_context stops.
awaitable<void> runXaRecovery(std::shared_ptr<ProxyContext> ctx);

// Creates kXaLogTable on that server (own connection); the reason when it can't.
awaitable<std::optional<std::string>> ensureXaLogTable(ProxyContext& ctx, std::string host,
                                                       uint16_t port);

// One pass over every master of the current shard map: the number of branches resolved.
awaitable<size_t> recoverXaOnce(ProxyContext& ctx);

}  // namespace sg::net
