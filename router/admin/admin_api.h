#pragma once
// What the admin HTTP API asks of the proxy; the proxy implements it, AdminServer calls it. No
// networking here. Calls happen on AdminServer's executor, one request at a time per admin
// connection (with a multi-threaded executor, different connections may call concurrently), so
// they should be quick. An exception becomes a 500 reply and the server keeps serving.

#include <cstdint>
#include <string>
#include <utility>

namespace sg::admin {

// The reply to PUT /shardmap: an HTTP status and a JSON body.
struct PutReply {
  int status = 200;  // 100..599; anything else is answered as 500
  std::string json;
};

class AdminApi {
 public:
  virtual ~AdminApi();

  // GET /readyz: 200 when true, else 503 with `why`.
  virtual bool ready(std::string& why) = 0;
  // GET /metrics: the Prometheus text format (Metrics::render()).
  virtual std::string metricsText() = 0;
  // GET /shardmap: the shard map in use as text, and its version (header X-Shardmap-Version).
  virtual std::pair<std::string, int64_t> shardMap() = 0;
  // PUT /shardmap with a valid token: the request body, exactly as received.
  virtual PutReply putShardMap(std::string body) = 0;
  // GET /backends: a JSON document.
  virtual std::string backendsJson() = 0;
};

}  // namespace sg::admin
