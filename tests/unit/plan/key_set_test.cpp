// KeySet: interval arithmetic over the whole int64 range, without overflow at the edges.

#include "router/plan/key_set.h"

#include <gtest/gtest.h>

#include "tests/unit/plan/plan_fixture.h"

namespace sg::plan {
namespace {

using testing::kMax;
using testing::kMin;

TEST(KeySet, Constructors) {
  EXPECT_EQ(KeySet::none().str(), "{}");
  EXPECT_EQ(KeySet::all().str(), "all");
  EXPECT_TRUE(KeySet::all().isAll());
  EXPECT_EQ(KeySet::point(42).str(), "{42}");
  EXPECT_TRUE(KeySet::point(42).isPoint());
  EXPECT_EQ(KeySet::closed(1, 9).str(), "[1, 9]");
  EXPECT_TRUE(KeySet::closed(9, 1).empty());
  EXPECT_EQ(KeySet::points({5, 1, 3, 1, 2}).str(), "[1, 3] {5}");
  EXPECT_TRUE(KeySet::points({}).empty());
}

TEST(KeySet, ComparisonsAtInt64Edges) {
  EXPECT_TRUE(KeySet::below(kMin).empty());
  EXPECT_TRUE(KeySet::above(kMax).empty());
  EXPECT_TRUE(KeySet::atLeast(kMin).isAll());
  EXPECT_TRUE(KeySet::atMost(kMax).isAll());
  EXPECT_EQ(KeySet::atMost(kMin), KeySet::point(kMin));
  EXPECT_EQ(KeySet::atLeast(kMax), KeySet::point(kMax));
  EXPECT_EQ(KeySet::below(kMin + 1), KeySet::point(kMin));
  EXPECT_EQ(KeySet::above(kMax - 1), KeySet::point(kMax));
  EXPECT_EQ(KeySet::below(0), KeySet::closed(kMin, -1));
  EXPECT_EQ(KeySet::above(0), KeySet::closed(1, kMax));
  EXPECT_EQ(KeySet::except(kMin), KeySet::closed(kMin + 1, kMax));
  EXPECT_EQ(KeySet::except(kMax), KeySet::closed(kMin, kMax - 1));
  EXPECT_EQ(KeySet::except(7).intervals().size(), 2u);
}

TEST(KeySet, UniteMergesOverlappingAndAdjacent) {
  EXPECT_EQ(KeySet::closed(1, 5).unite(KeySet::closed(6, 9)), KeySet::closed(1, 9));
  EXPECT_EQ(KeySet::closed(1, 5).unite(KeySet::closed(3, 9)), KeySet::closed(1, 9));
  EXPECT_EQ(KeySet::closed(1, 5).unite(KeySet::closed(7, 9)).str(), "[1, 5] [7, 9]");
  EXPECT_EQ(KeySet::point(kMax).unite(KeySet::point(kMin)).str(),
            "{-9223372036854775808} {9223372036854775807}");
  EXPECT_TRUE(KeySet::below(0).unite(KeySet::atLeast(0)).isAll());
  EXPECT_TRUE(KeySet::except(3).unite(KeySet::point(3)).isAll());
  EXPECT_EQ(KeySet::none().unite(KeySet::point(1)), KeySet::point(1));
}

TEST(KeySet, Intersect) {
  EXPECT_EQ(KeySet::closed(1, 5).intersect(KeySet::closed(3, 9)), KeySet::closed(3, 5));
  EXPECT_TRUE(KeySet::closed(1, 5).intersect(KeySet::closed(6, 9)).empty());
  EXPECT_EQ(KeySet::all().intersect(KeySet::point(kMin)), KeySet::point(kMin));
  EXPECT_TRUE(KeySet::point(1).intersect(KeySet::point(2)).empty());
  KeySet holes = KeySet::except(3).intersect(KeySet::except(5));
  EXPECT_EQ(holes.intersect(KeySet::closed(0, 10)).str(), "[0, 2] {4} [6, 10]");
  EXPECT_EQ(KeySet::points({1, 4, 9}).intersect(KeySet::closed(2, 9)).str(), "{4} {9}");
}

}  // namespace
}  // namespace sg::plan
