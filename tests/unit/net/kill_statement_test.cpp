// KILL statements shardgate must carry out itself, and everything that must pass through.

#include "router/net/kill_statement.h"

#include <gtest/gtest.h>

namespace sg::net {
namespace {

struct KillCase {
  const char* sql;
  KillParse parse;
  bool queryOnly;
  uint64_t id;
};

class KillStatements : public ::testing::TestWithParam<KillCase> {};

TEST_P(KillStatements, Parse) {
  const auto& c = GetParam();
  KillStatement k;
  ASSERT_EQ(parseKill(c.sql, k), c.parse) << c.sql;
  if (c.parse == KillParse::kKill) {
    EXPECT_EQ(k.queryOnly, c.queryOnly) << c.sql;
    EXPECT_EQ(k.id, c.id) << c.sql;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, KillStatements,
    ::testing::Values(KillCase{"KILL 5", KillParse::kKill, false, 5},
                      KillCase{"kill query 17", KillParse::kKill, true, 17},
                      KillCase{"KILL CONNECTION 9;", KillParse::kKill, false, 9},
                      KillCase{"  KILL HARD QUERY 3 ", KillParse::kKill, true, 3},
                      KillCase{"KILL SOFT 4", KillParse::kKill, false, 4},
                      KillCase{"/* cancel */ KILL QUERY 8", KillParse::kKill, true, 8},
                      KillCase{"KILL -- why\n QUERY 8", KillParse::kKill, true, 8},
                      KillCase{"KILL 18446744073709551615", KillParse::kKill, false,
                               18446744073709551615ull},
                      KillCase{"KILL 18446744073709551616", KillParse::kUnsupported, false, 0},
                      KillCase{"KILL USER app", KillParse::kUnsupported, false, 0},
                      KillCase{"KILL QUERY ID 12", KillParse::kUnsupported, false, 0},
                      KillCase{"KILL @id", KillParse::kUnsupported, false, 0},
                      KillCase{"KILL 5; SELECT 1", KillParse::kUnsupported, false, 0},
                      KillCase{"KILL", KillParse::kUnsupported, false, 0},
                      KillCase{"KILLER 5", KillParse::kNotKill, false, 0},
                      KillCase{"SELECT 'KILL 5'", KillParse::kNotKill, false, 0},
                      KillCase{"/*!KILL 5*/", KillParse::kKill, false, 5},
                      KillCase{"/*!50000 KILL QUERY 6 */", KillParse::kKill, true, 6},
                      KillCase{"", KillParse::kNotKill, false, 0}));

}  // namespace
}  // namespace sg::net
