#include "router/admin/admin_server.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

#include "router/admin/admin_routes.h"

namespace sg::admin {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using asio::awaitable;

namespace {

// After an error reply the client may still be sending (a body over the limit): read and drop
// that much for this long before closing, so the close does not reset the reply away.
constexpr std::chrono::seconds kLingerTime{2};
constexpr size_t kLingerBytes = 8 * 1024 * 1024;

struct Connection {
  explicit Connection(tcp::socket socket) : stream(std::move(socket)) {}
  beast::tcp_stream stream;
  uint64_t id = 0;
};

}  // namespace

struct AdminServer::State {
  State(asio::any_io_executor executor, std::string tok, std::shared_ptr<AdminApi> a, AdminLimits l)
      : ex(std::move(executor)),
        acceptor(asio::make_strand(ex)),
        token(std::move(tok)),
        api(std::move(a)),
        limits(l) {}

  // False (and not tracked) once stopped or at maxConnections.
  bool track(const std::shared_ptr<Connection>& c) {
    std::lock_guard lock(mutex);
    if (stopped || connections.size() >= limits.maxConnections) return false;
    c->id = nextId++;
    connections.emplace(c->id, c);
    return true;
  }
  void untrack(uint64_t id) {
    std::lock_guard lock(mutex);
    connections.erase(id);
  }

  asio::any_io_executor ex;
  tcp::acceptor acceptor;  // on a strand: the accept loop and stop() take turns
  const std::string token;
  const std::shared_ptr<AdminApi> api;
  const AdminLimits limits;

  std::mutex mutex;
  bool stopped = false;
  uint64_t nextId = 0;
  std::unordered_map<uint64_t, std::weak_ptr<Connection>> connections;
};

namespace {

using State = AdminServer::State;

// The reply to a request that could not be read, or nullopt when the client just went away
// (closed, reset, timed out) and there is nobody to answer.
std::optional<AdminReply> replyToReadError(const boost::system::error_code& ec,
                                           const AdminLimits& limits) {
  if (ec == http::error::body_limit) {
    return errorReply(413,
                      "request body larger than " + std::to_string(limits.maxBodyBytes) + " bytes");
  }
  if (ec == http::error::header_limit) {
    return errorReply(
        431, "request header larger than " + std::to_string(limits.maxHeaderBytes) + " bytes");
  }
  if (ec == http::error::end_of_stream || ec == http::error::partial_message) return std::nullopt;
  if (ec.category() == http::make_error_code(http::error::bad_method).category()) {
    return errorReply(400, "malformed request: " + ec.message());
  }
  return std::nullopt;
}

bool expectsContinue(const http::request_parser<http::string_body>& parser) {
  auto it = parser.get().find(http::field::expect);
  return it != parser.get().end() && beast::iequals(it->value(), "100-continue");
}

http::response<http::string_body> toResponse(AdminReply reply, unsigned version, bool keepAlive,
                                             bool head) {
  http::response<http::string_body> res;
  res.version(version);
  res.result(static_cast<unsigned>(reply.status));
  res.set(http::field::server, "shardgate");
  res.set(http::field::content_type, reply.contentType);
  for (auto& [name, value] : reply.headers) res.set(name, value);
  res.body() = std::move(reply.body);
  res.keep_alive(keepAlive);
  res.prepare_payload();         // Content-Length
  if (head) res.body().clear();  // HEAD: the same headers, Content-Length included, no body
  return res;
}

// Half-closes, then drains what the client still sends (up to a bound), then closes.
awaitable<void> lingeringClose(beast::tcp_stream& stream) {
  boost::system::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  stream.expires_after(kLingerTime);
  std::vector<char> sink(16 * 1024);
  size_t drained = 0;
  while (!ec && drained < kLingerBytes) {
    drained += co_await stream.async_read_some(asio::buffer(sink),
                                               asio::redirect_error(asio::use_awaitable, ec));
  }
}

awaitable<void> serveConnection(std::shared_ptr<State> st, std::shared_ptr<Connection> conn) {
  beast::tcp_stream& stream = conn->stream;
  beast::flat_buffer buffer;
  boost::system::error_code ec;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(st->limits.maxHeaderBytes));
    parser.body_limit(st->limits.maxBodyBytes);
    // One deadline for the whole request: idle keep-alive clients and slow senders alike.
    stream.expires_after(st->limits.requestTimeout);
    co_await http::async_read_header(stream, buffer, parser,
                                     asio::redirect_error(asio::use_awaitable, ec));
    if (!ec && !parser.is_done()) {
      if (expectsContinue(parser)) {
        static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
        co_await asio::async_write(stream, asio::buffer(kContinue.data(), kContinue.size()),
                                   asio::redirect_error(asio::use_awaitable, ec));
      }
      if (!ec) {
        co_await http::async_read(stream, buffer, parser,
                                  asio::redirect_error(asio::use_awaitable, ec));
      }
    }
    if (ec) {
      if (std::optional<AdminReply> reply = replyToReadError(ec, st->limits)) {
        auto res = toResponse(std::move(*reply), 11, /*keepAlive=*/false, /*head=*/false);
        stream.expires_after(st->limits.requestTimeout);
        co_await http::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
        if (!ec) co_await lingeringClose(stream);
      }
      break;
    }

