#pragma once
// Which client sessions exist, by the connection id shardgate gave them in the greeting, and
// which backend connection each one drives. KILL [QUERY] n and COM_PROCESS_KILL name
// shardgate's ids; the registry turns them into the backend's thread id and lets another thread
// end a session. Thread-safe.

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace sg::net {

struct SessionEntry {
  std::string user;
  std::string backendHost;  // the server the session's statements run on
  uint16_t backendPort = 0;
  uint32_t backendThreadId = 0;  // from that server's greeting
  std::function<void()> close;   // ends the session from any thread
  // Closes the session's connection to the server "host:port" (from any thread): a statement
  // waiting on it ends with ERR 2013.
  std::function<void(const std::string& key)> dropBackend;
};

class SessionRegistry {
 public:
  void add(uint32_t id, SessionEntry entry) {
    std::lock_guard lock(mutex_);
    sessions_[id] = std::move(entry);
  }
  void remove(uint32_t id) {
    std::lock_guard lock(mutex_);
    sessions_.erase(id);
  }
  // The session now runs its statements on another server.
  void updateBackend(uint32_t id, const std::string& host, uint16_t port, uint32_t threadId) {
    std::lock_guard lock(mutex_);
    auto it = sessions_.find(id);
    if (it == sessions_.end()) return;
    it->second.backendHost = host;
    it->second.backendPort = port;
    it->second.backendThreadId = threadId;
  }
  // Every session whose statements run on host:port loses its connection there (the monitor
  // found the server down: statements waiting on it fail instead of hanging).
  void dropBackend(const std::string& host, uint16_t port, const std::string& key) {
    std::vector<std::function<void(const std::string&)>> drops;
    {
      std::lock_guard lock(mutex_);
      for (const auto& [id, s] : sessions_) {
        if (s.backendHost == host && s.backendPort == port && s.dropBackend) {
          drops.push_back(s.dropBackend);
        }
      }
    }
    for (const auto& drop : drops) drop(key);
  }
  std::optional<SessionEntry> find(uint32_t id) const {
    std::lock_guard lock(mutex_);
    auto it = sessions_.find(id);
    if (it == sessions_.end()) return std::nullopt;
    return it->second;
  }

 private:
  mutable std::mutex mutex_;
  std::unordered_map<uint32_t, SessionEntry> sessions_;
};

}  // namespace sg::net
