#include "shardmap/endpoint.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace sg::shardmap {

std::string Endpoint::str() const {
  std::string out;
  if (host.find(':') != std::string::npos) {
    out = "[" + host + "]";
  } else {
    out = host;
  }
  return out + ":" + std::to_string(port);
}

namespace {

bool hasSpace(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](unsigned char c) { return std::isspace(c) != 0; });
}

std::optional<uint16_t> parsePort(std::string_view text, std::string& error) {
  if (text.empty()) {
    error = "missing port after ':'";
    return std::nullopt;
  }
  if (!std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); })) {
    error = "port '" + std::string(text) + "' is not a number";
    return std::nullopt;
  }
  uint64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || value < 1 || value > 65535) {
    error = "port '" + std::string(text) + "' is out of range 1..65535";
    return std::nullopt;
  }
  return static_cast<uint16_t>(value);
}

}  // namespace

std::optional<Endpoint> parseEndpoint(std::string_view text, std::string& error) {
  if (text.empty()) {
    error = "empty address, expected host:port";
    return std::nullopt;
  }
  if (hasSpace(text)) {
    error = "address contains whitespace";
    return std::nullopt;
  }
  std::string_view host;
  std::string_view port;
  if (text.front() == '[') {
    size_t close = text.find(']');
    if (close == std::string_view::npos) {
      error = "missing ']' after IPv6 host";
      return std::nullopt;
    }
    host = text.substr(1, close - 1);
    std::string_view rest = text.substr(close + 1);
    if (rest.empty() || rest.front() != ':') {
      error = "missing ':port'";
      return std::nullopt;
    }
    port = rest.substr(1);
  } else {
    size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) {
      error = "missing ':port'";
      return std::nullopt;
    }
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) {
      error = "IPv6 hosts need brackets: [host]:port";
      return std::nullopt;
    }
  }
  if (host.empty()) {
    error = "empty host";
    return std::nullopt;
  }
  auto portValue = parsePort(port, error);
  if (!portValue) return std::nullopt;
  return Endpoint{std::string(host), *portValue};
}

}  // namespace sg::shardmap
