#include "router/sql/keywords.h"

#include <array>
#include <cstddef>

namespace sg::sql {
namespace {

constexpr uint8_t R = 1;  // reserved
constexpr uint8_t A = 2;  // aggregate function

struct KeywordInfo {
  std::string_view spelling;
  uint8_t flags;
};

constexpr KeywordInfo kInfo[] = {
    {"", 0},
#define SG_SQL_KEYWORD_INFO(name, spelling, flags) {spelling, flags},
    SG_SQL_KEYWORDS(SG_SQL_KEYWORD_INFO)
#undef SG_SQL_KEYWORD_INFO
};
static_assert(std::size(kInfo) == static_cast<size_t>(Keyword::kNumKeywords));

constexpr size_t kMaxKeywordLength = 24;
constexpr size_t kTableSize = 1024;  // power of two, > 4x the number of keywords

constexpr unsigned char lower(unsigned char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<unsigned char>(c | 0x20) : c;
}

constexpr uint32_t step(uint32_t h, unsigned char c) { return (h ^ c) * 16777619u; }
constexpr uint32_t kSeed = 2166136261u;

// Open-addressed table of keyword ids (0 = empty slot), keyed by FNV-1a of the lower-case word.
constexpr std::array<uint16_t, kTableSize> buildTable() {
  std::array<uint16_t, kTableSize> table{};
  for (size_t id = 1; id < std::size(kInfo); ++id) {
    uint32_t h = kSeed;
    for (char c : kInfo[id].spelling) h = step(h, static_cast<unsigned char>(c));
    size_t slot = h & (kTableSize - 1);
    while (table[slot] != 0) slot = (slot + 1) & (kTableSize - 1);
    table[slot] = static_cast<uint16_t>(id);
  }
  return table;
}

constexpr std::array<uint16_t, kTableSize> kTable = buildTable();

}  // namespace

Keyword lookupKeyword(std::string_view word) {
  size_t n = word.size();
  if (n < 2 || n > kMaxKeywordLength) return Keyword::kNone;
  unsigned char buf[kMaxKeywordLength];
  uint32_t h = kSeed;
  for (size_t i = 0; i < n; ++i) {
    buf[i] = lower(static_cast<unsigned char>(word[i]));
    h = step(h, buf[i]);
  }
  for (size_t slot = h & (kTableSize - 1);; slot = (slot + 1) & (kTableSize - 1)) {
    uint16_t id = kTable[slot];
    if (id == 0) return Keyword::kNone;
    std::string_view s = kInfo[id].spelling;
    if (s.size() == n && std::string_view(reinterpret_cast<const char*>(buf), n) == s) {
      return static_cast<Keyword>(id);
    }
  }
}

std::string_view keywordSpelling(Keyword k) {
  auto i = static_cast<size_t>(k);
  return i < std::size(kInfo) ? kInfo[i].spelling : std::string_view();
}

bool isReserved(Keyword k) {
  auto i = static_cast<size_t>(k);
  return i < std::size(kInfo) && (kInfo[i].flags & R) != 0;
}

bool isAggregate(Keyword k) {
  auto i = static_cast<size_t>(k);
  return i < std::size(kInfo) && (kInfo[i].flags & A) != 0;
}

}  // namespace sg::sql
