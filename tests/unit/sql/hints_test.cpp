// shardgate routing hints in comments: accepted spellings, combinations, and malformed hints.

#include "router/sql/hints.h"

#include <gtest/gtest.h>

#include <string>

#include "router/sql/classifier.h"

namespace sg::sql {
namespace {

struct HintCase {
  const char* comment;
  HintResult result;
  std::optional<std::string> shard;
  bool master;
  std::optional<int64_t> maxLagMs;
};

void PrintTo(const HintCase& c, std::ostream* os) { *os << c.comment; }

class HintTable : public ::testing::TestWithParam<HintCase> {};

TEST_P(HintTable, Parses) {
  const HintCase& c = GetParam();
  Hints hints;
  std::string error;
  EXPECT_EQ(parseHintComment(c.comment, hints, error), c.result) << error;
  if (c.result == HintResult::kApplied) {
    EXPECT_EQ(hints.shard, c.shard);
    EXPECT_EQ(hints.master, c.master);
    EXPECT_EQ(hints.maxLagMs, c.maxLagMs);
    EXPECT_TRUE(error.empty());
  } else if (c.result == HintResult::kMalformed) {
    EXPECT_NE(error.find("malformed shardgate hint"), std::string::npos) << error;
    EXPECT_NE(error.find(c.comment), std::string::npos) << error;
  }
}

// clang-format off
const HintCase kHintCases[] = {
    {"/* shardgate: shard=s1 */", HintResult::kApplied, "s1", false, std::nullopt},
    {"/*shardgate:shard=s1*/", HintResult::kApplied, "s1", false, std::nullopt},
    {"/* shardgate: master */", HintResult::kApplied, std::nullopt, true, std::nullopt},
    {"/* shardgate: max_lag_ms=50 */", HintResult::kApplied, std::nullopt, false, 50},
    {"/* shardgate: shard=s1 master */", HintResult::kApplied, "s1", true, std::nullopt},
    {"/* shardgate: shard=shard-01.eu master, max_lag_ms=0 */", HintResult::kApplied, "shard-01.eu", true, 0},
    {"/*   SHARDGATE:  shard = s1 ,MASTER */", HintResult::kApplied, "s1", true, std::nullopt},
    {"/* shardgate:\n  shard=s1\n */", HintResult::kApplied, "s1", false, std::nullopt},
    {"-- shardgate: master", HintResult::kApplied, std::nullopt, true, std::nullopt},
    {"# shardgate: shard=s2", HintResult::kApplied, "s2", false, std::nullopt},
    {"/* shardgate: shard=a shard=b */", HintResult::kApplied, "b", false, std::nullopt},
    {"/* hello */", HintResult::kNotAHint, std::nullopt, false, std::nullopt},
    {"/* shardgate */", HintResult::kNotAHint, std::nullopt, false, std::nullopt},
    {"/* not shardgate: master */", HintResult::kNotAHint, std::nullopt, false, std::nullopt},
    {"/*+ shardgate: master */", HintResult::kNotAHint, std::nullopt, false, std::nullopt},
    {"-- mysql-connector", HintResult::kNotAHint, std::nullopt, false, std::nullopt},
    {"/* shardgate: */", HintResult::kMalformed, std::nullopt, false, std::nullopt},
    {"/* shardgate: shard= */", HintResult::kMalformed, std::nullopt, false, std::nullopt},
    {"/* shardgate: shard */", HintResult::kMalformed, std::nullopt, false, std::nullopt},
    {"/* shardgate: max_lag_ms=abc */", HintResult::kMalformed, std::nullopt, false, std::nullopt},
    {"/* shardgate: max_lag_ms=-5 */", HintResult::kMalformed, std::nullopt, false, std::nullopt},
    {"/* shardgate: max_lag_ms=99999999999999999999 */", HintResult::kMalformed, std::nullopt, false, std::nullopt},
    {"/* shardgate: master=1 */", HintResult::kMalformed, std::nullopt, false, std::nullopt},
    {"/* shardgate: slave */", HintResult::kMalformed, std::nullopt, false, std::nullopt},
    {"/* shardgate: shard=s1; */", HintResult::kMalformed, std::nullopt, false, std::nullopt},
    {"/* shardgate: shard='s1' */", HintResult::kMalformed, std::nullopt, false, std::nullopt},
};
// clang-format on

INSTANTIATE_TEST_SUITE_P(Hints, HintTable, ::testing::ValuesIn(kHintCases));

TEST(Hints, SeveralCommentsAddUp) {
  Statement st = classify(
      "/* shardgate: shard=s3 */ SELECT /* shardgate: master */ * FROM t -- shardgate: "
      "max_lag_ms=20");
  EXPECT_EQ(st.hints.shard, "s3");
  EXPECT_TRUE(st.hints.master);
  EXPECT_EQ(st.hints.maxLagMs, 20);
  EXPECT_FALSE(st.error.has_value());
}

TEST(Hints, MalformedHintIsAnErrorThatNamesIt) {
  Statement st = classify("/* shardgate: shard=s1 bogus=2 */ SELECT * FROM t WHERE id = 1");
  ASSERT_TRUE(st.error.has_value());
  EXPECT_NE(st.error->find("shardgate: shard=s1 bogus=2"), std::string::npos) << *st.error;
  EXPECT_NE(st.error->find("unknown option 'bogus'"), std::string::npos) << *st.error;
  // The statement is still classified.
  EXPECT_EQ(st.type, StatementType::kSelect);
  EXPECT_EQ(toString(st.where), "id = 1");
}

TEST(Hints, TextInsideStringsIsNotAHint) {
  Statement st = classify("SELECT '/* shardgate: master */' FROM t");
  EXPECT_FALSE(st.hints.master);
  EXPECT_FALSE(st.error.has_value());
}

TEST(Hints, LexErrorsTakePrecedenceOverHintErrors) {
  Statement st = classify("/* shardgate: nope */ SELECT 'x");
  ASSERT_TRUE(st.error.has_value());
  EXPECT_NE(st.error->find("unterminated string literal"), std::string::npos) << *st.error;
}

}  // namespace
}  // namespace sg::sql
