// The planner's own reading of SQL text: placeholders, first keyword, outer joins.

#include "router/plan/sql_text.h"

#include <gtest/gtest.h>

namespace sg::plan {
namespace {

TEST(SqlText, CountPlaceholders) {
  struct Case {
    std::string_view sql;
    size_t count;
  } cases[] = {
      {"SELECT 1", 0},
      {"SELECT ?", 1},
      {"INSERT INTO t VALUES (?, ?), (?, ?)", 4},
      {"SELECT '?' , \"?\", `?` FROM t WHERE a = ?", 1},
      {"SELECT 'it''s ?', 'a\\'?' , ?", 1},
      {"SELECT /* ? */ ? -- ?\n, ? # ?\n", 2},
      {"SELECT /*!50000 ? */ ?", 2},
      {"SELECT --? ?", 2},  // "--" not followed by a space is not a comment
      {"SELECT 'unterminated ?", 0},
      {"SELECT /* unterminated ?", 0},
      {"", 0},
  };
  for (const Case& c : cases) EXPECT_EQ(countPlaceholders(c.sql), c.count) << c.sql;
}

TEST(SqlText, FirstKeyword) {
  EXPECT_EQ(firstKeyword("  load data infile 'x' into table users"), "LOAD");
  EXPECT_EQ(firstKeyword("/* shardgate: master */ HANDLER users OPEN"), "HANDLER");
  EXPECT_EQ(firstKeyword("(SELECT 1)"), "SELECT");
  EXPECT_EQ(firstKeyword("-- c\nanalyze table t"), "ANALYZE");
  EXPECT_EQ(firstKeyword(""), "");
  EXPECT_EQ(firstKeyword("'x'"), "");
}

TEST(SqlText, OuterJoin) {
  EXPECT_TRUE(hasOuterJoin("SELECT * FROM a LEFT JOIN b ON a.id = b.id"));
  EXPECT_TRUE(hasOuterJoin("select * from a left outer join b using (id)"));
  EXPECT_TRUE(hasOuterJoin("SELECT * FROM a RIGHT /* x */ JOIN b ON 1"));
  EXPECT_TRUE(hasOuterJoin("SELECT * FROM a NATURAL LEFT JOIN b"));
  EXPECT_FALSE(hasOuterJoin("SELECT * FROM a JOIN b ON a.id = b.id"));
  EXPECT_FALSE(hasOuterJoin("SELECT LEFT(name, 2) FROM a JOIN b ON 1"));
  EXPECT_FALSE(hasOuterJoin("SELECT 'left join' FROM a"));
  EXPECT_FALSE(hasOuterJoin("SELECT * FROM a INNER JOIN b ON 1 -- left join\n"));
}

}  // namespace
}  // namespace sg::plan
