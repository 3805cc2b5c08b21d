// The pushed-down statement's text edits, applied over the original text in one pass.

#include "router/plan/merge_rewrite.h"

#include <algorithm>

namespace sg::plan::merge {

using sql::Token;
using sql::TokenKind;

namespace {

bool isLineComment(const Token& t) {
  return t.kind == TokenKind::kComment && !t.text.empty() && t.text[0] != '/';
}

bool isBlank(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

}  // namespace

void SqlRewriter::insert(size_t at, Fragment f) { edits_.push_back({at, at, std::move(f)}); }

void SqlRewriter::removeClause(Span s) {
  if (s.empty()) return;
  size_t first = b_.allIndex[s.begin];
  size_t begin = b_.tokens[s.begin].begin;
  if (first > 0) {
    const Token& prev = b_.all[first - 1];
    begin = prev.end;
    // After a line comment, keep its newline.
    if (isLineComment(prev) && begin < b_.sql.size() && b_.sql[begin] == '\n') ++begin;
  }
  replace(begin, b_.tokens[s.end - 1].end, Fragment{});
}

void SqlRewriter::replaceClause(Span s, Fragment f) {
  if (s.empty()) return;
  replace(b_.tokens[s.begin].begin, b_.tokens[s.end - 1].end, std::move(f));
}

void SqlRewriter::replace(size_t begin, size_t end, Fragment f) {
  // Bytes of the range outside tokens must be blanks: anything else is an executable comment's
  // marker, which the edit would unbalance. Comments inside the range are kept.
  size_t pos = begin;
  for (const Token& t : b_.all) {
    if (t.end <= begin || t.begin >= end) continue;
    for (size_t i = pos; i < t.begin; ++i) {
      if (!isBlank(b_.sql[i])) error_ = "executable comment around a rewritten clause";
    }
    pos = std::max<size_t>(pos, t.end);
    if (t.kind == TokenKind::kComment && t.begin >= begin && t.end <= end) {
      f.text += ' ';
      f.text += t.text;
      if (isLineComment(t)) f.text += '\n';
    }
  }
  for (size_t i = pos; i < end; ++i) {
    if (!isBlank(b_.sql[i])) error_ = "executable comment around a rewritten clause";
  }
  edits_.push_back({begin, end, std::move(f)});
}

Fragment SqlRewriter::result() {
  std::stable_sort(edits_.begin(), edits_.end(), [](const Edit& a, const Edit& b) {
    if (a.begin != b.begin) return a.begin < b.begin;
    return (a.end == a.begin) && (b.end != b.begin);  // insertions before a removal there
  });
  Fragment out;
  size_t pos = 0;
  size_t next = 0;  // next token of b_.all to look at for placeholders
  auto keep = [&](size_t upTo) {
    out.text.append(b_.sql.substr(pos, upTo - pos));
    for (; next < b_.all.size() && b_.all[next].begin < upTo; ++next) {
      const Token& t = b_.all[next];
      if (t.kind == TokenKind::kPlaceholder && t.begin >= pos) out.params.push_back(t.param);
    }
    pos = upTo;
  };
  for (const Edit& e : edits_) {
    if (e.begin < pos) {
      error_ = "overlapping rewrite";
      return {};
    }
    keep(e.begin);
    out.text += e.text.text;
    out.params.insert(out.params.end(), e.text.params.begin(), e.text.params.end());
    pos = e.end;
  }
  keep(b_.sql.size());
  return out;
}

}  // namespace sg::plan::merge
