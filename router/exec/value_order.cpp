// Value ordering and grouping keys for the merge (see value_order.h). Known limits: a NO PAD
// collation is compared as if PAD SPACE (the pad-weight column cannot tell them apart: 'a' and
// 'a ' then compare equal); ENUM values without weights compare by their text, not their index.

#include "router/exec/value_order.h"

#include <charconv>
#include <cmath>
#include <cstring>

namespace sg::exec {
namespace {

int sign(int c) { return c < 0 ? -1 : (c > 0 ? 1 : 0); }

int compareBytes(std::string_view a, std::string_view b) { return sign(a.compare(b)); }

template <typename T>
int compareScalar(T a, T b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

uint64_t readLe(std::string_view bytes, size_t at, size_t width) {
  uint64_t v = 0;
  for (size_t i = width; i-- > 0;) {
    v = (v << 8) | (at + i < bytes.size() ? static_cast<uint8_t>(bytes[at + i]) : 0);
  }
  return v;
}

// Signed microseconds of a TIME value: text "[-]h+:mm:ss[.f+]" or the binary packed structure.
std::optional<int64_t> timeMicros(const Cell& c, RowFormat format) {
  std::string_view s = c.bytes;
  if (format == RowFormat::kBinary) {
    if (s.empty()) return 0;
    if (s.size() != 8 && s.size() != 12) return std::nullopt;
    int64_t days = static_cast<int64_t>(readLe(s, 1, 4));
    int64_t secs =
        ((days * 24 + static_cast<uint8_t>(s[5])) * 60 + static_cast<uint8_t>(s[6])) * 60 +
        static_cast<uint8_t>(s[7]);
    int64_t micros = secs * 1000000 + (s.size() == 12 ? static_cast<int64_t>(readLe(s, 8, 4)) : 0);
    return s[0] ? -micros : micros;
  }
  bool neg = !s.empty() && s[0] == '-';
  if (neg) s.remove_prefix(1);
  int64_t parts[3] = {0, 0, 0};
  for (int i = 0; i < 3; ++i) {
    auto res = std::from_chars(s.data(), s.data() + s.size(), parts[i]);
    if (res.ec != std::errc()) return std::nullopt;
    s.remove_prefix(static_cast<size_t>(res.ptr - s.data()));
    if (i < 2) {
      if (s.empty() || s[0] != ':') return std::nullopt;
      s.remove_prefix(1);
    }
  }
  int64_t micros = 0;
  if (!s.empty()) {
    if (s[0] != '.') return std::nullopt;
    s.remove_prefix(1);
    int64_t scale = 100000;
    for (char ch : s) {
      if (ch < '0' || ch > '9') return std::nullopt;
      micros += (ch - '0') * scale;
      scale /= 10;
    }
  }
  int64_t total = ((parts[0] * 60 + parts[1]) * 60 + parts[2]) * 1000000 + micros;
  return neg ? -total : total;
}

// DATE/DATETIME/TIMESTAMP as a byte string ordered like the value: text forms keep their
// date-and-time part and lose trailing zeros of the fraction ("…:05.50" == "…:05.5" == …);
// binary forms become the fields big-endian (missing fields are zero).
std::string dateKey(const Cell& c, RowFormat format) {
  std::string_view s = c.bytes;
  if (format == RowFormat::kBinary) {
    std::string out(11, '\0');
    uint64_t year = readLe(s, 0, 2);
    out[0] = static_cast<char>(year >> 8);
    out[1] = static_cast<char>(year);
    for (size_t i = 2; i < 7; ++i) out[i] = i < s.size() ? s[i] : '\0';
    uint64_t micro = s.size() >= 11 ? readLe(s, 7, 4) : 0;
    for (size_t i = 0; i < 4; ++i) out[7 + i] = static_cast<char>(micro >> (8 * (3 - i)));
    return out;
  }
  size_t dot = s.find('.');
  if (dot == std::string_view::npos) return std::string(s);
  std::string_view frac = s.substr(dot + 1);
  while (!frac.empty() && frac.back() == '0') frac.remove_suffix(1);
  std::string out(s.substr(0, dot));
  if (!frac.empty()) {
    out.push_back('.');
    out.append(frac);
  }
  return out;
}

bool isTime(const ColumnInfo& c) { return c.type == coltype::kTime || c.type == coltype::kTime2; }

// Weight strings order character strings only: the server also computes them for dates, times
// and numbers formatted as text, where they do not follow the values' order (-838:59:59 sorts
// before -00:00:01 as a TIME, after it as text).
bool ordersByWeight(const ColumnInfo& c) {
  return c.isString() && c.type != coltype::kBit && c.type != coltype::kGeometry;
}

// Weight strings compared with PAD SPACE: the shorter continues with `pad` repeated.
int compareWeights(std::string_view a, std::string_view b, std::string_view pad) {
  size_t common = std::min(a.size(), b.size());
  int c = std::memcmp(a.data(), b.data(), common);
  if (c != 0 || a.size() == b.size()) return sign(c);
  bool aLonger = a.size() > b.size();
  std::string_view tail = aLonger ? a.substr(common) : b.substr(common);
  int r = 0;
  if (pad.empty()) {
    r = 1;  // a proper prefix sorts first
  } else {
    for (size_t i = 0; i < tail.size() && r == 0; ++i) {
      uint8_t t = static_cast<uint8_t>(tail[i]);
      uint8_t p = static_cast<uint8_t>(pad[i % pad.size()]);
      r = compareScalar(t, p);
    }
  }
  return aLonger ? r : -r;
}

// The pad weight for a key of two rows: none for binary strings.
std::string_view padOf(const Row& a, const Row& b, const plan::MergeKey& key,
                       const ColumnInfo& column) {
  if (column.charset == kBinaryCharset || !key.padWeight) return {};
  size_t p = *key.padWeight;
  if (p < a.size() && !a[p].null) return a[p].bytes;
  if (p < b.size() && !b[p].null) return b[p].bytes;
  return {};
}

// Normalised text of a number: no trailing fraction zeros, no "-0".
std::string numberKey(const Number& n) {
  if (n.isDouble) {
    double v = n.dbl == 0 ? 0.0 : n.dbl;
    char buf[64];
    auto res = std::to_chars(buf, buf + sizeof buf, v);
    std::string out(1, 'D');
    out.append(buf, res.ptr);
    return out;
  }
  std::string s = n.exact.toString();
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  return "N" + s;
}

void appendPart(std::string& out, char tag, std::string_view data) {
  out.push_back(tag);
  uint64_t n = data.size();
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(n >> (8 * i)));
  out.append(data);
}

}  // namespace

int compareValues(const Cell& a, const Cell& b, const ColumnInfo& column, RowFormat format) {
  if (a.null || b.null) return a.null == b.null ? 0 : (a.null ? -1 : 1);
  if (column.isInteger() || column.isDecimal() || column.isFloating()) {
    auto na = numberOf(a, column, format);
    auto nb = numberOf(b, column, format);
    if (na && nb) {
      if (na->isDouble || nb->isDouble) {
        double x = na->isDouble ? na->dbl : na->exact.toDouble();
        double y = nb->isDouble ? nb->dbl : nb->exact.toDouble();
        return compareScalar(x, y);
      }
      return na->exact.compare(nb->exact);
    }
    return compareBytes(a.bytes, b.bytes);
  }
  if (isTime(column)) {
    auto ta = timeMicros(a, format);
    auto tb = timeMicros(b, format);
    if (ta && tb) return compareScalar(*ta, *tb);
    return compareBytes(a.bytes, b.bytes);
  }
  if (column.isTemporal()) return compareBytes(dateKey(a, format), dateKey(b, format));
  return compareBytes(a.bytes, b.bytes);
}

int compareKey(const Row& a, const Row& b, const plan::MergeKey& key,
               const std::vector<ColumnInfo>& columns, RowFormat format) {
  if (key.column >= a.size() || key.column >= b.size() || key.column >= columns.size()) return 0;
  const ColumnInfo& column = columns[key.column];
  if (key.weight && *key.weight < a.size() && *key.weight < b.size() && ordersByWeight(column)) {
    const Cell& wa = a[*key.weight];
    const Cell& wb = b[*key.weight];
    if (!wa.null && !wb.null && !a[key.column].null && !b[key.column].null) {
      return compareWeights(wa.bytes, wb.bytes, padOf(a, b, key, column));
    }
  }
  return compareValues(a[key.column], b[key.column], column, format);
}

int compareRows(const Row& a, const Row& b, const std::vector<plan::MergeKey>& keys,
                const std::vector<ColumnInfo>& columns, RowFormat format) {
  for (const auto& key : keys) {
    int c = compareKey(a, b, key, columns, format);
    if (c != 0) return key.descending ? -c : c;
  }
  return 0;
}

std::string groupingKey(const Row& row, const std::vector<plan::MergeKey>& keys,
                        const std::vector<ColumnInfo>& columns, RowFormat format) {
  std::string out;
  for (const auto& key : keys) {
    if (key.column >= row.size() || key.column >= columns.size()) {
      appendPart(out, '?', {});
      continue;
    }
    const Cell& cell = row[key.column];
    const ColumnInfo& column = columns[key.column];
    if (cell.null) {
      appendPart(out, '0', {});
      continue;
    }
    if (key.weight && *key.weight < row.size() && !row[*key.weight].null &&
        ordersByWeight(column)) {
      std::string_view w = row[*key.weight].bytes;
      std::string_view pad = padOf(row, row, key, column);
      // Trailing pad units compare equal to the padding: drop them (aligned to whole units).
      if (!pad.empty() && w.size() % pad.size() == 0) {
        while (w.size() >= pad.size() && w.substr(w.size() - pad.size()) == pad) {
          w.remove_suffix(pad.size());
        }
      }
      appendPart(out, 'W', w);
      continue;
    }
    if (column.isInteger() || column.isDecimal() || column.isFloating()) {
      if (auto n = numberOf(cell, column, format)) {
        appendPart(out, 'N', numberKey(*n));
        continue;
      }
    } else if (isTime(column)) {
      if (auto t = timeMicros(cell, format)) {
        appendPart(out, 'T', std::to_string(*t));
        continue;
      }
    } else if (column.isTemporal()) {
      appendPart(out, 'T', dateKey(cell, format));
      continue;
    }
    appendPart(out, 'S', cell.bytes);
  }
  return out;
}

}  // namespace sg::exec
