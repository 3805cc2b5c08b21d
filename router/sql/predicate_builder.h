#pragma once
// Small constructors for Predicate trees that keep them in canonical form: AND/OR are flattened,
// an unknown conjunct is dropped (it cannot narrow routing), an unknown disjunct makes the whole
// OR unknown, and `value op column` is turned around into `column op value`.

#include "router/sql/statement.h"

namespace sg::sql {

Predicate makeUnknown();
Predicate makeAnd(Predicate a, Predicate b);
Predicate makeOr(Predicate a, Predicate b);

// In-place forms for the parser's hot path: acc = acc AND p / acc = acc OR p.
void andInto(Predicate& acc, Predicate&& p);
void orInto(Predicate& acc, Predicate&& p);

// Makes `p` an empty kUnknown predicate without reallocating its members.
void resetPredicate(Predicate& p);
Predicate makeCompare(ColumnRef column, CompareOp op, Value value);
Predicate makeColumnEq(ColumnRef a, ColumnRef b);
Predicate makeIsNull(ColumnRef column);
Predicate makeIn(ColumnRef column, std::vector<Value> values);
Predicate makeBetween(ColumnRef column, Value lo, Value hi);

// `5 < col` is `col > 5`.
CompareOp mirror(CompareOp op);

// The column equalities among the top-level conjuncts of `p` (for the ON clause of an outer
// join: its other conditions do not restrict the preserved side, so they cannot narrow routing).
Predicate keepColumnEqualities(Predicate p);

}  // namespace sg::sql
