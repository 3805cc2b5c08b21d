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

constexpr KeywordInfo kInfo[] = {{"", 0},
#define SG_SQL_KEYWORD_INFO(name, spelling, flags) {spelling, flags},
                                 SG_SQL_KEYWORDS(SG_SQL_KEYWORD_INFO)
#undef SG_SQL_KEYWORD_INFO
};
static_assert(std::size(kInfo) == static_cast<size_t>(Keyword::kNumKeywords));

constexpr size_t kMaxKeywordLength = 24;
constexpr size_t kTableBits = 10;
constexpr size_t kTableSize = size_t{1} << kTableBits;  // > 4x the number of keywords

constexpr unsigned char lower(unsigned char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<unsigned char>(c | 0x20) : c;
}

// A lower-cased word of at most 24 bytes, as three zero-padded little-endian 64-bit words, so
// hashing and comparing cost a few integer operations whatever the length.
struct PackedWord {
  uint64_t w[3] = {0, 0, 0};
  uint64_t length = 0;

  constexpr bool operator==(const PackedWord&) const = default;
  constexpr size_t slot() const {
    uint64_t h = w[0] * 0x9E3779B97F4A7C15ull ^ w[1] * 0xC2B2AE3D27D4EB4Full ^
                 w[2] * 0x165667B19E3779F9ull ^ length * 0x27D4EB2F165667C5ull;
    return static_cast<size_t>(h >> (64 - kTableBits));
  }
};

constexpr PackedWord pack(std::string_view word) {
  PackedWord p;
  p.length = word.size();
  for (size_t i = 0; i < word.size(); ++i) {
    p.w[i / 8] |= uint64_t{lower(static_cast<unsigned char>(word[i]))} << (8 * (i % 8));
  }
  return p;
}

struct Slot {
  PackedWord word;
  uint16_t id = 0;  // 0 = empty
};

// Open-addressed table of the keywords, built at compile time.
constexpr std::array<Slot, kTableSize> buildTable() {
  std::array<Slot, kTableSize> table{};
  for (size_t id = 1; id < std::size(kInfo); ++id) {
    PackedWord p = pack(kInfo[id].spelling);
    size_t slot = p.slot();
    while (table[slot].id != 0) slot = (slot + 1) & (kTableSize - 1);
    table[slot] = Slot{p, static_cast<uint16_t>(id)};
  }
  return table;
}

constexpr std::array<Slot, kTableSize> kTable = buildTable();

}  // namespace

Keyword lookupKeyword(std::string_view word) {
  const size_t n = word.size();
  if (n < 2 || n > kMaxKeywordLength) return Keyword::kNone;
  unsigned char buf[kMaxKeywordLength] = {};
  for (size_t i = 0; i < n; ++i) buf[i] = lower(static_cast<unsigned char>(word[i]));
  PackedWord p;
  p.length = n;
  for (size_t k = 0; k < 3; ++k) {
    uint64_t w = 0;
    for (size_t b = 0; b < 8; ++b) w |= uint64_t{buf[k * 8 + b]} << (8 * b);
    p.w[k] = w;
  }
  for (size_t slot = p.slot();; slot = (slot + 1) & (kTableSize - 1)) {
    const Slot& s = kTable[slot];
    if (s.id == 0) return Keyword::kNone;
    if (s.word == p) return static_cast<Keyword>(s.id);
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
