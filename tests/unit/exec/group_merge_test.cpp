// GroupMerge end to end: hand-built MergeSpecs (as analyzeMerge would produce them) and the rows
// two or three shards return for the pushed-down statement. Expected values are what MariaDB
// 10.11 returns for the same data on one server (AVG(INT) has 4 decimals, SUM(INT) is DECIMAL
// with 0, AVG(DECIMAL(10,2)) 6, rounding half away from zero).
#include "router/exec/group_merge.h"

#include <gtest/gtest.h>

#include "tests/unit/exec/exec_test_util.h"

namespace sg::exec {
namespace {

using namespace testing;
using plan::Aggregate;
using plan::MergeColumn;
using plan::MergeExpr;
using plan::MergeKey;
using plan::MergeSpec;
constexpr auto kT = RowFormat::kText;
constexpr auto kB = RowFormat::kBinary;

MergeColumn plain(bool hidden = false) {
  MergeColumn c;
  c.hidden = hidden;
  return c;
}
MergeColumn agg(Aggregate a, bool hidden = false) {
  MergeColumn c;
  c.aggregate = a;
  c.hidden = hidden;
  return c;
}
MergeColumn avg(size_t sumColumn, size_t countColumn) {
  MergeColumn c = agg(Aggregate::kAvg);
  c.sumColumn = sumColumn;
  c.countColumn = countColumn;
  return c;
}
MergeColumn distinctOf(Aggregate a, size_t argument) {
  MergeColumn c = agg(a);
  c.distinct = true;
  c.argumentKey = MergeKey{argument};
  return c;
}
MergeColumn minMax(Aggregate a, MergeKey key) {
  MergeColumn c = agg(a);
  c.minMaxKey = key;
  return c;
}
MergeExpr column(size_t i) {
  MergeExpr e;
  e.kind = MergeExpr::Kind::kColumn;
  e.column = i;
  return e;
}
MergeExpr number(std::string text) {
  MergeExpr e;
  e.kind = MergeExpr::Kind::kNumber;
  e.text = std::move(text);
  return e;
}
MergeExpr binary(MergeExpr::Kind kind, std::string op, MergeExpr a, MergeExpr b) {
  MergeExpr e;
  e.kind = kind;
  e.text = std::move(op);
  e.children.push_back(std::move(a));
  e.children.push_back(std::move(b));
  return e;
}

std::vector<Row> run(const MergeSpec& spec, const std::vector<ColumnInfo>& cols,
                     const std::vector<std::vector<Row>>& shards, RowFormat format = kT,
                     MergeBounds bounds = {}, size_t maxRows = 1000) {
  GroupMerge merge(spec, cols, format, maxRows, bounds);
  for (const auto& shard : shards) {
    for (const auto& row : shard) EXPECT_TRUE(merge.add(row)) << merge.error();
  }
  return merge.finish();
}

// SELECT COUNT(*), SUM(dc), AVG(i) FROM t  (dc DECIMAL(10,2), i INT; rows i=1,2,4 dc=1.10,2.25,
// 3.33 spread over 3 shards; one shard empty). Shards run
// SELECT COUNT(*), SUM(dc), AVG(i), SUM(i), COUNT(i).
struct WholeTableAggregates : ::testing::Test {
  MergeSpec spec;
  std::vector<ColumnInfo> cols = {col(coltype::kLongLong, colflag::kNotNull),
                                  col(coltype::kNewDecimal, 0, 2), col(coltype::kNewDecimal, 0, 4),
                                  col(coltype::kNewDecimal, 0, 0), col(coltype::kLongLong)};
  void SetUp() override {
    spec.aggregate = true;
    spec.visibleColumns = 3;
    spec.columns = {agg(Aggregate::kCount), agg(Aggregate::kSum), avg(3, 4),
                    agg(Aggregate::kSum, true), agg(Aggregate::kCount, true)};
  }
};

TEST_F(WholeTableAggregates, Text) {
  auto rows = run(spec, cols,
                  {{{V("2"), V("3.35"), V("1.5000"), V("3"), V("2")}},
                   {{V("0"), N(), N(), N(), V("0")}},
                   {{V("1"), V("3.33"), V("4.0000"), V("4"), V("1")}}});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0], (Row{V("3"), V("6.68"), V("2.3333"), V("7"), V("3")}));
}

