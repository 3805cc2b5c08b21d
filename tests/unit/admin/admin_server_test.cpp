// The admin HTTP server over loopback: a real AdminServer on an ephemeral port in an io_context
// thread, talked to with plain sockets so that malformed bytes can be sent as easily as good
// requests.

#include "router/admin/admin_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <future>
#include <map>
#include <optional>
#include <thread>

#include "tests/unit/admin/fake_admin_api.h"

namespace sg::admin {
namespace {

using namespace std::chrono_literals;

// A blocking loopback client socket with a receive timeout, so a broken server fails the test
// instead of hanging it.
class Client {
 public:
  explicit Client(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{5, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~Client() { ::close(fd_); }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  bool connected() const { return connected_; }

  bool send(std::string_view bytes) {
    while (!bytes.empty()) {
      ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  struct Response {
    int status = 0;
    std::map<std::string, std::string> headers;  // names lowercased
    std::string body;
    std::string header(const std::string& name) const {
      auto it = headers.find(name);
      return it == headers.end() ? "<absent>" : it->second;
    }
  };

  // Reads one response framed by Content-Length (no body for HEAD and 1xx); nullopt when the
  // connection closed or timed out first.
  std::optional<Response> read(bool head = false) {
    size_t end;
    while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!fill()) return std::nullopt;
    }
    std::string head_ = buffer_.substr(0, end);
    buffer_.erase(0, end + 4);
    Response r;
    size_t lineEnd = head_.find("\r\n");
    std::string statusLine = head_.substr(0, lineEnd);
    if (statusLine.rfind("HTTP/1.", 0) != 0 || statusLine.size() < 12) return std::nullopt;
    r.status = std::stoi(statusLine.substr(9, 3));
    while (lineEnd != std::string::npos) {
      size_t start = lineEnd + 2;
      lineEnd = head_.find("\r\n", start);
      std::string line =
          head_.substr(start, lineEnd == std::string::npos ? lineEnd : lineEnd - start);
      size_t colon = line.find(':');
      if (colon == std::string::npos) continue;
      std::string name = line.substr(0, colon);
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      size_t v = line.find_first_not_of(' ', colon + 1);
      r.headers[name] = v == std::string::npos ? "" : line.substr(v);
    }
    if (head || r.status / 100 == 1) return r;
    size_t length =
        std::stoul(r.headers.count("content-length") ? r.headers["content-length"] : "0");
    while (buffer_.size() < length) {
      if (!fill()) return std::nullopt;
    }
    r.body = buffer_.substr(0, length);
    buffer_.erase(0, length);
    return r;
  }

  // True when the server closes the connection (EOF or reset) before the receive timeout.
  bool closedByServer() {
    for (;;) {
      char c[4096];
      ssize_t n = ::recv(fd_, c, sizeof c, 0);
      if (n == 0) return true;
      if (n < 0) return errno == ECONNRESET;
    }
  }

  std::string pending() const { return buffer_; }

 private:
  bool fill() {
    char chunk[16384];
    ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<size_t>(n));
    return true;
  }

  int fd_ = -1;
  bool connected_ = false;
  std::string buffer_;
};

std::string get(std::string_view target, std::string_view method = "GET") {
  return std::string(method) + " " + std::string(target) + " HTTP/1.1\r\nHost: localhost\r\n\r\n";
}

std::string put(std::string_view body, std::string_view authorization) {
  std::string req = "PUT /shardmap HTTP/1.1\r\nHost: localhost\r\n";
  if (!authorization.empty()) req += "Authorization: " + std::string(authorization) + "\r\n";
  req += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  return req + std::string(body);
}

class AdminServerTest : public ::testing::Test {
 protected:
  void startServer(std::string token = "secret", AdminLimits limits = {}) {
    server_ =
        std::make_unique<AdminServer>(ioc_.get_executor(), "127.0.0.1", 0, token, api_, limits);
    std::string error;
    ASSERT_TRUE(server_->start(error)) << error;
    ASSERT_NE(server_->port(), 0);
    runner_ = std::async(std::launch::async, [this] { ioc_.run(); });
  }

