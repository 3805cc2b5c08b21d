#include "router/net/server.h"

#include "router/net/monitor.h"
#include "router/net/xa_recovery.h"

#include <spdlog/spdlog.h>

#include "router/net/backend_connection.h"
#include "router/net/client_handshake.h"
#include "router/net/client_session.h"

namespace sg::net {

namespace {

using ReusePort = asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;

awaitable<void> acceptLoop(tcp::acceptor& acceptor, std::shared_ptr<ProxyContext> ctx) {
  for (;;) {
    boost::system::error_code ec;
    tcp::socket socket = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
      spdlog::warn("accept failed: {}", ec.message());
      // Out of file descriptors and the like: back off briefly instead of spinning.
      asio::steady_timer t(co_await asio::this_coro::executor, std::chrono::milliseconds(50));
      co_await t.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    auto ex = socket.get_executor();
    asio::co_spawn(ex, runClientSession(std::move(socket), ctx), asio::detached);
  }
}

}  // namespace

Server::Server(std::shared_ptr<ProxyContext> ctx, unsigned threads) : ctx_(std::move(ctx)) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  for (unsigned i = 0; i < threads; ++i) contexts_.push_back(std::make_unique<asio::io_context>(1));
}

Server::~Server() = default;

bool Server::listen(const std::string& address, uint16_t port, std::string& error) {
  boost::system::error_code ec;
  auto addr = asio::ip::make_address(address, ec);
  if (ec) {
    error = "invalid listen address '" + address + "'";
    return false;
  }
  tcp::endpoint endpoint(addr, port);
  for (auto& ioc : contexts_) {
    auto acceptor = std::make_unique<tcp::acceptor>(*ioc);
    acceptor->open(endpoint.protocol(), ec);
    if (!ec) acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor->set_option(ReusePort(true), ec);
    if (!ec) acceptor->bind(endpoint, ec);
    if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      error = "cannot listen on " + address + ":" + std::to_string(port) + ": " + ec.message();
      return false;
    }
    acceptors_.push_back(std::move(acceptor));
  }
  return true;
}

void Server::run() {
  asio::signal_set signals(mainContext(), SIGINT, SIGTERM);
  signals.async_wait([this](const boost::system::error_code& ec, int sig) {
    if (ec) return;
    spdlog::info("signal {} received, shutting down", sig);
    stop();
  });
  asio::signal_set hangups(mainContext(), SIGHUP);
  std::function<void(const boost::system::error_code&, int)> onHangup =
      [this, &hangups, &onHangup](const boost::system::error_code& ec, int) {
        if (ec) return;
        spdlog::info("SIGHUP received, reloading the shard map");
        if (hangup_) hangup_();
        hangups.async_wait(onHangup);
      };
  hangups.async_wait(onHangup);
  // Greet clients only once the backend's identity is known (or its first probe failed).
  asio::co_spawn(
      mainContext(),
      [this]() -> awaitable<void> {
        bool learned = co_await probeServerIdentity(ctx_, /*retry=*/false);
        for (size_t i = 0; i < contexts_.size(); ++i) {
          asio::co_spawn(*contexts_[i], acceptLoop(*acceptors_[i], ctx_), asio::detached);
        }
        // Cross-shard transactions a previous run left prepared are completed (and the log
        // table created) before and while clients are served.
        asio::co_spawn(mainContext(), runXaRecovery(ctx_), asio::detached);
        // Health checks and replica lag, published as ProxyContext::healthSnapshot().
        asio::co_spawn(mainContext(), runMonitor(ctx_), asio::detached);
        if (!learned) co_await probeServerIdentity(ctx_, /*retry=*/true);
      },
      asio::detached);

  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
  for (auto& ioc : contexts_) guards.push_back(asio::make_work_guard(*ioc));
  std::vector<std::thread> threads;
  for (size_t i = 1; i < contexts_.size(); ++i) {
    threads.emplace_back([ioc = contexts_[i].get()] { ioc->run(); });
  }
  mainContext().run();
  for (auto& t : threads) t.join();
}

void Server::stop() {
  for (auto& ioc : contexts_) ioc->stop();
}

awaitable<bool> probeServerIdentity(std::shared_ptr<ProxyContext> ctx, bool retry) {
  const auto& s = ctx->settings();
  auto ex = co_await asio::this_coro::executor;
  for (;;) {
    auto map = ctx->shardMap();
    const auto& master = map->defaultShard().master;
    BackendLogin login;
    login.host = master.host;
    login.port = master.port;
    login.user = s.backendUser;
    login.password = s.backendPassword;
    login.capabilities = kSupportedCapabilities;
    login.timeout = s.connectTimeout;
    BackendConnectResult r = co_await connectBackend(login);
    if (!r.greeting.serverVersion.empty()) {
      ServerIdentity id;
      id.version = r.greeting.serverVersion;
      id.capabilities = r.greeting.capabilities;
      id.collation = r.greeting.collation ? r.greeting.collation : id.collation;
      id.learned = true;
      ctx->setIdentity(id);
      spdlog::info("default shard master {} is '{}'", master.str(), id.version);
      if (r.stream) {
        uint8_t quit[] = {1, 0, 0, 0, static_cast<uint8_t>(protocol::Command::kQuit)};
        co_await r.stream->write(quit);
        r.stream->close();
      }
      co_return true;
    }
    if (!retry) {
      spdlog::warn("default shard master {} did not answer ({}); retrying in the background",
                   master.str(), r.failure);
      co_return false;
    }
    asio::steady_timer t(ex, std::chrono::seconds(1));
    boost::system::error_code ec;
    co_await t.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return false;
  }
}

}  // namespace sg::net
