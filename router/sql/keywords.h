#pragma once
// The SQL keywords the lexer recognises and the classifier dispatches on. A bare word is looked
// up once, while lexing, so the parser compares small integers instead of case-insensitive text.
// "Reserved" marks words that MySQL does not accept as an unquoted alias; the classifier uses it
// to tell `FROM t WHERE` (a clause) from `FROM t w` (an alias).

#include <cstdint>
#include <string_view>

namespace sg::sql {

// X(EnumSuffix, "spelling", flags). Flags: R = reserved (never an alias), A = aggregate function.
#define SG_SQL_KEYWORDS(X)                      \
  X(Against, "against", 0)                      \
  X(Algorithm, "algorithm", 0)                  \
  X(All, "all", R)                              \
  X(Alter, "alter", R)                          \
  X(Analyze, "analyze", R)                      \
  X(And, "and", R)                              \
  X(Any, "any", 0)                              \
  X(As, "as", R)                                \
  X(Asc, "asc", R)                              \
  X(Atomic, "atomic", 0)                        \
  X(Avg, "avg", A)                              \
  X(Begin, "begin", 0)                          \
  X(Between, "between", R)                      \
  X(Binary, "binary", R)                        \
  X(BitAnd, "bit_and", A)                       \
  X(BitOr, "bit_or", A)                         \
  X(BitXor, "bit_xor", A)                       \
  X(By, "by", R)                                \
  X(Call, "call", R)                            \
  X(Cascade, "cascade", R)                      \
  X(Case, "case", R)                            \
  X(Chain, "chain", 0)                          \
  X(Character, "character", R)                  \
  X(Charset, "charset", 0)                      \
  X(Check, "check", R)                          \
  X(Checksum, "checksum", 0)                    \
  X(Collate, "collate", R)                      \
  X(Columns, "columns", 0)                      \
  X(Commit, "commit", 0)                        \
  X(Consistent, "consistent", 0)                \
  X(Count, "count", A)                          \
  X(Create, "create", R)                        \
  X(Cross, "cross", R)                          \
  X(Data, "data", 0)                            \
  X(Database, "database", R)                    \
  X(Date, "date", 0)                            \
  X(Deallocate, "deallocate", 0)                \
  X(Default, "default", R)                      \
  X(Definer, "definer", 0)                      \
  X(Delayed, "delayed", R)                      \
  X(Delete, "delete", R)                        \
  X(Desc, "desc", R)                            \
  X(Describe, "describe", R)                    \
  X(Distinct, "distinct", R)                    \
  X(Distinctrow, "distinctrow", R)              \
  X(Div, "div", R)                              \
  X(Do, "do", 0)                                \
  X(Drop, "drop", R)                            \
  X(Dual, "dual", R)                            \
  X(Dumpfile, "dumpfile", 0)                    \
  X(Duplicate, "duplicate", 0)                  \
  X(Else, "else", R)                            \
  X(End, "end", 0)                              \
  X(Escape, "escape", 0)                        \
  X(Event, "event", 0)                          \
  X(Except, "except", R)                        \
  X(Execute, "execute", 0)                      \
  X(Exists, "exists", R)                        \
  X(Explain, "explain", R)                      \
  X(Extended, "extended", 0)                    \
  X(False, "false", R)                          \
  X(Fetch, "fetch", R)                          \
  X(Fields, "fields", 0)                        \
  X(For, "for", R)                              \
  X(Force, "force", R)                          \
  X(Format, "format", 0)                        \
  X(From, "from", R)                            \
  X(Full, "full", 0)                            \
  X(Fulltext, "fulltext", R)                    \
  X(Function, "function", R)                    \
  X(Global, "global", 0)                        \
  X(Group, "group", R)                          \
  X(GroupConcat, "group_concat", A)             \
  X(Handler, "handler", 0)                      \
  X(Having, "having", R)                        \
  X(HighPriority, "high_priority", R)           \
  X(If, "if", R)                                \
  X(Ignore, "ignore", R)                        \
  X(In, "in", R)                                \
  X(Index, "index", R)                          \
  X(Indexes, "indexes", 0)                      \
  X(Inner, "inner", R)                          \
  X(Insert, "insert", R)                        \
  X(Instance, "instance", 0)                    \
  X(Intersect, "intersect", R)                  \
  X(Interval, "interval", R)                    \
  X(Into, "into", R)                            \
  X(Is, "is", R)                                \
  X(Join, "join", R)                            \
  X(JsonArrayagg, "json_arrayagg", A)           \
  X(JsonObjectagg, "json_objectagg", A)         \
  X(JsonTable, "json_table", R)                 \
  X(Key, "key", R)                              \
  X(Keys, "keys", R)                            \
  X(Lateral, "lateral", R)                      \
  X(Left, "left", R)                            \
  X(Like, "like", R)                            \
  X(Limit, "limit", R)                          \
  X(Load, "load", R)                            \
  X(Local, "local", 0)                          \
  X(Lock, "lock", R)                            \
  X(Locked, "locked", 0)                        \
  X(LowPriority, "low_priority", R)             \
  X(Match, "match", R)                          \
  X(Max, "max", A)                              \
  X(Member, "member", 0)                        \
  X(Min, "min", A)                              \
  X(Mod, "mod", R)                              \
  X(Mode, "mode", 0)                            \
  X(Names, "names", 0)                          \
  X(Natural, "natural", R)                      \
  X(No, "no", 0)                                \
  X(Not, "not", R)                              \
  X(Nowait, "nowait", 0)                        \
  X(Null, "null", R)                            \
  X(Of, "of", R)                                \
  X(Offline, "offline", 0)                      \
  X(Offset, "offset", 0)                        \
  X(On, "on", R)                                \
  X(Online, "online", 0)                        \
  X(Only, "only", 0)                            \
  X(Optimize, "optimize", R)                    \
  X(Or, "or", R)                                \
  X(Order, "order", R)                          \
  X(Outer, "outer", R)                          \
  X(Outfile, "outfile", R)                      \
  X(Over, "over", R)                            \
  X(Partition, "partition", R)                  \
  X(Partitions, "partitions", 0)                \
  X(Password, "password", 0)                    \
  X(Persist, "persist", 0)                      \
  X(PersistOnly, "persist_only", 0)             \
  X(Prepare, "prepare", 0)                      \
  X(Procedure, "procedure", R)                  \
  X(Quick, "quick", 0)                          \
  X(Read, "read", R)                            \
  X(Recursive, "recursive", R)                  \
  X(References, "references", R)                \
  X(Regexp, "regexp", R)                        \
  X(Release, "release", R)                      \
  X(Rename, "rename", R)                        \
  X(Repair, "repair", 0)                        \
  X(Replace, "replace", R)                      \
  X(Resource, "resource", 0)                    \
  X(Restrict, "restrict", R)                    \
  X(Returning, "returning", R)                  \
  X(Right, "right", R)                          \
  X(Rlike, "rlike", R)                          \
  X(Role, "role", 0)                            \
  X(Rollback, "rollback", 0)                    \
  X(Rollup, "rollup", 0)                        \
  X(Row, "row", R)                              \
  X(Savepoint, "savepoint", 0)                  \
  X(Schema, "schema", R)                        \
  X(Security, "security", 0)                    \
  X(Select, "select", R)                        \
  X(Separator, "separator", R)                  \
  X(Sequence, "sequence", 0)                    \
  X(Session, "session", 0)                      \
  X(Set, "set", R)                              \
  X(Share, "share", 0)                          \
  X(Show, "show", R)                            \
  X(Skip, "skip", 0)                            \
  X(Snapshot, "snapshot", 0)                    \
  X(Some, "some", 0)                            \
  X(Sounds, "sounds", 0)                        \
  X(Spatial, "spatial", R)                      \
  X(Sql, "sql", R)                              \
  X(SqlBigResult, "sql_big_result", R)          \
  X(SqlBufferResult, "sql_buffer_result", 0)    \
  X(SqlCache, "sql_cache", 0)                   \
  X(SqlCalcFoundRows, "sql_calc_found_rows", R) \
  X(SqlNoCache, "sql_no_cache", 0)              \
  X(SqlSmallResult, "sql_small_result", R)      \
  X(Start, "start", 0)                          \
  X(Statement, "statement", 0)                  \
  X(Std, "std", A)                              \
  X(Stddev, "stddev", A)                        \
  X(StddevPop, "stddev_pop", A)                 \
  X(StddevSamp, "stddev_samp", A)               \
  X(StraightJoin, "straight_join", R)           \
  X(Sum, "sum", A)                              \
  X(Table, "table", R)                          \
  X(Tables, "tables", 0)                        \
  X(Temporary, "temporary", 0)                  \
  X(Then, "then", R)                            \
  X(Time, "time", 0)                            \
  X(Timestamp, "timestamp", 0)                  \
  X(To, "to", R)                                \
  X(Transaction, "transaction", 0)              \
  X(Trigger, "trigger", R)                      \
  X(True, "true", R)                            \
  X(Truncate, "truncate", 0)                    \
  X(Union, "union", R)                          \
  X(Unique, "unique", R)                        \
  X(Unknown, "unknown", 0)                      \
  X(Unlock, "unlock", R)                        \
  X(Update, "update", R)                        \
  X(Use, "use", R)                              \
  X(User, "user", 0)                            \
  X(Using, "using", R)                          \
  X(Value, "value", 0)                          \
  X(Values, "values", R)                        \
  X(VarPop, "var_pop", A)                       \
  X(VarSamp, "var_samp", A)                     \
  X(Variance, "variance", A)                    \
  X(View, "view", 0)                            \
  X(When, "when", R)                            \
  X(Where, "where", R)                          \
  X(Window, "window", R)                        \
  X(With, "with", R)                            \
  X(Work, "work", 0)                            \
  X(Write, "write", R)                          \
  X(Xa, "xa", 0)                                \
  X(Xor, "xor", R)

enum class Keyword : uint16_t {
  kNone,  // an identifier that is not one of the keywords below
#define SG_SQL_KEYWORD_ENUM(name, spelling, flags) k##name,
  SG_SQL_KEYWORDS(SG_SQL_KEYWORD_ENUM)
#undef SG_SQL_KEYWORD_ENUM
      kNumKeywords  // not a keyword: the number of entries
};

// The keyword spelled by `word` (any case), or Keyword::kNone.
Keyword lookupKeyword(std::string_view word);

// Lower-case spelling of a keyword ("" for kNone).
std::string_view keywordSpelling(Keyword k);

// MySQL refuses these as unquoted aliases; they start clauses.
bool isReserved(Keyword k);

// COUNT, SUM, MIN, MAX, AVG, GROUP_CONCAT, BIT_*, STD*, VAR*, JSON_*AGG.
bool isAggregate(Keyword k);

}  // namespace sg::sql