  void TearDown() override {
    if (!server_) return;
    server_->stop();
    // stop() closes the listener and every connection: the io_context runs out of work.
    bool drained = runner_.wait_for(10s) == std::future_status::ready;
    EXPECT_TRUE(drained) << "io_context still busy after stop()";
    if (!drained) ioc_.stop();
    runner_.wait();
    server_.reset();
  }

  uint16_t port() const { return server_->port(); }

  // One request on a fresh connection.
  std::optional<Client::Response> roundTrip(const std::string& request, bool head = false) {
    Client c(port());
    if (!c.connected() || !c.send(request)) return std::nullopt;
    return c.read(head);
  }

  boost::asio::io_context ioc_;
  std::shared_ptr<FakeAdminApi> api_ = std::make_shared<FakeAdminApi>();
  std::unique_ptr<AdminServer> server_;
  std::future<void> runner_;
};

TEST_F(AdminServerTest, HealthzSaysOk) {
  startServer();
  auto r = roundTrip(get("/healthz"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "ok\n");
  EXPECT_EQ(r->header("content-type"), "text/plain; charset=utf-8");
  EXPECT_EQ(r->header("content-length"), "3");
  EXPECT_EQ(r->header("server"), "shardgate");
}

TEST_F(AdminServerTest, ReadyzFollowsTheProxy) {
  api_->isReady = false;
  api_->notReadyWhy = "no shard map";
  startServer();
  auto r = roundTrip(get("/readyz"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(r->body, "not ready: no shard map\n");
}

TEST_F(AdminServerTest, ReadyzOk) {
  startServer();
  auto r = roundTrip(get("/readyz"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST_F(AdminServerTest, MetricsHaveThePrometheusContentType) {
  startServer();
  auto r = roundTrip(get("/metrics"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(r->body, api_->metrics);
}

TEST_F(AdminServerTest, ShardMapComesWithItsVersion) {
  api_->mapVersion = 17;
  startServer();
  auto r = roundTrip(get("/shardmap"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->header("x-shardmap-version"), "17");
  EXPECT_EQ(r->body, api_->mapText);
}

TEST_F(AdminServerTest, BackendsAreJson) {
  startServer();
  auto r = roundTrip(get("/backends"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->header("content-type"), "application/json");
  EXPECT_EQ(r->body, api_->backends);
}

TEST_F(AdminServerTest, HeadSendsTheHeadersWithoutTheBody) {
  startServer();
  Client c(port());
  ASSERT_TRUE(c.send(get("/metrics", "HEAD")));
  auto r = c.read(/*head=*/true);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->header("content-length"), std::to_string(api_->metrics.size()));
  // No body bytes followed: the next response on the connection starts right away.
  ASSERT_TRUE(c.send(get("/healthz")));
  auto next = c.read();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
  EXPECT_EQ(next->body, "ok\n");
}

TEST_F(AdminServerTest, UnknownPathIs404) {
  startServer();
  auto r = roundTrip(get("/admin"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(r->header("content-type"), "application/json");
  EXPECT_EQ(r->body, "{\"error\":\"no such endpoint: /admin\"}\n");
}

TEST_F(AdminServerTest, WrongMethodIs405WithAllow) {
  startServer();
  auto r = roundTrip("POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 405);
  EXPECT_EQ(r->header("allow"), "GET, HEAD");
  auto d = roundTrip(get("/shardmap", "DELETE"));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->status, 405);
  EXPECT_EQ(d->header("allow"), "GET, HEAD, PUT");
}

TEST_F(AdminServerTest, PutWithoutTokenIs401) {
  startServer();
  auto r = roundTrip(put("version = 4\n", ""));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(r->header("www-authenticate"), "Bearer");
  EXPECT_EQ(r->header("content-type"), "application/json");
  EXPECT_TRUE(api_->puts().empty());
}

TEST_F(AdminServerTest, PutWithWrongTokenIs401) {
  startServer();
  for (std::string auth : {"Bearer secreT", "Bearer secret2", "Basic c2VjcmV0"}) {
    auto r = roundTrip(put("version = 4\n", auth));
    ASSERT_TRUE(r) << auth;
    EXPECT_EQ(r->status, 401) << auth;
    EXPECT_EQ(r->header("www-authenticate"), "Bearer") << auth;
  }
  EXPECT_TRUE(api_->puts().empty());
}

TEST_F(AdminServerTest, PutWithTheTokenReachesTheProxyWithTheExactBody) {
  startServer();
  const char raw[] = "[shards]\r\nname = \"s\xc3\xa9\"\n\0tail\n";
  const std::string body(raw, sizeof raw - 1);  // NUL and CRLF included
  auto r = roundTrip(put(body, "Bearer secret"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->header("content-type"), "application/json");
  EXPECT_EQ(r->body, api_->putReply.json);
  EXPECT_EQ(api_->puts(), std::vector<std::string>{body});
}

TEST_F(AdminServerTest, PutIsDisabledWithoutAConfiguredToken) {
  startServer(/*token=*/"");
  auto r = roundTrip(put("version = 4\n", "Bearer "));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  EXPECT_NE(r->body.find("\"error\""), std::string::npos);
  auto r2 = roundTrip(put("version = 4\n", "Bearer anything"));
  ASSERT_TRUE(r2);
  EXPECT_EQ(r2->status, 403);
  EXPECT_TRUE(api_->puts().empty());
}

TEST_F(AdminServerTest, PutWithoutBodyIs400) {
  startServer();
  auto r = roundTrip("PUT /shardmap HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer secret\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(r->body.find("missing body"), std::string::npos);
  EXPECT_TRUE(api_->puts().empty());
}

TEST_F(AdminServerTest, ChunkedPutIsReassembled) {
  startServer();
  auto r = roundTrip(
      "PUT /shardmap HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer secret\r\n"
      "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(api_->puts(), std::vector<std::string>{"hello world"});
}

TEST_F(AdminServerTest, ExpectContinueIsAnswered) {
  startServer();
  Client c(port());
  ASSERT_TRUE(
      c.send("PUT /shardmap HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer secret\r\n"
             "Expect: 100-continue\r\nContent-Length: 4\r\n\r\n"));
  auto cont = c.read();
  ASSERT_TRUE(cont);
  EXPECT_EQ(cont->status, 100);
  ASSERT_TRUE(c.send("map\n"));
  auto r = c.read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(api_->puts(), std::vector<std::string>{"map\n"});
}

TEST_F(AdminServerTest, MalformedRequestLineIs400AndCloses) {
  startServer();
  for (std::string bad :
       {"GET\r\n\r\n", "GET /healthz HTTP/9\r\n\r\n", "G@T /healthz HTTP/1.1\r\n\r\n",
        "GET /healthz HTTP/1.1\r\nNo colon here\r\n\r\n"}) {
    Client c(port());
    ASSERT_TRUE(c.send(bad));
    auto r = c.read();
    ASSERT_TRUE(r) << bad;
    EXPECT_EQ(r->status, 400) << bad;
    EXPECT_EQ(r->header("content-type"), "application/json") << bad;
    EXPECT_EQ(r->body.rfind("{\"error\":\"malformed request: ", 0), 0u) << r->body;
    EXPECT_EQ(r->header("connection"), "close") << bad;
    EXPECT_TRUE(c.closedByServer()) << bad;
  }
}

TEST_F(AdminServerTest, BodyOverTheLimitIs413) {
  AdminLimits limits;
  limits.maxBodyBytes = 1024;
  startServer("secret", limits);
  // Announced too large: answered as soon as the headers are in.
  auto r = roundTrip(
      "PUT /shardmap HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer secret\r\n"
      "Content-Length: 5000000\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(r->body, "{\"error\":\"request body larger than 1024 bytes\"}\n");
  // Sent anyway: the reply still arrives (the server drains instead of resetting).
  Client c(port());
  ASSERT_TRUE(c.send(put(std::string(5000000, 'x'), "Bearer secret")));
  auto r2 = c.read();
  ASSERT_TRUE(r2);
  EXPECT_EQ(r2->status, 413);
  // A chunked body has no announced length: caught while reading.
  auto r3 = roundTrip(
      "PUT /shardmap HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer secret\r\n"
      "Transfer-Encoding: chunked\r\n\r\n800\r\n" +
      std::string(0x800, 'y') + "\r\n0\r\n\r\n");
  ASSERT_TRUE(r3);
  EXPECT_EQ(r3->status, 413);
  EXPECT_TRUE(api_->puts().empty());
}

TEST_F(AdminServerTest, DefaultBodyLimitIsFourMebibytes) {
  startServer();
  auto r = roundTrip(
      "PUT /shardmap HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer secret\r\n"
      "Content-Length: 4194305\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
}

TEST_F(AdminServerTest, HugeHeaderIs431) {
  startServer();
  auto r = roundTrip("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'a') +
                     "\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 431);
}

TEST_F(AdminServerTest, GarbageDoesNotHurtTheNextClient) {
  startServer();
  std::string garbage;
  for (int i = 0; i < 4096; ++i) garbage += static_cast<char>((i * 7919 + 13) % 256);
  {
    Client c(port());
    ASSERT_TRUE(c.send(garbage + "\r\n\r\n"));
    auto r = c.read();
    if (r) {
      EXPECT_EQ(r->status / 100, 4);
    }
    EXPECT_TRUE(c.closedByServer());
  }
  {
    Client c(port());  // garbage, then hang up mid-request
    ASSERT_TRUE(c.send("GET /healthz HTTP/1.1\r\nHost: \x01\x02"));
  }
  {
    Client c(port());
    ASSERT_TRUE(c.send(std::string("\0\0\0\0\x16\x03\x01\x02\x00", 9)));  // a TLS-ish hello
  }
  auto r = roundTrip(get("/healthz"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST_F(AdminServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  startServer();
  Client c(port());
  ASSERT_TRUE(c.send(get("/healthz")));
  auto r1 = c.read();
  ASSERT_TRUE(r1);
  EXPECT_EQ(r1->status, 200);
  ASSERT_TRUE(c.send(get("/backends")));
  auto r2 = c.read();
  ASSERT_TRUE(r2);
  EXPECT_EQ(r2->status, 200);
  EXPECT_EQ(r2->body, api_->backends);
  // Pipelined: both requests at once, answered in order.
  ASSERT_TRUE(c.send(get("/shardmap") + get("/nope")));
  auto r3 = c.read();
  auto r4 = c.read();
  ASSERT_TRUE(r3 && r4);
  EXPECT_EQ(r3->status, 200);
  EXPECT_EQ(r4->status, 404);
}

TEST_F(AdminServerTest, ConnectionCloseAndHttp10AreHonoured) {
  startServer();
  {
    Client c(port());
    ASSERT_TRUE(c.send("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
    auto r = c.read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_TRUE(c.closedByServer());
  }
  {
    Client c(port());
    ASSERT_TRUE(c.send("GET /healthz HTTP/1.0\r\n\r\n"));
    auto r = c.read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_TRUE(c.closedByServer());
  }
}

TEST_F(AdminServerTest, ProxyExceptionsAre500AndTheServerGoesOn) {
  startServer();
  api_->setThrowing(true);
  Client c(port());
  ASSERT_TRUE(c.send(get("/metrics")));
  auto r = c.read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
  EXPECT_EQ(r->body, "{\"error\":\"internal error: boom\"}\n");
  ASSERT_TRUE(c.send(put("m", "Bearer secret")));
  auto p = c.read();
  ASSERT_TRUE(p);
  EXPECT_EQ(p->status, 500);
  api_->setThrowing(false);
  ASSERT_TRUE(c.send(get("/metrics")));  // same connection still usable
  auto ok = c.read();
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  auto fresh = roundTrip(get("/healthz"));
  ASSERT_TRUE(fresh);
  EXPECT_EQ(fresh->status, 200);
}

TEST_F(AdminServerTest, SilentClientsAreDroppedAfterTheTimeout) {
  AdminLimits limits;
  limits.requestTimeout = 300ms;
  startServer("secret", limits);
  Client silent(port());
  Client slow(port());
  ASSERT_TRUE(slow.send("GET /healthz HTTP/1.1\r\n"));  // never finishes its headers
  Client idle(port());
  ASSERT_TRUE(idle.send(get("/healthz")));
  ASSERT_TRUE(idle.read());  // then idles on keep-alive
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(silent.closedByServer());
  EXPECT_TRUE(slow.closedByServer());
  EXPECT_TRUE(idle.closedByServer());
  EXPECT_LT(std::chrono::steady_clock::now() - start, 4s);
}

TEST_F(AdminServerTest, ManyConcurrentClients) {
  startServer();
  constexpr int kClients = 24;
  constexpr int kRequests = 20;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kClients; ++t) {
    threads.emplace_back([&] {
      Client c(port());
      for (int i = 0; i < kRequests; ++i) {
        if (!c.send(get(i % 2 ? "/metrics" : "/healthz"))) return;
        auto r = c.read();
        if (r && r->status == 200) ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), kClients * kRequests);
}

TEST_F(AdminServerTest, ConnectionsOverTheLimitAreClosed) {
  AdminLimits limits;
  limits.maxConnections = 2;
  startServer("secret", limits);
  Client a(port()), b(port());
  ASSERT_TRUE(a.send(get("/healthz")) && a.read());
  ASSERT_TRUE(b.send(get("/healthz")) && b.read());
  Client c(port());
  EXPECT_TRUE(c.closedByServer());
  a.send("GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n");
  ASSERT_TRUE(a.read());
  ASSERT_TRUE(a.closedByServer());
  // A slot is free again (the server forgets a connection right after closing it).
  std::optional<Client::Response> r;
  for (int i = 0; i < 50 && !r; ++i) {
    r = roundTrip(get("/healthz"));
    if (!r) std::this_thread::sleep_for(20ms);
  }
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST_F(AdminServerTest, StopClosesTheListenerAndOpenConnections) {
  startServer();
  Client c(port());
  ASSERT_TRUE(c.send(get("/healthz")));
  ASSERT_TRUE(c.read());
  uint16_t p = port();
  server_->stop();
  server_->stop();  // idempotent
  EXPECT_TRUE(c.closedByServer());
  EXPECT_EQ(runner_.wait_for(10s), std::future_status::ready);
  Client late(p);
  EXPECT_FALSE(late.connected());
}

TEST(AdminServerStartTest, ReportsWhyItCannotListen) {
  boost::asio::io_context ioc;
  auto api = std::make_shared<FakeAdminApi>();
  AdminServer first(ioc.get_executor(), "127.0.0.1", 0, "", api);
  std::string error;
  ASSERT_TRUE(first.start(error)) << error;
  AdminServer second(ioc.get_executor(), "127.0.0.1", first.port(), "", api);
  EXPECT_FALSE(second.start(error));
  EXPECT_EQ(error, "cannot listen on 127.0.0.1:" + std::to_string(first.port()) +
                       ": Address already in use");
  EXPECT_EQ(second.port(), 0);
  AdminServer bad(ioc.get_executor(), "not-an-address", 9104, "", api);
  EXPECT_FALSE(bad.start(error));
  EXPECT_EQ(error, "cannot listen on not-an-address:9104: invalid address");
}

}  // namespace
}  // namespace sg::admin
