// Untrusted text never crashes, hangs or throws: every statement of the classifier tables cut at
// every byte, random bytes, random token soup, random mutations, pathological nesting and very
// long statements. Every result must also be well-formed (see expectWellFormed).

#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <string>
#include <vector>

#include "router/sql/classifier.h"
#include "router/sql/lexer.h"
#include "tests/unit/sql/classifier_case.h"

namespace sg::sql::test {
namespace {

void expectWellFormedPredicate(const Predicate& p, const std::string& sql) {
  switch (p.kind) {
    case Predicate::Kind::kUnknown:
      EXPECT_EQ(p, Predicate{}) << sql;
      break;
    case Predicate::Kind::kCompare:
    case Predicate::Kind::kIsNull:
      EXPECT_FALSE(p.column.column.empty()) << sql;
      break;
    case Predicate::Kind::kIn:
      EXPECT_FALSE(p.column.column.empty()) << sql;
      EXPECT_FALSE(p.values.empty()) << sql;
      break;
    case Predicate::Kind::kBetween:
      EXPECT_EQ(p.values.size(), 2u) << sql;
      break;
    case Predicate::Kind::kColumnEq:
      EXPECT_FALSE(p.column.column.empty()) << sql;
      EXPECT_FALSE(p.otherColumn.column.empty()) << sql;
      break;
    case Predicate::Kind::kAnd:
    case Predicate::Kind::kOr:
      EXPECT_GE(p.children.size(), 2u) << sql;
      for (const Predicate& c : p.children) {
        EXPECT_NE(c.kind, p.kind) << "not flattened: " << sql;
        EXPECT_NE(c.kind, Predicate::Kind::kUnknown) << sql;
        expectWellFormedPredicate(c, sql);
      }
      break;
  }
}

// Invariants that hold for any input, valid SQL or not.
void expectWellFormed(const std::string& sql, const Statement& st) {
  for (const TableRef& t : st.tables) EXPECT_FALSE(t.name.empty()) << sql;
  expectWellFormedPredicate(st.where, sql);
  size_t questionMarks = 0;
  for (char c : sql) questionMarks += c == '?';
  EXPECT_LE(st.paramCount, questionMarks) << sql;
  if (st.error) {
    EXPECT_FALSE(st.error->empty()) << sql;
  }
  if (st.shape.limitText) {
    EXPECT_FALSE(st.shape.limitText->empty()) << sql;
  }
  if (st.insert) {
    const InsertRows& ins = *st.insert;
    if (!ins.setForm) {
      EXPECT_EQ(ins.rows.size(), ins.rowSpans.size()) << sql;
    }
    size_t previousEnd = 0;
    for (const auto& [begin, end] : ins.rowSpans) {
      EXPECT_LE(previousEnd, begin) << sql;
      EXPECT_LT(begin, end) << sql;
      EXPECT_LE(end, sql.size()) << sql;
      previousEnd = end;
    }
    EXPECT_LE(ins.valuesBegin, ins.valuesEnd) << sql;
    EXPECT_LE(ins.valuesEnd, sql.size()) << sql;
  }
}

void classifyChecked(const std::string& sql) {
  Statement st = classify(sql);
  expectWellFormed(sql, st);
  LexResult lexed = lex(sql);  // the public lexer too
  for (const Token& t : lexed.tokens) ASSERT_LE(t.end, sql.size());
}

std::vector<std::string> corpus() {
  std::vector<std::string> out;
  for (const auto* cases : {&selectCases(), &dmlCases(), &adminCases()}) {
    for (const ClassifierCase& c : *cases) out.emplace_back(c.sql);
  }
  return out;
}

TEST(Robustness, TableStatementsAreWellFormed) {
  for (const std::string& sql : corpus()) classifyChecked(sql);
}

TEST(Robustness, EveryStatementTruncatedAtEveryByte) {
  size_t runs = 0;
  for (const std::string& sql : corpus()) {
    for (size_t n = 0; n <= sql.size(); ++n) {
      classifyChecked(sql.substr(0, n));
      classifyChecked(sql.substr(n));  // and its tails
      runs += 2;
    }
  }
  EXPECT_GT(runs, 30000u);
}

TEST(Robustness, RandomBytes) {
  std::mt19937 rng(12345);
  std::uniform_int_distribution<int> length(0, 120);
  std::uniform_int_distribution<int> byte(0, 255);
  for (int i = 0; i < 20000; ++i) {
    std::string sql(static_cast<size_t>(length(rng)), '\0');
    for (char& c : sql) c = static_cast<char>(byte(rng));
    classifyChecked(sql);
  }
}

TEST(Robustness, RandomTokenSoup) {
  static const char* const kVocabulary[] = {
      "SELECT",      "FROM",      "WHERE",     "AND",
      "OR",          "NOT",       "IN",        "BETWEEN",
      "IS",          "NULL",      "LIKE",      "JOIN",
      "LEFT",        "ON",        "USING",     "GROUP",
      "BY",          "ORDER",     "LIMIT",     "OFFSET",
      "HAVING",      "UNION",     "ALL",       "DISTINCT",
      "INSERT",      "INTO",      "VALUES",    "VALUE",
      "ROW",         "SET",       "UPDATE",    "DELETE",
      "REPLACE",     "WITH",      "AS",        "CASE",
      "WHEN",        "THEN",      "ELSE",      "END",
      "EXISTS",      "INTERVAL",  "DAY",       "FOR",
      "SHARE",       "LOCK",      "TABLE",     "TABLES",
      "CREATE",      "DROP",      "ALTER",     "RENAME",
      "TO",          "IF",        "USE",       "SHOW",
      "EXPLAIN",     "BEGIN",     "COMMIT",    "ROLLBACK",
      "SAVEPOINT",   "DUPLICATE", "KEY",       "COUNT",
      "SUM",         "OVER",      "PARTITION", "t",
      "u",           "id",        "a",         "`q`",
      "db",          ".",         ",",         "(",
      ")",           "(",         ")",         "=",
      "<",           "<=>",       ">=",        "!=",
      "-",           "+",         "*",         "/",
      "?",           "1",         "-1",        "2.5",
      "'s'",         "'1'",       "0x1F",      "@v",
      "@@session.x", ":=",        "->",        ";",
      "/* c */",     "/*! x */",  "-- c\n",    "/* shardgate: master */",
      "{",           "}",         "!",         "~",
      "||",          "&&",        "XOR",       "REFERENCES",
      "DEFAULT"};
  std::mt19937 rng(777);
  std::uniform_int_distribution<size_t> pick(0, std::size(kVocabulary) - 1);
  std::uniform_int_distribution<int> length(1, 60);
  for (int i = 0; i < 30000; ++i) {
    std::string sql;
    for (int n = length(rng); n > 0; --n) {
      sql += kVocabulary[pick(rng)];
      sql += ' ';
    }
    classifyChecked(sql);
  }
}

TEST(Robustness, RandomMutationsOfRealStatements) {
  const std::vector<std::string> statements = corpus();
  std::mt19937 rng(4242);
  const std::string interesting = "()'\"`,;.?-*/#@!=<>\\ \n\0";
  for (const std::string& original : statements) {
    for (int round = 0; round < 20; ++round) {
      std::string sql = original;
      std::uniform_int_distribution<int> edits(1, 4);
      for (int e = edits(rng); e > 0; --e) {
        std::uniform_int_distribution<size_t> at(0, sql.size());
        size_t p = at(rng);
        switch (rng() % 4) {
          case 0:
            sql.insert(p, 1, interesting[rng() % interesting.size()]);
            break;
          case 1:
            if (p < sql.size()) sql.erase(p, 1 + rng() % 5);
            break;
          case 2:
            if (p < sql.size()) sql[p] = static_cast<char>(rng());
            break;
          default:
            sql.insert(p, sql.substr(p, rng() % 20));
            break;
        }
      }
      classifyChecked(sql);
    }
  }
}

TEST(Robustness, DeepNestingIsCutOffNotOverflowed) {
  const size_t kDeep = 50000;
  for (const auto& [open, close] : std::vector<std::pair<std::string, std::string>>{
           {"(", ")"},
           {"(SELECT ", ")"},
           {"NOT ", ""},
           {"- ", ""},
           {"! ", ""},
           {"~", ""},
           {"CASE WHEN ", " THEN 1 END"},
           {"(a = 1 OR ", ")"},
           {"EXISTS (SELECT 1 FROM t WHERE ", ")"},
           {"a IN (", ")"},
       }) {
    std::string sql = "SELECT * FROM t WHERE ";
    sql.reserve(kDeep * (open.size() + close.size()) + 64);
    for (size_t i = 0; i < kDeep; ++i) sql += open;
    sql += "1";
    for (size_t i = 0; i < kDeep; ++i) sql += close;
    Statement st = classify(sql);
    ASSERT_TRUE(st.error.has_value()) << open;
    EXPECT_NE(st.error->find("nested too deeply"), std::string::npos) << *st.error;
    EXPECT_EQ(st.type, StatementType::kSelect);
  }
  // Long runs of '(' inside function arguments stay linear.
  std::string parens = "SELECT f(" + std::string(200000, '(') + "1" + std::string(200001, ')');
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(classify(parens).error.has_value());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  // Function arguments are stepped over without recursion: no limit needed.
  std::string calls = "SELECT * FROM t WHERE id = ";
  for (int i = 0; i < 100000; ++i) calls += "f(";
  for (int i = 0; i < 100000; ++i) calls += ")";
  EXPECT_FALSE(classify(calls).error.has_value());
  std::string from = "SELECT * FROM ";
  for (int i = 0; i < 100000; ++i) from += "(";
  from += "t";
  for (int i = 0; i < 100000; ++i) from += ")";
  Statement st = classify(from);
  EXPECT_TRUE(st.error.has_value());
  std::string setFor;
  for (int i = 0; i < 100000; ++i) setFor += "SET STATEMENT a=1 FOR ";
  st = classify(setFor + "SELECT 1");
  EXPECT_TRUE(st.error.has_value());
  std::string explain;
  for (int i = 0; i < 100000; ++i) explain += "EXPLAIN ";
  st = classify(explain + "SELECT 1");
  EXPECT_EQ(st.type, StatementType::kExplain);
}

TEST(Robustness, ReasonableNestingIsFine) {
  std::string sql = "SELECT * FROM t WHERE ";
  for (int i = 0; i < 30; ++i) sql += "(a = 1 OR ";
  sql += "b = 2";
  for (int i = 0; i < 30; ++i) sql += ")";
  Statement st = classify(sql);
  EXPECT_FALSE(st.error.has_value());
  EXPECT_EQ(st.where.kind, Predicate::Kind::kOr);
  EXPECT_EQ(st.where.children.size(), 31u);
}

TEST(Robustness, HugeStatementsAreLinear) {
  std::string sql = "SELECT * FROM t WHERE id IN (";
  for (int i = 0; i < 200000; ++i) sql += (i ? ",'" : "'") + std::to_string(i) + "'";
  sql += ") OR x = 1";
  const auto start = std::chrono::steady_clock::now();
  Statement st = classify(sql);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(toString(st.where).substr(0, 6), "OR(id ");
  EXPECT_LT(elapsed, std::chrono::seconds(5));
  // Long unterminated literals and comments end with an error, not a hang.
  EXPECT_TRUE(classify("SELECT '" + std::string(1 << 20, 'x')).error.has_value());
  EXPECT_TRUE(classify("SELECT /*" + std::string(1 << 20, '*')).error.has_value());
  EXPECT_FALSE(classify("SELECT " + std::string(1 << 20, ' ') + "1").error.has_value());
}

// Long random statements behind every statement prefix: time must stay linear in the length.
TEST(Robustness, LongRandomStatementsStayLinear) {
  static const char* const kPrefixes[] = {"SELECT",
                                          "INSERT INTO t VALUES",
                                          "UPDATE t SET a = 1 WHERE",
                                          "DELETE FROM t WHERE",
                                          "SELECT * FROM",
                                          "SET",
                                          "SELECT * FROM t WHERE id IN",
                                          "CREATE TABLE t",
                                          "SHOW",
                                          "WITH",
                                          "INSERT INTO t SELECT",
                                          "EXPLAIN SELECT"};
  static const char* const kVocabulary[] = {
      "SELECT", "FROM",   "WHERE",    "AND",    "OR",     "NOT",   "IN",   "BETWEEN", "IS",
      "NULL",   "JOIN",   "LEFT",     "ON",     "USING",  "GROUP", "BY",   "ORDER",   "LIMIT",
      "UNION",  "VALUES", "ROW",      "SET",    "WITH",   "AS",    "CASE", "WHEN",    "THEN",
      "END",    "EXISTS", "INTERVAL", "FOR",    "UPDATE", "COUNT", "OVER", "t",       "a",
      "`q`",    ".",      ",",        "(",      "(",      ")",     ")",    "=",       "<",
      "-",      "+",      "?",        "1",      "'s'",    "@v",    ":=",   "{",       "}",
      "!",      "||",     "XOR",      "DEFAULT"};
  std::mt19937 rng(99);
  std::uniform_int_distribution<size_t> pick(0, std::size(kVocabulary) - 1);
  for (const char* prefix : kPrefixes) {
    std::string sql = prefix;
    for (int i = 0; i < 50000; ++i) {
      sql += ' ';
      sql += kVocabulary[pick(rng)];
    }
    const auto start = std::chrono::steady_clock::now();
    classifyChecked(sql);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5)) << prefix;
  }
}

TEST(Robustness, EmbeddedNulBytes) {
  const std::string sql("SELECT * FROM t WHERE id = 1\0 AND x = 2", 39);
  Statement st = classify(sql);
  EXPECT_EQ(st.type, StatementType::kSelect);
  expectWellFormed(sql, st);
}

}  // namespace
}  // namespace sg::sql::test
