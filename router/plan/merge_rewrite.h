#pragma once
// Text edits of the pushed-down statement: insertions (hidden select items, GROUP BY keys),
// clause removals and replacements. Everything not edited keeps its original bytes (comments and
// hints included); comments inside a removed clause are kept too. The result carries, for each
// `?` left in the text, the client parameter it takes.

#include <cstdint>
#include <string>
#include <vector>

#include "router/plan/select_items.h"

namespace sg::plan::merge {

class SqlRewriter {
 public:
  explicit SqlRewriter(const SelectBlock& b) : b_(b) {}

  // Inserts `f` at byte offset `at` (after earlier insertions at the same offset).
  void insert(size_t at, Fragment f);
  // Removes a clause (the tokens of `s` and the blank before them).
  void removeClause(Span s);
  // Replaces the tokens of `s` with `f`.
  void replaceClause(Span s, Fragment f);

  // The rewritten statement. Sets error() instead when an edit would cut through an executable
  // comment (`/*! ... */`), whose markers are not tokens.
  Fragment result();
  const std::string& error() const { return error_; }

 private:
  struct Edit {
    size_t begin = 0;
    size_t end = 0;
    Fragment text;
  };
  void replace(size_t begin, size_t end, Fragment f);

  const SelectBlock& b_;
  std::vector<Edit> edits_;
  std::string error_;
};

}  // namespace sg::plan::merge