TEST_F(WholeTableAggregates, NoRowsAtAllStillOneRow) {
  auto rows = run(spec, cols, {{}, {}});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0], (Row{V("0"), N(), N(), N(), V("0")}));
  auto empties =
      run(spec, cols, {{{V("0"), N(), N(), N(), V("0")}}, {{V("0"), N(), N(), N(), V("0")}}});
  EXPECT_EQ(empties[0], (Row{V("0"), N(), N(), N(), V("0")}));
}

TEST_F(WholeTableAggregates, Binary) {
  auto rows = run(spec, cols,
                  {{{V(le(2, 8)), V("3.35"), V("1.5000"), V("3"), V(le(2, 8))}},
                   {{V(le(1, 8)), V("3.33"), V("4.0000"), V("4"), V(le(1, 8))}}},
                  kB);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0], (Row{V(le(3, 8)), V("6.68"), V("2.3333"), V("7"), V(le(3, 8))}));
}

TEST(GroupMerge, AverageRoundsHalfAwayFromZero) {
  // AVG of INT: 1 / 32 = 0.03125 -> 0.0313; -1 / 32 -> -0.0313 (checked on MariaDB).
  MergeSpec spec;
  spec.aggregate = true;
  spec.visibleColumns = 1;
  spec.columns = {avg(1, 2), agg(Aggregate::kSum, true), agg(Aggregate::kCount, true)};
  std::vector<ColumnInfo> cols = {col(coltype::kNewDecimal, 0, 4), col(coltype::kNewDecimal),
                                  col(coltype::kLongLong)};
  EXPECT_EQ(
      run(spec, cols, {{{V("1.0000"), V("1"), V("1")}}, {{V("0.0000"), V("0"), V("31")}}})[0][0],
      V("0.0313"));
  EXPECT_EQ(
      run(spec, cols, {{{V("-1.0000"), V("-1"), V("1")}}, {{V("0.0000"), V("0"), V("31")}}})[0][0],
      V("-0.0313"));
}

TEST(GroupMerge, DoubleSumAndAverage) {
  // SELECT SUM(d), AVG(d) FROM t with d DOUBLE: both DOUBLE, decimals 31. Text as MariaDB prints.
  MergeSpec spec;
  spec.aggregate = true;
  spec.visibleColumns = 2;
  spec.columns = {agg(Aggregate::kSum), avg(2, 3), agg(Aggregate::kSum, true),
                  agg(Aggregate::kCount, true)};
  std::vector<ColumnInfo> cols = {col(coltype::kDouble, 0, 31), col(coltype::kDouble, 0, 31),
                                  col(coltype::kDouble, 0, 31), col(coltype::kLongLong)};
  auto text = run(spec, cols,
                  {{{V("0.1"), V("0.1"), V("0.1"), V("1")}},
                   {{V("0.2"), V("0.1"), V("0.2"), V("2")}},
                   {{V("1e20"), V("1e20"), V("1e20"), V("1")}}});
  EXPECT_EQ(text[0][0], V("1e20"));
  EXPECT_EQ(text[0][1], V("2.5e19"));
  auto small =
      run(spec, cols,
          {{{V("0.1"), V("0.1"), V("0.1"), V("1")}}, {{V("0.2"), V("0.2"), V("0.2"), V("1")}}});
  EXPECT_EQ(small[0][0], V("0.30000000000000004"));
  EXPECT_EQ(small[0][1], V("0.15000000000000002"));
  auto bin = run(spec, cols,
                 {{{V(leDouble(1.5)), V(leDouble(1.5)), V(leDouble(1.5)), V(le(1, 8))}},
                  {{V(leDouble(2.5)), V(leDouble(1.25)), V(leDouble(2.5)), V(le(2, 8))}}},
                 kB);
  EXPECT_EQ(bin[0][0], V(leDouble(4.0)));
  EXPECT_EQ(bin[0][1], V(leDouble(4.0 / 3)));
}

