#pragma once
// The proxy's side of the admin HTTP API (router/admin/admin_server.h): readiness, the metrics
// scrape, the shard map and its live replacement, and the backends' state.

#include <memory>
#include <string>
#include <utility>

#include "router/admin/admin_api.h"
#include "router/net/map_reload.h"
#include "router/net/proxy_context.h"

namespace sg::net {

class ProxyAdmin final : public admin::AdminApi {
 public:
  ProxyAdmin(std::shared_ptr<ProxyContext> ctx, std::shared_ptr<MapReloader> reloader)
      : ctx_(std::move(ctx)), reloader_(std::move(reloader)) {}

  // Ready when the monitor has checked every shard's master and found it up (not down after
  // [monitor] fail_after failed checks).
  bool ready(std::string& why) override;
  std::string metricsText() override;
  std::pair<std::string, int64_t> shardMap() override;
  // 200 with the diff; 400 invalid (errors listed); 409 version not above the current one;
  // 500 the shard-map file could not be written (nothing changed).
  admin::PutReply putShardMap(std::string body) override;
  // A JSON list: one object per server of the map, masters first per shard.
  std::string backendsJson() override;

 private:
  std::shared_ptr<ProxyContext> ctx_;
  std::shared_ptr<MapReloader> reloader_;
};

}  // namespace sg::net
