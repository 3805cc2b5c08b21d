// The admin endpoints without sockets: path and method dispatch, the token rules of PUT
// /shardmap, and errors from the proxy.

#include "router/admin/admin_routes.h"

#include <gtest/gtest.h>

#include "tests/unit/admin/fake_admin_api.h"

namespace sg::admin {
namespace {

std::string header(const AdminReply& r, const std::string& name) {
  for (const auto& [n, v] : r.headers) {
    if (n == name) return v;
  }
  return "<absent>";
}

AdminReply call(AdminApi& api, std::string method, std::string target, std::string token = "",
                std::string authorization = "", std::string body = "") {
  return handleAdminRequest(api, token,
                            AdminRequest{std::move(method), std::move(target),
                                         std::move(authorization), std::move(body)});
}

TEST(AdminRoutesTest, ReadEndpoints) {
  FakeAdminApi api;
  struct Case {
    std::string target;
    int status;
    std::string_view type;
    std::string body;
  };
  const Case cases[] = {
      {"/healthz", 200, kTextType, "ok\n"},
      {"/readyz", 200, kTextType, "ok\n"},
      {"/metrics", 200, kMetricsType, api.metrics},
      {"/metrics?name=x", 200, kMetricsType, api.metrics},
      {"/shardmap", 200, kTextType, api.mapText},
      {"/backends", 200, kJsonType, api.backends},
  };
  for (const auto& c : cases) {
    for (std::string method : {"GET", "HEAD"}) {
      AdminReply r = call(api, method, c.target);
      EXPECT_EQ(r.status, c.status) << method << " " << c.target;
      EXPECT_EQ(r.contentType, c.type) << method << " " << c.target;
      EXPECT_EQ(r.body, c.body) << method << " " << c.target;
    }
  }
  EXPECT_EQ(header(call(api, "GET", "/shardmap"), "X-Shardmap-Version"), "3");
}

TEST(AdminRoutesTest, NotReadySays503AndWhy) {
  FakeAdminApi api;
  api.isReady = false;
  api.notReadyWhy = "shard s1 has no master";
  AdminReply r = call(api, "GET", "/readyz");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.body, "not ready: shard s1 has no master\n");
}

TEST(AdminRoutesTest, UnknownPathIs404AndWrongMethodIs405WithAllow) {
  FakeAdminApi api;
  AdminReply r = call(api, "GET", "/nope");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.contentType, kJsonType);
  EXPECT_EQ(r.body, "{\"error\":\"no such endpoint: /nope\"}\n");
  EXPECT_EQ(call(api, "GET", "/metrics/").status, 404);
  EXPECT_EQ(call(api, "GET", "").status, 404);

  for (std::string target : {"/healthz", "/readyz", "/metrics", "/backends"}) {
    for (std::string method : {"POST", "PUT", "DELETE", "OPTIONS", "FROB"}) {
      AdminReply m = call(api, method, target, "secret", "Bearer secret", "x");
      EXPECT_EQ(m.status, 405) << method << " " << target;
      EXPECT_EQ(header(m, "Allow"), "GET, HEAD") << method << " " << target;
    }
  }
  AdminReply m = call(api, "DELETE", "/shardmap", "secret", "Bearer secret");
  EXPECT_EQ(m.status, 405);
  EXPECT_EQ(header(m, "Allow"), "GET, HEAD, PUT");
  EXPECT_TRUE(api.puts().empty());
}

TEST(AdminRoutesTest, PutShardMapNeedsTheToken) {
  FakeAdminApi api;
  // No token configured: disabled whatever is presented.
  AdminReply r = call(api, "PUT", "/shardmap", "", "Bearer ", "map");
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.body.find("\"error\""), std::string::npos);
  EXPECT_EQ(header(r, "WWW-Authenticate"), "<absent>");

  for (std::string auth : {"", "Bearer", "Bearer ", "Basic c2VjcmV0", "secret", "Bearersecret"}) {
    AdminReply m = call(api, "PUT", "/shardmap", "secret", auth, "map");
    EXPECT_EQ(m.status, 401) << "'" << auth << "'";
    EXPECT_EQ(header(m, "WWW-Authenticate"), "Bearer") << "'" << auth << "'";
  }
  for (std::string auth : {"Bearer secreT", "Bearer secre", "Bearer secrets", "Bearer x"}) {
    AdminReply m = call(api, "PUT", "/shardmap", "secret", auth, "map");
    EXPECT_EQ(m.status, 401) << auth;
    EXPECT_EQ(m.body, "{\"error\":\"invalid token\"}\n");
  }
  EXPECT_TRUE(api.puts().empty());

  AdminReply ok = call(api, "PUT", "/shardmap", "secret", "bearer  secret", "map");
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.contentType, kJsonType);
  EXPECT_EQ(ok.body, R"({"version":4})");
  EXPECT_EQ(api.puts(), std::vector<std::string>{"map"});
}

TEST(AdminRoutesTest, PutShardMapNeedsABody) {
  FakeAdminApi api;
  AdminReply r = call(api, "PUT", "/shardmap", "secret", "Bearer secret", "");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("missing body"), std::string::npos);
  EXPECT_TRUE(api.puts().empty());
}

TEST(AdminRoutesTest, PutShardMapPassesTheProxysStatus) {
  FakeAdminApi api;
  api.putReply = {422, R"({"error":"shards.toml:3: unknown shard"})"};
  AdminReply r = call(api, "PUT", "/shardmap", "t", "Bearer t", "bad");
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(r.body, api.putReply.json);
  for (int status : {0, 99, 101, 204, 304, 600, -1}) {
    api.putReply = {status, "{}"};
    EXPECT_EQ(call(api, "PUT", "/shardmap", "t", "Bearer t", "m").status, 500) << status;
  }
}

TEST(AdminRoutesTest, ExceptionsFromTheProxyAre500) {
  FakeAdminApi api;
  api.setThrowing(true);
  for (std::string target : {"/readyz", "/metrics", "/shardmap", "/backends"}) {
    AdminReply r = call(api, "GET", target);
    EXPECT_EQ(r.status, 500) << target;
    EXPECT_EQ(r.body, "{\"error\":\"internal error: boom\"}\n") << target;
  }
  EXPECT_EQ(call(api, "PUT", "/shardmap", "t", "Bearer t", "m").status, 500);
  EXPECT_EQ(call(api, "GET", "/healthz").status, 200);  // does not ask the proxy
}

TEST(AdminRoutesTest, ErrorReasonsAreValidJsonEvenFromBadBytes) {
  FakeAdminApi api;
  AdminReply r = call(api, "GET", std::string("/\xff\"\n"));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, "{\"error\":\"no such endpoint: /\xEF\xBF\xBD\\\"\\n\"}\n");
}

TEST(AdminRoutesTest, TokenComparison) {
  EXPECT_TRUE(tokenMatches("s3cr3t", "s3cr3t"));
  EXPECT_FALSE(tokenMatches("s3cr3t", "s3cr3T"));
  EXPECT_FALSE(tokenMatches("s3cr3t", "s3cr3"));
  EXPECT_FALSE(tokenMatches("s3cr3t", ""));
  EXPECT_TRUE(tokenMatches(std::string("a\0b", 3), std::string("a\0b", 3)));
  EXPECT_FALSE(tokenMatches(std::string("a\0b", 3), std::string("a\0c", 3)));
}

}  // namespace
}  // namespace sg::admin
