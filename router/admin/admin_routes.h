#pragma once
// The admin API's endpoints, apart from HTTP parsing and sockets: which path and method calls
// which AdminApi method, the bearer-token check of mutating endpoints, and the reply. The
// server (admin_server.cpp) turns the HTTP request into an AdminRequest and the AdminReply
// back into a response; HEAD is answered as GET and the server drops the body.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "router/admin/admin_api.h"

namespace sg::admin {

struct AdminRequest {
  std::string method;         // as sent: "GET", "PUT", ...
  std::string target;         // "/shardmap?x=1"; the query string is ignored
  std::string authorization;  // the Authorization header, "" when absent
  std::string body;
};

struct AdminReply {
  int status = 200;
  std::string contentType;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // besides Content-Type
};

// Content types of the replies.
inline constexpr std::string_view kTextType = "text/plain; charset=utf-8";
inline constexpr std::string_view kMetricsType = "text/plain; version=0.0.4; charset=utf-8";
inline constexpr std::string_view kJsonType = "application/json";

// Serves one request. `token` is [admin] token ("" = mutating endpoints disabled). Never
// throws: exceptions from `api` become 500 replies.
AdminReply handleAdminRequest(AdminApi& api, std::string_view token, AdminRequest request);

// A reply {"error": reason} with the given status.
AdminReply errorReply(int status, std::string_view reason);

// Whether `presented` equals `expected`, in time independent of where they differ (both are
// hashed, then compared with CRYPTO_memcmp).
bool tokenMatches(std::string_view expected, std::string_view presented);

}  // namespace sg::admin
