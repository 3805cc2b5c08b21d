// chooseReplica: eligibility, load per weight, round-robin among ties.

#include "router/exec/replica_choice.h"

#include <gtest/gtest.h>

#include <map>

namespace sg::exec {
namespace {

ReplicaCandidate fresh(uint32_t inFlight = 0, uint32_t weight = 1) {
  return {true, inFlight, weight};
}
ReplicaCandidate stale(uint32_t inFlight = 0) { return {false, inFlight, 1}; }

TEST(ReplicaChoice, NoneEligible) {
  EXPECT_EQ(chooseReplica({}, 0), std::nullopt);
  EXPECT_EQ(chooseReplica({stale(), stale(3)}, 7), std::nullopt);
}

TEST(ReplicaChoice, OnlyEligibleOnesAreChosen) {
  for (uint64_t turn = 0; turn < 6; ++turn) {
    EXPECT_EQ(chooseReplica({stale(), fresh(5), stale()}, turn), 1u) << turn;
  }
}

TEST(ReplicaChoice, FewestInFlightWins) {
  EXPECT_EQ(chooseReplica({fresh(3), fresh(1), fresh(2)}, 0), 1u);
  EXPECT_EQ(chooseReplica({fresh(3), fresh(1), fresh(2)}, 2), 1u);
  // A busy fresh replica still beats a stale idle one.
  EXPECT_EQ(chooseReplica({stale(0), fresh(9)}, 0), 1u);
}

TEST(ReplicaChoice, WeightsScaleTheLoad) {
  // 4 in flight on weight 2 is lighter than 3 on weight 1.
  EXPECT_EQ(chooseReplica({fresh(3, 1), fresh(4, 2)}, 0), 1u);
  // 2 on weight 1 equals 4 on weight 2: a tie, decided by the turn.
  EXPECT_EQ(chooseReplica({fresh(2, 1), fresh(4, 2)}, 0), 0u);
  EXPECT_EQ(chooseReplica({fresh(2, 1), fresh(4, 2)}, 1), 1u);
  // Weight 0 counts as 1.
  EXPECT_EQ(chooseReplica({fresh(1, 0), fresh(2, 1)}, 0), 0u);
}

TEST(ReplicaChoice, TiesRotate) {
  std::map<size_t, int> picks;
  for (uint64_t turn = 0; turn < 300; ++turn) {
    auto c = chooseReplica({fresh(), stale(), fresh(), fresh()}, turn);
    ASSERT_TRUE(c);
    ++picks[*c];
  }
  EXPECT_EQ(picks.count(1), 0u);
  EXPECT_EQ(picks[0], 100);
  EXPECT_EQ(picks[2], 100);
  EXPECT_EQ(picks[3], 100);
}

TEST(ReplicaChoice, LargeCountsDoNotOverflow) {
  EXPECT_EQ(chooseReplica({fresh(0xFFFFFFFFu, 0xFFFFFFFFu), fresh(0xFFFFFFFEu, 0xFFFFFFFFu)}, 0),
            1u);
}

}  // namespace
}  // namespace sg::exec
