// Exact decimal arithmetic on digit strings (magnitude, most significant digit first). The values
// the merge handles are short (DECIMAL(65,30) at most, sums of them), so schoolbook algorithms
// on strings are plenty.

#include "router/exec/decimal.h"

#include <algorithm>
#include <cstdlib>
#include <vector>

namespace sg::exec {
namespace {

// Digit strings below are magnitudes without leading zeros ("0" for zero).
std::string trimLeading(std::string s) {
  size_t i = 0;
  while (i + 1 < s.size() && s[i] == '0') ++i;
  s.erase(0, i);
  if (s.empty()) s.push_back('0');
  return s;
}

int compareMag(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  int c = a.compare(b);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

std::string addMag(const std::string& a, const std::string& b) {
  std::string out;
  out.reserve(std::max(a.size(), b.size()) + 1);
  int carry = 0;
  for (size_t i = 0; i < a.size() || i < b.size() || carry; ++i) {
    int d = carry;
    if (i < a.size()) d += a[a.size() - 1 - i] - '0';
    if (i < b.size()) d += b[b.size() - 1 - i] - '0';
    out.push_back(static_cast<char>('0' + d % 10));
    carry = d / 10;
  }
  std::reverse(out.begin(), out.end());
  return trimLeading(std::move(out));
}

// a - b with a >= b.
std::string subMag(const std::string& a, const std::string& b) {
  std::string out;
  out.reserve(a.size());
  int borrow = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    int d = (a[a.size() - 1 - i] - '0') - borrow;
    if (i < b.size()) d -= b[b.size() - 1 - i] - '0';
    borrow = d < 0 ? 1 : 0;
    if (d < 0) d += 10;
    out.push_back(static_cast<char>('0' + d));
  }
  std::reverse(out.begin(), out.end());
  return trimLeading(std::move(out));
}

std::string mulMag(const std::string& a, const std::string& b) {
  std::vector<int> acc(a.size() + b.size(), 0);
  for (size_t i = 0; i < a.size(); ++i) {
    for (size_t j = 0; j < b.size(); ++j) {
      acc[i + j + 1] += (a[i] - '0') * (b[j] - '0');
    }
  }
  for (size_t k = acc.size(); k-- > 1;) {
    acc[k - 1] += acc[k] / 10;
    acc[k] %= 10;
  }
  std::string out;
  out.reserve(acc.size());
  for (int d : acc) out.push_back(static_cast<char>('0' + d));
  return trimLeading(std::move(out));
}

// Truncated quotient a / b (b != 0), long division.
std::string divMag(const std::string& a, const std::string& b) {
  std::string q;
  std::string rem = "0";
  for (char c : a) {
    rem = trimLeading(rem + c);
    int d = 0;
    while (compareMag(rem, b) >= 0) {
      rem = subMag(rem, b);
      ++d;
    }
    q.push_back(static_cast<char>('0' + d));
  }
  return trimLeading(std::move(q));
}

std::string shiftLeft(const std::string& mag, int places) {
  if (mag == "0" || places <= 0) return mag;
  return mag + std::string(static_cast<size_t>(places), '0');
}

}  // namespace

Decimal Decimal::fromInt(int64_t v) {
  Decimal d;
  d.negative_ = v < 0;
  uint64_t mag = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  d.digits_ = std::to_string(mag);
  return d;
}

Decimal Decimal::fromUint(uint64_t v) {
  Decimal d;
  d.digits_ = std::to_string(v);
  return d;
}

std::optional<Decimal> Decimal::parse(std::string_view text) {
  Decimal d;
  size_t i = 0;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) {
    d.negative_ = text[i] == '-';
    ++i;
  }
  std::string digits;
  int scale = 0;
  bool point = false;
  bool any = false;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c >= '0' && c <= '9') {
      digits.push_back(c);
      any = true;
      if (point) ++scale;
    } else if (c == '.' && !point) {
      point = true;
    } else {
      return std::nullopt;
    }
  }
  if (!any) return std::nullopt;
  d.digits_ = trimLeading(std::move(digits));
  d.scale_ = scale;
  return d;
}

