// analyzeMerge(): SQL in, the statement each shard runs and the merge recipe out (rendered
// compactly, see render()), or the construct it refuses. Also MergeSpec::resolved / describe.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "router/plan/merge_spec.h"
#include "router/sql/classifier.h"

namespace sg::plan {
namespace {

// "3" = column 3; "3w4p5" with weight columns; a trailing "d" = descending.
std::string renderKey(const MergeKey& k) {
  std::string s = std::to_string(k.column);
  if (k.weight) s += "w" + std::to_string(*k.weight);
  if (k.padWeight) s += "p" + std::to_string(*k.padWeight);
  if (k.descending) s += "d";
  return s;
}

std::string renderKeys(const std::vector<MergeKey>& keys) {
  std::string s;
  for (const MergeKey& k : keys) {
    if (!s.empty()) s += ',';
    s += renderKey(k);
  }
  return s;
}

// "-" plain, "count", "sum", "min(key)", "avg(sS,cC)", "count(distinct key)"; "h" prefix: hidden.
std::string renderColumn(const MergeColumn& c) {
  static const char* kNames[] = {"-", "count", "sum", "min", "max", "avg"};
  std::string s = c.hidden ? "h" : "";
  s += kNames[static_cast<int>(c.aggregate)];
  if (c.distinct) {
    s += "(distinct " + renderKey(c.argumentKey) + ")";
  } else if (c.aggregate == Aggregate::kAvg) {
    s += "(s" + std::to_string(c.sumColumn) + ",c" + std::to_string(c.countColumn) + ")";
  } else if (c.aggregate == Aggregate::kMin || c.aggregate == Aggregate::kMax) {
    s += "(" + renderKey(c.minMaxKey) + ")";
  }
  return s;
}

std::string renderExpr(const MergeExpr& e) {
  using K = MergeExpr::Kind;
  auto children = [&](const char* name) {
    std::string s = std::string("(") + name;
    for (const MergeExpr& c : e.children) {
      s += ' ';
      s += renderExpr(c);
    }
    s += ')';
    return s;
  };
  switch (e.kind) {
    case K::kColumn:
      return "#" + std::to_string(e.column);
    case K::kNumber:
      return e.text;
    case K::kString:
      return "'" + e.text + "'";
    case K::kNull:
      return "NULL";
    case K::kParam:
      return "?" + std::to_string(e.param);
    case K::kCompare:
    case K::kArithmetic:
      return children(e.text.c_str());
    case K::kNegate:
      return children("neg");
    case K::kAnd:
      return children("and");
    case K::kOr:
      return children("or");
    case K::kXor:
      return children("xor");
    case K::kNot:
      return children("not");
    case K::kIsNull:
      return children("isnull");
    case K::kIsNotNull:
      return children("isnotnull");
    case K::kIsTrue:
      return children("istrue");
    case K::kIsNotTrue:
      return children("isnottrue");
    case K::kIsFalse:
      return children("isfalse");
    case K::kIsNotFalse:
      return children("isnotfalse");
    case K::kIn:
      return children("in");
    case K::kNotIn:
      return children("notin");
    case K::kBetween:
      return children("between");
    case K::kNotBetween:
      return children("notbetween");
  }
  return "?";
}

std::string renderLimit(const LimitValue& v) {
  if (v.literal) return std::to_string(*v.literal);
  if (v.param) return "?" + std::to_string(*v.param);
  return "";
}

std::string render(const MergeSpec& s) {
  std::string out = "cols=";
  for (size_t i = 0; i < s.columns.size(); ++i) {
    if (i) out += ',';
    out += renderColumn(s.columns[i]);
  }
  out += " vis=" + std::to_string(s.visibleColumns);
  if (s.wildcard) out += " wild@" + std::to_string(s.wildcardColumn);
  if (s.aggregate) out += " agg";
  if (!s.sortGroups) out += " nosort";
  if (s.distinct) out += " distinct";
  if (!s.groupBy.empty()) out += " group=" + renderKeys(s.groupBy);
  if (!s.distinctKeys.empty()) out += " dkeys=" + renderKeys(s.distinctKeys);
  if (!s.orderBy.empty()) out += " order=" + renderKeys(s.orderBy);
  if (s.having) out += " having=" + renderExpr(*s.having);
  if (s.offset.present()) out += " offset=" + renderLimit(s.offset);
  if (s.limit.present()) out += " limit=" + renderLimit(s.limit);
  if (!s.params.empty()) {
    out += " params=";
    for (size_t i = 0; i < s.params.size(); ++i) {
      if (i) out += ',';
      out += std::to_string(s.params[i]);
    }
  }
  return out;
}

MergeAnalysis analyze(const std::string& sql) { return analyzeMerge(sql::classify(sql), sql); }

struct Case {
  std::string sql;
  std::string pushed;  // "=": unchanged
  std::string spec;    // render()
};

void runCases(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    MergeAnalysis a = analyze(c.sql);
    if (!a.spec) {
      ADD_FAILURE() << c.sql << "\n  refused: " << a.unsupported;
      continue;
    }
    EXPECT_EQ(a.spec->sql, c.pushed == "=" ? c.sql : c.pushed) << c.sql;
    EXPECT_EQ(render(*a.spec), c.spec) << c.sql;
  }
}

const std::string kW = "WEIGHT_STRING(";
// The pair of hidden weight columns of `e`, as the rewrite appends them.
std::string weights(const std::string& e) {
  return ", WEIGHT_STRING(" + e + "), WEIGHT_STRING(CONCAT(LEFT(" + e + ",0),' '))";
}

TEST(MergeAnalysis, Concatenation) {
  runCases({
      {"SELECT id, name FROM users", "=", "cols=-,- vis=2"},
      {"SELECT * FROM users", "=", "cols= vis=0 wild@0"},
      {"SELECT * FROM users WHERE id > ? AND name = ?", "=", "cols= vis=0 wild@0 params=0,1"},
      {"SELECT id FROM users ORDER BY NULL", "=", "cols=- vis=1"},
      {"SELECT a FROM t HAVING a > 1", "=", "cols=- vis=1"},  // no grouping: a row filter
      {"SELECT /* shardgate: master */ a, b AS c FROM t FOR UPDATE", "=", "cols=-,- vis=2"},
  });
}

TEST(MergeAnalysis, OrderedMerge) {
  runCases({
      {"SELECT id, name FROM users ORDER BY id",
       "SELECT id, name" + weights("id") + " FROM users ORDER BY id",
       "cols=-,-,h-,h- vis=2 order=0w2p3"},
      {"SELECT id, name FROM users ORDER BY 2 DESC",
       "SELECT id, name" + weights("name") + " FROM users ORDER BY 2 DESC",
       "cols=-,-,h-,h- vis=2 order=1w2p3d"},
      {"SELECT id AS i, name FROM users ORDER BY i DESC, name",
       "SELECT id AS i, name" + weights("id") + weights("name") +
           " FROM users ORDER BY i DESC, name",
       "cols=-,-,h-,h-,h-,h- vis=2 order=0w2p3d,1w4p5"},
      {"SELECT id FROM users ORDER BY created_at",
       "SELECT id, created_at" + weights("created_at") + " FROM users ORDER BY created_at",
       "cols=-,h-,h-,h- vis=1 order=1w2p3"},
      {"SELECT id FROM users ORDER BY id + 1", "SELECT id, id + 1 FROM users ORDER BY id + 1",
       "cols=-,h- vis=1 order=1"},
      {"SELECT id FROM users ORDER BY -id DESC", "SELECT id, -id FROM users ORDER BY -id DESC",
       "cols=-,h- vis=1 order=1d"},
      {"SELECT name AS \"Full Name\", id FROM t ORDER BY `Full Name`",
       "SELECT name AS \"Full Name\", id" + weights("name") + " FROM t ORDER BY `Full Name`",
       "cols=-,-,h-,h- vis=2 order=0w2p3"},
      {"SELECT LOWER( name ) FROM t ORDER BY lower(name)",
       "SELECT LOWER( name )" + weights("LOWER( name )") + " FROM t ORDER BY lower(name)",
       "cols=-,h-,h- vis=1 order=0w1p2"},
      {"SELECT `a` FROM t ORDER BY A", "SELECT `a`" + weights("`a`") + " FROM t ORDER BY A",
       "cols=-,h-,h- vis=1 order=0w1p2"},
      {"SELECT CASE WHEN a THEN 1 ELSE 2 END FROM t ORDER BY 1",
       "SELECT CASE WHEN a THEN 1 ELSE 2 END" + weights("CASE WHEN a THEN 1 ELSE 2 END") +
           " FROM t ORDER BY 1",
       "cols=-,h-,h- vis=1 order=0w1p2"},
      {"SELECT d + INTERVAL 1 DAY FROM t ORDER BY d + INTERVAL 1 DAY",
       "SELECT d + INTERVAL 1 DAY" + weights("d + INTERVAL 1 DAY") +
           " FROM t ORDER BY d + INTERVAL 1 DAY",
       "cols=-,h-,h- vis=1 order=0w1p2"},
      {"SELECT price * qty total FROM t ORDER BY total", "=", "cols=- vis=1 order=0"},
      {"SELECT a FROM t USE INDEX FOR ORDER BY (i) ORDER BY a",
       "SELECT a" + weights("a") + " FROM t USE INDEX FOR ORDER BY (i) ORDER BY a",
       "cols=-,h-,h- vis=1 order=0w1p2"},
      {"SELECT a FROM t WHERE x = 'ORDER BY b' ORDER BY a;",
       "SELECT a" + weights("a") + " FROM t WHERE x = 'ORDER BY b' ORDER BY a;",
       "cols=-,h-,h- vis=1 order=0w1p2"},
      {"(SELECT a FROM t ORDER BY a LIMIT 2)",
       "(SELECT a" + weights("a") + " FROM t ORDER BY a LIMIT 2)",
       "cols=-,h-,h- vis=1 order=0w1p2 limit=2"},
  });
}

TEST(MergeAnalysis, StreamingLimit) {
  runCases({
      {"SELECT id FROM users LIMIT 10", "=", "cols=- vis=1 limit=10"},
      {"SELECT id FROM users ORDER BY id LIMIT 10",
       "SELECT id" + weights("id") + " FROM users ORDER BY id LIMIT 10",
       "cols=-,h-,h- vis=1 order=0w1p2 limit=10"},
      {"SELECT id FROM users ORDER BY 1 LIMIT 5, 10",
       "SELECT id" + weights("id") + " FROM users ORDER BY 1 LIMIT 15",
       "cols=-,h-,h- vis=1 order=0w1p2 offset=5 limit=10"},
      {"SELECT id + 0 FROM users ORDER BY 1 LIMIT 10 OFFSET 5",
       "SELECT id + 0 FROM users ORDER BY 1 LIMIT 15", "cols=- vis=1 order=0 offset=5 limit=10"},
      {"SELECT id FROM users LIMIT 0, 3", "SELECT id FROM users LIMIT 3",
       "cols=- vis=1 offset=0 limit=3"},
      {"SELECT id FROM users LIMIT 18446744073709551615 OFFSET 5",
       "SELECT id FROM users LIMIT 18446744073709551615",
       "cols=- vis=1 offset=5 limit=18446744073709551615"},
      {"SELECT id + 0 FROM users WHERE a = ? ORDER BY 1 LIMIT ?", "=",
       "cols=- vis=1 order=0 limit=?1 params=0,1"},
      {"SELECT id + 0 FROM users ORDER BY 1 LIMIT ?, ?", "SELECT id + 0 FROM users ORDER BY 1",
       "cols=- vis=1 order=0 offset=?0 limit=?1"},
      {"SELECT id FROM users WHERE b = ? LIMIT ? OFFSET 5", "SELECT id FROM users WHERE b = ?",
       "cols=- vis=1 offset=5 limit=?1 params=0"},
      {"SELECT id FROM users LIMIT 3 OFFSET ?", "SELECT id FROM users",
       "cols=- vis=1 offset=?0 limit=3"},
      {"SELECT id FROM users ORDER BY name = ?",
       "SELECT id, name = ?" + weights("name = ?") + " FROM users ORDER BY name = ?",
       "cols=-,h-,h-,h- vis=1 order=1w2p3 params=0,0,0,0"},
      {"SELECT /* shardgate: master */ id FROM users /* c */ ORDER BY id LIMIT 3, 4 -- tail",
       "SELECT /* shardgate: master */ id" + weights("id") +
           " FROM users /* c */ ORDER BY id LIMIT 7 -- tail",
       "cols=-,h-,h- vis=1 order=0w1p2 offset=3 limit=4"},
      {"SELECT id FROM users ORDER BY id LIMIT 2 FOR UPDATE",
       "SELECT id" + weights("id") + " FROM users ORDER BY id LIMIT 2 FOR UPDATE",
       "cols=-,h-,h- vis=1 order=0w1p2 limit=2"},
      {"SELECT id FROM users ORDER BY id LIMIT 1, 1 LOCK IN SHARE MODE",
       "SELECT id" + weights("id") + " FROM users ORDER BY id LIMIT 2 LOCK IN SHARE MODE",
       "cols=-,h-,h- vis=1 order=0w1p2 offset=1 limit=1"},
      {"SELECT a FROM t /*!40000 ORDER BY a LIMIT 1, 2 */",
       "SELECT a" + weights("a") + " FROM t /*!40000 ORDER BY a LIMIT 3 */",
       "cols=-,h-,h- vis=1 order=0w1p2 offset=1 limit=2"},
  });
}

TEST(MergeAnalysis, Wildcards) {
  runCases({
      {"SELECT * FROM users ORDER BY name",
       "SELECT *, name" + weights("name") + " FROM users ORDER BY name",
       "cols=h-,h-,h- vis=0 wild@0 order=0w1p2"},
      {"SELECT u.*, o.total FROM users u JOIN orders o ON u.id = o.uid ORDER BY o.total DESC",
       "SELECT u.*, o.total, o.total" + weights("o.total") +
           " FROM users u JOIN orders o ON u.id = o.uid ORDER BY o.total DESC",
       "cols=-,h-,h-,h- vis=1 wild@0 order=1w2p3d"},
      {"SELECT id, t.* FROM t ORDER BY 1 LIMIT 3",
       "SELECT id, t.*" + weights("id") + " FROM t ORDER BY 1 LIMIT 3",
       "cols=-,h-,h- vis=1 wild@1 order=0w1p2 limit=3"},
      {"SELECT * FROM t LIMIT 5", "=", "cols= vis=0 wild@0 limit=5"},
  });
}

TEST(MergeAnalysis, Aggregates) {
  runCases({
      {"SELECT COUNT(*) FROM users", "=", "cols=count vis=1 agg"},
      {"SELECT count (*) FROM users", "=", "cols=count vis=1 agg"},
      {"SELECT COUNT(*) AS n, SUM(x), MIN(x), MAX(name) FROM t",
       "SELECT COUNT(*) AS n, SUM(x), MIN(x), MAX(name)" + weights("MIN(x)") +
           weights("MAX(name)") + " FROM t",
       "cols=count,sum,min(2w4p5),max(3w6p7),h-,h-,h-,h- vis=4 agg"},
      {"SELECT MIN(id * 2) FROM t", "=", "cols=min(0) vis=1 agg"},
      {"SELECT MIN(DISTINCT a) FROM t",
       "SELECT MIN(DISTINCT a)" + weights("MIN(DISTINCT a)") + " FROM t",
       "cols=min(0w1p2),h-,h- vis=1 agg"},
      {"SELECT AVG(price) FROM items", "SELECT AVG(price), SUM(price), COUNT(price) FROM items",
       "cols=avg(s1,c2),hsum,hcount vis=1 agg"},
      {"SELECT AVG(a), avg(a) FROM t", "SELECT AVG(a), avg(a), SUM(a), COUNT(a) FROM t",
       "cols=avg(s2,c3),avg(s2,c3),hsum,hcount vis=2 agg"},
      {"SELECT COUNT(DISTINCT uid) FROM orders",
       "SELECT COUNT(DISTINCT uid), uid" + weights("uid") + " FROM orders GROUP BY uid",
       "cols=count(distinct 1w2p3),h-,h-,h- vis=1 agg"},
      {"SELECT COUNT(DISTINCT id + 0) FROM t",
       "SELECT COUNT(DISTINCT id + 0), id + 0 FROM t GROUP BY id + 0",
       "cols=count(distinct 1),h- vis=1 agg"},
      {"SELECT AVG(DISTINCT 2 * a), SUM(ALL a) FROM t",
       "SELECT AVG(DISTINCT 2 * a), SUM(ALL a), 2 * a FROM t GROUP BY 2 * a",
       "cols=avg(distinct 2),sum,h- vis=2 agg"},
      {"SELECT COUNT(DISTINCT a) FROM t WHERE b > 0 ORDER BY 1 LIMIT 1",
       "SELECT COUNT(DISTINCT a), a" + weights("a") + " FROM t WHERE b > 0 GROUP BY a",
       "cols=count(distinct 1w2p3),h-,h-,h- vis=1 agg order=0 limit=1"},
      {"SELECT COUNT(*) FROM t HAVING COUNT(*) > 5", "SELECT COUNT(*) FROM t",
       "cols=count vis=1 agg having=(> #0 5)"},
      {"SELECT a FROM t ORDER BY MAX(b)", "SELECT a, MAX(b)" + weights("MAX(b)") + " FROM t",
       "cols=-,hmax(1w2p3),h-,h- vis=1 agg order=1w2p3"},
  });
}

TEST(MergeAnalysis, GroupBy) {
  runCases({
      {"SELECT a, COUNT(*) FROM t GROUP BY a",
       "SELECT a, COUNT(*)" + weights("a") + " FROM t GROUP BY a",
       "cols=-,count,h-,h- vis=2 agg group=0w2p3"},
      {"SELECT a, SUM(DISTINCT b) FROM t WHERE c = 1 GROUP BY a ORDER BY a LIMIT 3",
       "SELECT a, SUM(DISTINCT b), b" + weights("b") + weights("a") +
           " FROM t WHERE c = 1 GROUP BY a, b",
       "cols=-,sum(distinct 2w3p4),h-,h-,h-,h-,h- vis=2 agg group=0w5p6 order=0w5p6 limit=3"},
      {"SELECT a, AVG(b) FROM t GROUP BY a ORDER BY AVG(b) DESC",
       "SELECT a, AVG(b), SUM(b), COUNT(b)" + weights("a") + " FROM t GROUP BY a",
       "cols=-,avg(s2,c3),hsum,hcount,h-,h- vis=2 agg group=0w4p5 order=1d"},
      {"SELECT a FROM t GROUP BY a ORDER BY COUNT(*) DESC, a",
       "SELECT a" + weights("a") + ", COUNT(*) FROM t GROUP BY a",
       "cols=-,h-,h-,hcount vis=1 agg group=0w1p2 order=3d,0w1p2"},
      {"SELECT a FROM t GROUP BY a ORDER BY NULL", "SELECT a" + weights("a") + " FROM t GROUP BY a",
       "cols=-,h-,h- vis=1 agg nosort group=0w1p2"},
      {"SELECT a, b, COUNT(*) FROM t GROUP BY a DESC, 2",
       "SELECT a, b, COUNT(*)" + weights("a") + weights("b") + " FROM t GROUP BY a DESC, 2",
       "cols=-,-,count,h-,h-,h-,h- vis=3 agg group=0w3p4d,1w5p6"},
      {"SELECT LOWER(name) AS n, COUNT(*) FROM t GROUP BY n",
       "SELECT LOWER(name) AS n, COUNT(*)" + weights("LOWER(name)") + " FROM t GROUP BY n",
       "cols=-,count,h-,h- vis=2 agg group=0w2p3"},
      {"SELECT COUNT(*) FROM t GROUP BY region",
       "SELECT COUNT(*), region" + weights("region") + " FROM t GROUP BY region",
       "cols=count,h-,h-,h- vis=1 agg group=1w2p3"},
      {"SELECT COUNT(*) cnt, region r FROM t GROUP BY r ORDER BY cnt DESC",
       "SELECT COUNT(*) cnt, region r" + weights("region") + " FROM t GROUP BY r",
       "cols=count,-,h-,h- vis=2 agg group=1w2p3 order=0d"},
      {"SELECT a, MIN(b) AS lo FROM t GROUP BY a ORDER BY lo",
       "SELECT a, MIN(b) AS lo" + weights("MIN(b)") + weights("a") + " FROM t GROUP BY a",
       "cols=-,min(1w2p3),h-,h-,h-,h- vis=2 agg group=0w4p5 order=1w2p3"},
      {"SELECT a, COUNT(*) FROM t GROUP BY a LIMIT 5 FOR UPDATE",
       "SELECT a, COUNT(*)" + weights("a") + " FROM t GROUP BY a FOR UPDATE",
       "cols=-,count,h-,h- vis=2 agg group=0w2p3 limit=5"},
      {"SELECT COUNT(*) FROM t ORDER BY -- why\n 1", "SELECT COUNT(*) FROM t -- why\n",
       "cols=count vis=1 agg order=0"},
      {"SELECT COUNT(*) FROM t /* keep */ ORDER BY 1 /* me */ LIMIT 1",
       "SELECT COUNT(*) FROM t /* keep */ /* me */", "cols=count vis=1 agg order=0 limit=1"},
      {"SELECT a + 1, COUNT(*) FROM t GROUP BY a + 1 LIMIT ?, ?",
       "SELECT a + 1, COUNT(*) FROM t GROUP BY a + 1",
       "cols=-,count vis=2 agg group=0 offset=?0 limit=?1"},
  });
}

TEST(MergeAnalysis, Having) {
  runCases({
      {"SELECT a, COUNT(*) c FROM t GROUP BY a HAVING c > 1 ORDER BY c DESC LIMIT 10",
       "SELECT a, COUNT(*) c" + weights("a") + " FROM t GROUP BY a",
       "cols=-,count,h-,h- vis=2 agg group=0w2p3 order=1d having=(> #1 1) limit=10"},
      {"SELECT a FROM t GROUP BY a HAVING SUM(b) > 10 AND MAX(d) < 'x'",
       "SELECT a" + weights("a") + ", SUM(b), MAX(d)" + weights("MAX(d)") + " FROM t GROUP BY a",
       "cols=-,h-,h-,hsum,hmax(4w5p6),h-,h- vis=1 agg group=0w1p2 "
       "having=(and (> #3 10) (< #4 'x'))"},
      {"SELECT COUNT(x) AS k, k2 FROM t GROUP BY k HAVING k > 0",
       "SELECT COUNT(x) AS k, k2, k" + weights("k") + " FROM t GROUP BY k",
       "cols=count,-,h-,h-,h- vis=2 agg group=2w3p4 having=(> #2 0)"},
      {"SELECT a, COUNT(*) FROM t WHERE b = ? GROUP BY a HAVING COUNT(*) > ? LIMIT ?",
       "SELECT a, COUNT(*)" + weights("a") + " FROM t WHERE b = ? GROUP BY a",
       "cols=-,count,h-,h- vis=2 agg group=0w2p3 having=(> #1 ?1) limit=?2 params=0"},
      {"SELECT a, SUM(b) s FROM t GROUP BY a "
       "HAVING NOT (s BETWEEN 1 AND 10) OR a IN ('x', 'y') XOR s IS NULL",
       "SELECT a, SUM(b) s" + weights("a") + " FROM t GROUP BY a",
       "cols=-,sum,h-,h- vis=2 agg group=0w2p3 having=(or (not (between #1 1 10)) "
       "(xor (in #0 'x' 'y') (isnull #1)))"},
      {"SELECT a + 0, SUM(b) s FROM t GROUP BY 1 HAVING s - 2 * 3 >= -1 && s % 2 = 0",
       "SELECT a + 0, SUM(b) s FROM t GROUP BY 1",
       "cols=-,sum vis=2 agg group=0 having=(and (>= (- #1 (* 2 3)) -1) (= (% #1 2) 0))"},
      {"SELECT SUM(b) s FROM t HAVING (s > 1) IS NOT TRUE OR s NOT IN (1, 2) OR s NOT BETWEEN 3 "
       "AND 4 OR s <=> NULL OR s != 5 OR s DIV 2 = 1 OR s MOD 3 IS FALSE",
       "SELECT SUM(b) s FROM t",
       "cols=sum vis=1 agg having=(or (or (or (or (or (or (isnottrue (> #0 1)) (notin #0 1 2)) "
       "(notbetween #0 3 4)) (<=> #0 NULL)) (<> #0 5)) (= (DIV #0 2) 1)) (isfalse (% #0 3)))"},
      {"SELECT SUM(b) s FROM t HAVING -s < 0 AND !(s > 1) AND s IS NOT NULL AND TRUE",
       "SELECT SUM(b) s FROM t",
       "cols=sum vis=1 agg having=(and (and (and (< (neg #0) 0) (not (> #0 1))) (isnotnull #0)) "
       "1)"},
      {"SELECT a, COUNT(*) FROM t GROUP BY a HAVING b > 1",
       "SELECT a, COUNT(*)" + weights("a") + ", b FROM t GROUP BY a",
       "cols=-,count,h-,h-,h- vis=2 agg group=0w2p3 having=(> #4 1)"},
      {"SELECT t.a, COUNT(*) FROM t GROUP BY t.a HAVING t.a <> 'it''s' AND `t`.`a` = N'x' 'y'",
       "SELECT t.a, COUNT(*)" + weights("t.a") + " FROM t GROUP BY t.a",
       "cols=-,count,h-,h- vis=2 agg group=0w2p3 having=(and (<> #0 'it's') (= #0 'xy'))"},
      {"SELECT a, COUNT(*) FROM t GROUP BY a HAVING COUNT(DISTINCT b) > 1",
       "SELECT a, COUNT(*)" + weights("a") + ", COUNT(DISTINCT b), b" + weights("b") +
           " FROM t GROUP BY a, b",
       "cols=-,count,h-,h-,hcount(distinct 5w6p7),h-,h-,h- vis=2 agg group=0w2p3 "
       "having=(> #4 1)"},
      {"SELECT a, COUNT(*) FROM t GROUP BY a HAVING AVG(b) BETWEEN 1 AND 2 AND a = 1",
       "SELECT a, COUNT(*)" + weights("a") + ", AVG(b), SUM(b), COUNT(b) FROM t GROUP BY a",
       "cols=-,count,h-,h-,havg(s5,c6),hsum,hcount vis=2 agg group=0w2p3 "
       "having=(and (between #4 1 2) (= #0 1))"},
  });
}

TEST(MergeAnalysis, AliasesAndMatching) {
  runCases({
      // Not aliases: IS UNKNOWN, COLLATE x, DATE literal, BINARY x, a.b.
      {"SELECT a IS UNKNOWN FROM t ORDER BY a IS UNKNOWN",
       "SELECT a IS UNKNOWN" + weights("a IS UNKNOWN") + " FROM t ORDER BY a IS UNKNOWN",
       "cols=-,h-,h- vis=1 order=0w1p2"},
      {"SELECT name COLLATE utf8mb4_bin FROM t ORDER BY 1",
       "SELECT name COLLATE utf8mb4_bin" + weights("name COLLATE utf8mb4_bin") +
           " FROM t ORDER BY 1",
       "cols=-,h-,h- vis=1 order=0w1p2"},
      {"SELECT DATE '2020-01-01', BINARY b FROM t ORDER BY 2",
       "SELECT DATE '2020-01-01', BINARY b" + weights("BINARY b") + " FROM t ORDER BY 2",
       "cols=-,-,h-,h- vis=2 order=1w2p3"},
      // An alias is matched case-insensitively, before a column of the same name (ORDER BY).
      {"SELECT b AS A, a FROM t ORDER BY a",
       "SELECT b AS A, a" + weights("b") + " FROM t ORDER BY a",
       "cols=-,-,h-,h- vis=2 order=0w2p3"},
      // A string is not an alias in ORDER BY: a constant, copied.
      {"SELECT a 'x' FROM t ORDER BY 'x'",
       "SELECT a 'x', 'x'" + weights("'x'") + " FROM t ORDER BY 'x'",
       "cols=-,h-,h-,h- vis=1 order=1w2p3"},
      // Identical text ignores case, quoting, spacing and comments; qualifiers matter.
      {"SELECT T.A FROM t ORDER BY `t` . /* c */ `a`",
       "SELECT T.A" + weights("T.A") + " FROM t ORDER BY `t` . /* c */ `a`",
       "cols=-,h-,h- vis=1 order=0w1p2"},
      {"SELECT t.a FROM t ORDER BY a", "SELECT t.a, a" + weights("a") + " FROM t ORDER BY a",
       "cols=-,h-,h-,h- vis=1 order=1w2p3"},
      // Placeholders are never identical to each other.
      {"SELECT a + ?, COUNT(*) FROM t GROUP BY a + ?",
       "SELECT a + ?, COUNT(*), a + ? FROM t GROUP BY a + ?",
       "cols=-,count,h- vis=2 agg group=2 params=0,1,1"},
      {"SELECT a, COUNT(*) FROM t GROUP BY a ORDER BY b",
       "SELECT a, COUNT(*)" + weights("a") + ", b" + weights("b") + " FROM t GROUP BY a",
       "cols=-,count,h-,h-,h-,h-,h- vis=2 agg group=0w2p3 order=4w5p6"},
      {"SELECT COUNT(DISTINCT a) FROM t HAVING COUNT(DISTINCT a) > 1",
       "SELECT COUNT(DISTINCT a), a" + weights("a") + " FROM t GROUP BY a",
       "cols=count(distinct 1w2p3),h-,h-,h- vis=1 agg having=(> #0 1)"},
      {"SELECT a, COUNT(DISTINCT a) FROM t GROUP BY a",
       "SELECT a, COUNT(DISTINCT a), a" + weights("a") + " FROM t GROUP BY a",
       "cols=-,count(distinct 2w3p4),h-,h-,h- vis=2 agg group=0w3p4"},
      {"SELECT SUM(a) FROM t HAVING NOT SUM(a) = 1 = 0", "SELECT SUM(a) FROM t",
       "cols=sum vis=1 agg having=(not (= (= #0 1) 0))"},
  });
}

TEST(MergeAnalysis, Distinct) {
  runCases({
      {"SELECT DISTINCT a, b FROM t",
       "SELECT DISTINCT a, b" + weights("a") + weights("b") + " FROM t",
       "cols=-,-,h-,h-,h-,h- vis=2 distinct dkeys=0w2p3,1w4p5"},
      {"SELECT DISTINCT a FROM t ORDER BY a DESC LIMIT 2, 3",
       "SELECT DISTINCT a" + weights("a") + " FROM t ORDER BY a DESC LIMIT 5",
       "cols=-,h-,h- vis=1 distinct dkeys=0w1p2 order=0w1p2d offset=2 limit=3"},
      {"SELECT DISTINCT id + 1 AS x FROM t ORDER BY x", "=",
       "cols=- vis=1 distinct dkeys=0 order=0"},
      {"SELECT DISTINCT a, COUNT(*) FROM t GROUP BY a",
       "SELECT DISTINCT a, COUNT(*)" + weights("a") + " FROM t GROUP BY a",
       "cols=-,count,h-,h- vis=2 agg distinct group=0w2p3 dkeys=0w2p3,1"},
      {"SELECT DISTINCTROW a FROM t LIMIT ?",
       "SELECT DISTINCTROW a" + weights("a") + " FROM t LIMIT ?",
       "cols=-,h-,h- vis=1 distinct dkeys=0w1p2 limit=?0 params=0"},
  });
}

struct Refusal {
  std::string sql;
  std::string unsupported;
};

TEST(MergeAnalysis, Refusals) {
  std::vector<Refusal> cases = {
      {"SELECT GROUP_CONCAT(name) FROM t", "GROUP_CONCAT"},
      {"SELECT a, STDDEV(b) FROM t GROUP BY a", "STDDEV"},
      {"SELECT BIT_OR(flags) FROM t", "BIT_OR"},
      {"SELECT JSON_ARRAYAGG(a) FROM t", "JSON_ARRAYAGG"},
      {"SELECT var_pop(a) FROM t", "VAR_POP"},
      {"SELECT a FROM t GROUP BY a HAVING GROUP_CONCAT(b) = 'x'", "GROUP_CONCAT"},
      {"SELECT a FROM t ORDER BY STD(b)", "STD"},
      {"SELECT SUM(a)+1 FROM t", "expression over aggregates: SUM(a)+1"},
      {"SELECT ROUND(AVG(x),2) FROM t", "expression over aggregates: ROUND(AVG(x),2)"},
      {"SELECT COUNT(*)*2 FROM t", "expression over aggregates: COUNT(*)*2"},
      {"SELECT a, COUNT(*) FROM t GROUP BY a ORDER BY COUNT(*) + 1",
       "expression over aggregates: COUNT(*) + 1"},
      {"SELECT COUNT(DISTINCT a, b) FROM t",
       "COUNT(DISTINCT) of several expressions: COUNT(DISTINCT a, b)"},
      {"SELECT a FROM t UNION SELECT a FROM u", "UNION"},
      {"SELECT a FROM t UNION ALL SELECT a FROM u ORDER BY a", "UNION"},
      {"(SELECT a FROM t) UNION (SELECT a FROM u)", "UNION"},
      {"SELECT a FROM t INTERSECT SELECT a FROM u", "INTERSECT"},
      {"SELECT a FROM t EXCEPT SELECT a FROM u", "EXCEPT"},
      {"SELECT a, ROW_NUMBER() OVER (ORDER BY a) FROM t", "window functions"},
      {"SELECT a, SUM(b) OVER w FROM t WINDOW w AS (PARTITION BY a)", "window functions"},
      {"SELECT a FROM t WHERE b IN (SELECT b FROM u)", "subquery"},
      {"SELECT a, (SELECT MAX(b) FROM u) FROM t", "subquery"},
      {"SELECT a, COUNT(*) FROM t GROUP BY a HAVING COUNT(*) > (SELECT 1)", "subquery"},
      {"SELECT x.a FROM (SELECT a FROM t) x", "derived table"},
      {"WITH x AS (SELECT a FROM t) SELECT a FROM x", "WITH (common table expressions)"},
      {"SELECT a INTO @v FROM t", "SELECT ... INTO"},
      {"SELECT a FROM t INTO OUTFILE '/tmp/x'", "SELECT ... INTO"},
      {"SELECT a, COUNT(*) FROM t GROUP BY a WITH ROLLUP", "WITH ROLLUP"},
      {"SELECT SQL_CALC_FOUND_ROWS a FROM t LIMIT 5", "SQL_CALC_FOUND_ROWS"},
      {"SELECT a FROM t ORDER BY RAND() LIMIT 1", "ORDER BY RAND()"},
      {"SELECT a FROM t ORDER BY rand(42)", "ORDER BY RAND()"},
      {"SELECT DISTINCT a FROM t ORDER BY b",
       "DISTINCT with ORDER BY key not in the select list: b"},
      {"SELECT DISTINCT a, COUNT(*) FROM t GROUP BY a ORDER BY SUM(c)",
       "DISTINCT with ORDER BY key not in the select list: SUM(c)"},
      {"SELECT *, COUNT(*) FROM t",
       "* in the select list of a grouped/DISTINCT cross-shard query; list the columns"},
      {"SELECT DISTINCT * FROM t",
       "* in the select list of a grouped/DISTINCT cross-shard query; list the columns"},
      {"SELECT t.* FROM t GROUP BY id",
       "* in the select list of a grouped/DISTINCT cross-shard query; list the columns"},
      {"SELECT * FROM t ORDER BY 1", "ORDER BY position 1 with * in the select list"},
      {"SELECT a FROM t ORDER BY 3", "ORDER BY position 3 (the select list has 1 expressions)"},
      {"SELECT COUNT(*) FROM t GROUP BY 1", "GROUP BY position 1 names an aggregate"},
      {"SELECT a FROM t GROUP BY COUNT(*)", "aggregate in GROUP BY: COUNT(*)"},
      {"SELECT a, COUNT(*) FROM t GROUP BY a HAVING a LIKE 'x%'", "HAVING with LIKE"},
      {"SELECT a, COUNT(*) FROM t GROUP BY a HAVING a NOT LIKE 'x%'", "HAVING with LIKE"},
      {"SELECT a, COUNT(*) FROM t GROUP BY a HAVING a REGEXP 'x'", "HAVING with REGEXP"},
      {"SELECT a, SUM(b) FROM t GROUP BY a HAVING ABS(SUM(b)) > 1", "HAVING with function ABS()"},
      {"SELECT a, SUM(b) FROM t GROUP BY a HAVING CASE WHEN a THEN 1 END", "HAVING with CASE"},
      {"SELECT a, SUM(b) FROM t GROUP BY a HAVING SUM(b) > @v", "HAVING with user variable @v"},
      {"SELECT a, SUM(b) FROM t GROUP BY a HAVING SUM(b) | 1", "HAVING with operator |"},
      {"SELECT a, SUM(b) FROM t GROUP BY a HAVING (a, 1) = (1, 1)", "HAVING with row constructor"},
      {"SELECT a, SUM(b) FROM t GROUP BY a HAVING a > DATE '2020-01-01'",
       "HAVING with DATE literal"},
      {"SELECT a, SUM(b) FROM t GROUP BY a HAVING a = X'41'", "HAVING with hex/bit literal X'41'"},
      {"SELECT a FROM t LIMIT @x", "LIMIT with @x"},
      {"SELECT a FROM t LIMIT 99999999999999999999", "LIMIT value out of range"},
      {"SELECT a FROM t LIMIT 10 ROWS EXAMINED 1000", "LIMIT ROWS EXAMINED"},
      {"SELECT a FROM t ORDER BY a OFFSET 5 ROWS FETCH FIRST 2 ROWS ONLY", "OFFSET ... FETCH"},
      {"SELECT a FROM t PROCEDURE ANALYSE()", "PROCEDURE"},
      {"(SELECT a FROM t) ORDER BY a", "parenthesised query expression"},
      {"SELECT COUNT(*) FROM t /*!40000 ORDER BY 1 */",
       "executable comment around a rewritten clause"},
      {"UPDATE t SET a = 1", "statement other than SELECT"},
  };
  for (const Refusal& c : cases) {
    MergeAnalysis a = analyze(c.sql);
    EXPECT_FALSE(a.spec) << c.sql << "\n  pushed: " << (a.spec ? a.spec->sql : "");
    EXPECT_EQ(a.unsupported, c.unsupported) << c.sql;
  }
}

TEST(MergeAnalysis, StatementWithoutTextIsJudgedByItsShape) {
  sql::Statement stmt;
  stmt.type = sql::StatementType::kSelect;
  MergeAnalysis a = analyzeMerge(stmt, "");
  ASSERT_TRUE(a.spec);
  EXPECT_EQ(a.spec->describe(), "results concatenated");
  stmt.shape.orderBy = true;
  EXPECT_EQ(analyzeMerge(stmt, " ").unsupported, "ORDER BY");
}

TEST(MergeAnalysis, NeverFailsOnTruncatedOrOddText) {
  const std::vector<std::string> texts = {
      "SELECT a, COUNT(DISTINCT b), AVG(c) x FROM t WHERE d = ? GROUP BY a DESC HAVING x > 1 "
      "AND MIN(e) BETWEEN 'a' AND 'z' OR NOT a IN (1, ?) ORDER BY 2, MAX(f) LIMIT ?, 5",
      "SELECT DISTINCT a, b FROM t ORDER BY a LIMIT 1 OFFSET 2 FOR UPDATE",
      "(SELECT t.*, x FROM t USE INDEX FOR GROUP BY (i) ORDER BY x DESC LIMIT 3)",
      "SELECT COUNT(*) FROM t /*!40000 GROUP BY a */ HAVING -(-COUNT(*)) >= - - 1 -- x\n",
  };
  for (const std::string& text : texts) {
    for (size_t n = 0; n <= text.size(); ++n) {
      std::string sql = text.substr(0, n);
      MergeAnalysis a = analyze(sql);
      EXPECT_NE(a.spec.has_value(), !a.unsupported.empty()) << sql;
    }
  }
}

TEST(MergeAnalysis, Describe) {
  EXPECT_EQ(analyze("SELECT a FROM t").spec->describe(), "results concatenated");
  EXPECT_EQ(analyze("SELECT a FROM t LIMIT 3").spec->describe(), "results concatenated");
  EXPECT_EQ(analyze("SELECT a FROM t ORDER BY a").spec->describe(), "sorted results merged");
  EXPECT_EQ(analyze("SELECT COUNT(*) FROM t").spec->describe(), "groups merged");
  EXPECT_EQ(analyze("SELECT DISTINCT a FROM t").spec->describe(), "distinct rows merged");
}

TEST(MergeAnalysis, ResolvedWildcard) {
  MergeAnalysis a = analyze("SELECT id, t.*, name FROM t ORDER BY name DESC LIMIT 4");
  ASSERT_TRUE(a.spec) << a.unsupported;
  EXPECT_EQ(render(*a.spec), "cols=-,-,h-,h-,h- vis=2 wild@1 order=2w3p4d limit=4");
  EXPECT_EQ(a.spec->sql,
            "SELECT id, t.*, name, name" + weights("name") + " FROM t ORDER BY name DESC LIMIT 4");
  std::optional<MergeSpec> r = a.spec->resolved(7);
  ASSERT_TRUE(r);
  EXPECT_EQ(render(*r), "cols=-,-,-,-,h-,h-,h- vis=4 order=4w5p6d limit=4");
  EXPECT_FALSE(r->wildcard);
  ASSERT_TRUE(r->resolved(7));
  EXPECT_EQ(render(*r->resolved(7)), render(*r));
  std::optional<MergeSpec> same = a.spec->resolved(5);  // the wildcard stood for no column
  ASSERT_TRUE(same);
  EXPECT_EQ(render(*same), "cols=-,-,h-,h-,h- vis=2 order=2w3p4d limit=4");
  EXPECT_FALSE(a.spec->resolved(4));
}

TEST(MergeAnalysis, ResolvedWithoutWildcard) {
  MergeAnalysis a = analyze("SELECT a, COUNT(*) FROM t GROUP BY a HAVING COUNT(*) > 1");
  ASSERT_TRUE(a.spec) << a.unsupported;
  ASSERT_TRUE(a.spec->resolved(4));
  EXPECT_EQ(render(*a.spec->resolved(4)), render(*a.spec));
  EXPECT_EQ(a.spec->resolved(4)->sql, a.spec->sql);
  EXPECT_FALSE(a.spec->resolved(3));
  EXPECT_FALSE(a.spec->resolved(5));
}

TEST(MergeAnalysis, ResolvedShiftsEveryReference) {
  // Hand-built: the analyzer never combines a wildcard with aggregates, but resolved() must shift
  // every kind of column reference past the wildcard.
  MergeSpec s;
  s.wildcard = true;
  s.wildcardColumn = 1;
  s.columns.resize(6);
  s.columns[0].aggregate = Aggregate::kAvg;
  s.columns[0].sumColumn = 1;
  s.columns[0].countColumn = 2;
  s.columns[1].aggregate = Aggregate::kMin;
  s.columns[1].minMaxKey = {1, 3, 4, false};
  s.columns[2].aggregate = Aggregate::kCount;
  s.columns[2].distinct = true;
  s.columns[2].argumentKey = {5, std::nullopt, std::nullopt, false};
  s.visibleColumns = 3;
  s.groupBy = {{0, 3, 4, true}};
  s.distinctKeys = {{2, std::nullopt, std::nullopt, false}};
  MergeExpr col;
  col.kind = MergeExpr::Kind::kColumn;
  col.column = 5;
  MergeExpr zero;
  zero.kind = MergeExpr::Kind::kNumber;
  zero.text = "0";
  MergeExpr cmp;
  cmp.kind = MergeExpr::Kind::kCompare;
  cmp.text = ">";
  cmp.children = {col, zero};
  s.having = cmp;
  std::optional<MergeSpec> r = s.resolved(8);
  ASSERT_TRUE(r);
  EXPECT_EQ(render(*r),
            "cols=avg(s3,c4),-,-,min(3w5p6),count(distinct 7),-,-,- vis=5 group=0w5p6d dkeys=4 "
            "having=(> #7 0)");
}

}  // namespace
}  // namespace sg::plan
