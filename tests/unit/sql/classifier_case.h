#pragma once
// One row of the classifier tables: a SQL statement and what classify() must say about it, in
// the compact renderings of statement_text.h. The rows live in classifier_*_test.cpp; the
// robustness test replays every one of them truncated at every byte.

#include <gtest/gtest.h>

#include <ostream>
#include <vector>

#include "router/sql/classifier.h"
#include "tests/unit/sql/statement_text.h"

namespace sg::sql::test {

struct ClassifierCase {
  const char* sql;
  StatementType type;
  const char* tables;  // tablesText(): "db.t a, u"
  const char* where;   // toString(Predicate); "" for UNKNOWN
  const char* shape;   // shapeText(): "distinct orderBy limit(10)"
  const char* extra;   // extraText(): "multi params=2"
};

inline void PrintTo(const ClassifierCase& c, std::ostream* os) { *os << c.sql; }

inline void expectClassified(const ClassifierCase& c) {
  SCOPED_TRACE(c.sql);
  const Statement st = classify(c.sql);
  EXPECT_STREQ(toString(st.type), toString(c.type));
  EXPECT_EQ(tablesText(st), c.tables);
  EXPECT_EQ(toString(st.where), *c.where ? c.where : "UNKNOWN");
  EXPECT_EQ(shapeText(st.shape), c.shape);
  EXPECT_EQ(extraText(st), c.extra) << (st.error ? *st.error : "");
}

// The tables of the three classifier test files.
const std::vector<ClassifierCase>& selectCases();
const std::vector<ClassifierCase>& dmlCases();
const std::vector<ClassifierCase>& adminCases();

}  // namespace sg::sql::test
