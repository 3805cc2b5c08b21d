#pragma once
// A MySQL server address ("host:port") as written in the shard map, and its parser. Hosts are kept
// as written (no DNS here): resolving is the connection pool's job.

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sg::shardmap {

struct Endpoint {
  std::string host;
  uint16_t port = 0;

  // "host:port", with IPv6 hosts in brackets: "[::1]:3306".
  std::string str() const;

  auto operator<=>(const Endpoint&) const = default;
};

// Parses "host:port" or "[ipv6]:port". On failure returns nullopt and sets `error` to a short
// reason ("missing ':port'", "port '99999' is out of range 1..65535", ...).
std::optional<Endpoint> parseEndpoint(std::string_view text, std::string& error);

}  // namespace sg::shardmap
