#pragma once
// Text forms of FLOAT/DOUBLE values exactly as MariaDB 10.11 prints them in text-protocol result
// rows (String::set_real / my_gcvt / my_fcvt), so a merged SUM or AVG of DOUBLE reads the same as
// one server's answer. Private to router/exec.

#include <cstdint>
#include <string>

namespace sg::exec {

// `decimals` is the column's decimals: 31 (NOT_FIXED_DEC) or more means "as many digits as
// needed" (my_gcvt: shortest round-trip digits, 17 at most for DOUBLE, 6 for FLOAT; 'e' notation
// for large/small exponents); less means exactly that many fraction digits (my_fcvt).
std::string formatDouble(double v, uint8_t decimals, bool isFloat);

}  // namespace sg::exec
