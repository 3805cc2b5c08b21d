// HAVING evaluation at the proxy. Limits, knowingly: non-binary strings compare ASCII
// case-insensitively with trailing spaces ignored (PAD SPACE), not by the column's collation
// (accents, ß, ...); dates and times compare as their text (canonical forms compare correctly
// with each other and with literals written the same way, not with '2024-1-5'); a number against
// a string compares as doubles, as MySQL does.

#include "router/exec/having_eval.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace sg::exec {

struct HavingEval::Value {
  enum class Kind : uint8_t { kNull, kExact, kDouble, kString } kind = Kind::kNull;
  Decimal exact;
  double dbl = 0;
  std::string str;
  bool binary = false;  // a binary string (charset 63): compared byte-wise

  static Value null() { return {}; }
  static Value ofExact(Decimal d) {
    Value v;
    v.kind = Kind::kExact;
    v.exact = std::move(d);
    return v;
  }
  static Value ofDouble(double d) {
    Value v;
    v.kind = Kind::kDouble;
    v.dbl = d;
    return v;
  }
  static Value ofBool(std::optional<bool> b) {
    return b ? ofExact(Decimal::fromInt(*b ? 1 : 0)) : null();
  }
  bool isNull() const { return kind == Kind::kNull; }
  double toDouble() const {
    switch (kind) {
      case Kind::kExact:
        return exact.toDouble();
      case Kind::kDouble:
        return dbl;
      case Kind::kString:
        return std::strtod(str.c_str(), nullptr);
      default:
        return 0;
    }
  }
};

namespace {

using Kind = plan::MergeExpr::Kind;
constexpr int kMaxDepth = 256;
constexpr int kDivPrecisionIncrement = 4;  // MySQL's div_precision_increment default
constexpr int kMaxScale = 38;

uint64_t readLe(std::string_view s, size_t at, size_t width) {
  uint64_t v = 0;
  for (size_t i = width; i-- > 0;)
    v = (v << 8) | (at + i < s.size() ? static_cast<uint8_t>(s[at + i]) : 0);
  return v;
}

// Text form of a binary-protocol temporal value, as the text protocol would print it.
std::string temporalText(const std::string& b, const ColumnInfo& column) {
  char buf[64];
  bool isTime = column.type == coltype::kTime || column.type == coltype::kTime2;
  if (isTime) {
    if (b.size() < 8) return "00:00:00";
    unsigned long long hours = readLe(b, 1, 4) * 24 + static_cast<uint8_t>(b[5]);
    int n = std::snprintf(buf, sizeof buf, "%s%02llu:%02u:%02u", b[0] ? "-" : "", hours,
                          static_cast<unsigned>(static_cast<uint8_t>(b[6])),
                          static_cast<unsigned>(static_cast<uint8_t>(b[7])));
    std::string out(buf, static_cast<size_t>(n));
    if (b.size() >= 12) {
      std::snprintf(buf, sizeof buf, ".%06llu", static_cast<unsigned long long>(readLe(b, 8, 4)));
      out += buf;
    }
    return out;
  }
  auto field = [&](size_t i) {
    return static_cast<unsigned>(i < b.size() ? static_cast<uint8_t>(b[i]) : 0);
  };
  std::snprintf(buf, sizeof buf, "%04u-%02u-%02u", static_cast<unsigned>(readLe(b, 0, 2)), field(2),
                field(3));
  std::string out(buf);
  if (column.type == coltype::kDate || column.type == coltype::kNewDate) return out;
  std::snprintf(buf, sizeof buf, " %02u:%02u:%02u", field(4), field(5), field(6));
  out += buf;
  if (b.size() >= 11) {
    std::snprintf(buf, sizeof buf, ".%06llu", static_cast<unsigned long long>(readLe(b, 7, 4)));
    out += buf;
  }
  return out;
}

int compareText(std::string_view a, std::string_view b, bool binary) {
  if (binary) {
    int c = a.compare(b);
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  while (!a.empty() && a.back() == ' ') a.remove_suffix(1);
  while (!b.empty() && b.back() == ' ') b.remove_suffix(1);
  auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
  size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    uint8_t x = static_cast<uint8_t>(lower(a[i]));
    uint8_t y = static_cast<uint8_t>(lower(b[i]));
    if (x != y) return x < y ? -1 : 1;
  }
  return a.size() == b.size() ? 0 : (a.size() < b.size() ? -1 : 1);
}

// Integer part of a / b toward zero (b != 0), exactly.
Decimal truncatedQuotient(const Decimal& a, const Decimal& b) {
  Decimal q = *a.dividedBy(b, 0);
  Decimal absQb = q * b;
  if (absQb.isNegative()) absQb = Decimal() - absQb;
  Decimal absA = a.isNegative() ? Decimal() - a : a;
  if (absQb.compare(absA) > 0)
    q = q.isNegative() ? q + Decimal::fromInt(1) : q - Decimal::fromInt(1);
  return q;
}

}  // namespace

