// Replica lag from heartbeats: now − the write time of the oldest heartbeat written after the
// one a replica shows.

#include "router/health/heartbeat_lag.h"

#include <gtest/gtest.h>

namespace sg::health {
namespace {

using std::chrono::milliseconds;
using Clock = HeartbeatLag::Clock;

class HeartbeatLagTest : public ::testing::Test {
 protected:
  // Heartbeats 1..n written 100 ms apart, starting at t0_.
  void writeSeries(HeartbeatLag& lag, const std::string& shard, uint64_t n) {
    for (uint64_t seq = 1; seq <= n; ++seq) lag.recordWrite(shard, seq, at(100 * (seq - 1)));
  }
  Clock::time_point at(int64_t ms) const { return t0_ + milliseconds(ms); }
  Clock::time_point t0_ = Clock::now();
};

TEST_F(HeartbeatLagTest, CaughtUpIsZero) {
  HeartbeatLag lag;
  writeSeries(lag, "s0", 5);  // last written at 400 ms
  EXPECT_EQ(lag.lagMs("s0", 5, at(450)), 0);
  EXPECT_EQ(lag.lagMs("s0", 5, at(5000)), 0);  // nothing newer written: nothing to miss
}

TEST_F(HeartbeatLagTest, AheadOfWhatThisProcessWroteIsZero) {
  HeartbeatLag lag;
  writeSeries(lag, "s0", 3);
  EXPECT_EQ(lag.lagMs("s0", 7, at(300)), 0);
}

TEST_F(HeartbeatLagTest, OneBehindIsAgeOfTheLatest) {
  HeartbeatLag lag;
  writeSeries(lag, "s0", 5);  // seq 5 at 400 ms
  EXPECT_EQ(lag.lagMs("s0", 4, at(430)), 30);
}

TEST_F(HeartbeatLagTest, SeveralBehindIsAgeOfTheOldestMissing) {
  HeartbeatLag lag;
  writeSeries(lag, "s0", 10);  // seq 7 at 600 ms
  EXPECT_EQ(lag.lagMs("s0", 6, at(950)), 350);
  EXPECT_EQ(lag.lagMs("s0", 1, at(950)), 850);  // seq 2 at 100 ms
}

TEST_F(HeartbeatLagTest, LagGrowsWhileTheReplicaStandsStill) {
  HeartbeatLag lag;
  writeSeries(lag, "s0", 3);
  auto first = lag.lagMs("s0", 2, at(250));
  lag.recordWrite("s0", 4, at(300));
  auto second = lag.lagMs("s0", 2, at(1250));
  ASSERT_TRUE(first && second);
  EXPECT_EQ(*first, 50);
  EXPECT_EQ(*second, 1050);
}

TEST_F(HeartbeatLagTest, OlderThanEveryHeartbeatWrittenUsesTheFirst) {
  HeartbeatLag lag;
  lag.recordWrite("s0", 501, at(0));  // a previous run left 500 on the master
  EXPECT_EQ(lag.lagMs("s0", 500, at(40)), 40);
  EXPECT_EQ(lag.lagMs("s0", 0, at(40)), 40);  // the replica has no row yet
}

TEST_F(HeartbeatLagTest, HistoryIsPrunedAndGivesALowerBound) {
  HeartbeatLag lag(4);
  writeSeries(lag, "s0", 10);  // keeps 7..10 (600..900 ms)
  EXPECT_EQ(lag.historySize("s0"), 4u);
  EXPECT_EQ(lag.lastSeq("s0"), 10u);
  EXPECT_EQ(lag.lagMs("s0", 8, at(1000)), 200);  // seq 9 at 800 ms: still exact
  EXPECT_EQ(lag.lagMs("s0", 2, at(1000)), 400);  // seq 3 was pruned: at least 7's age
}

TEST_F(HeartbeatLagTest, UnknownShardIsUnknown) {
  HeartbeatLag lag;
  writeSeries(lag, "s0", 2);
  EXPECT_FALSE(lag.lagMs("s1", 1, at(100)).has_value());
  EXPECT_FALSE(lag.lastSeq("s1").has_value());
  EXPECT_EQ(lag.historySize("s1"), 0u);
}

TEST_F(HeartbeatLagTest, ShardsAreIndependent) {
  HeartbeatLag lag;
  lag.recordWrite("s0", 1, at(0));
  lag.recordWrite("s1", 1, at(500));
  EXPECT_EQ(lag.lagMs("s0", 0, at(600)), 600);
  EXPECT_EQ(lag.lagMs("s1", 0, at(600)), 100);
}

TEST_F(HeartbeatLagTest, ASequenceGoingBackStartsAfresh) {
  HeartbeatLag lag;
  writeSeries(lag, "s0", 5);
  lag.recordWrite("s0", 3, at(1000));  // a new master with an older row
  EXPECT_EQ(lag.historySize("s0"), 1u);
  EXPECT_EQ(lag.lagMs("s0", 2, at(1100)), 100);
  EXPECT_EQ(lag.lagMs("s0", 3, at(1100)), 0);
}

TEST_F(HeartbeatLagTest, NeverNegative) {
  HeartbeatLag lag;
  lag.recordWrite("s0", 1, at(100));
  EXPECT_EQ(lag.lagMs("s0", 0, at(50)), 0);
}

}  // namespace
}  // namespace sg::health
