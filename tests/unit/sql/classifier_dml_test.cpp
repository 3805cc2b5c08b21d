// INSERT / REPLACE (including the rows and byte spans the planner splits by shard), UPDATE and
// DELETE in single- and multi-table forms.

#include <gtest/gtest.h>

#include <string>

#include "tests/unit/sql/classifier_case.h"

namespace sg::sql::test {

namespace {
constexpr auto kInsert = StatementType::kInsert;
constexpr auto kReplace = StatementType::kReplace;
constexpr auto kUpdate = StatementType::kUpdate;
constexpr auto kDelete = StatementType::kDelete;
}  // namespace

const std::vector<ClassifierCase>& dmlCases() {
  // clang-format off
  static const std::vector<ClassifierCase> kCases = {
      // INSERT / REPLACE
      {"INSERT INTO sbtest1 (id, k, c, pad) VALUES (?, ?, ?, ?)", kInsert, "sbtest1", "", "", "params=4 insert"},
      {"INSERT INTO t VALUES (1, 2)", kInsert, "t", "", "", "insert"},
      {"INSERT t VALUES (1)", kInsert, "t", "", "", "insert"},
      {"INSERT LOW_PRIORITY IGNORE INTO db.t (a) VALUE (1)", kInsert, "db.t", "", "", "insert"},
      {"INSERT DELAYED INTO t (a) VALUES (1)", kInsert, "t", "", "", "insert"},
      {"INSERT HIGH_PRIORITY INTO t SET a = 1, b = 'x'", kInsert, "t", "", "", "insert"},
      {"insert into `db`.`t`(`a`,`b`) values(1,2)", kInsert, "db.t", "", "", "insert"},
      {"INSERT INTO t VALUES (1), (2), (3)", kInsert, "t", "", "", "insert"},
      {"INSERT INTO t (a) VALUES (DEFAULT)", kInsert, "t", "", "", "insert"},
      {"INSERT INTO t () VALUES ()", kInsert, "t", "", "", "insert"},
      {"INSERT INTO t VALUES ROW(1, 2), ROW(3, 4)", kInsert, "t", "", "", "insert"},
      {"INSERT INTO t PARTITION (p0) (a) VALUES (1)", kInsert, "t", "", "", "insert"},
      {"INSERT INTO t (a) VALUES (1) ON DUPLICATE KEY UPDATE a = a + 1", kInsert, "t", "", "", "insert"},
      {"INSERT INTO t (id, v) VALUES (1, 'x') AS new ON DUPLICATE KEY UPDATE v = new.v", kInsert, "t", "", "", "insert"},
      {"INSERT INTO t VALUES (1, (SELECT MAX(id) FROM u))", kInsert, "t, u", "", "subquery", "insert"},
      {"INSERT INTO t (a) VALUES (1) RETURNING id", kInsert, "t", "", "", "insert"},
      {"INSERT INTO t (a, b) SELECT a, b FROM u WHERE u.id = 5", kInsert, "t, u", "u.id = 5", "", "insert"},
      {"INSERT INTO t SELECT * FROM u WHERE id IN (1,2) ON DUPLICATE KEY UPDATE a = VALUES(a)", kInsert, "t, u", "id IN (1,2)", "", "insert"},
      {"INSERT INTO t (SELECT * FROM u)", kInsert, "t, u", "", "", "insert"},
      {"INSERT INTO t (a) (SELECT a FROM u ORDER BY a LIMIT 3)", kInsert, "t, u", "", "orderBy limit(3)", "insert"},
      {"INSERT INTO t TABLE u", kInsert, "t, u", "", "", "insert"},
      {"INSERT INTO t WITH c AS (SELECT 1) SELECT * FROM c", kInsert, "t", "", "subquery", "insert"},
      {"INSERT INTO t SELECT a, COUNT(*) FROM u JOIN v ON u.id = v.id GROUP BY a", kInsert, "t, u, v", "u.id = v.id", "aggregates groupBy", "multi insert"},
      {"INSERT INTO t (a) SELECT 1 ON DUPLICATE KEY UPDATE a = 2", kInsert, "t", "", "", "insert"},
      {"REPLACE INTO t (a) VALUES (1)", kReplace, "t", "", "", "insert"},
      {"REPLACE t SET a = 1", kReplace, "t", "", "", "insert"},
      {"REPLACE LOW_PRIORITY INTO t SELECT * FROM u", kReplace, "t, u", "", "", "insert"},
      {"/* shardgate: shard=s2 */ INSERT INTO t VALUES (1)", kInsert, "t", "", "", "hint.shard=s2 insert"},
      {"INSERT INTO t VALUES (1, 2", kInsert, "t", "", "", "insert error"},
      {"INSERT INTO t VALUES ('x)", kInsert, "t", "", "", "insert error"},
      // UPDATE
      {"UPDATE sbtest1 SET k=k+1 WHERE id=?", kUpdate, "sbtest1", "id = ?0", "", "params=1 assigned=k"},
      {"UPDATE sbtest1 SET c=? WHERE id=?", kUpdate, "sbtest1", "id = ?1", "", "params=2 assigned=c"},
      {"UPDATE t SET a = 1, b = 2 WHERE id = 3", kUpdate, "t", "id = 3", "", "assigned=a,b"},
      {"UPDATE t SET t.a = 1 WHERE t.id = 3", kUpdate, "t", "t.id = 3", "", "assigned=a"},
      {"UPDATE LOW_PRIORITY IGNORE t SET a = 1", kUpdate, "t", "", "", "assigned=a"},
      {"UPDATE t SET a = 1 WHERE id > 5 ORDER BY id LIMIT 10", kUpdate, "t", "id > 5", "orderBy limit(10)", "assigned=a"},
      {"UPDATE t1 JOIN t2 ON t1.id = t2.id SET t1.a = t2.b WHERE t1.id = 1", kUpdate, "t1, t2", "AND(t1.id = t2.id, t1.id = 1)", "", "multi assigned=a"},
      {"UPDATE t1, t2 SET t1.a = 1, t2.b = 2 WHERE t1.id = t2.id AND t1.id = 4", kUpdate, "t1, t2", "AND(t1.id = t2.id, t1.id = 4)", "", "multi assigned=a,b"},
      {"UPDATE t LEFT JOIN u ON t.id = u.id AND u.x = 1 SET t.a = 1", kUpdate, "t, u", "t.id = u.id", "", "multi outer assigned=a"},
      {"UPDATE db.t AS x SET x.v = 'q' WHERE x.id = 2", kUpdate, "db.t x", "x.id = 2", "", "assigned=v"},
      {"UPDATE t SET a = (SELECT MAX(b) FROM u) WHERE id = 1", kUpdate, "t, u", "id = 1", "subquery", "assigned=a"},
      {"UPDATE t SET a = 1 WHERE id IN (SELECT id FROM u)", kUpdate, "t, u", "", "subquery", "assigned=a"},
      {"WITH c AS (SELECT id FROM u) UPDATE t JOIN c ON t.id = c.id SET t.a = 1", kUpdate, "u, t", "t.id = c.id", "subquery", "multi assigned=a"},
      {"UPDATE t SET a = DEFAULT WHERE id = 1", kUpdate, "t", "id = 1", "", "assigned=a"},
      {"UPDATE t SET a = CASE WHEN b = 1 THEN 2 ELSE 3 END WHERE id = 9", kUpdate, "t", "id = 9", "", "assigned=a"},
      {"UPDATE t SET j = JSON_SET(j, '$.a', 1), n = n - 1 WHERE id = 9 AND n > 0", kUpdate, "t", "AND(id = 9, n > 0)", "", "assigned=j,n"},
      {"UPDATE `t` SET `select` = 1 WHERE `id` = 2", kUpdate, "t", "id = 2", "", "assigned=select"},
      {"UPDATE t SET a = 1 WHERE id = 1 OR id = 2", kUpdate, "t", "OR(id = 1, id = 2)", "", "assigned=a"},
      {"UPDATE t SET a = 1 WHERE name LIKE 'x%'", kUpdate, "t", "", "", "assigned=a"},
      {"UPDATE t SET a = ? WHERE id IN (?, ?, ?)", kUpdate, "t", "id IN (?1,?2,?3)", "", "params=4 assigned=a"},
      {"UPDATE t SET a = 1 WHERE id = 1 RETURNING a", kUpdate, "t", "id = 1", "", "assigned=a"},
      // DELETE
      {"DELETE FROM sbtest1 WHERE id=?", kDelete, "sbtest1", "id = ?0", "", "params=1"},
      {"DELETE FROM t", kDelete, "t", "", "", ""},
      {"DELETE LOW_PRIORITY QUICK IGNORE FROM t WHERE id = 1", kDelete, "t", "id = 1", "", ""},
      {"DELETE FROM t WHERE id = 1 ORDER BY id LIMIT 1", kDelete, "t", "id = 1", "orderBy limit(1)", ""},
      {"DELETE FROM t AS a WHERE a.id = 1", kDelete, "t a", "a.id = 1", "", ""},
      {"DELETE FROM db.t PARTITION (p1) WHERE id = 1", kDelete, "db.t", "id = 1", "", ""},
      {"DELETE t1, t2 FROM t1 JOIN t2 ON t1.id = t2.id WHERE t1.id = 1", kDelete, "t1, t2", "AND(t1.id = t2.id, t1.id = 1)", "", "multi"},
      {"DELETE t1.* FROM t1 INNER JOIN t2 USING (id) WHERE t2.k = 3", kDelete, "t1, t2", "AND(t1.id = t2.id, t2.k = 3)", "", "multi"},
      {"DELETE FROM t1, t2 USING t1 JOIN t2 ON t1.id = t2.id WHERE t1.id = 5", kDelete, "t1, t2", "AND(t1.id = t2.id, t1.id = 5)", "", "multi"},
      {"DELETE FROM t1.*, t2.* USING t1, t2 WHERE t1.id = t2.id", kDelete, "t1, t2", "t1.id = t2.id", "", "multi"},
      {"DELETE FROM t1 USING t1 JOIN t2 ON t1.id = t2.id WHERE t2.x = 1", kDelete, "t1, t2", "AND(t1.id = t2.id, t2.x = 1)", "", "multi"},
      {"DELETE a FROM t AS a WHERE a.id = 3", kDelete, "t a", "a.id = 3", "", ""},
      {"DELETE a FROM t a LEFT JOIN u b ON a.id = b.id WHERE b.id IS NULL", kDelete, "t a, u b", "AND(a.id = b.id, b.id IS NULL)", "", "multi outer"},
      {"DELETE FROM t WHERE id IN (SELECT id FROM u WHERE x = 1)", kDelete, "t, u", "", "subquery", ""},
      {"DELETE FROM t WHERE id = 1 RETURNING id", kDelete, "t", "id = 1", "", ""},
      {"WITH x AS (SELECT 1) DELETE FROM t WHERE id = 1", kDelete, "t", "id = 1", "subquery", ""},
      {"delete from T where ID = 'abc'", kDelete, "T", "ID = 'abc'", "", ""},
      {"DELETE FROM t WHERE created < NOW() - INTERVAL 30 DAY LIMIT 1000", kDelete, "t", "", "limit(1000)", ""},
  };
  // clang-format on
  return kCases;
}

namespace {

class DmlClassification : public ::testing::TestWithParam<ClassifierCase> {};

TEST_P(DmlClassification, Matches) { expectClassified(GetParam()); }

INSTANTIATE_TEST_SUITE_P(Dml, DmlClassification, ::testing::ValuesIn(dmlCases()));

// The rows of INSERT/REPLACE: columns, values per row, and each row's byte span.
struct InsertCase {
  const char* sql;
  const char* columns;  // "a,b"
  const char* rows;     // "(1,'x')(2,NULL)" — toString(Value) of every value
  const char* spans;    // the text of each row span, "|"-separated
  const char* flags;    // "set", "select", "dup=a,b"
};

void PrintTo(const InsertCase& c, std::ostream* os) { *os << c.sql; }

class InsertRowsTable : public ::testing::TestWithParam<InsertCase> {};

TEST_P(InsertRowsTable, Matches) {
  const InsertCase& c = GetParam();
  const std::string sql = c.sql;
  const Statement st = classify(sql);
  ASSERT_TRUE(st.insert.has_value());
  const InsertRows& ins = *st.insert;
  std::string columns;
  for (const std::string& col : ins.columns) columns += (columns.empty() ? "" : ",") + col;
  EXPECT_EQ(columns, c.columns);
  std::string rows;
  for (const auto& row : ins.rows) {
    rows += "(";
    for (size_t i = 0; i < row.size(); ++i) {
      if (i) rows += ",";
      rows += toString(row[i]);
    }
    rows += ")";
  }
  EXPECT_EQ(rows, c.rows);
  std::string spans;
  for (const auto& [begin, end] : ins.rowSpans) {
    ASSERT_LE(begin, end);
    ASSERT_LE(end, sql.size());
    if (!spans.empty()) spans += "|";
    spans += sql.substr(begin, end - begin);
  }
  EXPECT_EQ(spans, c.spans);
  if (!ins.rowSpans.empty()) {
    EXPECT_EQ(ins.valuesBegin, ins.rowSpans.front().first);
    EXPECT_EQ(ins.valuesEnd, ins.rowSpans.back().second);
    EXPECT_EQ(ins.rows.size(), ins.rowSpans.size());
  }
  std::string flags;
  auto add = [&](bool on, const std::string& f) {
    if (on) flags += (flags.empty() ? "" : " ") + f;
  };
  add(ins.setForm, "set");
  add(ins.fromSelect, "select");
  std::string dup;
  for (const std::string& col : ins.duplicateUpdateColumns) dup += (dup.empty() ? "" : ",") + col;
  add(ins.onDuplicateKeyUpdate, "dup=" + dup);
  EXPECT_EQ(flags, c.flags);
}

// clang-format off
const InsertCase kInsertCases[] = {
    {"INSERT INTO sbtest1 (id, k, c, pad) VALUES (?, ?, ?, ?)", "id,k,c,pad", "(?0,?1,?2,?3)", "(?, ?, ?, ?)", ""},
    {"INSERT INTO t VALUES (1, 'a', -3, DEFAULT, NOW()), (2, 'b', +4, NULL, 1+2)", "", "(1,'a',-3,DEFAULT,NOW())(2,'b',4,NULL,1+2)", "(1, 'a', -3, DEFAULT, NOW())|(2, 'b', +4, NULL, 1+2)", ""},
    {"INSERT INTO t (id, name) VALUES ('42', 'x'),('-7','y')", "id,name", "(42,'x')(-7,'y')", "('42', 'x')|('-7','y')", ""},
    {"INSERT INTO t (a) VALUES (9223372036854775808), (-9223372036854775808)", "a", "(9223372036854775808)(-9223372036854775808)", "(9223372036854775808)|(-9223372036854775808)", ""},
    {"INSERT INTO t (a, b) VALUE (1.5, 0x0F)", "a,b", "(1.5,0x0F)", "(1.5, 0x0F)", ""},
    {"INSERT INTO t (a) VALUES ((SELECT 1)), (@v), (CONCAT('a', 'b'))", "a", "((SELECT 1))(@v)(CONCAT('a', 'b'))", "((SELECT 1))|(@v)|(CONCAT('a', 'b'))", ""},
    {"INSERT INTO t (t.a, b) VALUES (1, 2)", "a,b", "(1,2)", "(1, 2)", ""},
    {"INSERT INTO t () VALUES (), ()", "", "()()", "()|()", ""},
    {"INSERT INTO t VALUES ROW(1, 2), ROW(3, 4)", "", "(1,2)(3,4)", "ROW(1, 2)|ROW(3, 4)", ""},
    {"INSERT INTO t (a, b) VALUES (1, 'x') ON DUPLICATE KEY UPDATE b = VALUES(b), t.a = a + 1", "a,b", "(1,'x')", "(1, 'x')", "dup=b,a"},
    {"INSERT INTO t (id, v) VALUES (1, 'x') AS new ON DUPLICATE KEY UPDATE v = new.v", "id,v", "(1,'x')", "(1, 'x')", "dup=v"},
    {"INSERT INTO t SET a = 1, b = 'two', c = DEFAULT", "a,b,c", "(1,'two',DEFAULT)", "", "set"},
    {"INSERT INTO t SET a = ? ON DUPLICATE KEY UPDATE a = ?", "a", "(?0)", "", "set dup=a"},
    {"INSERT INTO t (a, b) SELECT a, b FROM u", "a,b", "", "", "select"},
    {"INSERT INTO t SELECT * FROM u ON DUPLICATE KEY UPDATE x = 1", "", "", "", "select dup=x"},
    {"INSERT INTO t TABLE u", "", "", "", "select"},
    {"REPLACE INTO t (a) VALUES (1),(2)", "a", "(1)(2)", "(1)|(2)", ""},
    {"INSERT INTO t (a) VALUES ('it''s'), (\"q\\\"\"), (_utf8mb4'x' 'y')", "a", "('it''s')(\"q\\\"\")(_utf8mb4'x' 'y')", "('it''s')|(\"q\\\"\")|(_utf8mb4'x' 'y')", ""},
    {"INSERT INTO t (a) VALUES (1, 2", "a", "(1,2)", "(1, 2", ""},
};
// clang-format on

INSTANTIATE_TEST_SUITE_P(Insert, InsertRowsTable, ::testing::ValuesIn(kInsertCases));

TEST(InsertRows, SpansSpliceIntoAValidStatement) {
  const std::string sql =
      "INSERT INTO t (id, v) VALUES (1, 'a'), (2, 'b'),(3, 'c') ON DUPLICATE KEY UPDATE v = "
      "VALUES(v)";
  const Statement st = classify(sql);
  ASSERT_TRUE(st.insert.has_value());
  const InsertRows& ins = *st.insert;
  ASSERT_EQ(ins.rowSpans.size(), 3u);
  // Keep rows 0 and 2, as a planner would for one shard.
  std::string spliced = sql.substr(0, ins.valuesBegin);
  for (size_t i : {0u, 2u}) {
    if (spliced.back() == ')') spliced += ",";
    spliced += sql.substr(ins.rowSpans[i].first, ins.rowSpans[i].second - ins.rowSpans[i].first);
  }
  spliced += sql.substr(ins.valuesEnd);
  EXPECT_EQ(spliced,
            "INSERT INTO t (id, v) VALUES (1, 'a'),(3, 'c') ON DUPLICATE KEY UPDATE v = VALUES(v)");
  const Statement again = classify(spliced);
  ASSERT_TRUE(again.insert.has_value());
  EXPECT_EQ(again.insert->rows.size(), 2u);
  EXPECT_EQ(again.insert->rows[1][0].i, 3);
}

TEST(InsertRows, ValuesKeepTheirKindsAndText) {
  const Statement st = classify("INSERT INTO t VALUES (-5, '12', 'ab', ?, NULL, 1e2, -?)");
  ASSERT_TRUE(st.insert.has_value());
  const auto& row = st.insert->rows.at(0);
  ASSERT_EQ(row.size(), 7u);
  EXPECT_EQ(row[0].kind, Value::Kind::kInt);
  EXPECT_EQ(row[0].i, -5);
  EXPECT_EQ(row[0].text, "-5");
  EXPECT_EQ(row[1].kind, Value::Kind::kInt);
  EXPECT_EQ(row[1].i, 12);
  EXPECT_EQ(row[1].text, "'12'");
  EXPECT_EQ(row[1].stringValue, "12");
  EXPECT_EQ(row[2].kind, Value::Kind::kOther);
  EXPECT_EQ(row[2].stringValue, "ab");
  EXPECT_EQ(row[3].kind, Value::Kind::kParam);
  EXPECT_EQ(row[3].param, 0u);
  EXPECT_EQ(row[4].kind, Value::Kind::kNull);
  EXPECT_EQ(row[5].kind, Value::Kind::kOther);
  EXPECT_EQ(row[5].text, "1e2");
  EXPECT_EQ(row[6].kind, Value::Kind::kOther);
  EXPECT_EQ(row[6].text, "-?");
  EXPECT_EQ(st.paramCount, 2u);
}

TEST(InsertRows, BulkInsertOfManyRows) {
  std::string sql = "INSERT INTO t (id, v) VALUES ";
  for (int i = 0; i < 5000; ++i) sql += (i ? ",(" : "(") + std::to_string(i) + ", 'v')";
  const Statement st = classify(sql);
  ASSERT_TRUE(st.insert.has_value());
  ASSERT_EQ(st.insert->rows.size(), 5000u);
  EXPECT_EQ(st.insert->rows[4999][0].i, 4999);
  EXPECT_EQ(st.insert->valuesEnd, sql.size());
}

}  // namespace
}  // namespace sg::sql::test