std::optional<bool> HavingEval::test(const plan::MergeExpr& expr, const Row& row) const {
  return truth(eval(expr, row, 0));
}

std::optional<bool> HavingEval::truth(const Value& v) const {
  switch (v.kind) {
    case Value::Kind::kNull:
      return std::nullopt;
    case Value::Kind::kExact:
      return !v.exact.isZero();
    default:
      return v.toDouble() != 0;
  }
}

std::optional<int> HavingEval::compare(const Value& a, const Value& b) const {
  if (a.isNull() || b.isNull()) return std::nullopt;
  using K = Value::Kind;
  if (a.kind == K::kString && b.kind == K::kString) {
    return compareText(a.str, b.str, a.binary || b.binary);
  }
  if (a.kind == K::kExact && b.kind == K::kExact) return a.exact.compare(b.exact);
  double x = a.toDouble();
  double y = b.toDouble();
  return x < y ? -1 : (y < x ? 1 : 0);
}

HavingEval::Value HavingEval::eval(const plan::MergeExpr& e, const Row& row, int depth) const {
  if (depth > kMaxDepth) return Value::null();
  auto child = [&](size_t i) {
    return i < e.children.size() ? eval(e.children[i], row, depth + 1) : Value::null();
  };
  switch (e.kind) {
    case Kind::kColumn: {
      if (e.column >= row.size() || e.column >= columns_.size() || row[e.column].null) {
        return Value::null();
      }
      const ColumnInfo& col = columns_[e.column];
      const Cell& cell = row[e.column];
      if (col.isInteger() || col.isDecimal() || col.isFloating()) {
        auto n = numberOf(cell, col, format_);
        if (!n) return Value::null();
        return n->isDouble ? Value::ofDouble(n->dbl) : Value::ofExact(n->exact);
      }
      Value v;
      v.kind = Value::Kind::kString;
      v.binary = col.charset == kBinaryCharset && !col.isTemporal();
      v.str = format_ == RowFormat::kBinary && col.isTemporal() ? temporalText(cell.bytes, col)
                                                                : cell.bytes;
      return v;
    }
    case Kind::kNumber: {
      if (e.text.find_first_of("eE") == std::string::npos) {
        if (auto d = Decimal::parse(e.text)) return Value::ofExact(*d);
      }
      return Value::ofDouble(std::strtod(e.text.c_str(), nullptr));
    }
    case Kind::kString: {
      Value v;
      v.kind = Value::Kind::kString;
      v.str = e.text;
      return v;
    }
    case Kind::kNull:
      return Value::null();
    case Kind::kParam:
      if (e.param >= params_.size()) return Value::null();
      return eval(params_[e.param], row, depth + 1);
    case Kind::kCompare: {
      Value a = child(0);
      Value b = child(1);
      if (e.text == "<=>") {
        if (a.isNull() || b.isNull()) return Value::ofBool(a.isNull() && b.isNull());
        return Value::ofBool(*compare(a, b) == 0);
      }
      auto c = compare(a, b);
      if (!c) return Value::null();
      const std::string& op = e.text;
      if (op == "=") return Value::ofBool(*c == 0);
      if (op == "<>" || op == "!=") return Value::ofBool(*c != 0);
      if (op == "<") return Value::ofBool(*c < 0);
      if (op == "<=") return Value::ofBool(*c <= 0);
      if (op == ">") return Value::ofBool(*c > 0);
      if (op == ">=") return Value::ofBool(*c >= 0);
      return Value::null();
    }
    case Kind::kArithmetic: {
      Value a = child(0);
      Value b = child(1);
      if (a.isNull() || b.isNull()) return Value::null();
      const std::string& op = e.text;
      bool exact = a.kind == Value::Kind::kExact && b.kind == Value::Kind::kExact;
      if (exact) {
        if (op == "+") return Value::ofExact(a.exact + b.exact);
        if (op == "-") return Value::ofExact(a.exact - b.exact);
        if (op == "*") return Value::ofExact(a.exact * b.exact);
        if (b.exact.isZero()) return Value::null();
        if (op == "/") {
          int scale = std::min(a.exact.scale() + kDivPrecisionIncrement, kMaxScale);
          return Value::ofExact(*a.exact.dividedBy(b.exact, scale));
        }
        Decimal q = truncatedQuotient(a.exact, b.exact);
        if (op == "DIV" || op == "div") return Value::ofExact(q);
        if (op == "%" || op == "MOD" || op == "mod") return Value::ofExact(a.exact - q * b.exact);
        return Value::null();
      }
      double x = a.toDouble();
      double y = b.toDouble();
      if (op == "+") return Value::ofDouble(x + y);
      if (op == "-") return Value::ofDouble(x - y);
      if (op == "*") return Value::ofDouble(x * y);
      if (y == 0) return Value::null();
      if (op == "/") return Value::ofDouble(x / y);
      if (op == "DIV" || op == "div") {
        auto d = Decimal::parse(std::to_string(std::trunc(x / y)));
        return d ? Value::ofExact(d->rounded(0)) : Value::null();
      }
      if (op == "%" || op == "MOD" || op == "mod") return Value::ofDouble(std::fmod(x, y));
      return Value::null();
    }
    case Kind::kNegate: {
      Value a = child(0);
      if (a.kind == Value::Kind::kExact) return Value::ofExact(Decimal() - a.exact);
      if (a.isNull()) return a;
      return Value::ofDouble(-a.toDouble());
    }
    case Kind::kAnd: {
      auto a = truth(child(0));
      if (a && !*a) return Value::ofBool(false);
      auto b = truth(child(1));
      if (b && !*b) return Value::ofBool(false);
      if (a && b) return Value::ofBool(true);
      return Value::null();
    }
    case Kind::kOr: {
      auto a = truth(child(0));
      if (a && *a) return Value::ofBool(true);
      auto b = truth(child(1));
      if (b && *b) return Value::ofBool(true);
      if (a && b) return Value::ofBool(false);
      return Value::null();
    }
    case Kind::kXor: {
      auto a = truth(child(0));
      auto b = truth(child(1));
      if (!a || !b) return Value::null();
      return Value::ofBool(*a != *b);
    }
    case Kind::kNot: {
      auto a = truth(child(0));
      return a ? Value::ofBool(!*a) : Value::null();
    }
    case Kind::kIsNull:
      return Value::ofBool(child(0).isNull());
    case Kind::kIsNotNull:
      return Value::ofBool(!child(0).isNull());
    case Kind::kIsTrue: {
      auto a = truth(child(0));
      return Value::ofBool(a && *a);
    }
    case Kind::kIsNotTrue: {
      auto a = truth(child(0));
      return Value::ofBool(!(a && *a));
    }
    case Kind::kIsFalse: {
      auto a = truth(child(0));
      return Value::ofBool(a && !*a);
    }
    case Kind::kIsNotFalse: {
      auto a = truth(child(0));
      return Value::ofBool(!(a && !*a));
    }
    case Kind::kIn:
    case Kind::kNotIn: {
      Value x = child(0);
      if (x.isNull()) return Value::null();
      bool sawNull = false;
      bool found = false;
      for (size_t i = 1; i < e.children.size() && !found; ++i) {
        auto c = compare(x, child(i));
        if (!c)
          sawNull = true;
        else if (*c == 0)
          found = true;
      }
      std::optional<bool> r;
      if (found)
        r = true;
      else if (!sawNull)
        r = false;
      if (r && e.kind == Kind::kNotIn) r = !*r;
      return Value::ofBool(r);
    }
    case Kind::kBetween:
    case Kind::kNotBetween: {
      Value x = child(0);
      auto lo = compare(x, child(1));
      auto hi = compare(x, child(2));
      std::optional<bool> geLo = lo ? std::optional<bool>(*lo >= 0) : std::nullopt;
      std::optional<bool> leHi = hi ? std::optional<bool>(*hi <= 0) : std::nullopt;
      std::optional<bool> r;
      if ((geLo && !*geLo) || (leHi && !*leHi))
        r = false;
      else if (geLo && leHi)
        r = true;
      if (r && e.kind == Kind::kNotBetween) r = !*r;
      return Value::ofBool(r);
    }
  }
  return Value::null();
}

}  // namespace sg::exec
