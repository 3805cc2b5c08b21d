#pragma once
// The MySQL listener: one io_context per thread, each with its own SO_REUSEPORT acceptor so the
// kernel spreads connections over threads and a session lives on a single thread (no locks on
// the data path). Also owns signal handling and background tasks such as the identity probe.

#include "router/net/asio_prelude.h"

#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "router/net/proxy_context.h"

namespace sg::net {

class Server {
 public:
  Server(std::shared_ptr<ProxyContext> ctx, unsigned threads);
  ~Server();

  // Binds the listeners; on failure returns false with a reason.
  bool listen(const std::string& address, uint16_t port, std::string& error);
  // Runs until SIGINT/SIGTERM or stop().
  void run();
  void stop();
  // Called on the main context at each SIGHUP (reload the shard map).
  void onHangup(std::function<void()> f) { hangup_ = std::move(f); }
  // The first thread's context, for background tasks.
  boost::asio::io_context& mainContext() { return *contexts_.front(); }

 private:
  std::shared_ptr<ProxyContext> ctx_;
  std::vector<std::unique_ptr<boost::asio::io_context>> contexts_;
  std::vector<std::unique_ptr<boost::asio::ip::tcp::acceptor>> acceptors_;
  std::function<void()> hangup_;
};

// Learns the default shard master's version string and capabilities (retrying until it
// answers when `retry`), so clients are greeted as that server would greet them. True once
// learned.
awaitable<bool> probeServerIdentity(std::shared_ptr<ProxyContext> ctx, bool retry);

}  // namespace sg::net
