// Plan::toJson: the one-line form the CLI prints; strings escaped, invalid UTF-8 replaced.

#include <gtest/gtest.h>

#include "router/plan/plan.h"

namespace sg::plan {
namespace {

TEST(PlanJson, Shape) {
  Plan p;
  p.route = RouteKind::kMulti;
  p.shards = {"s0", "s1"};
  p.target = Target::kReplica;
  p.reason = "why";
  EXPECT_EQ(p.toJson(),
            R"({"route":"multi","shards":["s0","s1"],"target":"replica","reason":"why"})");
  Plan reject;
  reject.reason = "ERROR 1235 (42000): no";
  EXPECT_EQ(
      reject.toJson(),
      R"({"route":"reject","shards":[],"target":"master","reason":"ERROR 1235 (42000): no"})");
}

TEST(PlanJson, Escaping) {
  auto json = [](std::string_view s) {
    std::string out;
    appendJsonString(out, s);
    return out;
  };
  EXPECT_EQ(json("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(json("l1\nl2\tx\r"), R"("l1\nl2\tx\r")");
  EXPECT_EQ(json(std::string("\x01\x1f", 2)), R"("\u0001\u001f")");
  EXPECT_EQ(json(std::string("a\0b", 3)), R"("a\u0000b")");
  EXPECT_EQ(json("∞ é"), "\"∞ é\"");                           // valid UTF-8 kept
  EXPECT_EQ(json("\xff"), R"("\ufffd")");                      // invalid byte
  EXPECT_EQ(json("\xc3"), R"("\ufffd")");                      // truncated sequence
  EXPECT_EQ(json("\xed\xa0\x80"), R"("\ufffd\ufffd\ufffd")");  // surrogate
  EXPECT_EQ(json("\xc0\xaf"), R"("\ufffd\ufffd")");            // overlong
}

TEST(PlanJson, Names) {
  EXPECT_STREQ(toString(RouteKind::kSingle), "single");
  EXPECT_STREQ(toString(RouteKind::kScatter), "scatter");
  EXPECT_STREQ(toString(RouteKind::kBroadcast), "broadcast");
  EXPECT_STREQ(toString(Target::kMaster), "master");
}

}  // namespace
}  // namespace sg::plan
