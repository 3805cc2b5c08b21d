#include "router/sql/statement.h"

namespace sg::sql {

const char* toString(StatementType t) {
  switch (t) {
    case StatementType::kEmpty:
      return "EMPTY";
    case StatementType::kSelect:
      return "SELECT";
    case StatementType::kInsert:
      return "INSERT";
    case StatementType::kReplace:
      return "REPLACE";
    case StatementType::kUpdate:
      return "UPDATE";
    case StatementType::kDelete:
      return "DELETE";
    case StatementType::kBegin:
      return "BEGIN";
    case StatementType::kCommit:
      return "COMMIT";
    case StatementType::kRollback:
      return "ROLLBACK";
    case StatementType::kSavepoint:
      return "SAVEPOINT";
    case StatementType::kReleaseSavepoint:
      return "RELEASE_SAVEPOINT";
    case StatementType::kRollbackToSavepoint:
      return "ROLLBACK_TO_SAVEPOINT";
    case StatementType::kSet:
      return "SET";
    case StatementType::kUse:
      return "USE";
    case StatementType::kShow:
      return "SHOW";
    case StatementType::kDdl:
      return "DDL";
    case StatementType::kLockTables:
      return "LOCK_TABLES";
    case StatementType::kUnlockTables:
      return "UNLOCK_TABLES";
    case StatementType::kCall:
      return "CALL";
    case StatementType::kDo:
      return "DO";
    case StatementType::kXa:
      return "XA";
    case StatementType::kExplain:
      return "EXPLAIN";
    case StatementType::kOther:
      return "OTHER";
  }
  return "?";
}

const char* toString(CompareOp op) {
  switch (op) {
    case CompareOp::kEq:
      return "=";
    case CompareOp::kNe:
      return "<>";
    case CompareOp::kLt:
      return "<";
    case CompareOp::kLe:
      return "<=";
    case CompareOp::kGt:
      return ">";
    case CompareOp::kGe:
      return ">=";
    case CompareOp::kNullSafeEq:
      return "<=>";
  }
  return "?";
}

const char* toString(SetKind k) {
  switch (k) {
    case SetKind::kNames:
      return "NAMES";
    case SetKind::kAutocommit:
      return "AUTOCOMMIT";
    case SetKind::kTransaction:
      return "TRANSACTION";
    case SetKind::kSessionVar:
      return "SESSION";
    case SetKind::kGlobalVar:
      return "GLOBAL";
    case SetKind::kUserVar:
      return "USER";
    case SetKind::kOther:
      return "OTHER";
  }
  return "?";
}

std::string toString(const Value& v) {
  switch (v.kind) {
    case Value::Kind::kInt:
      return std::to_string(v.i);
    case Value::Kind::kParam: {
      std::string out(1, '?');  // (not "?" + ...: g++ 12 -Wrestrict false positive)
      out += std::to_string(v.param);
      return out;
    }
    case Value::Kind::kNull:
      return "NULL";
    case Value::Kind::kOther:
      return v.text;
  }
  return "?";
}

std::string toString(const ColumnRef& c) {
  return c.qualifier.empty() ? c.column : c.qualifier + "." + c.column;
}

namespace {

void render(const Predicate& p, std::string& out) {
  switch (p.kind) {
    case Predicate::Kind::kUnknown:
      out += "UNKNOWN";
      return;
    case Predicate::Kind::kCompare:
      out += toString(p.column);
      out += ' ';
      out += toString(p.op);
      out += ' ';
      out += toString(p.value);
      return;
    case Predicate::Kind::kIn:
      out += toString(p.column);
      out += " IN (";
      for (size_t i = 0; i < p.values.size(); ++i) {
        if (i) out += ',';
        out += toString(p.values[i]);
      }
      out += ')';
      return;
    case Predicate::Kind::kBetween:
      out += toString(p.column);
      out += " BETWEEN ";
      out += p.values.size() > 0 ? toString(p.values[0]) : "?";
      out += " AND ";
      out += p.values.size() > 1 ? toString(p.values[1]) : "?";
      return;
    case Predicate::Kind::kColumnEq:
      out += toString(p.column);
      out += " = ";
      out += toString(p.otherColumn);
      return;
    case Predicate::Kind::kIsNull:
      out += toString(p.column);
      out += " IS NULL";
      return;
    case Predicate::Kind::kAnd:
    case Predicate::Kind::kOr:
      out += p.kind == Predicate::Kind::kAnd ? "AND(" : "OR(";
      for (size_t i = 0; i < p.children.size(); ++i) {
        if (i) out += ", ";
        render(p.children[i], out);
      }
      out += ')';
      return;
  }
}

}  // namespace

std::string toString(const Predicate& p) {
  std::string out;
  render(p, out);
  return out;
}

}  // namespace sg::sql
