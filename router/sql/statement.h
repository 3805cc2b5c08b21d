#pragma once
// What the classifier learns about one SQL statement: its kind, the tables it touches, and the
// conditions on columns that may pin it to shards. The classifier knows nothing about the shard
// map; the planner (router/plan/) projects these conditions onto each table's shard key.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sg::sql {

enum class StatementType : uint8_t {
  kEmpty,  // only comments / whitespace
  kSelect,
  kInsert,
  kReplace,
  kUpdate,
  kDelete,
  kBegin,  // BEGIN [WORK], START TRANSACTION [READ ONLY | READ WRITE | WITH CONSISTENT SNAPSHOT]
  kCommit,
  kRollback,
  kSavepoint,
  kReleaseSavepoint,
  kRollbackToSavepoint,
  kSet,
  kUse,
  kShow,
  kDdl,  // CREATE / ALTER / DROP / TRUNCATE / RENAME (tables, indexes, views, databases, ...)
  kLockTables,
  kUnlockTables,
  kCall,
  kDo,
  kXa,       // XA START / END / PREPARE / COMMIT / ROLLBACK / RECOVER
  kExplain,  // EXPLAIN / DESCRIBE / DESC of a table or a statement (`explained` holds it)
  kOther,    // anything else (GRANT, FLUSH, KILL, ANALYZE, HANDLER, LOAD DATA, ...)
};

const char* toString(StatementType t);

// A literal or placeholder on one side of a comparison.
struct Value {
  enum class Kind : uint8_t {
    kInt,    // integer literal, or a string literal holding a plain integer ('42')
    kParam,  // `?` placeholder: `param` is its 0-based index in the statement
    kNull,   // NULL
    kOther,  // any other constant: decimal, non-numeric string, hex, date, function call ...
  };
  Kind kind = Kind::kOther;
  int64_t i = 0;
  uint32_t param = 0;
  std::string text;  // the literal as written (for messages)
  // For a string literal (kInt '42' or kOther 'abc'): its content, escapes resolved and adjacent
  // literals joined, so string shard keys can be hashed. Unset for other literals.
  std::optional<std::string> stringValue;

  bool operator==(const Value&) const = default;
};

// A column as written: `col`, `t.col`, `db.t.col` (qualifier "t" or "db.t"; empty if none).
struct ColumnRef {
  std::string qualifier;
  std::string column;
  bool operator==(const ColumnRef&) const = default;
};

enum class CompareOp : uint8_t { kEq, kNe, kLt, kLe, kGt, kGe, kNullSafeEq };

// A boolean condition, reduced to what routing can use. Anything else (functions of columns,
// NOT, LIKE, subqueries, comparisons of expressions) becomes kUnknown: "may be true for any key".
struct Predicate {
  enum class Kind : uint8_t {
    kUnknown,
    kCompare,   // column op value        (value op column is normalised to this form)
    kIn,        // column IN (values)     (NOT IN is kUnknown)
    kBetween,   // column BETWEEN lo AND hi (NOT BETWEEN is kUnknown)
    kColumnEq,  // column = otherColumn   (join conditions)
    kIsNull,    // column IS NULL
    kAnd,
    kOr,
  };
  Kind kind = Kind::kUnknown;
  ColumnRef column;
  CompareOp op = CompareOp::kEq;
  Value value;                      // kCompare
  std::vector<Value> values;        // kIn; kBetween: {lo, hi}
  ColumnRef otherColumn;            // kColumnEq
  std::vector<Predicate> children;  // kAnd / kOr

  bool operator==(const Predicate&) const = default;
};

// A table named in the statement. Derived tables and table functions are not listed; their
// presence is flagged in Statement::hasDerivedTable.
struct TableRef {
  std::string schema;  // empty = the session's current schema
  std::string name;
  std::string alias;  // empty if none
  bool operator==(const TableRef&) const = default;
};

// One SELECT block's features that decide how results from several shards must be merged.
struct SelectShape {
  bool distinct = false;
  bool aggregates = false;  // COUNT/SUM/MIN/MAX/AVG/GROUP_CONCAT/... in the select list or HAVING
  bool groupBy = false;
  bool having = false;
  bool orderBy = false;
  bool limit = false;
  std::optional<std::string> limitText;  // "10" or "5, 10" / "10 OFFSET 5" as written
  bool union_ = false;                   // UNION / INTERSECT / EXCEPT of several blocks
  bool subquery = false;                 // a subquery anywhere (WHERE, select list, FROM)
  bool windowFunctions = false;          // OVER (...)
  bool forUpdate = false;                // FOR UPDATE, FOR SHARE, LOCK IN SHARE MODE
  bool intoOutfile = false;              // SELECT ... INTO OUTFILE / DUMPFILE / @var
};

