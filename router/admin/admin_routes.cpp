#include "router/admin/admin_routes.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <nlohmann/json.hpp>

#include <array>
#include <cctype>
#include <optional>

namespace sg::admin {

AdminApi::~AdminApi() = default;

namespace {

constexpr std::string_view kReadMethods = "GET, HEAD";
constexpr std::string_view kShardMapMethods = "GET, HEAD, PUT";

AdminReply textReply(int status, std::string body) {
  return AdminReply{status, std::string(kTextType), std::move(body), {}};
}

AdminReply methodNotAllowed(std::string_view method, std::string_view allow) {
  AdminReply r = errorReply(405, "method " + std::string(method) + " not allowed here");
  r.headers.emplace_back("Allow", std::string(allow));
  return r;
}

AdminReply unauthorized(std::string_view reason) {
  AdminReply r = errorReply(401, reason);
  r.headers.emplace_back("WWW-Authenticate", "Bearer");
  return r;
}

// The credentials of "Bearer <token>" (the scheme is case-insensitive); nullopt for anything else.
std::optional<std::string_view> bearerToken(std::string_view authorization) {
  constexpr std::string_view kScheme = "bearer";
  if (authorization.size() <= kScheme.size() || authorization[kScheme.size()] != ' ') {
    return std::nullopt;
  }
  for (size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(authorization[i])) != kScheme[i]) {
      return std::nullopt;
    }
  }
  std::string_view credentials = authorization.substr(kScheme.size());
  while (!credentials.empty() && credentials.front() == ' ') credentials.remove_prefix(1);
  if (credentials.empty()) return std::nullopt;
  return credentials;
}

AdminReply putShardMap(AdminApi& api, std::string_view token, AdminRequest& request) {
  if (token.empty()) {
    return errorReply(403, "mutating admin endpoints are disabled: [admin] token is not set");
  }
  std::optional<std::string_view> presented = bearerToken(request.authorization);
  if (!presented) return unauthorized("missing bearer token (Authorization: Bearer <token>)");
  if (!tokenMatches(token, *presented)) return unauthorized("invalid token");
  if (request.body.empty()) {
    return errorReply(400, "missing body: PUT /shardmap takes the new shard map as its body");
  }
  PutReply put = api.putShardMap(std::move(request.body));
  if (put.status < 200 || put.status > 599 || put.status == 204 || put.status == 304) {
    return errorReply(500,
                      "the proxy answered PUT /shardmap with status " + std::to_string(put.status));
  }
  return AdminReply{put.status, std::string(kJsonType), std::move(put.json), {}};
}

AdminReply route(AdminApi& api, std::string_view token, AdminRequest& request) {
  std::string_view target = request.target;
  std::string_view path = target.substr(0, target.find('?'));
  const std::string& method = request.method;
  bool read = method == "GET" || method == "HEAD";

  if (path == "/shardmap") {
    if (method == "PUT") return putShardMap(api, token, request);
    if (!read) return methodNotAllowed(method, kShardMapMethods);
    auto [text, version] = api.shardMap();
    AdminReply r = textReply(200, std::move(text));
    r.headers.emplace_back("X-Shardmap-Version", std::to_string(version));
    return r;
  }
  bool known = path == "/healthz" || path == "/readyz" || path == "/metrics" || path == "/backends";
  if (!known) return errorReply(404, "no such endpoint: " + std::string(path));
  if (!read) return methodNotAllowed(method, kReadMethods);

  if (path == "/healthz") return textReply(200, "ok\n");
  if (path == "/readyz") {
    std::string why;
    if (api.ready(why)) return textReply(200, "ok\n");
    return textReply(503, "not ready: " + why + "\n");
  }
  if (path == "/metrics") {
    return AdminReply{200, std::string(kMetricsType), api.metricsText(), {}};
  }
  return AdminReply{200, std::string(kJsonType), api.backendsJson(), {}};  // /backends
}

}  // namespace

AdminReply errorReply(int status, std::string_view reason) {
  nlohmann::json body = {{"error", reason}};
  // Reasons may quote client bytes: invalid UTF-8 is replaced rather than thrown on.
  return AdminReply{status,
                    std::string(kJsonType),
                    body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n",
                    {}};
}

bool tokenMatches(std::string_view expected, std::string_view presented) {
  // Comparing digests makes the time independent of the lengths too.
  using Digest = std::array<unsigned char, 32>;
  auto sha256 = [](std::string_view s, Digest& out) {
    unsigned int n = 0;
    return EVP_Digest(s.data(), s.size(), out.data(), &n, EVP_sha256(), nullptr) == 1 &&
           n == out.size();
  };
  Digest a{}, b{};
  if (!sha256(expected, a) || !sha256(presented, b)) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

AdminReply handleAdminRequest(AdminApi& api, std::string_view token, AdminRequest request) {
  try {
    return route(api, token, request);
  } catch (const std::exception& e) {
    return errorReply(500, std::string("internal error: ") + e.what());
  } catch (...) {
    return errorReply(500, "internal error");
  }
}

}  // namespace sg::admin