Decimal Decimal::operator+(const Decimal& o) const {
  int s = std::max(scale_, o.scale_);
  std::string a = shiftLeft(digits_, s - scale_);
  std::string b = shiftLeft(o.digits_, s - o.scale_);
  Decimal r;
  r.scale_ = s;
  if (negative_ == o.negative_) {
    r.digits_ = addMag(a, b);
    r.negative_ = negative_;
  } else if (compareMag(a, b) >= 0) {
    r.digits_ = subMag(a, b);
    r.negative_ = negative_;
  } else {
    r.digits_ = subMag(b, a);
    r.negative_ = o.negative_;
  }
  return r;
}

Decimal Decimal::operator-(const Decimal& o) const {
  Decimal neg = o;
  neg.negative_ = !o.negative_;
  return *this + neg;
}

Decimal Decimal::operator*(const Decimal& o) const {
  Decimal r;
  r.digits_ = mulMag(digits_, o.digits_);
  r.scale_ = scale_ + o.scale_;
  r.negative_ = negative_ != o.negative_;
  return r;
}

std::optional<Decimal> Decimal::dividedBy(const Decimal& divisor, int scale) const {
  if (divisor.isZero()) return std::nullopt;
  if (scale < 0) scale = 0;
  // this = A/10^sa, divisor = B/10^sb; this/divisor*10^(scale+1) = A*10^(sb+scale+1) / (B*10^sa).
  std::string num = shiftLeft(digits_, divisor.scale_ + scale + 1);
  std::string den = shiftLeft(divisor.digits_, scale_);
  std::string q = divMag(num, den);
  // q holds one digit more than wanted: round half away from zero on it.
  int last = q.back() - '0';
  std::string kept = q.size() > 1 ? q.substr(0, q.size() - 1) : "0";
  if (last >= 5) kept = addMag(kept, "1");
  Decimal r;
  r.digits_ = trimLeading(std::move(kept));
  r.scale_ = scale;
  r.negative_ = negative_ != divisor.negative_;
  return r;
}

Decimal Decimal::rounded(int scale) const {
  if (scale < 0) scale = 0;
  Decimal r = *this;
  if (scale >= scale_) {
    r.digits_ = shiftLeft(digits_, scale - scale_);
    r.scale_ = scale;
    return r;
  }
  size_t drop = static_cast<size_t>(scale_ - scale);
  std::string kept;
  int next = 0;
  if (digits_.size() > drop) {
    kept = digits_.substr(0, digits_.size() - drop);
    next = digits_[digits_.size() - drop] - '0';
  } else {
    kept = "0";
    next = digits_.size() == drop ? digits_[0] - '0' : 0;
  }
  if (next >= 5) kept = addMag(kept, "1");
  r.digits_ = trimLeading(std::move(kept));
  r.scale_ = scale;
  return r;
}

int Decimal::compare(const Decimal& o) const {
  bool an = isNegative();
  bool bn = o.isNegative();
  if (an != bn) return an ? -1 : 1;
  int s = std::max(scale_, o.scale_);
  int c = compareMag(shiftLeft(digits_, s - scale_), shiftLeft(o.digits_, s - o.scale_));
  return an ? -c : c;
}

bool Decimal::isZero() const { return digits_ == "0"; }

std::string Decimal::toString() const {
  std::string mag = digits_;
  size_t scale = static_cast<size_t>(scale_);
  if (mag.size() <= scale) mag.insert(0, scale + 1 - mag.size(), '0');
  std::string out;
  if (isNegative()) out.push_back('-');
  out.append(mag, 0, mag.size() - scale);
  if (scale > 0) {
    out.push_back('.');
    out.append(mag, mag.size() - scale, scale);
  }
  return out;
}

double Decimal::toDouble() const { return std::strtod(toString().c_str(), nullptr); }

}  // namespace sg::exec