// The rows of an INSERT/REPLACE ... VALUES, so the planner can split one statement per shard.
struct InsertRows {
  std::vector<std::string> columns;  // explicit column list (or SET form's columns); empty if none
  // For each row, the value given for each column (same order as `columns`); kOther for
  // expressions. Empty when the statement is INSERT ... SELECT.
  std::vector<std::vector<Value>> rows;
  // Byte offsets [begin, end) of each row's parenthesised tuple in the original SQL text, so a
  // row subset can be spliced into "prefix VALUES (row),(row) suffix".
  std::vector<std::pair<size_t, size_t>> rowSpans;
  size_t valuesBegin = 0;   // offset where the first tuple starts
  size_t valuesEnd = 0;     // offset just past the last tuple (ON DUPLICATE KEY UPDATE follows)
  bool setForm = false;     // INSERT ... SET a=1, b=2 (one row)
  bool fromSelect = false;  // INSERT ... SELECT / TABLE
  bool onDuplicateKeyUpdate = false;
  std::vector<std::string> duplicateUpdateColumns;  // columns assigned in ON DUPLICATE KEY UPDATE
};

// Comment hints: /* shardgate: shard=s1 */, /* shardgate: master */,
// /* shardgate: max_lag_ms=50 */ (several may be combined: "shard=s1 master").
struct Hints {
  std::optional<std::string> shard;
  bool master = false;
  std::optional<int64_t> maxLagMs;
};

enum class SetKind : uint8_t {
  kNames,        // SET NAMES / SET CHARACTER SET / CHARSET
  kAutocommit,   // SET autocommit = 0|1 (value in SetItem)
  kTransaction,  // SET [SESSION|GLOBAL] TRANSACTION ISOLATION LEVEL / READ ONLY ...
  kSessionVar,   // SET [SESSION|@@session.|@@] var = ...
  kGlobalVar,    // SET GLOBAL var / @@global.var
  kUserVar,      // SET @v = ...
  kOther,        // SET PASSWORD, SET ROLE, SET STATEMENT ... FOR, ...
};

struct SetItem {
  SetKind kind = SetKind::kOther;
  // Variable name, lower-cased (e.g. "sql_mode", "autocommit", "@v"); "names" / "charset" for
  // kNames; "transaction" / "session.transaction" / "global.transaction" for kTransaction;
  // "password" / "role" / "statement" / ... for kOther.
  std::string name;
  std::string valueText;  // the right-hand side as written
  // kAutocommit: the value when it is one of 0/1/ON/OFF/TRUE/FALSE (quoted or not).
  std::optional<bool> boolValue;
};

struct Statement {
  StatementType type = StatementType::kEmpty;
  // Tables in order of appearance (FROM/JOIN/INTO/UPDATE/DELETE ... USING, and tables inside
  // subqueries). For INSERT ... SELECT, the target is first.
  std::vector<TableRef> tables;
  // The WHERE (and JOIN ... ON) conditions of the outermost statement, AND-ed together; for
  // UPDATE/DELETE their WHERE. kUnknown when there is none.
  Predicate where;
  SelectShape shape;                         // SELECT (and the SELECT of INSERT ... SELECT)
  std::optional<InsertRows> insert;          // INSERT / REPLACE
  std::vector<std::string> assignedColumns;  // UPDATE ... SET col = ... (unqualified names)
  bool multiTable = false;                   // multi-table UPDATE / DELETE, or a join
  bool hasDerivedTable = false;              // FROM (SELECT ...) or a table function
  bool outerJoin = false;       // LEFT/RIGHT [OUTER] JOIN anywhere (NATURAL LEFT/RIGHT included)
  std::vector<SetItem> sets;    // SET
  std::string schema;           // USE schema; SHOW ... FROM/IN schema
  bool readOnly = false;        // START TRANSACTION READ ONLY
  bool ddlIfExists = false;     // DROP ... IF EXISTS, ALTER TABLE IF EXISTS
  bool ddlIfNotExists = false;  // CREATE ... IF NOT EXISTS
  bool temporary = false;       // CREATE/DROP TEMPORARY TABLE
  StatementType explained = StatementType::kEmpty;  // kExplain of a statement: its type
  std::string savepoint;  // SAVEPOINT / RELEASE SAVEPOINT / ROLLBACK TO: the name
  bool chain = false;     // COMMIT/ROLLBACK AND CHAIN (a new transaction starts)
  bool release = false;   // COMMIT/ROLLBACK RELEASE (the server closes the session)
  // Another statement follows a ';' (only the first is classified). Compound bodies (CREATE
  // PROCEDURE/FUNCTION/TRIGGER/EVENT, BEGIN NOT ATOMIC) contain ';' and do not set it.
  bool multipleStatements = false;
  Hints hints;
  uint32_t paramCount = 0;           // number of `?` placeholders
  std::optional<std::string> error;  // set when the text could not be lexed/parsed (unterminated
                                     // string or comment, unbalanced parentheses, ...)
};

// Canonical renderings, for logs and tests: `AND(users.id = 5, OR(id IN (1,2), id BETWEEN 3 AND
// 4))`; placeholders print as ?0, ?1, ...; kUnknown prints as UNKNOWN.
std::string toString(const Value& v);
std::string toString(const ColumnRef& c);
std::string toString(const Predicate& p);
const char* toString(CompareOp op);
const char* toString(SetKind k);

}  // namespace sg::sql
