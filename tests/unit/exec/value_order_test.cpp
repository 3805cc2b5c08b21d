// Ordering and grouping keys: NULLs, signedness, decimals, doubles, TIME (negative, > 24h),
// dates with fractions (text and binary), and string weights with PAD SPACE padding as MariaDB
// 10.11 computes them (WEIGHT_STRING('a ' COLLATE utf8mb4_general_ci) = 0x00410020; the weight
// of a space is 0x0020 there, 0x0209 in utf8mb4_unicode_ci, 0x20 in latin1_swedish_ci; and
// 'a' > 'a\t' under PAD SPACE).
#include "router/exec/value_order.h"

#include <gtest/gtest.h>

#include "tests/unit/exec/exec_test_util.h"

namespace sg::exec {
namespace {

using namespace testing;
using plan::MergeKey;
constexpr auto kT = RowFormat::kText;
constexpr auto kB = RowFormat::kBinary;

int cmp(const Cell& a, const Cell& b, const ColumnInfo& c, RowFormat f = kT) {
  return compareValues(a, b, c, f);
}

TEST(CompareValues, NullsFirst) {
  auto c = col(coltype::kLong);
  EXPECT_EQ(cmp(N(), V("-5"), c), -1);
  EXPECT_EQ(cmp(V("-5"), N(), c), 1);
  EXPECT_EQ(cmp(N(), N(), c), 0);
  EXPECT_EQ(cmp(N(), V(""), strCol()), -1);
}

TEST(CompareValues, Integers) {
  EXPECT_EQ(cmp(V("-1"), V("1"), col(coltype::kLongLong)), -1);
  EXPECT_EQ(cmp(V("9"), V("10"), col(coltype::kLong)), -1);
  auto u = col(coltype::kLongLong, colflag::kUnsigned);
  EXPECT_EQ(cmp(V("18446744073709551615"), V("9223372036854775807"), u), 1);
  EXPECT_EQ(cmp(V(le(~0ull, 8)), V(le(1, 8)), u, kB), 1);
  EXPECT_EQ(cmp(V(le(~0ull, 8)), V(le(1, 8)), col(coltype::kLongLong), kB), -1);
  EXPECT_EQ(cmp(V(le(0x80, 1)), V(le(0x7F, 1)), col(coltype::kTiny), kB), -1);
  EXPECT_EQ(cmp(V(le(0x80, 1)), V(le(0x7F, 1)), col(coltype::kTiny, colflag::kUnsigned), kB), 1);
  EXPECT_EQ(cmp(V(le(1999, 2)), V(le(2001, 2)), col(coltype::kYear), kB), -1);
  EXPECT_EQ(cmp(V("1999"), V("2001"), col(coltype::kYear)), -1);
}

TEST(CompareValues, DecimalsAndDoubles) {
  auto d = col(coltype::kNewDecimal, 0, 2);
  EXPECT_EQ(cmp(V("10.50"), V("9.75"), d), 1);
  EXPECT_EQ(cmp(V("-1.50"), V("-1.5"), d), 0);
  EXPECT_EQ(cmp(V("-10.00"), V("-9.99"), d), -1);
  EXPECT_EQ(cmp(V("99999999999999999999999999999.01"), V("99999999999999999999999999999.02"), d),
            -1);
  auto f = col(coltype::kDouble, 0, 31);
  EXPECT_EQ(cmp(V("1e20"), V("9.5e19"), f), 1);
  EXPECT_EQ(cmp(V("-0"), V("0"), f), 0);
  EXPECT_EQ(cmp(V("0.00001"), V("1e-16"), f), 1);
  EXPECT_EQ(cmp(V(leDouble(-1)), V(leDouble(0.5)), f, kB), -1);
}

TEST(CompareValues, Time) {
  auto t = col(coltype::kTime);
  EXPECT_EQ(cmp(V("-12:00:00.5"), V("-12:00:00"), t), -1);
  EXPECT_EQ(cmp(V("-12:00:00"), V("00:00:00"), t), -1);
  EXPECT_EQ(cmp(V("-00:00:00.5"), V("00:00:00"), t), -1);
  EXPECT_EQ(cmp(V("838:59:59"), V("99:00:00"), t), 1);
  EXPECT_EQ(cmp(V("10:00:00.50"), V("10:00:00.5"), t), 0);
  EXPECT_EQ(cmp(V("-838:59:59"), V("-01:00:00"), t), -1);
  // Binary: sign, days, h, m, s, [micros].
  Cell minus2d = V(std::string("\x01\x02\x00\x00\x00\x03\x04\x05", 8));
  Cell plus1s = V(std::string("\x00\x00\x00\x00\x00\x00\x00\x01", 8));
  Cell plusHalf = V(std::string("\x00\x00\x00\x00\x00\x00\x00\x00\x20\xA1\x07\x00", 12));
  Cell zero = V("");
  EXPECT_EQ(cmp(minus2d, zero, t, kB), -1);
  EXPECT_EQ(cmp(zero, plusHalf, t, kB), -1);
  EXPECT_EQ(cmp(plusHalf, plus1s, t, kB), -1);
  Cell threeDays = V(std::string("\x00\x03\x00\x00\x00\x00\x00\x00", 8));
  Cell hours71 = V(std::string("\x00\x02\x00\x00\x00\x17\x00\x00", 8));
  EXPECT_EQ(cmp(threeDays, hours71, t, kB), 1);
}

TEST(CompareValues, Dates) {
  auto dt = col(coltype::kDateTime, 0, 6);
  EXPECT_EQ(cmp(V("2024-01-02 03:04:05.5"), V("2024-01-02 03:04:05.25"), dt), 1);
  EXPECT_EQ(cmp(V("2024-01-02 03:04:05"), V("2024-01-02 03:04:05.000"), dt), 0);
  EXPECT_EQ(cmp(V("2024-01-02 03:04:05"), V("2024-01-02 03:04:05.000001"), dt), -1);
  EXPECT_EQ(cmp(V("0000-00-00 00:00:00"), V("1000-01-01 00:00:00"), dt), -1);
  EXPECT_EQ(cmp(V("2024-12-31"), V("2025-01-01"), col(coltype::kDate)), -1);
  Cell day = V(std::string("\xE8\x07\x02\x1D", 4));
  Cell dayAtNoon = V(std::string("\xE8\x07\x02\x1D\x0C\x00\x00", 7));
  Cell dayMidnight = V(std::string("\xE8\x07\x02\x1D\x00\x00\x00", 7));
  Cell dayMicro = V(std::string("\xE8\x07\x02\x1D\x0C\x00\x00\x01\x00\x00\x00", 11));
  Cell nextYear = V(std::string("\xE9\x07\x01\x01", 4));
  EXPECT_EQ(cmp(day, dayAtNoon, dt, kB), -1);
  EXPECT_EQ(cmp(day, dayMidnight, dt, kB), 0);
  EXPECT_EQ(cmp(dayAtNoon, dayMicro, dt, kB), -1);
  EXPECT_EQ(cmp(dayMicro, nextYear, dt, kB), -1);
  EXPECT_EQ(cmp(V(""), day, dt, kB), -1);
}

TEST(CompareValues, BytewiseStringsAndBits) {
  EXPECT_EQ(cmp(V("\x01\xFF"), V("\x02\x00"), col(coltype::kBit)), -1);
  EXPECT_EQ(cmp(V("ab"), V("abc"), col(coltype::kBlob)), -1);
  EXPECT_EQ(cmp(V("\xC3\xA9"), V("z"), strCol()), 1);  // no weight: byte-wise
}

// Rows: value, weight, pad weight.
Row wrow(Cell v, Cell w, Cell pad) { return Row{std::move(v), std::move(w), std::move(pad)}; }
const MergeKey kWeighted{0, 1, 2, false};

TEST(CompareKey, PadSpaceWeights) {
  std::vector<ColumnInfo> cols = {strCol(45), col(coltype::kVarString), col(coltype::kVarString)};
  Cell pad = H("0020");
  Row a = wrow(V("a"), H("0041"), pad);
  Row aTab = wrow(V("a\t"), H("00410009"), pad);
  Row aSpace = wrow(V("a "), H("00410020"), pad);
  Row upperA = wrow(V("A  "), H("004100200020"), pad);
  Row ab = wrow(V("ab"), H("00410042"), pad);
  Row empty = wrow(V(""), H(""), pad);
  Row nul = wrow(N(), N(), pad);
  EXPECT_EQ(compareKey(a, aTab, kWeighted, cols, kT), 1);  // 'a' > 'a\t' with PAD SPACE
  EXPECT_EQ(compareKey(aTab, a, kWeighted, cols, kT), -1);
  EXPECT_EQ(compareKey(a, aSpace, kWeighted, cols, kT), 0);
  EXPECT_EQ(compareKey(upperA, a, kWeighted, cols, kT), 0);
  EXPECT_EQ(compareKey(a, ab, kWeighted, cols, kT), -1);
  EXPECT_EQ(compareKey(empty, aSpace, kWeighted, cols, kT), -1);
  EXPECT_EQ(compareKey(empty, wrow(V("  "), H("00200020"), pad), kWeighted, cols, kT), 0);
  EXPECT_EQ(compareKey(nul, empty, kWeighted, cols, kT), -1);
  EXPECT_EQ(compareKey(empty, nul, kWeighted, cols, kT), 1);
  // Descending applies in compareRows only; NULL sorts last there.
  std::vector<MergeKey> desc = {MergeKey{0, 1, 2, true}};
  EXPECT_EQ(compareRows(nul, a, desc, cols, kT), 1);
  EXPECT_EQ(compareRows(a, ab, desc, cols, kT), 1);

  EXPECT_EQ(groupingKey(a, {kWeighted}, cols, kT), groupingKey(aSpace, {kWeighted}, cols, kT));
  EXPECT_EQ(groupingKey(a, {kWeighted}, cols, kT), groupingKey(upperA, {kWeighted}, cols, kT));
  EXPECT_NE(groupingKey(a, {kWeighted}, cols, kT), groupingKey(aTab, {kWeighted}, cols, kT));
  EXPECT_NE(groupingKey(nul, {kWeighted}, cols, kT), groupingKey(empty, {kWeighted}, cols, kT));
}

TEST(CompareKey, OtherCollationsAndBinary) {
  std::vector<ColumnInfo> cols = {strCol(224), col(coltype::kVarString), col(coltype::kVarString)};
  // utf8mb4_unicode_ci (server values): a = 0E33, space 0209, - 0221, tab 0201.
  Cell pad = H("0209");
  EXPECT_EQ(compareKey(wrow(V("a"), H("0E33"), pad), wrow(V("a "), H("0E330209"), pad), kWeighted,
                       cols, kT),
            0);
  EXPECT_EQ(compareKey(wrow(V("a"), H("0E33"), pad), wrow(V("a-"), H("0E330221"), pad), kWeighted,
                       cols, kT),
            -1);
  EXPECT_EQ(compareKey(wrow(V("a"), H("0E33"), pad), wrow(V("a\t"), H("0E330201"), pad), kWeighted,
                       cols, kT),
            1);
  // latin1: one byte per character.
  std::vector<ColumnInfo> latin = {strCol(8), col(coltype::kVarString), col(coltype::kVarString)};
  EXPECT_EQ(compareKey(wrow(V("a"), H("41"), H("20")), wrow(V("A "), H("4120"), H("20")), kWeighted,
                       latin, kT),
            0);
  // utf8mb4_bin: 3-byte weights.
  EXPECT_EQ(compareKey(wrow(V("a"), H("000061"), H("000020")),
                       wrow(V("a "), H("000061000020"), H("000020")), kWeighted, cols, kT),
            0);
  // Binary strings: no padding, a prefix sorts first.
  std::vector<ColumnInfo> bin = {col(coltype::kBlob), col(coltype::kVarString),
                                 col(coltype::kVarString)};
  Row x = wrow(V("a"), H("61"), H("20"));
  Row xSpace = wrow(V("a "), H("6120"), H("20"));
  Row xTab = wrow(V("a\t"), H("6109"), H("20"));
  EXPECT_EQ(compareKey(x, xSpace, kWeighted, bin, kT), -1);
  EXPECT_EQ(compareKey(x, xTab, kWeighted, bin, kT), -1);
  EXPECT_NE(groupingKey(x, {kWeighted}, bin, kT), groupingKey(xSpace, {kWeighted}, bin, kT));
}

TEST(CompareKey, NullWeightMeansCompareByValue) {
  // WEIGHT_STRING(5) is NULL: the key's expression is a number in these rows.
  std::vector<ColumnInfo> cols = {col(coltype::kNewDecimal, 0, 2), col(coltype::kVarString),
                                  col(coltype::kVarString)};
  Row ten = wrow(V("10.00"), N(), H("0020"));
  Row nine = wrow(V("9.50"), N(), H("0020"));
  EXPECT_EQ(compareKey(ten, nine, kWeighted, cols, kT), 1);
  EXPECT_EQ(groupingKey(wrow(V("1.50"), N(), N()), {kWeighted}, cols, kT),
            groupingKey(wrow(V("1.5"), N(), N()), {kWeighted}, cols, kT));
  EXPECT_EQ(groupingKey(wrow(V("-0.00"), N(), N()), {kWeighted}, cols, kT),
            groupingKey(wrow(V("0"), N(), N()), {kWeighted}, cols, kT));
}

TEST(GroupingKey, NumbersTimesAndMultipleKeys) {
  std::vector<ColumnInfo> cols = {col(coltype::kDouble, 0, 31), col(coltype::kTime),
                                  col(coltype::kDateTime, 0, 3), strCol()};
  std::vector<MergeKey> keys = {MergeKey{0}, MergeKey{1}, MergeKey{2}, MergeKey{3}};
  Row a = {V("-0"), V("10:00:00.500"), V("2024-01-01 00:00:00.500"), V("x")};
  Row b = {V("0"), V("10:00:00.5"), V("2024-01-01 00:00:00.5"), V("x")};
  Row c = {V("0"), V("10:00:00.5"), V("2024-01-01 00:00:00.5"), V("X")};
  EXPECT_EQ(groupingKey(a, keys, cols, kT), groupingKey(b, keys, cols, kT));
  EXPECT_NE(groupingKey(a, keys, cols, kT), groupingKey(c, keys, cols, kT));
  EXPECT_EQ(compareRows(a, b, keys, cols, kT), 0);
  // Key parts cannot run together: ("ab","c") vs ("a","bc").
  std::vector<ColumnInfo> two = {strCol(), strCol()};
  std::vector<MergeKey> k2 = {MergeKey{0}, MergeKey{1}};
  EXPECT_NE(groupingKey({V("ab"), V("c")}, k2, two, kT),
            groupingKey({V("a"), V("bc")}, k2, two, kT));
  // Integers across formats normalise the same way.
  std::vector<ColumnInfo> ints = {col(coltype::kLongLong)};
  EXPECT_EQ(groupingKey({V(le(static_cast<uint64_t>(-5ll), 8))}, {MergeKey{0}}, ints, kB),
            groupingKey({V("-5")}, {MergeKey{0}}, ints, kT));
}

}  // namespace
}  // namespace sg::exec