// SELECT name, COUNT(*) FROM t GROUP BY name; shards run it with WEIGHT_STRING(name) and the
// weight of a space appended (utf8mb4_general_ci).
struct GroupByString : ::testing::Test {
  MergeSpec spec;
  std::vector<ColumnInfo> cols = {strCol(), col(coltype::kLongLong), col(coltype::kVarString),
                                  col(coltype::kVarString)};
  std::vector<std::vector<Row>> shards = {
      {{V("b"), V("2"), H("0042"), H("0020")}, {V("A"), V("1"), H("0041"), H("0020")}},
      {{V("a "), V("3"), H("00410020"), H("0020")}, {V("c"), V("1"), H("0043"), H("0020")}},
      {{N(), V("5"), N(), H("0020")}}};
  void SetUp() override {
    spec.aggregate = true;
    spec.visibleColumns = 2;
    spec.columns = {plain(), agg(Aggregate::kCount), plain(true), plain(true)};
    spec.groupBy = {MergeKey{0, 2, 3}};
  }
};

TEST_F(GroupByString, SortedByGroupKeys) {
  auto rows = run(spec, cols, shards);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_TRUE(rows[0][0].null);
  EXPECT_EQ(rows[0][1], V("5"));
  EXPECT_EQ(rows[1][0], V("A"));  // 'A' and 'a ' are one group; its first value is kept
  EXPECT_EQ(rows[1][1], V("4"));
  EXPECT_EQ(rows[2][0], V("b"));
  EXPECT_EQ(rows[3][0], V("c"));
}

TEST_F(GroupByString, OrderByNullKeepsFirstSeenOrder) {
  spec.sortGroups = false;
  auto rows = run(spec, cols, shards);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0][0], V("b"));
  EXPECT_EQ(rows[1][0], V("A"));
  EXPECT_EQ(rows[2][0], V("c"));
  EXPECT_TRUE(rows[3][0].null);
}

TEST_F(GroupByString, HavingOrderByLimit) {
  // ... HAVING COUNT(*) > 1 ORDER BY COUNT(*) DESC LIMIT 1, 2
  spec.having = binary(MergeExpr::Kind::kCompare, ">", column(1), number("1"));
  spec.orderBy = {MergeKey{1, std::nullopt, std::nullopt, true}};
  auto rows = run(spec, cols, shards, kT, MergeBounds{1, 2});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0][0], V("A"));
  EXPECT_EQ(rows[1][0], V("b"));
  auto none = run(spec, cols, shards, kT, MergeBounds{10, 2});
  EXPECT_TRUE(none.empty());
}

TEST_F(GroupByString, MaxRowsCountsGroups) {
  GroupMerge merge(spec, cols, kT, 3, {});
  size_t accepted = 0;
  bool failed = false;
  for (const auto& shard : shards) {
    for (const auto& row : shard) {
      if (!merge.add(row)) {
        failed = true;
        break;
      }
      ++accepted;
    }
    if (failed) break;
  }
  EXPECT_TRUE(failed);
  EXPECT_EQ(accepted, 4u);  // b, A, a (same group), c; the NULL group is the 4th
  EXPECT_EQ(merge.error(),
            "more than 3 rows to merge from several shards ([routing] max_merge_rows)");
  EXPECT_FALSE(merge.add({V("b"), V("1"), H("0042"), H("0020")}));
}

