// HeartbeatLag: see heartbeat_lag.h.

#include "router/health/heartbeat_lag.h"

#include <algorithm>

namespace sg::health {

void HeartbeatLag::recordWrite(const std::string& shard, uint64_t seq, Clock::time_point at) {
  std::deque<Write>& h = shards_[shard];
  if (!h.empty() && seq <= h.back().seq) h.clear();
  h.push_back(Write{seq, at});
  while (h.size() > maxHistory_) h.pop_front();
}

std::optional<int64_t> HeartbeatLag::lagMs(const std::string& shard, uint64_t applied,
                                           Clock::time_point now) const {
  auto it = shards_.find(shard);
  if (it == shards_.end() || it->second.empty()) return std::nullopt;
  const std::deque<Write>& h = it->second;
  // The oldest heartbeat written after the one the replica shows.
  auto next = std::upper_bound(h.begin(), h.end(), applied,
                               [](uint64_t seq, const Write& w) { return seq < w.seq; });
  if (next == h.end()) return 0;
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now - next->at).count();
  return std::max<int64_t>(ms, 0);
}

std::optional<uint64_t> HeartbeatLag::lastSeq(const std::string& shard) const {
  auto it = shards_.find(shard);
  if (it == shards_.end() || it->second.empty()) return std::nullopt;
  return it->second.back().seq;
}

size_t HeartbeatLag::historySize(const std::string& shard) const {
  auto it = shards_.find(shard);
  return it == shards_.end() ? 0 : it->second.size();
}

}  // namespace sg::health
