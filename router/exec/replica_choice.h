#pragma once
// Picks the server a read goes to among a shard's replicas: only eligible ones (up, replicating,
// lag within the bound), the least loaded relative to its weight (requests in flight / weight),
// ties broken round-robin so equal replicas share the load. Pure: the caller supplies health,
// load and the rotating turn.

#include <cstdint>
#include <optional>
#include <vector>

namespace sg::exec {

struct ReplicaCandidate {
  bool eligible = false;  // up, replication running, lag known and within the bound
  uint32_t inFlight = 0;  // requests sent to it and not yet answered
  uint32_t weight = 1;    // from the shard map (>= 1); twice the weight takes twice the load
};

// The index of the chosen candidate, or nullopt when none is eligible (the caller falls back to
// the master or fails, per [routing] stale_read). `turn` rotates where ties start; the caller
// increments it per choice.
std::optional<size_t> chooseReplica(const std::vector<ReplicaCandidate>& candidates, uint64_t turn);

}  // namespace sg::exec
