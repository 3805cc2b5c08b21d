// Decimal: parsing, exact arithmetic, MySQL's rounding (half away from zero) and printing.
#include "router/exec/decimal.h"

#include <gtest/gtest.h>

namespace sg::exec {
namespace {

Decimal D(const char* s) { return *Decimal::parse(s); }

TEST(Decimal, ParsesAndPrints) {
  EXPECT_EQ(D("-12.340").toString(), "-12.340");
  EXPECT_EQ(D("+5").toString(), "5");
  EXPECT_EQ(D(".5").toString(), "0.5");
  EXPECT_EQ(D("7.").toString(), "7");
  EXPECT_EQ(D("0007.50").toString(), "7.50");
  EXPECT_EQ(D("-0").toString(), "0");
  EXPECT_EQ(D("-0.00").toString(), "0.00");
  EXPECT_EQ(D("0.05").scale(), 2);
  EXPECT_FALSE(Decimal::parse(""));
  EXPECT_FALSE(Decimal::parse("-"));
  EXPECT_FALSE(Decimal::parse("."));
  EXPECT_FALSE(Decimal::parse("1e3"));
  EXPECT_FALSE(Decimal::parse("1.2.3"));
  EXPECT_FALSE(Decimal::parse("12a"));
  EXPECT_EQ(Decimal::fromInt(INT64_MIN).toString(), "-9223372036854775808");
  EXPECT_EQ(Decimal::fromUint(UINT64_MAX).toString(), "18446744073709551615");
  EXPECT_EQ(Decimal().toString(), "0");
}

TEST(Decimal, Arithmetic) {
  EXPECT_EQ((D("1.5") + D("2.25")).toString(), "3.75");
  EXPECT_EQ((D("1.5") + D("-2.25")).toString(), "-0.75");
  EXPECT_EQ((D("-1.5") + D("-2.25")).toString(), "-3.75");
  EXPECT_EQ((D("1.50") - D("1.5")).toString(), "0.00");
  EXPECT_EQ((D("0.1") - D("0.3")).toString(), "-0.2");
  EXPECT_EQ((D("99999999999999999999.99") + D("0.01")).toString(), "100000000000000000000.00");
  EXPECT_EQ((D("-1.5") * D("2.25")).toString(), "-3.375");
  EXPECT_EQ((D("0") * D("-2.25")).toString(), "0.00");
  EXPECT_EQ((Decimal::fromUint(UINT64_MAX) + Decimal::fromUint(UINT64_MAX)).toString(),
            "36893488147419103230");
  EXPECT_EQ((D("123456789012345678901234567890") * D("1000000000.000000001")).toString(),
            "123456789012345679024691356902345678901.234567890");
}

TEST(Decimal, CompareIgnoresScale) {
  EXPECT_EQ(D("1.50").compare(D("1.5")), 0);
  EXPECT_TRUE(D("1.50") == D("1.5"));
  EXPECT_EQ(D("-0.0").compare(D("0")), 0);
  EXPECT_EQ(D("-1").compare(D("0.5")), -1);
  EXPECT_EQ(D("-1").compare(D("-2")), 1);
  EXPECT_EQ(D("10").compare(D("9.999")), 1);
  EXPECT_EQ(D("0.001").compare(D("0.0009")), 1);
  EXPECT_FALSE(D("-0.00").isNegative());
  EXPECT_TRUE(D("-0.01").isNegative());
  EXPECT_TRUE(D("0.000").isZero());
}

// Verified on MariaDB 10.11: AVG of INT prints 4 decimals, rounded half away from zero:
// 1/32 -> 0.0313, -1/63 -> -0.0159, 5/3 -> 1.6667; AVG of DECIMAL(5,1): 0.1/32 -> 0.00313.
TEST(Decimal, DividedByRoundsHalfAwayFromZero) {
  EXPECT_EQ(D("1").dividedBy(D("32"), 4)->toString(), "0.0313");
  EXPECT_EQ(D("-1").dividedBy(D("32"), 4)->toString(), "-0.0313");
  EXPECT_EQ(D("-1").dividedBy(D("63"), 4)->toString(), "-0.0159");
  EXPECT_EQ(D("5").dividedBy(D("3"), 4)->toString(), "1.6667");
  EXPECT_EQ(D("0.1").dividedBy(D("32"), 5)->toString(), "0.00313");
  EXPECT_EQ(D("1").dividedBy(D("64"), 4)->toString(), "0.0156");
  EXPECT_EQ(D("7").dividedBy(D("16"), 4)->toString(), "0.4375");
  EXPECT_EQ(D("6.68").dividedBy(D("3"), 6)->toString(), "2.226667");
  EXPECT_EQ(D("10").dividedBy(D("-4"), 0)->toString(), "-3");
  EXPECT_EQ(D("1").dividedBy(D("0.5"), 2)->toString(), "2.00");
  EXPECT_EQ(D("0.0001").dividedBy(D("3"), 2)->toString(), "0.00");
  EXPECT_EQ(D("-0.0001").dividedBy(D("3"), 2)->toString(), "0.00");
  EXPECT_FALSE(D("1").dividedBy(D("0.00"), 4));
}

TEST(Decimal, Rounded) {
  EXPECT_EQ(D("1.005").rounded(2).toString(), "1.01");
  EXPECT_EQ(D("-1.005").rounded(2).toString(), "-1.01");
  EXPECT_EQ(D("1.004").rounded(2).toString(), "1.00");
  EXPECT_EQ(D("0.5").rounded(0).toString(), "1");
  EXPECT_EQ(D("0.05").rounded(0).toString(), "0");
  EXPECT_EQ(D("0.005").rounded(1).toString(), "0.0");
  EXPECT_EQ(D("9.995").rounded(2).toString(), "10.00");
  EXPECT_EQ(D("12.3").rounded(2).toString(), "12.30");
  EXPECT_EQ(D("-0.004").rounded(2).toString(), "0.00");
  EXPECT_DOUBLE_EQ(D("-12.5").toDouble(), -12.5);
}

}  // namespace
}  // namespace sg::exec
