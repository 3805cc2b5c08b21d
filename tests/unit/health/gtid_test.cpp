#include "router/health/gtid.h"

#include <gtest/gtest.h>

namespace sg::health {
namespace {

GtidPosition pos(std::string_view text) {
  auto p = GtidPosition::parse(text);
  EXPECT_TRUE(p.has_value()) << text;
  return p.value_or(GtidPosition());
}

TEST(GtidPosition, MariaDbDomainsCompareBySequence) {
  EXPECT_TRUE(pos("0-1-100").covers(pos("0-1-100")));
  EXPECT_TRUE(pos("0-1-101").covers(pos("0-1-100")));
  EXPECT_FALSE(pos("0-1-99").covers(pos("0-1-100")));
  // The server id does not matter (a failover changes it; the sequence keeps growing).
  EXPECT_TRUE(pos("0-2-150").covers(pos("0-1-100")));
}

TEST(GtidPosition, MariaDbEveryDomainMustBeCovered) {
  EXPECT_TRUE(pos("0-1-100,1-3-7").covers(pos("0-1-90,1-3-7")));
  EXPECT_FALSE(pos("0-1-100").covers(pos("0-1-90,1-3-7")));
  EXPECT_FALSE(pos("0-1-100,1-3-6").covers(pos("1-3-7")));
  EXPECT_TRUE(pos(" 0-1-100 , 1-3-7 ").covers(pos("1-3-7")));
}

TEST(GtidPosition, EmptyPositions) {
  EXPECT_TRUE(pos("").covers(pos("")));
  EXPECT_TRUE(pos("0-1-5").covers(pos("")));
  EXPECT_FALSE(pos("").covers(pos("0-1-5")));
}

TEST(GtidPosition, MySqlSetsCompareAsSubsets) {
  const char* uuid = "3E11FA47-71CA-11E1-9E33-C80AA9429562";
  const std::string a = std::string(uuid) + ":1-100";
  EXPECT_TRUE(pos(a).covers(pos(std::string(uuid) + ":1-100")));
  EXPECT_TRUE(pos(a).covers(pos(std::string(uuid) + ":5-7:20")));
  EXPECT_FALSE(pos(a).covers(pos(std::string(uuid) + ":1-101")));
  // Case of the uuid does not matter; gaps do.
  EXPECT_TRUE(pos("3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5:7-9")
                  .covers(pos(std::string(uuid) + ":2-3:8")));
  EXPECT_FALSE(pos("3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5:7-9")
                   .covers(pos(std::string(uuid) + ":5-7")));
  // Adjacent intervals merge.
  EXPECT_TRUE(pos(std::string(uuid) + ":1-5:6-9").covers(pos(std::string(uuid) + ":4-8")));
}

TEST(GtidPosition, MySqlSetsWithSeveralSourcesAndNewlines) {
  const std::string set =
      "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-50,\n"
      "9d2f6b4e-0000-11e1-9e33-c80aa9429562:1-3";
  EXPECT_TRUE(pos(set).covers(pos("9d2f6b4e-0000-11e1-9e33-c80aa9429562:3")));
  EXPECT_FALSE(pos("3e11fa47-71ca-11e1-9e33-c80aa9429562:1-50")
                   .covers(pos("9d2f6b4e-0000-11e1-9e33-c80aa9429562:3")));
}

TEST(GtidPosition, FlavoursDoNotCoverEachOther) {
  EXPECT_FALSE(pos("0-1-100").covers(pos("3e11fa47-71ca-11e1-9e33-c80aa9429562:1")));
  EXPECT_FALSE(pos("3e11fa47-71ca-11e1-9e33-c80aa9429562:1-9").covers(pos("0-1-1")));
}

TEST(GtidPosition, MalformedTextIsRejected) {
  for (const char* bad : {"0-1", "x-1-2", "0-1-2-3", "0-1-", "abc:1-5",
                          "3e11fa47-71ca-11e1-9e33-c80aa9429562:5-1",
                          "3e11fa47-71ca-11e1-9e33-c80aa9429562:", "0-1-99999999999999999999"}) {
    EXPECT_FALSE(GtidPosition::parse(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace sg::health