TEST(GroupMerge, DistinctAggregates) {
  // SELECT g, COUNT(DISTINCT x), SUM(DISTINCT x), AVG(DISTINCT x) FROM t GROUP BY g; shards run
  // ... , x GROUP BY g, x.
  MergeSpec spec;
  spec.aggregate = true;
  spec.visibleColumns = 4;
  spec.columns = {plain(), distinctOf(Aggregate::kCount, 4), distinctOf(Aggregate::kSum, 4),
                  distinctOf(Aggregate::kAvg, 4), plain(true)};
  spec.groupBy = {MergeKey{0}};
  std::vector<ColumnInfo> cols = {col(coltype::kLong), col(coltype::kLongLong),
                                  col(coltype::kNewDecimal), col(coltype::kNewDecimal, 0, 4),
                                  col(coltype::kLong)};
  auto r = [](const char* g, const char* x) {
    bool isNull = x == nullptr;
    return Row{V(g), V(isNull ? "0" : "1"), isNull ? N() : V(x),
               isNull ? N() : V(std::string(x) + ".0000"), isNull ? N() : V(x)};
  };
  auto rows = run(spec, cols,
                  {{r("1", "1"), r("1", "2"), r("1", nullptr)},
                   {r("1", "2"), r("1", "3"), r("3", nullptr)},
                   {r("2", "5")}});
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0], (Row{V("1"), V("3"), V("6"), V("2.0000"), V("1")}));
  EXPECT_EQ(rows[1], (Row{V("2"), V("1"), V("5"), V("5.0000"), V("5")}));
  EXPECT_EQ(rows[2], (Row{V("3"), V("0"), N(), N(), N()}));
  // Gathered distinct values count against max_merge_rows: 3 groups + 4 values.
  GroupMerge small(spec, cols, kT, 6, {});
  bool ok = true;
  for (const auto& row :
       {r("1", "1"), r("1", "2"), r("1", "2"), r("1", "3"), r("2", "5"), r("3", nullptr)}) {
    ok = small.add(row) && ok;
  }
  EXPECT_FALSE(ok);
}

TEST(GroupMerge, MinMaxByWeightCarriesHiddenWeights) {
  // SELECT MAX(name), MIN(name) FROM t ORDER BY ... : general_ci weights, 'a' < 'Z' < 'b'.
  MergeSpec spec;
  spec.aggregate = true;
  spec.visibleColumns = 2;
  spec.columns = {minMax(Aggregate::kMax, MergeKey{0, 2, 3}),
                  minMax(Aggregate::kMin, MergeKey{1, 4, 5}),
                  plain(true),
                  plain(true),
                  plain(true),
                  plain(true)};
  std::vector<ColumnInfo> cols(6, col(coltype::kVarString));
  cols[0] = strCol();
  cols[1] = strCol();
  auto rows = run(spec, cols,
                  {{{V("Z"), V("Z"), H("005A"), H("0020"), H("005A"), H("0020")}},
                   {{V("a"), V("a"), H("0041"), H("0020"), H("0041"), H("0020")}},
                   {{N(), N(), N(), H("0020"), N(), H("0020")}}});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0], (Row{V("Z"), V("a"), H("005A"), H("0020"), H("0041"), H("0020")}));
  auto allNull = run(spec, cols, {{{N(), N(), N(), H("0020"), N(), H("0020")}}});
  EXPECT_TRUE(allNull[0][0].null);
}

TEST(GroupMerge, PlainColumnTakesFirstNonNullValue) {
  MergeSpec spec;
  spec.aggregate = true;
  spec.visibleColumns = 2;
  spec.columns = {plain(), agg(Aggregate::kCount)};
  std::vector<ColumnInfo> cols = {col(coltype::kLong), col(coltype::kLongLong)};
  auto rows = run(spec, cols, {{{N(), V("0")}}, {{V("7"), V("2")}}, {{V("8"), V("1")}}});
  EXPECT_EQ(rows[0], (Row{V("7"), V("3")}));
}

