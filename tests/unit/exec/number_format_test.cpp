// formatDouble against outputs of MariaDB 10.11.19 (SUM(d)/AVG(d)/MAX(f) of single-row groups
// in text protocol, as printed by the mariadb client).
#include "router/exec/number_format.h"

#include <gtest/gtest.h>

#include <limits>

namespace sg::exec {
namespace {

std::string g(double v) { return formatDouble(v, 31, false); }

TEST(NumberFormat, DoubleLikeMariaDb) {
  EXPECT_EQ(g(0.1), "0.1");
  EXPECT_EQ(g(0.30000000000000004), "0.30000000000000004");
  EXPECT_EQ(g(1e15), "1e15");
  EXPECT_EQ(g(1e16), "1e16");
  EXPECT_EQ(g(1e14), "100000000000000");
  EXPECT_EQ(g(123456789012345678.0), "1.2345678901234568e17");
  EXPECT_EQ(g(1e-5), "0.00001");
  EXPECT_EQ(g(1e-14), "0.00000000000001");
  EXPECT_EQ(g(1e-15), "0.000000000000001");
  EXPECT_EQ(g(1.5e-15), "0.0000000000000015");
  EXPECT_EQ(g(1e-16), "1e-16");
  EXPECT_EQ(g(12345.678), "12345.678");
  EXPECT_EQ(g(-0.0), "0");
  EXPECT_EQ(g(0.0), "0");
  EXPECT_EQ(g(1e300), "1e300");
  EXPECT_EQ(g(2.5e-300), "2.5e-300");
  EXPECT_EQ(g(1 / 3.0), "0.3333333333333333");
  EXPECT_EQ(g(100), "100");
  EXPECT_EQ(g(1e21), "1e21");
  EXPECT_EQ(g(123456789012345.6), "123456789012345.6");
  EXPECT_EQ(g(1234567890123456.7), "1234567890123456.8");
  EXPECT_EQ(g(12345678901234567.0), "1.2345678901234568e16");
  EXPECT_EQ(g(9007199254740993.0), "9.007199254740992e15");
  EXPECT_EQ(g(0.000123), "0.000123");
  EXPECT_EQ(g(1.7976931348623157e308), "1.7976931348623157e308");
  EXPECT_EQ(g(5e-324), "5e-324");
  EXPECT_EQ(g(-1.5), "-1.5");
  EXPECT_EQ(g(1.2e20), "1.2e20");
  EXPECT_EQ(g(1.2345e19), "1.2345e19");
  EXPECT_EQ(g(3.333333333333333e19), "3.333333333333333e19");
  EXPECT_EQ(g(-1e-7), "-0.0000001");
  EXPECT_EQ(g(1.234567e-10), "0.0000000001234567");
  EXPECT_EQ(g(99999999999999.98), "99999999999999.98");
  EXPECT_EQ(g(999999999999999.9), "999999999999999.9");
  EXPECT_EQ(g(1234567890.1234567), "1234567890.1234567");
  EXPECT_EQ(g(11111111111111112.0), "1.1111111111111112e16");
  EXPECT_EQ(g(111111111111111111.0), "1.111111111111111e17");
  EXPECT_EQ(g(1.2345678901234567e-15), "0.0000000000000012345678901234568");
  EXPECT_EQ(g(0.12345678901234567), "0.12345678901234566");
  EXPECT_EQ(g(-1.2345678901234567e-14), "-0.000000000000012345678901234567");
  EXPECT_EQ(g(1.2345678901234567e-300), "1.2345678901234568e-300");
  EXPECT_EQ(g(static_cast<double>(0.1f)), "0.10000000149011612");
  EXPECT_EQ(g(static_cast<double>(3.4e38f)), "3.3999999521443642e38");
}

TEST(NumberFormat, FloatLikeMariaDb) {
  auto f = [](float v) { return formatDouble(v, 31, true); };
  EXPECT_EQ(f(0.1f), "0.1");
  EXPECT_EQ(f(1e-5f), "0.00001");
  EXPECT_EQ(f(1234567.0f), "1234570");
  EXPECT_EQ(f(16777217.0f), "16777200");
  EXPECT_EQ(f(3.4e38f), "3.4e38");
  EXPECT_EQ(f(1e10f), "10000000000");
  EXPECT_EQ(f(1e15f), "1e15");
  EXPECT_EQ(f(1.5e16f), "1.5e16");
  EXPECT_EQ(f(1.5e-14f), "0.000000000000015");
  EXPECT_EQ(f(1.5e-15f), "0.0000000000000015");
}

// Columns with fixed decimals (DOUBLE(10,2) sums, AVG of DOUBLE(10,2) has 6, of FLOAT(7,3) 7).
TEST(NumberFormat, FixedDecimals) {
  EXPECT_EQ(formatDouble(1.5, 2, false), "1.50");
  EXPECT_EQ(formatDouble(12345678.12, 6, false), "12345678.120000");
  EXPECT_EQ(formatDouble(1234.5670166015625, 7, false), "1234.5670166");
  EXPECT_EQ(formatDouble(-1.1, 2, false), "-1.10");
  EXPECT_EQ(formatDouble(-0.001, 2, false), "0.00");
  EXPECT_EQ(formatDouble(-2.7755575615628914e-17, 2, false), "0.00");
  EXPECT_EQ(formatDouble(3, 0, false), "3");
}

}  // namespace
}  // namespace sg::exec
