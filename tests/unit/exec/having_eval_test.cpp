// HAVING evaluation. Expected values are MariaDB 10.11's answers to the same expressions
// (SELECT 'a' = 'a ', 7 DIV 2, -7 % 3, NULL IN (1, NULL), 1/3 = 0.3333, ...).
#include "router/exec/having_eval.h"

#include <gtest/gtest.h>

#include "tests/unit/exec/exec_test_util.h"

namespace sg::exec {
namespace {

using namespace testing;
using K = plan::MergeExpr::Kind;
using plan::MergeExpr;

MergeExpr leaf(K kind, std::string text = {}, size_t column = 0) {
  MergeExpr e;
  e.kind = kind;
  e.text = std::move(text);
  e.column = column;
  return e;
}
MergeExpr num(const char* t) { return leaf(K::kNumber, t); }
MergeExpr str(const char* t) { return leaf(K::kString, t); }
MergeExpr null() { return leaf(K::kNull); }
MergeExpr colRef(size_t i) { return leaf(K::kColumn, {}, i); }
MergeExpr node(K kind, std::string op, std::vector<MergeExpr> children) {
  MergeExpr e = leaf(kind, std::move(op));
  e.children = std::move(children);
  return e;
}
MergeExpr cmpE(const char* op, MergeExpr a, MergeExpr b) { return node(K::kCompare, op, {a, b}); }
MergeExpr arith(const char* op, MergeExpr a, MergeExpr b) {
  return node(K::kArithmetic, op, {a, b});
}

// Columns of the row every test evaluates against.
const std::vector<ColumnInfo> kCols = {col(coltype::kLongLong),          // 0: 5
                                       col(coltype::kNewDecimal, 0, 2),  // 1: 1.50
                                       col(coltype::kDouble, 0, 31),     // 2: 0.30000000000000004
                                       strCol(),                         // 3: "Abc "
                                       col(coltype::kBlob),              // 4: "Abc"
                                       col(coltype::kLong),              // 5: NULL
                                       col(coltype::kDate)};             // 6: 2024-02-29
const Row kRow = {V("5"),   V("1.50"), V("0.30000000000000004"), V("Abc "),
                  V("Abc"), N(),       V("2024-02-29")};
const std::vector<MergeExpr> kParams = {num("5"), str("abc"), null()};

std::optional<bool> eval(const MergeExpr& e, const Row& row = kRow,
                         RowFormat format = RowFormat::kText,
                         const std::vector<ColumnInfo>& cols = kCols) {
  HavingEval h(cols, format, kParams);
  return h.test(e, row);
}
constexpr std::optional<bool> kTrue = true;
constexpr std::optional<bool> kFalse = false;
constexpr std::optional<bool> kUnknown = std::nullopt;

TEST(Having, NumericComparisons) {
  EXPECT_EQ(eval(cmpE(">", colRef(0), num("4"))), kTrue);
  EXPECT_EQ(eval(cmpE("=", colRef(1), num("1.5"))), kTrue);
  EXPECT_EQ(eval(cmpE("=", colRef(2), num("0.3"))), kFalse);  // double vs decimal: as doubles
  EXPECT_EQ(eval(cmpE("=", colRef(2), num("0.30000000000000004e0"))), kTrue);
  EXPECT_EQ(eval(cmpE("<>", colRef(0), num("5.0"))), kFalse);
  EXPECT_EQ(eval(cmpE("<=", colRef(1), colRef(0))), kTrue);
  EXPECT_EQ(eval(cmpE(">=", colRef(0), str("10"))), kFalse);  // number vs string: numeric
  EXPECT_EQ(eval(cmpE("=", num("0"), str("x"))), kTrue);
  EXPECT_EQ(eval(cmpE("=", colRef(5), num("1"))), kUnknown);
  EXPECT_EQ(eval(cmpE("<=>", colRef(5), null())), kTrue);
  EXPECT_EQ(eval(cmpE("<=>", colRef(5), num("1"))), kFalse);
}

TEST(Having, StringComparisons) {
  EXPECT_EQ(eval(cmpE("=", colRef(3), str("abc"))), kTrue);   // case-insensitive, PAD SPACE
  EXPECT_EQ(eval(cmpE("=", colRef(4), str("abc"))), kFalse);  // binary column: byte-wise
  EXPECT_EQ(eval(cmpE("=", colRef(4), str("Abc"))), kTrue);
  EXPECT_EQ(eval(cmpE("<", str("abc"), str("abd"))), kTrue);
  EXPECT_EQ(eval(cmpE("=", str("a"), str("a "))), kTrue);
  EXPECT_EQ(eval(cmpE(">", colRef(6), str("2024-02-28"))), kTrue);
  // Binary protocol date: compared through its text form.
  Row binRow = kRow;
  binRow[6] = V(std::string("\xE8\x07\x02\x1D", 4));
  binRow[0] = V(le(5, 8));
  EXPECT_EQ(eval(cmpE("=", colRef(6), str("2024-02-29")), binRow, RowFormat::kBinary), kTrue);
  EXPECT_EQ(eval(cmpE("=", colRef(0), num("5")), binRow, RowFormat::kBinary), kTrue);
}

TEST(Having, Arithmetic) {
  EXPECT_EQ(eval(cmpE("=", arith("/", num("1"), num("3")), num("0.3333"))), kTrue);
  EXPECT_EQ(eval(cmpE("=", arith("/", num("1"), num("3")), num("0.33333"))), kFalse);
  EXPECT_EQ(eval(cmpE("=", arith("/", num("2"), num("3")), num("0.6667"))), kTrue);
  EXPECT_EQ(eval(cmpE("=", arith("/", num("1e0"), num("3")), num("0.3333333333333333e0"))), kTrue);
  EXPECT_EQ(eval(cmpE("=", arith("DIV", num("7"), num("2")), num("3"))), kTrue);
  EXPECT_EQ(eval(cmpE("=", arith("DIV", num("-7"), num("2")), num("-3"))), kTrue);
  EXPECT_EQ(eval(cmpE("=", arith("DIV", num("-7.9"), num("2")), num("-3"))), kTrue);
  EXPECT_EQ(eval(cmpE("=", arith("%", num("-7"), num("3")), num("-1"))), kTrue);
  EXPECT_EQ(eval(cmpE("=", arith("%", num("7.5"), num("2")), num("1.5"))), kTrue);
  EXPECT_EQ(eval(cmpE("=", arith("+", num("0.1"), num("0.2")), num("0.3"))), kTrue);
  EXPECT_EQ(eval(cmpE("=", arith("+", num("0.1e0"), num("0.2e0")), num("0.3"))), kFalse);
  EXPECT_EQ(eval(cmpE("=", arith("*", colRef(1), colRef(0)), num("7.5"))), kTrue);
  EXPECT_EQ(eval(cmpE("=", arith("-", colRef(0), num("5")), node(K::kNegate, "", {num("0")}))),
            kTrue);
  EXPECT_EQ(eval(cmpE("=", arith("/", num("5"), num("0")), num("0"))), kUnknown);
  EXPECT_EQ(eval(cmpE("=", arith("%", num("5"), num("0")), num("0"))), kUnknown);
  EXPECT_EQ(eval(cmpE("=", arith("DIV", num("5"), num("0.0")), num("0"))), kUnknown);
  EXPECT_EQ(eval(cmpE("=", arith("+", colRef(5), num("1")), num("1"))), kUnknown);
}

TEST(Having, ThreeValuedLogic) {
  MergeExpr t = cmpE("=", num("1"), num("1"));
  MergeExpr f = cmpE("=", num("1"), num("2"));
  MergeExpr u = cmpE("=", null(), num("1"));
  EXPECT_EQ(eval(node(K::kAnd, "", {u, f})), kFalse);
  EXPECT_EQ(eval(node(K::kAnd, "", {u, t})), kUnknown);
  EXPECT_EQ(eval(node(K::kOr, "", {u, t})), kTrue);
  EXPECT_EQ(eval(node(K::kOr, "", {u, f})), kUnknown);
  EXPECT_EQ(eval(node(K::kXor, "", {u, t})), kUnknown);
  EXPECT_EQ(eval(node(K::kXor, "", {t, f})), kTrue);
  EXPECT_EQ(eval(node(K::kNot, "", {u})), kUnknown);
  EXPECT_EQ(eval(node(K::kNot, "", {f})), kTrue);
  EXPECT_EQ(eval(node(K::kIsNull, "", {colRef(5)})), kTrue);
  EXPECT_EQ(eval(node(K::kIsNotNull, "", {colRef(5)})), kFalse);
  EXPECT_EQ(eval(node(K::kIsTrue, "", {u})), kFalse);
  EXPECT_EQ(eval(node(K::kIsNotTrue, "", {u})), kTrue);
  EXPECT_EQ(eval(node(K::kIsFalse, "", {f})), kTrue);
  EXPECT_EQ(eval(node(K::kIsNotFalse, "", {u})), kTrue);
  EXPECT_EQ(eval(colRef(0)), kTrue);  // HAVING SUM(x): non-zero is true
  EXPECT_EQ(eval(num("0.0")), kFalse);
  EXPECT_EQ(eval(colRef(5)), kUnknown);
}

TEST(Having, InAndBetween) {
  EXPECT_EQ(eval(node(K::kIn, "", {null(), num("1"), null()})), kUnknown);
  EXPECT_EQ(eval(node(K::kIn, "", {num("1"), num("1"), null()})), kTrue);
  EXPECT_EQ(eval(node(K::kNotIn, "", {num("2"), num("1"), null()})), kUnknown);
  EXPECT_EQ(eval(node(K::kNotIn, "", {num("2"), num("1"), num("3")})), kTrue);
  EXPECT_EQ(eval(node(K::kIn, "", {colRef(3), str("x"), str("ABC")})), kTrue);
  EXPECT_EQ(eval(node(K::kBetween, "", {num("5"), null(), num("3")})), kFalse);
  EXPECT_EQ(eval(node(K::kBetween, "", {num("2"), null(), num("3")})), kUnknown);
  EXPECT_EQ(eval(node(K::kBetween, "", {colRef(1), num("1.5"), num("2")})), kTrue);
  EXPECT_EQ(eval(node(K::kNotBetween, "", {colRef(0), num("1"), num("4")})), kTrue);
}

TEST(Having, Params) {
  MergeExpr p0 = leaf(K::kParam);
  MergeExpr p1 = leaf(K::kParam);
  p1.param = 1;
  MergeExpr p2 = leaf(K::kParam);
  p2.param = 2;
  MergeExpr p9 = leaf(K::kParam);
  p9.param = 9;
  EXPECT_EQ(eval(cmpE("=", colRef(0), p0)), kTrue);
  EXPECT_EQ(eval(cmpE("=", colRef(3), p1)), kTrue);
  EXPECT_EQ(eval(cmpE("=", colRef(0), p2)), kUnknown);
  EXPECT_EQ(eval(cmpE("=", colRef(0), p9)), kUnknown);
}

TEST(Having, MalformedTreesAreUnknownNotCrashes) {
  EXPECT_EQ(eval(node(K::kCompare, "=", {num("1")})), kUnknown);
  EXPECT_EQ(eval(node(K::kCompare, "~", {num("1"), num("1")})), kUnknown);
  EXPECT_EQ(eval(colRef(99)), kUnknown);
  EXPECT_EQ(eval(node(K::kArithmetic, "^", {num("1"), num("1")})), kUnknown);
}

}  // namespace
}  // namespace sg::exec
