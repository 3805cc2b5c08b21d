// MariaDB's double-to-text conversions, checked against MariaDB 10.11.19 (see
// tests/unit/exec/number_format_test.cpp for the server's own outputs):
//  - decimals >= 31: my_gcvt() with a wide buffer: the shortest digits that read back as the
//    same double (FLOAT: at most 6 significant digits), written in 'f' notation when
//    -14 <= decpt and (decpt <= 15 or the digits reach past the decimal point), else as
//    "d.ddde[-]x" (no '+', no zero-padded exponent): 0.00001, 1e15, 100000000000000,
//    1234567890123456.8, 1.2345678901234568e17, 1e-16, 0.000000000000001. -0 prints "0".
//  - decimals < 31: my_fcvt(): exactly `decimals` fraction digits ("1.50"); a value that rounds
//    to zero prints without a sign ("0.00").

#include "router/exec/number_format.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace sg::exec {
namespace {

constexpr int kMaxDecptForF = 15;  // DBL_DIG, used for FLOAT too

// Significant digits (no trailing zeros) and the decimal point position (value = 0.DIGITS *
// 10^decpt) of |v|, v finite and non-zero.
void shortestDigits(double v, bool isFloat, std::string& digits, int& decpt) {
  char buf[64];
  std::string text;
  if (isFloat) {
    int n = std::snprintf(buf, sizeof(buf), "%.5e", std::fabs(v));
    text.assign(buf, n > 0 ? static_cast<size_t>(n) : 0);
  } else {
    auto res = std::to_chars(buf, buf + sizeof(buf), std::fabs(v), std::chars_format::scientific);
    text.assign(buf, res.ptr);
  }
  size_t e = text.find('e');
  if (e == std::string::npos) {
    digits.clear();
    digits.push_back('0');
    decpt = 1;
    return;
  }
  digits.clear();
  for (size_t i = 0; i < e; ++i) {
    if (text[i] != '.') digits.push_back(text[i]);
  }
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  decpt = std::atoi(text.c_str() + e + 1) + 1;
}

std::string gcvt(double v, bool isFloat) {
  if (v == 0 || !std::isfinite(v)) return v == 0 ? "0" : (std::isnan(v) ? "nan" : "inf");
  std::string digits;
  int decpt = 0;
  shortestDigits(v, isFloat, digits, decpt);
  int len = static_cast<int>(digits.size());
  std::string out;
  if (v < 0) out.push_back('-');
  if (decpt >= -kMaxDecptForF + 1 && (decpt <= kMaxDecptForF || len > decpt)) {
    if (decpt <= 0) {
      out += "0.";
      out.append(static_cast<size_t>(-decpt), '0');
      out += digits;
    } else if (decpt < len) {
      out.append(digits, 0, static_cast<size_t>(decpt));
      out.push_back('.');
      out.append(digits, static_cast<size_t>(decpt), std::string::npos);
    } else {
      out += digits;
      out.append(static_cast<size_t>(decpt - len), '0');
    }
    return out;
  }
  out.push_back(digits[0]);
  if (len > 1) {
    out.push_back('.');
    out.append(digits, 1, std::string::npos);
  }
  out.push_back('e');
  out += std::to_string(decpt - 1);
  return out;
}

std::string fcvt(double v, int decimals) {
  if (!std::isfinite(v)) return std::isnan(v) ? "nan" : "inf";
  char buf[400];
  int n = std::snprintf(buf, sizeof(buf), "%.*f", decimals, v);
  std::string out(buf, n > 0 ? static_cast<size_t>(n) : 0);
  if (!out.empty() && out[0] == '-' && out.find_first_not_of("-0.") == std::string::npos) {
    out.erase(0, 1);
  }
  return out;
}

}  // namespace

std::string formatDouble(double v, uint8_t decimals, bool isFloat) {
  if (decimals >= 31) return gcvt(v, isFloat);
  return fcvt(v, decimals);
}

}  // namespace sg::exec
