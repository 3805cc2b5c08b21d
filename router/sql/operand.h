#pragma once
// What an expression turned out to be, as far as routing cares, and small constructors for it.
// Internal to sg_sql.

#include <cstdint>
#include <utility>

#include "router/sql/predicate_builder.h"
#include "router/sql/statement.h"

namespace sg::sql {

// The parser's intermediate result for one (sub)expression: a column, a literal, a condition, or
// "something else". Conditions become Predicates; everything else degrades to kUnknown.
struct Operand {
  enum class Kind : uint8_t {
    kEmpty,   // nothing parsed (the next token does not start an expression)
    kColumn,  // a plain column reference
    kValue,   // a literal or placeholder
    kBool,    // a condition; `pred` holds it (possibly kUnknown)
    kExpr,    // any other expression
  };
  Kind kind = Kind::kEmpty;
  // kColumn keeps its column in pred.column, kValue its value in pred.value, kBool the condition
  // itself: a comparison is then assembled in place, without moving strings around.
  Predicate pred;
};

inline Operand exprOperand() {
  Operand o;
  o.kind = Operand::Kind::kExpr;
  return o;
}

inline Operand unknownOperand() {
  Operand o;
  o.kind = Operand::Kind::kBool;
  return o;
}

inline Operand valueOperand(Value&& v) {
  Operand o;
  o.kind = Operand::Kind::kValue;
  o.pred.value = std::move(v);
  return o;
}

// Turns `o` (whatever it held) into an unknown condition / a plain expression.
inline void setUnknown(Operand& o) {
  resetPredicate(o.pred);
  o.kind = Operand::Kind::kBool;
}
inline void setExpr(Operand& o) {
  resetPredicate(o.pred);
  o.kind = Operand::Kind::kExpr;
}

}  // namespace sg::sql
