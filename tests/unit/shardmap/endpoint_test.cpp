#include "shardmap/endpoint.h"

#include <gtest/gtest.h>

namespace sg::shardmap {
namespace {

struct GoodCase {
  std::string_view text;
  std::string host;
  uint16_t port;
  std::string str;
};

TEST(Endpoint, ParsesValidAddresses) {
  const GoodCase cases[] = {
      {"127.0.0.1:3306", "127.0.0.1", 3306, "127.0.0.1:3306"},
      {"db-1.example.com:1", "db-1.example.com", 1, "db-1.example.com:1"},
      {"h:65535", "h", 65535, "h:65535"},
      {"[::1]:3306", "::1", 3306, "[::1]:3306"},
      {"[fe80::1]:33061", "fe80::1", 33061, "[fe80::1]:33061"},
  };
  for (const auto& c : cases) {
    std::string error;
    auto endpoint = parseEndpoint(c.text, error);
    ASSERT_TRUE(endpoint) << c.text << ": " << error;
    EXPECT_EQ(endpoint->host, c.host) << c.text;
    EXPECT_EQ(endpoint->port, c.port) << c.text;
    EXPECT_EQ(endpoint->str(), c.str) << c.text;
  }
}

struct BadCase {
  std::string_view text;
  std::string_view error;
};

TEST(Endpoint, RejectsBadAddressesWithReason) {
  const BadCase cases[] = {
      {"", "empty address"},
      {"127.0.0.1", "missing ':port'"},
      {":3306", "empty host"},
      {"h:", "missing port"},
      {"h:x", "port 'x' is not a number"},
      {"h:-1", "port '-1' is not a number"},
      {"h:0", "out of range"},
      {"h:65536", "out of range"},
      {"h:99999999999999999999", "out of range"},
      {"::1:3306", "IPv6 hosts need brackets"},
      {"[::1:3306", "missing ']'"},
      {"[::1]3306", "missing ':port'"},
      {"[]:3306", "empty host"},
      {"my host:3306", "whitespace"},
  };
  for (const auto& c : cases) {
    std::string error;
    EXPECT_FALSE(parseEndpoint(c.text, error)) << c.text;
    EXPECT_NE(error.find(c.error), std::string::npos) << c.text << " gave: " << error;
  }
}

}  // namespace
}  // namespace sg::shardmap
