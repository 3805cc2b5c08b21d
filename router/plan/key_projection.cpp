#include "router/plan/key_projection.h"

namespace sg::plan {

namespace {

// Deeper trees than this are treated as "any key" rather than recursed into.
constexpr int kMaxDepth = 256;

using Kind = ResolvedValue::Kind;

KeyCondition anyKey(bool dependsOnParams = false) { return {KeySet::all(), dependsOnParams}; }

KeyCondition compare(sql::CompareOp op, const ResolvedValue& v, bool nullableKeys) {
  switch (v.kind) {
    case Kind::kUnbound:
      return anyKey(true);
    case Kind::kOther:
      return anyKey();
    case Kind::kNull:
      // `key op NULL` is never true; `key <=> NULL` is `key IS NULL`: no stored row has a NULL
      // key, but a null-extended row of an outer join does.
      if (op == sql::CompareOp::kNullSafeEq && nullableKeys) return anyKey();
      return {KeySet::none(), false};
    case Kind::kInt:
      break;
  }
  switch (op) {
    case sql::CompareOp::kEq:
    case sql::CompareOp::kNullSafeEq:
      return {KeySet::point(v.i), false};
    case sql::CompareOp::kNe:
      return {KeySet::except(v.i), false};
    case sql::CompareOp::kLt:
      return {KeySet::below(v.i), false};
    case sql::CompareOp::kLe:
      return {KeySet::atMost(v.i), false};
    case sql::CompareOp::kGt:
      return {KeySet::above(v.i), false};
    case sql::CompareOp::kGe:
      return {KeySet::atLeast(v.i), false};
  }
  return anyKey();
}

KeyCondition inList(const std::vector<sql::Value>& values, const std::vector<sql::Value>* params) {
  std::vector<int64_t> keys;
  keys.reserve(values.size());
  for (const sql::Value& value : values) {
    ResolvedValue v = resolveValue(value, params);
    if (v.kind == Kind::kUnbound) return anyKey(true);
    if (v.kind == Kind::kOther) return anyKey();
    if (v.kind == Kind::kInt) keys.push_back(v.i);  // NULL in the list matches nothing
  }
  return {KeySet::points(std::move(keys)), false};
}

KeyCondition between(const std::vector<sql::Value>& values, const std::vector<sql::Value>* params) {
  if (values.size() != 2) return anyKey();
  ResolvedValue lo = resolveValue(values[0], params);
  ResolvedValue hi = resolveValue(values[1], params);
  if (lo.kind == Kind::kNull || hi.kind == Kind::kNull) return {KeySet::none(), false};
  KeySet keys = KeySet::all();
  if (lo.kind == Kind::kInt) keys = keys.intersect(KeySet::atLeast(lo.i));
  if (hi.kind == Kind::kInt) keys = keys.intersect(KeySet::atMost(hi.i));
  bool unbound = lo.kind == Kind::kUnbound || hi.kind == Kind::kUnbound;
  // An unbound bound only widens the set; if the other bound already empties it, it cannot matter.
  return {keys, unbound && !keys.empty()};
}

class Projector {
 public:
  Projector(const TableBinder& binder, const std::vector<bool>& members,
            const std::vector<sql::Value>* params, bool nullableKeys)
      : binder_(binder), members_(members), params_(params), nullableKeys_(nullableKeys) {}

  KeyCondition project(const sql::Predicate& p, int depth) const {
    if (depth > kMaxDepth) return anyKey();
    using PKind = sql::Predicate::Kind;
    switch (p.kind) {
      case PKind::kUnknown:
      case PKind::kColumnEq:
        return anyKey();
      case PKind::kCompare:
        if (!onMemberKey(p.column)) return anyKey();
        return compare(p.op, resolveValue(p.value, params_), nullableKeys_);
      case PKind::kIn:
        if (!onMemberKey(p.column)) return anyKey();
        return inList(p.values, params_);
      case PKind::kBetween:
        if (!onMemberKey(p.column)) return anyKey();
        return between(p.values, params_);
      case PKind::kIsNull:
        if (!onMemberKey(p.column) || nullableKeys_) return anyKey();
        return {KeySet::none(), false};
      case PKind::kAnd: {
        KeyCondition out = anyKey();
        for (const sql::Predicate& child : p.children) {
          KeyCondition c = project(child, depth + 1);
          out.keys = out.keys.intersect(c.keys);
          out.dependsOnParams = out.dependsOnParams || c.dependsOnParams;
        }
        return out;
      }
      case PKind::kOr: {
        if (p.children.empty()) return anyKey();
        KeyCondition out{KeySet::none(), false};
        for (const sql::Predicate& child : p.children) {
          KeyCondition c = project(child, depth + 1);
          out.keys = out.keys.unite(c.keys);
          out.dependsOnParams = out.dependsOnParams || c.dependsOnParams;
        }
        return out;
      }
    }
    return anyKey();
  }

 private:
  bool onMemberKey(const sql::ColumnRef& column) const {
    int index = binder_.resolve(column);
    if (index < 0 || static_cast<size_t>(index) >= members_.size()) return false;
    return members_[static_cast<size_t>(index)] && binder_.isKeyOf(index, column);
  }

  const TableBinder& binder_;
  const std::vector<bool>& members_;
  const std::vector<sql::Value>* params_;
  bool nullableKeys_;
};

}  // namespace

ResolvedValue resolveValue(const sql::Value& value, const std::vector<sql::Value>* params) {
  const sql::Value* v = &value;
  if (v->kind == sql::Value::Kind::kParam) {
    if (params == nullptr) return {Kind::kUnbound, 0};
    if (v->param >= params->size()) return {Kind::kOther, 0};
    v = &(*params)[v->param];
  }
  switch (v->kind) {
    case sql::Value::Kind::kInt:
      return {Kind::kInt, v->i};
    case sql::Value::Kind::kNull:
      return {Kind::kNull, 0};
    case sql::Value::Kind::kParam:  // a parameter bound to a parameter: not a value
    case sql::Value::Kind::kOther:
      return {Kind::kOther, 0};
  }
  return {Kind::kOther, 0};
}

KeyCondition projectKeys(const sql::Predicate& where, const TableBinder& binder,
                         const std::vector<bool>& members, const std::vector<sql::Value>* params,
                         bool nullableKeys) {
  return Projector(binder, members, params, nullableKeys).project(where, 0);
}

}  // namespace sg::plan
