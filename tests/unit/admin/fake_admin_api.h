#pragma once
// An AdminApi whose answers the tests set and whose PUT bodies they read back. Thread-safe:
// the admin server calls it from its io_context thread.

#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "router/admin/admin_api.h"

namespace sg::admin {

class FakeAdminApi : public AdminApi {
 public:
  bool ready(std::string& why) override {
    std::lock_guard lock(mutex_);
    maybeThrow();
    why = notReadyWhy;
    return isReady;
  }
  std::string metricsText() override {
    std::lock_guard lock(mutex_);
    maybeThrow();
    return metrics;
  }
  std::pair<std::string, int64_t> shardMap() override {
    std::lock_guard lock(mutex_);
    maybeThrow();
    return {mapText, mapVersion};
  }
  PutReply putShardMap(std::string body) override {
    std::lock_guard lock(mutex_);
    puts_.push_back(body);
    maybeThrow();
    return putReply;
  }
  std::string backendsJson() override {
    std::lock_guard lock(mutex_);
    maybeThrow();
    return backends;
  }

  std::vector<std::string> puts() {
    std::lock_guard lock(mutex_);
    return puts_;
  }
  void setThrowing(bool on) {
    std::lock_guard lock(mutex_);
    throwing_ = on;
  }

  // Answers; set them before the server runs (or while no request is in flight).
  bool isReady = true;
  std::string notReadyWhy;
  std::string metrics = "# TYPE shardgate_up gauge\nshardgate_up 1\n";
  std::string mapText = "version = 3\n";
  int64_t mapVersion = 3;
  PutReply putReply{200, R"({"version":4})"};
  std::string backends = R"([{"backend":"127.0.0.1:3306"}])";

 private:
  void maybeThrow() {
    if (throwing_) throw std::runtime_error("boom");
  }
  std::mutex mutex_;
  bool throwing_ = false;
  std::vector<std::string> puts_;
};

}  // namespace sg::admin
