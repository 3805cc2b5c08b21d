// Predicates and values in full detail (kinds, texts, string contents, parameter indexes), the
// canonical renderings, and the tree-building rules (flattening, unknown handling).

#include <gtest/gtest.h>

#include <limits>
#include <set>
#include <string>

#include "router/sql/classifier.h"
#include "router/sql/predicate_builder.h"

namespace sg::sql {
namespace {

ColumnRef col(std::string qualifier, std::string column) {
  return ColumnRef{std::move(qualifier), std::move(column)};
}

Value intValue(int64_t i, std::string text) {
  Value v;
  v.kind = Value::Kind::kInt;
  v.i = i;
  v.text = std::move(text);
  return v;
}

Value paramValue(uint32_t index) {
  Value v;
  v.kind = Value::Kind::kParam;
  v.param = index;
  v.text = "?";
  return v;
}

Value whereValue(const char* sql) {
  Statement st = classify(sql);
  EXPECT_EQ(st.where.kind, Predicate::Kind::kCompare) << sql;
  return st.where.value;
}

TEST(Values, Integers) {
  Value v = whereValue("SELECT * FROM t WHERE id = 42");
  EXPECT_EQ(v, intValue(42, "42"));
  v = whereValue("SELECT * FROM t WHERE id = -42");
  EXPECT_EQ(v, intValue(-42, "-42"));
  v = whereValue("SELECT * FROM t WHERE id = - 42");
  EXPECT_EQ(v, intValue(-42, "- 42"));
  v = whereValue("SELECT * FROM t WHERE id = +7");
  EXPECT_EQ(v, intValue(7, "+7"));
  v = whereValue("SELECT * FROM t WHERE id = 007");
  EXPECT_EQ(v, intValue(7, "007"));
  v = whereValue("SELECT * FROM t WHERE id = TRUE");
  EXPECT_EQ(v, intValue(1, "TRUE"));
  v = whereValue("SELECT * FROM t WHERE id = false");
  EXPECT_EQ(v, intValue(0, "false"));
}

TEST(Values, Int64Limits) {
  Value v = whereValue("SELECT * FROM t WHERE id = 9223372036854775807");
  EXPECT_EQ(v.kind, Value::Kind::kInt);
  EXPECT_EQ(v.i, std::numeric_limits<int64_t>::max());
  v = whereValue("SELECT * FROM t WHERE id = -9223372036854775808");
  EXPECT_EQ(v.kind, Value::Kind::kInt);
  EXPECT_EQ(v.i, std::numeric_limits<int64_t>::min());
  v = whereValue("SELECT * FROM t WHERE id = 9223372036854775808");
  EXPECT_EQ(v.kind, Value::Kind::kOther);
  EXPECT_EQ(v.text, "9223372036854775808");
  v = whereValue("SELECT * FROM t WHERE id = -9223372036854775809");
  EXPECT_EQ(v.kind, Value::Kind::kOther);
  EXPECT_EQ(v.text, "-9223372036854775809");
  v = whereValue("SELECT * FROM t WHERE id = 18446744073709551616");
  EXPECT_EQ(v.kind, Value::Kind::kOther);
  v = whereValue("SELECT * FROM t WHERE id = '9223372036854775808'");
  EXPECT_EQ(v.kind, Value::Kind::kOther);
  EXPECT_EQ(v.stringValue, "9223372036854775808");
  // -(-9223372036854775808) does not fit.
  Statement st = classify("SELECT * FROM t WHERE id = -(-9223372036854775808)");
  EXPECT_EQ(st.where, Predicate{});
}

TEST(Values, Strings) {
  Value v = whereValue("SELECT * FROM t WHERE id = '123'");
  EXPECT_EQ(v.kind, Value::Kind::kInt);
  EXPECT_EQ(v.i, 123);
  EXPECT_EQ(v.text, "'123'");
  EXPECT_EQ(v.stringValue, "123");
  v = whereValue("SELECT * FROM t WHERE name = 'it''s'");
  EXPECT_EQ(v.kind, Value::Kind::kOther);
  EXPECT_EQ(v.text, "'it''s'");
  EXPECT_EQ(v.stringValue, "it's");
  v = whereValue("SELECT * FROM t WHERE name = \"a\\tb\"");
  EXPECT_EQ(v.stringValue, "a\tb");
  v = whereValue("SELECT * FROM t WHERE name = 'ab' \"cd\" 'ef'");
  EXPECT_EQ(v.stringValue, "abcdef");
  EXPECT_EQ(v.text, "'ab' \"cd\" 'ef'");
  v = whereValue("SELECT * FROM t WHERE name = _utf8mb4'x' 'y'");
  EXPECT_EQ(v.stringValue, "xy");
  v = whereValue("SELECT * FROM t WHERE id = '1' '2'");
  EXPECT_EQ(v.kind, Value::Kind::kInt);
  EXPECT_EQ(v.i, 12);
  v = whereValue("SELECT * FROM t WHERE id = '12abc'");
  EXPECT_EQ(v.kind, Value::Kind::kOther);
  v = whereValue("SELECT * FROM t WHERE id = ''");
  EXPECT_EQ(v.kind, Value::Kind::kOther);
  EXPECT_EQ(v.stringValue, "");
  // Negating a numeric string makes it a number, no longer a string.
  v = whereValue("SELECT * FROM t WHERE id = -'5'");
  EXPECT_EQ(v.kind, Value::Kind::kInt);
  EXPECT_EQ(v.i, -5);
  EXPECT_FALSE(v.stringValue.has_value());
}

TEST(Values, OtherLiterals) {
  for (const char* literal : {"1.5", "1e3", ".5", "0x0F", "X'0F'", "b'1'", "0b1",
                              "DATE '2024-01-01'", "TIMESTAMP '2024-01-01 00:00:00'"}) {
    Value v = whereValue((std::string("SELECT * FROM t WHERE id = ") + literal).c_str());
    EXPECT_EQ(v.kind, Value::Kind::kOther) << literal;
    EXPECT_EQ(v.text, literal);
    EXPECT_FALSE(v.stringValue.has_value()) << literal;
  }
  Value v = whereValue("SELECT * FROM t WHERE id = NULL");
  EXPECT_EQ(v.kind, Value::Kind::kNull);
  EXPECT_EQ(v.text, "NULL");
}

TEST(Values, PlaceholdersCarryTheirIndex) {
  Statement st =
      classify("SELECT ? FROM t WHERE a = ? AND b IN (?, ?) AND c BETWEEN ? AND ? LIMIT ?");
  EXPECT_EQ(st.paramCount, 7u);
  ASSERT_EQ(st.where.kind, Predicate::Kind::kAnd);
  ASSERT_EQ(st.where.children.size(), 3u);
  EXPECT_EQ(st.where.children[0].value, paramValue(1));
  EXPECT_EQ(st.where.children[1].values, (std::vector<Value>{paramValue(2), paramValue(3)}));
  EXPECT_EQ(st.where.children[2].values, (std::vector<Value>{paramValue(4), paramValue(5)}));
}

TEST(Predicates, StructureOfANestedCondition) {
  Statement st = classify(
      "SELECT * FROM users u WHERE u.id = 5 AND (u.region IN (1, '2') OR u.age BETWEEN 3 AND 4) "
      "AND u.deleted IS NULL AND u.id = o.uid");
  Predicate expected = makeAnd(
      makeAnd(makeCompare(col("u", "id"), CompareOp::kEq, intValue(5, "5")),
              makeOr(makeIn(col("u", "region"), {intValue(1, "1"),
                                                 [] {
                                                   Value v = intValue(2, "'2'");
                                                   v.stringValue = "2";
                                                   return v;
                                                 }()}),
                     makeBetween(col("u", "age"), intValue(3, "3"), intValue(4, "4")))),
      makeAnd(makeIsNull(col("u", "deleted")), makeColumnEq(col("u", "id"), col("o", "uid"))));
  EXPECT_EQ(st.where, expected) << toString(st.where);
  EXPECT_EQ(toString(st.where),
            "AND(u.id = 5, OR(u.region IN (1,2), u.age BETWEEN 3 AND 4), u.deleted IS NULL, "
            "u.id = o.uid)");
}

TEST(Predicates, ThreePartColumnNames) {
  Statement st = classify("SELECT * FROM db.t WHERE db.t.id = 1");
  EXPECT_EQ(st.where.column, col("db.t", "id"));
  st = classify("SELECT * FROM t WHERE `we.ird`.`c` = 1");
  EXPECT_EQ(st.where.column, col("we.ird", "c"));
}

// Conditions that cannot narrow routing leave no debris behind: the predicate is exactly the
// default kUnknown one, or the other conjuncts alone.
TEST(Predicates, UnknownConditionsAreClean) {
  for (const char* where : {"LOWER(a) = 1",
                            "a IN (1, x)",
                            "NOT id = 1",
                            "id IS NOT NULL",
                            "id BETWEEN a AND 1",
                            "id < other",
                            "id = ANY (SELECT 1)",
                            "id NOT IN (1)",
                            "1 = 1",
                            "id = 1 OR LOWER(a) = 'x'",
                            "(a, b) = (1, 2)",
                            "id IN ()",
                            "id = @v",
                            "id LIKE 'x'",
                            "a = 1 XOR b = 2",
                            "id = 1 + 1",
                            "-id = 5",
                            "id IS NULL IS NULL",
                            "id BETWEEN 1",
                            "id IN (SELECT 1)",
                            "~id = 1"}) {
    Statement st = classify(std::string("SELECT * FROM t WHERE ") + where);
    EXPECT_EQ(st.where, Predicate{}) << where << " -> " << toString(st.where);
  }
  Statement st = classify("SELECT * FROM t WHERE id = 1 AND LOWER(a) = 'x' AND b IN (1, c)");
  EXPECT_EQ(st.where, makeCompare(col("", "id"), CompareOp::kEq, intValue(1, "1")));
}

TEST(Predicates, Renderings) {
  EXPECT_EQ(toString(Predicate{}), "UNKNOWN");
  EXPECT_EQ(toString(makeCompare(col("t", "a"), CompareOp::kNullSafeEq, paramValue(3))),
            "t.a <=> ?3");
  Value null;
  null.kind = Value::Kind::kNull;
  EXPECT_EQ(toString(makeIn(col("", "a"), {null, intValue(-1, "-1")})), "a IN (NULL,-1)");
  EXPECT_EQ(toString(makeIsNull(col("x.y", "z"))), "x.y.z IS NULL");
  EXPECT_STREQ(toString(CompareOp::kNe), "<>");
  EXPECT_STREQ(toString(CompareOp::kGe), ">=");
  EXPECT_STREQ(toString(SetKind::kAutocommit), "AUTOCOMMIT");
  std::set<std::string> names;
  for (int i = 0; i <= static_cast<int>(StatementType::kOther); ++i) {
    names.insert(toString(static_cast<StatementType>(i)));
  }
  EXPECT_EQ(names.size(), static_cast<size_t>(StatementType::kOther) + 1);
}

TEST(PredicateBuilder, AndDropsUnknownAndFlattens) {
  Predicate a = makeCompare(col("", "a"), CompareOp::kEq, intValue(1, "1"));
  Predicate b = makeCompare(col("", "b"), CompareOp::kEq, intValue(2, "2"));
  Predicate c = makeCompare(col("", "c"), CompareOp::kEq, intValue(3, "3"));
  EXPECT_EQ(makeAnd(a, Predicate{}), a);
  EXPECT_EQ(makeAnd(Predicate{}, a), a);
  EXPECT_EQ(makeAnd(Predicate{}, Predicate{}), Predicate{});
  EXPECT_EQ(toString(makeAnd(makeAnd(a, b), makeAnd(c, a))), "AND(a = 1, b = 2, c = 3, a = 1)");
  EXPECT_EQ(toString(makeAnd(a, makeOr(b, c))), "AND(a = 1, OR(b = 2, c = 3))");
}

TEST(PredicateBuilder, OrWithUnknownIsUnknown) {
  Predicate a = makeCompare(col("", "a"), CompareOp::kEq, intValue(1, "1"));
  Predicate b = makeCompare(col("", "b"), CompareOp::kEq, intValue(2, "2"));
  EXPECT_EQ(makeOr(a, Predicate{}), Predicate{});
  EXPECT_EQ(makeOr(Predicate{}, a), Predicate{});
  EXPECT_EQ(toString(makeOr(makeOr(a, b), makeOr(b, a))), "OR(a = 1, b = 2, b = 2, a = 1)");
  Predicate acc = makeOr(a, b);
  orInto(acc, Predicate{});
  EXPECT_EQ(acc, Predicate{});
}

TEST(PredicateBuilder, KeepColumnEqualities) {
  Predicate eq = makeColumnEq(col("a", "id"), col("b", "id"));
  Predicate other = makeCompare(col("b", "x"), CompareOp::kEq, intValue(2, "2"));
  EXPECT_EQ(keepColumnEqualities(makeAnd(eq, other)), eq);
  EXPECT_EQ(keepColumnEqualities(other), Predicate{});
  EXPECT_EQ(keepColumnEqualities(makeOr(eq, other)), Predicate{});
  EXPECT_EQ(keepColumnEqualities(eq), eq);
}

TEST(PredicateBuilder, Mirror) {
  EXPECT_EQ(mirror(CompareOp::kLt), CompareOp::kGt);
  EXPECT_EQ(mirror(CompareOp::kLe), CompareOp::kGe);
  EXPECT_EQ(mirror(CompareOp::kGt), CompareOp::kLt);
  EXPECT_EQ(mirror(CompareOp::kGe), CompareOp::kLe);
  EXPECT_EQ(mirror(CompareOp::kEq), CompareOp::kEq);
  EXPECT_EQ(mirror(CompareOp::kNe), CompareOp::kNe);
  EXPECT_EQ(mirror(CompareOp::kNullSafeEq), CompareOp::kNullSafeEq);
}

TEST(Predicates, LongChainsStayFlat) {
  std::string sql = "SELECT * FROM t WHERE id = 0";
  for (int i = 1; i < 20000; ++i) sql += " AND c" + std::to_string(i) + " = " + std::to_string(i);
  Statement st = classify(sql);
  ASSERT_EQ(st.where.kind, Predicate::Kind::kAnd);
  EXPECT_EQ(st.where.children.size(), 20000u);
  sql = "SELECT * FROM t WHERE id IN (0";
  for (int i = 1; i < 20000; ++i) {
    sql += ",";
    sql += std::to_string(i);
  }
  sql += ")";
  st = classify(sql);
  ASSERT_EQ(st.where.kind, Predicate::Kind::kIn);
  EXPECT_EQ(st.where.values.size(), 20000u);
  EXPECT_EQ(st.where.values.back().i, 19999);
}

}  // namespace
}  // namespace sg::sql
