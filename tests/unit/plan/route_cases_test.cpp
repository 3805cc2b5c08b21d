// classify() + planStatement() end to end over route_cases.txt: SQL text in, the plan's JSON out
// (and the per-shard statements of split INSERTs), against the fixture map of plan_fixture.h.
// Set SG_UPDATE_ROUTE_CASES=1 to rewrite the file with the current plans, then review the diff.

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "router/sql/classifier.h"
#include "tests/unit/plan/plan_fixture.h"

namespace sg::plan::testing {
namespace {

const std::string kCasesFile = std::string(PLAN_TEST_DIR) + "/route_cases.txt";

struct RouteCase {
  size_t line = 0;
  std::vector<std::string> directives;  // "@..." lines before the SQL
  std::string sql;
  std::vector<std::string> expected;  // the JSON line, then "s0: <sql>" lines for split INSERTs
};

std::string trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t");
  size_t e = s.find_last_not_of(" \t\r");
  return b == std::string_view::npos ? "" : std::string(s.substr(b, e - b + 1));
}

// The file, as cases plus the comment/blank lines kept verbatim for rewriting.
struct CasesFile {
  std::vector<std::string> header;  // lines before each case ("" entries for blank lines)
  std::vector<std::vector<std::string>> leading;
  std::vector<RouteCase> cases;
};

CasesFile readCases() {
  CasesFile file;
  std::ifstream in(kCasesFile);
  EXPECT_TRUE(in.good()) << "cannot read " << kCasesFile;
  std::string line;
  size_t number = 0;
  std::vector<std::string> pending;  // comments/blank lines before the next case
  RouteCase current;
  bool inCase = false;
  auto finish = [&] {
    if (!inCase) return;
    file.cases.push_back(std::move(current));
    current = {};
    inCase = false;
  };
  while (std::getline(in, line)) {
    ++number;
    if (line.rfind("  ", 0) == 0 && inCase) {
      current.expected.push_back(trim(line));
      continue;
    }
    finish();
    if (line.empty() || line[0] == '#') {
      pending.push_back(line);
    } else if (line[0] == '@') {
      current.directives.push_back(trim(line));
    } else {
      file.leading.push_back(std::move(pending));
      pending.clear();
      current.line = number;
      current.sql = line;
      inCase = true;
    }
  }
  finish();
  file.header = std::move(pending);  // trailing lines
  return file;
}

sql::Value parseValue(const std::string& word) {
  if (word == "NULL") return Null();
  char* end = nullptr;
  errno = 0;
  long long v = std::strtoll(word.c_str(), &end, 10);
  if (!word.empty() && *end == '\0' && errno == 0) return I(v);
  return Other(word);
}

std::vector<std::string> actualFor(const RouteCase& c) {
  PlanContext ctx;
  std::vector<sql::Value> params;
  for (const std::string& d : c.directives) {
    std::istringstream words(d);
    std::string name;
    words >> name;
    if (name == "@transaction") {
      ctx.inTransaction = true;
      std::string shard;
      if (words >> shard) ctx.transactionShard = shard;
    } else if (name == "@params") {
      for (std::string w; words >> w;) params.push_back(parseValue(w));
      ctx.params = &params;
    } else if (name == "@scatter-writes") {
      ctx.allowScatterWrites = true;
    } else {
      ADD_FAILURE() << kCasesFile << ":" << c.line << ": unknown directive " << d;
    }
  }
  // "\n" in the file stands for a newline inside the statement.
  std::string sql;
  for (size_t i = 0; i < c.sql.size(); ++i) {
    if (c.sql.compare(i, 2, "\\n") == 0) {
      sql += '\n';
      ++i;
    } else {
      sql += c.sql[i];
    }
  }
  sql::Statement statement = sql::classify(sql);
  Plan plan = planStatement(statement, sql, fixtureMap(), ctx);
  std::vector<std::string> out = {plan.toJson()};
  if (plan.merge && plan.merge->sql != sql) out.push_back("each shard runs: " + plan.merge->sql);
  for (const ShardStatement& piece : plan.rewritten) {
    std::string text = piece.shard + ": " + piece.sql;
    if (!piece.params.empty()) {
      text += "  -- params";
      for (uint32_t p : piece.params) {
        text += ' ';
        text += std::to_string(p);
      }
    }
    out.push_back(text);
  }
  return out;
}

TEST(RouteCases, ClassifyAndPlan) {
  CasesFile file = readCases();
  EXPECT_GE(file.cases.size(), 150u);
  bool update = std::getenv("SG_UPDATE_ROUTE_CASES") != nullptr;
  std::ostringstream rewritten;
  for (size_t i = 0; i < file.cases.size(); ++i) {
    const RouteCase& c = file.cases[i];
    std::vector<std::string> actual = actualFor(c);
    if (!update) {
      EXPECT_EQ(actual, c.expected) << kCasesFile << ":" << c.line << ": " << c.sql;
    }
    for (const std::string& l : file.leading[i]) rewritten << l << "\n";
    for (const std::string& d : c.directives) rewritten << d << "\n";
    rewritten << c.sql << "\n";
    for (const std::string& a : actual) rewritten << "  " << a << "\n";
  }
  for (const std::string& l : file.header) rewritten << l << "\n";
  if (update) std::ofstream(kCasesFile) << rewritten.str();
}

}  // namespace
}  // namespace sg::plan::testing
