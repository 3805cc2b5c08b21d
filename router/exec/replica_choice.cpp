#include "router/exec/replica_choice.h"

namespace sg::exec {

namespace {

// a's load per unit of weight is below b's: a.inFlight / a.weight < b.inFlight / b.weight,
// compared without division.
bool lighter(const ReplicaCandidate& a, const ReplicaCandidate& b) {
  const uint64_t wa = a.weight == 0 ? 1 : a.weight;
  const uint64_t wb = b.weight == 0 ? 1 : b.weight;
  return uint64_t{a.inFlight} * wb < uint64_t{b.inFlight} * wa;
}

}  // namespace

std::optional<size_t> chooseReplica(const std::vector<ReplicaCandidate>& candidates,
                                    uint64_t turn) {
  // The least loaded eligible candidates (equal load per weight), in index order; the turn picks
  // among them, so each gets its share whatever the ineligible ones around it.
  std::vector<size_t> lightest;
  for (size_t i = 0; i < candidates.size(); ++i) {
    if (!candidates[i].eligible) continue;
    if (lightest.empty() || lighter(candidates[i], candidates[lightest.front()])) {
      lightest.assign(1, i);
    } else if (!lighter(candidates[lightest.front()], candidates[i])) {
      lightest.push_back(i);
    }
  }
  if (lightest.empty()) return std::nullopt;
  return lightest[static_cast<size_t>(turn % lightest.size())];
}

}  // namespace sg::exec
