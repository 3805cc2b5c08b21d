// Freshness as read routing will ask it: unknown, stopped and down are never fresh.

#include "router/health/health_snapshot.h"

#include <gtest/gtest.h>

namespace sg::health {
namespace {

ServerHealth replica(std::optional<int64_t> lag) {
  ServerHealth s;
  s.key = "127.0.0.1:3307";
  s.shard = "s0";
  s.role = Role::kReplica;
  s.checked = true;
  s.ioRunning = s.sqlRunning = true;
  s.lagMs = lag;
  return s;
}

HealthSnapshot with(ServerHealth s) {
  HealthSnapshot h;
  std::string key = s.key;
  h.servers.emplace(key, std::move(s));
  return h;
}

TEST(HealthSnapshot, ReplicaWithinMaxLagIsFresh) {
  EXPECT_TRUE(with(replica(0)).fresh("127.0.0.1:3307", 1000));
  EXPECT_TRUE(with(replica(1000)).fresh("127.0.0.1:3307", 1000));
}

TEST(HealthSnapshot, ReplicaOverMaxLagIsNotFresh) {
  EXPECT_FALSE(with(replica(1001)).fresh("127.0.0.1:3307", 1000));
}

TEST(HealthSnapshot, UnknownLagIsNotFresh) {
  EXPECT_FALSE(with(replica(std::nullopt)).fresh("127.0.0.1:3307", 1000));
}

TEST(HealthSnapshot, StoppedReplicationIsNotFreshEvenAtLagZero) {
  ServerHealth s = replica(0);
  s.sqlRunning = false;
  EXPECT_FALSE(with(s).fresh(s.key, 1000));
  s = replica(0);
  s.ioRunning = false;
  EXPECT_FALSE(with(s).fresh(s.key, 1000));
}

TEST(HealthSnapshot, ReconnectingReplicaIsFreshOnlyWhileItsMasterFails) {
  ServerHealth s = replica(0);
  s.ioRunning = false;
  s.ioConnecting = true;
  EXPECT_FALSE(with(s).fresh(s.key, 1000));
  EXPECT_TRUE(with(s).fresh(s.key, 1000, /*masterFailing=*/true));
  // Not when the SQL thread is stopped, the lag unknown or over the bound, or the IO thread is
  // stopped rather than reconnecting.
  s.sqlRunning = false;
  EXPECT_FALSE(with(s).fresh(s.key, 1000, true));
  s = replica(std::nullopt);
  s.ioRunning = false;
  s.ioConnecting = true;
  EXPECT_FALSE(with(s).fresh(s.key, 1000, true));
  s = replica(2000);
  s.ioRunning = false;
  s.ioConnecting = true;
  EXPECT_FALSE(with(s).fresh(s.key, 1000, true));
  s = replica(0);
  s.ioRunning = false;
  EXPECT_FALSE(with(s).fresh(s.key, 1000, true));
}

TEST(HealthSnapshot, FailingMeansDownOrTheLastCheckFailed) {
  ServerHealth s = replica(0);
  EXPECT_FALSE(isFailing(s));
  s.consecutiveFailures = 1;
  EXPECT_TRUE(isFailing(s));
  s.consecutiveFailures = 0;
  s.up = false;
  EXPECT_TRUE(isFailing(s));
}

TEST(HealthSnapshot, DownIsNotFresh) {
  ServerHealth s = replica(0);
  s.up = false;
  EXPECT_FALSE(with(s).fresh(s.key, 1000));
  ServerHealth m;
  m.key = "127.0.0.1:3306";
  m.role = Role::kMaster;
  EXPECT_TRUE(with(m).fresh(m.key, 1000));
  m.up = false;
  EXPECT_FALSE(with(m).fresh(m.key, 1000));
}

TEST(HealthSnapshot, UnknownServerIsNotFresh) {
  HealthSnapshot h = with(replica(0));
  EXPECT_FALSE(h.fresh("127.0.0.1:9999", 1000));
  EXPECT_EQ(h.find("127.0.0.1:9999"), nullptr);
  ASSERT_NE(h.find("127.0.0.1:3307"), nullptr);
  EXPECT_EQ(h.find("127.0.0.1:3307")->shard, "s0");
}

}  // namespace
}  // namespace sg::health