    http::request<http::string_body> req = parser.release();
    AdminRequest request;
    request.method = std::string(req.method_string());
    request.target = std::string(req.target());
    if (auto it = req.find(http::field::authorization); it != req.end()) {
      request.authorization = std::string(it->value());
    }
    request.body = std::move(req.body());
    AdminReply reply = handleAdminRequest(*st->api, st->token, std::move(request));

    bool keepAlive = req.keep_alive();
    auto res =
        toResponse(std::move(reply), req.version(), keepAlive, req.method() == http::verb::head);
    stream.expires_after(st->limits.requestTimeout);
    co_await http::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
    if (ec || !keepAlive) break;
  }
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  stream.close();
  st->untrack(conn->id);
}

awaitable<void> acceptLoop(std::shared_ptr<State> st) {
  for (;;) {
    // Each connection on its own strand, so stop() can close it from any thread.
    tcp::socket socket(asio::make_strand(st->ex));
    boost::system::error_code ec;
    co_await st->acceptor.async_accept(socket, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (ec == asio::error::operation_aborted || !st->acceptor.is_open()) co_return;
      // Out of file descriptors and the like: back off briefly instead of spinning.
      asio::steady_timer t(st->acceptor.get_executor(), std::chrono::milliseconds(50));
      co_await t.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      if (!st->acceptor.is_open()) co_return;
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);  // small replies, maybe pipelined: no Nagle
    auto conn = std::make_shared<Connection>(std::move(socket));
    if (!st->track(conn)) continue;  // stopped or full: the socket closes with `conn`
    auto ex = conn->stream.get_executor();
    asio::co_spawn(ex, serveConnection(st, std::move(conn)), asio::detached);
  }
}

std::string hostPort(const std::string& address, uint16_t port) {
  bool v6 = address.find(':') != std::string::npos;
  return (v6 ? "[" + address + "]" : address) + ":" + std::to_string(port);
}

}  // namespace

AdminServer::AdminServer(asio::any_io_executor ex, std::string address, uint16_t port,
                         std::string token, std::shared_ptr<AdminApi> api, AdminLimits limits)
    : state_(std::make_shared<State>(std::move(ex), std::move(token), std::move(api), limits)),
      address_(std::move(address)),
      port_(port) {}

AdminServer::~AdminServer() { stop(); }

bool AdminServer::start(std::string& error) {
  auto fail = [&](const std::string& reason) {
    error = "cannot listen on " + hostPort(address_, port_) + ": " + reason;
    return false;
  };
  boost::system::error_code ec;
  asio::ip::address addr = asio::ip::make_address(address_, ec);
  if (ec) return fail("invalid address");
  tcp::endpoint endpoint(addr, port_);
  tcp::acceptor& acceptor = state_->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (!ec) boundPort_ = acceptor.local_endpoint(ec).port();
  if (ec) {
    boost::system::error_code ignored;
    acceptor.close(ignored);
    return fail(ec.message());
  }
  asio::co_spawn(acceptor.get_executor(), acceptLoop(state_), asio::detached);
  return true;
}

void AdminServer::stop() {
  std::shared_ptr<State> st = state_;
  std::vector<std::shared_ptr<Connection>> open;
  {
    std::lock_guard lock(st->mutex);
    if (st->stopped) return;
    st->stopped = true;
    for (auto& [id, weak] : st->connections) {
      if (auto c = weak.lock()) open.push_back(std::move(c));
    }
  }
  asio::post(st->acceptor.get_executor(), [st] {
    boost::system::error_code ignored;
    st->acceptor.close(ignored);
  });
  for (auto& c : open) {
    auto ex = c->stream.get_executor();
    asio::post(ex, [c] {
      boost::system::error_code ignored;
      c->stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
      c->stream.socket().close(ignored);
    });
  }
}

}  // namespace sg::admin
