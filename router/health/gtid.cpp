// GtidPosition: see gtid.h.

#include "router/health/gtid.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace sg::health {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

template <typename T>
std::optional<T> number(std::string_view s) {
  T v{};
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

// Splits at `sep`, trimming each piece; empty pieces are dropped.
std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  while (true) {
    size_t at = s.find(sep);
    std::string_view piece = trim(s.substr(0, at));
    if (!piece.empty()) out.push_back(piece);
    if (at == std::string_view::npos) return out;
    s.remove_prefix(at + 1);
  }
}

bool isUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

using Intervals = std::vector<std::pair<uint64_t, uint64_t>>;

void normalize(Intervals& v) {
  std::sort(v.begin(), v.end());
  Intervals merged;
  for (const auto& iv : v) {
    if (!merged.empty() && iv.first <= merged.back().second + 1) {
      merged.back().second = std::max(merged.back().second, iv.second);
    } else {
      merged.push_back(iv);
    }
  }
  v = std::move(merged);
}

// [lo, hi] lies inside one interval of the merged, sorted `v`.
bool contains(const Intervals& v, uint64_t lo, uint64_t hi) {
  auto it = std::upper_bound(v.begin(), v.end(), std::make_pair(lo, UINT64_MAX));
  if (it == v.begin()) return false;
  --it;
  return it->first <= lo && hi <= it->second;
}

}  // namespace

std::optional<GtidPosition> GtidPosition::parse(std::string_view text) {
  GtidPosition out;
  const auto pieces = split(text, ',');
  if (pieces.empty()) return out;
  out.mysql_ = pieces.front().find(':') != std::string_view::npos;
  for (std::string_view piece : pieces) {
    if (out.mysql_) {
      auto parts = split(piece, ':');
      if (parts.size() < 2 || !isUuid(parts[0])) return std::nullopt;
      std::string uuid(parts[0]);
      for (auto& c : uuid) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      Intervals& iv = out.sets_[uuid];
      for (size_t i = 1; i < parts.size(); ++i) {
        size_t dash = parts[i].find('-');
        auto lo = number<uint64_t>(parts[i].substr(0, dash));
        auto hi = dash == std::string_view::npos ? lo : number<uint64_t>(parts[i].substr(dash + 1));
        if (!lo || !hi || *hi < *lo) return std::nullopt;
        iv.emplace_back(*lo, *hi);
      }
      normalize(iv);
    } else {
      auto parts = split(piece, '-');
      if (parts.size() != 3) return std::nullopt;
      auto domain = number<uint32_t>(parts[0]);
      auto server = number<uint32_t>(parts[1]);
      auto seq = number<uint64_t>(parts[2]);
      if (!domain || !server || !seq) return std::nullopt;
      uint64_t& have = out.domains_[*domain];
      have = std::max(have, *seq);
    }
  }
  return out;
}

bool GtidPosition::covers(const GtidPosition& other) const {
  if (other.empty()) return true;
  if (mysql_ != other.mysql_ && !empty()) return false;
  for (const auto& [domain, seq] : other.domains_) {
    auto it = domains_.find(domain);
    if (it == domains_.end() || it->second < seq) return false;
  }
  for (const auto& [uuid, intervals] : other.sets_) {
    auto it = sets_.find(uuid);
    if (it == sets_.end()) return false;
    for (const auto& [lo, hi] : intervals) {
      if (!contains(it->second, lo, hi)) return false;
    }
  }
  return true;
}

}  // namespace sg::health
