#pragma once
// The admin HTTP API: /healthz, /readyz, /metrics, /shardmap (GET, and PUT with a bearer
// token), /backends. HTTP/1.1 with keep-alive, one coroutine per connection on the executor it
// is given; every malformed or oversized request gets a 4xx with {"error": "..."} and the
// server keeps serving. Boost.Beast stays inside admin_server.cpp.

// Boost 1.74's Asio headers need <utility> first (see router/net/asio_prelude.h).
#include <utility>

#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "router/admin/admin_api.h"

namespace sg::admin {

struct AdminLimits {
  // A connection that does not complete a request (headers and body) within this time is
  // closed; an idle keep-alive connection too.
  std::chrono::milliseconds requestTimeout{30000};
  size_t maxBodyBytes = 4 * 1024 * 1024;  // larger: 413
  size_t maxHeaderBytes = 16 * 1024;      // larger: 431
  size_t maxConnections = 256;            // more are closed as soon as accepted
};

class AdminServer {
 public:
  // `token` is [admin] token: "" disables the mutating endpoints (403).
  AdminServer(boost::asio::any_io_executor ex, std::string address, uint16_t port,
              std::string token, std::shared_ptr<AdminApi> api, AdminLimits limits = {});
  // Calls stop(). Destroy it before the io_context its executor belongs to.
  ~AdminServer();
  AdminServer(const AdminServer&) = delete;
  AdminServer& operator=(const AdminServer&) = delete;

  // Binds and listens, then starts accepting on the executor. On failure returns false with
  // e.g. "cannot listen on 127.0.0.1:9104: Address already in use". Call once.
  bool start(std::string& error);
  // Stops accepting and closes every admin connection (asynchronously, on the executor).
  // Thread-safe; idempotent.
  void stop();
  // The port listened on (the ephemeral one chosen when constructed with port 0); 0 before start.
  uint16_t port() const { return boundPort_; }

  struct State;  // defined in admin_server.cpp

 private:
  std::shared_ptr<State> state_;
  std::string address_;
  uint16_t port_;
  uint16_t boundPort_ = 0;
};

}  // namespace sg::admin
