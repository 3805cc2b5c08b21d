#pragma once
// Replica lag from shardgate's own heartbeats, measured with shardgate's clock only: per shard,
// the heartbeats written on the master (sequence number, steady-clock time of writing). A
// replica showing heartbeat `applied` lags by now − the write time of the oldest heartbeat
// written after it (0 when it shows the latest), so no clock sync between hosts is needed.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>

namespace sg::health {

class HeartbeatLag {
 public:
  using Clock = std::chrono::steady_clock;

  // Keeps at most `maxHistory` heartbeats per shard (at least 1).
  explicit HeartbeatLag(size_t maxHistory = 4096) : maxHistory_(maxHistory ? maxHistory : 1) {}

  // Heartbeat `seq` was written on the shard's master at `at`. Sequence numbers grow; a number
  // not above the last one (a new master, say) starts the shard's history afresh.
  void recordWrite(const std::string& shard, uint64_t seq, Clock::time_point at);

  // The lag of a replica of `shard` that shows heartbeat `applied`, at `now`, in ms; nullopt
  // when nothing was written for the shard yet. A replica behind every heartbeat still held
  // (older ones were pruned) gets the age of the oldest held: a lower bound.
  std::optional<int64_t> lagMs(const std::string& shard, uint64_t applied,
                               Clock::time_point now) const;

  // The last sequence number written for the shard.
  std::optional<uint64_t> lastSeq(const std::string& shard) const;
  size_t historySize(const std::string& shard) const;

 private:
  struct Write {
    uint64_t seq;
    Clock::time_point at;
  };
  size_t maxHistory_;
  std::map<std::string, std::deque<Write>> shards_;
};

}  // namespace sg::health
