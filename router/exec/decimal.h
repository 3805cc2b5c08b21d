#pragma once
// Exact decimal numbers for merging DECIMAL results from several shards: SUM of DECIMAL (and of
// integers, which MySQL returns as DECIMAL), AVG as SUM / COUNT rounded the way MySQL rounds, and
// comparisons of DECIMAL values without going through double. Unbounded precision (digits kept
// as a string); no exceptions: parse() returns nullopt for text that is not a decimal number.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sg::exec {

class Decimal {
 public:
  Decimal() = default;  // 0
  static Decimal fromInt(int64_t v);
  static Decimal fromUint(uint64_t v);
  // "-12.340", "+5", ".5", "7." and exponent-free forms as MySQL prints DECIMAL and integers.
  static std::optional<Decimal> parse(std::string_view text);

  Decimal operator+(const Decimal& o) const;
  Decimal operator-(const Decimal& o) const;
  Decimal operator*(const Decimal& o) const;
  // this / divisor rounded half away from zero to `scale` fractional digits (MySQL's rounding of
  // AVG and of DECIMAL division). divisor 0 → nullopt (SQL NULL).
  std::optional<Decimal> dividedBy(const Decimal& divisor, int scale) const;
  // Rounded half away from zero (or zero-padded) to exactly `scale` fractional digits.
  Decimal rounded(int scale) const;

  // -1, 0, 1. Scale does not matter: 1.50 == 1.5.
  int compare(const Decimal& o) const;
  bool operator==(const Decimal& o) const { return compare(o) == 0; }
  bool isZero() const;
  bool isNegative() const { return negative_ && !isZero(); }
  int scale() const { return scale_; }

  // Plain notation with exactly scale() fractional digits ("-0.50", "12", "0.000").
  std::string toString() const;
  double toDouble() const;

 private:
  bool negative_ = false;
  std::string digits_ = "0";  // magnitude, all digits including the fraction, no leading zeros
                              // beyond what the scale needs ("5" with scale 2 means 0.05)
  int scale_ = 0;             // digits after the decimal point
};

}  // namespace sg::exec