TEST(GroupMerge, DistinctAfterAggregation) {
  // SELECT DISTINCT COUNT(*) FROM t GROUP BY g: groups 1 and 2 both count 2.
  MergeSpec spec;
  spec.aggregate = true;
  spec.distinct = true;
  spec.visibleColumns = 1;
  spec.columns = {agg(Aggregate::kCount), plain(true)};
  spec.groupBy = {MergeKey{1}};
  spec.distinctKeys = {MergeKey{0}};
  std::vector<ColumnInfo> cols = {col(coltype::kLongLong), col(coltype::kLong)};
  auto rows =
      run(spec, cols, {{{V("1"), V("1")}, {V("2"), V("2")}}, {{V("1"), V("1")}, {V("5"), V("3")}}});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0][0], V("2"));
  EXPECT_EQ(rows[1][0], V("5"));
}

TEST(GroupMerge, SelectDistinctOrderedAndLimited) {
  // SELECT DISTINCT name FROM t ORDER BY name DESC LIMIT 2 (weights hidden).
  MergeSpec spec;
  spec.distinct = true;
  spec.visibleColumns = 1;
  spec.columns = {plain(), plain(true), plain(true)};
  spec.distinctKeys = {MergeKey{0, 1, 2}};
  spec.orderBy = {MergeKey{0, 1, 2, true}};
  std::vector<ColumnInfo> cols = {strCol(), col(coltype::kVarString), col(coltype::kVarString)};
  std::vector<std::vector<Row>> shards = {
      {{V("x"), H("0058"), H("0020")}, {V("b"), H("0042"), H("0020")}},
      {{V("X "), H("00580020"), H("0020")}, {V("a"), H("0041"), H("0020")}},
      {{V("B"), H("0042"), H("0020")}}};
  auto rows = run(spec, cols, shards, kT, MergeBounds{0, 2});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0][0], V("x"));
  EXPECT_EQ(rows[1][0], V("b"));
  GroupMerge tight(spec, cols, kT, 2, {});
  size_t ok = 0;
  for (const auto& shard : shards) {
    for (const auto& row : shard) ok += tight.add(row) ? 1 : 0;
  }
  EXPECT_EQ(ok, 3u);  // x, b, X (a duplicate); a is a third distinct row; B comes after the failure
}

TEST(GroupMerge, HavingWithParamAndDecimalArithmetic) {
  // SELECT g, SUM(v) FROM t GROUP BY g HAVING SUM(v) / 3 >= ?   (? = 1.6667)
  MergeSpec spec;
  spec.aggregate = true;
  spec.visibleColumns = 2;
  spec.columns = {plain(), agg(Aggregate::kSum)};
  spec.groupBy = {MergeKey{0}};
  MergeExpr param;
  param.kind = MergeExpr::Kind::kParam;
  param.param = 0;
  spec.having =
      binary(MergeExpr::Kind::kCompare,
             ">=", binary(MergeExpr::Kind::kArithmetic, "/", column(1), number("3")), param);
  std::vector<ColumnInfo> cols = {col(coltype::kLong), col(coltype::kNewDecimal)};
  GroupMerge merge(spec, cols, kT, 100, {}, {number("1.6667")});
  for (const Row& r :
       {Row{V("1"), V("2")}, Row{V("2"), V("4")}, Row{V("1"), V("3")}, Row{V("3"), V("6")}}) {
    ASSERT_TRUE(merge.add(r));
  }
  auto rows = merge.finish();
  ASSERT_EQ(rows.size(), 2u);  // 5/3 = 1.6667 (scale 0+4, rounded) and 6/3; not 4/3
  EXPECT_EQ(rows[0], (Row{V("1"), V("5")}));
  EXPECT_EQ(rows[1], (Row{V("3"), V("6")}));
}

}  // namespace
}  // namespace sg::exec
