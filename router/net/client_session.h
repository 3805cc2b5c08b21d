#pragma once
// One client connection from accept to close: login, the backend connection it owns, and the
// command loop that forwards each command and relays the response as raw packets.

#include "router/net/asio_prelude.h"

#include <memory>

#include "router/net/proxy_context.h"

namespace sg::net {

// Serves one accepted client socket until either side goes away. Never throws.
awaitable<void> runClientSession(tcp::socket socket, std::shared_ptr<ProxyContext> ctx);

}  // namespace sg::net
