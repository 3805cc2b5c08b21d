#include "router/sql/predicate_builder.h"

#include <utility>

namespace sg::sql {
namespace {

void appendFlattened(Predicate::Kind kind, Predicate&& p, std::vector<Predicate>& out) {
  if (p.kind == kind) {
    for (Predicate& c : p.children) out.push_back(std::move(c));
  } else {
    out.push_back(std::move(p));
  }
}

Predicate collapse(Predicate::Kind kind, std::vector<Predicate>&& children) {
  if (children.empty()) return makeUnknown();
  if (children.size() == 1) return std::move(children.front());
  Predicate r;
  r.kind = kind;
  r.children = std::move(children);
  return r;
}

}  // namespace

Predicate makeUnknown() { return Predicate{}; }

void resetPredicate(Predicate& p) {
  p.kind = Predicate::Kind::kUnknown;
  p.column.qualifier.clear();
  p.column.column.clear();
  p.op = CompareOp::kEq;
  p.value.kind = Value::Kind::kOther;
  p.value.i = 0;
  p.value.param = 0;
  p.value.text.clear();
  p.value.stringValue.reset();
  p.values.clear();
  p.otherColumn.qualifier.clear();
  p.otherColumn.column.clear();
  p.children.clear();
}

void andInto(Predicate& acc, Predicate&& p) {
  if (p.kind == Predicate::Kind::kUnknown) return;
  if (acc.kind == Predicate::Kind::kUnknown) {
    acc = std::move(p);
    return;
  }
  if (acc.kind != Predicate::Kind::kAnd) {
    Predicate first = std::move(acc);
    resetPredicate(acc);
    acc.kind = Predicate::Kind::kAnd;
    acc.children.reserve(4);
    acc.children.push_back(std::move(first));
  }
  appendFlattened(Predicate::Kind::kAnd, std::move(p), acc.children);
}

void orInto(Predicate& acc, Predicate&& p) {
  if (acc.kind == Predicate::Kind::kUnknown) return;
  if (p.kind == Predicate::Kind::kUnknown) {
    resetPredicate(acc);
    return;
  }
  if (acc.kind != Predicate::Kind::kOr) {
    Predicate first = std::move(acc);
    resetPredicate(acc);
    acc.kind = Predicate::Kind::kOr;
    acc.children.reserve(4);
    acc.children.push_back(std::move(first));
  }
  appendFlattened(Predicate::Kind::kOr, std::move(p), acc.children);
}

Predicate makeAnd(Predicate a, Predicate b) {
  andInto(a, std::move(b));
  return a;
}

Predicate makeOr(Predicate a, Predicate b) {
  orInto(a, std::move(b));
  return a;
}

Predicate makeCompare(ColumnRef column, CompareOp op, Value value) {
  Predicate p;
  p.kind = Predicate::Kind::kCompare;
  p.column = std::move(column);
  p.op = op;
  p.value = std::move(value);
  return p;
}

Predicate makeColumnEq(ColumnRef a, ColumnRef b) {
  Predicate p;
  p.kind = Predicate::Kind::kColumnEq;
  p.column = std::move(a);
  p.otherColumn = std::move(b);
  return p;
}

Predicate makeIsNull(ColumnRef column) {
  Predicate p;
  p.kind = Predicate::Kind::kIsNull;
  p.column = std::move(column);
  return p;
}

Predicate makeIn(ColumnRef column, std::vector<Value> values) {
  Predicate p;
  p.kind = Predicate::Kind::kIn;
  p.column = std::move(column);
  p.values = std::move(values);
  return p;
}

Predicate makeBetween(ColumnRef column, Value lo, Value hi) {
  Predicate p;
  p.kind = Predicate::Kind::kBetween;
  p.column = std::move(column);
  p.values.reserve(2);
  p.values.push_back(std::move(lo));
  p.values.push_back(std::move(hi));
  return p;
}

CompareOp mirror(CompareOp op) {
  switch (op) {
    case CompareOp::kLt:
      return CompareOp::kGt;
    case CompareOp::kLe:
      return CompareOp::kGe;
    case CompareOp::kGt:
      return CompareOp::kLt;
    case CompareOp::kGe:
      return CompareOp::kLe;
    default:
      return op;
  }
}

Predicate keepColumnEqualities(Predicate p) {
  if (p.kind == Predicate::Kind::kColumnEq) return p;
  if (p.kind != Predicate::Kind::kAnd) return makeUnknown();
  std::vector<Predicate> kept;
  for (Predicate& c : p.children) {
    if (c.kind == Predicate::Kind::kColumnEq) kept.push_back(std::move(c));
  }
  return collapse(Predicate::Kind::kAnd, std::move(kept));
}

}  // namespace sg::sql
