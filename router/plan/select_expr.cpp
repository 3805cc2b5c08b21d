// Token-level helpers of the merge analysis: normalised text for "identical expression" tests,
// expression text for hidden columns, numeric-ness, and aggregate function calls.

#include <algorithm>
#include <array>

#include "router/plan/select_items.h"

namespace sg::plan::merge {

using sql::Keyword;
using sql::Token;
using sql::TokenKind;

std::string lowered(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c | 0x20);
  }
  return out;
}

std::string uppered(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c & ~0x20);
  }
  return out;
}

size_t matchingParen(const std::vector<Token>& tokens, size_t open, size_t end) {
  int depth = 0;
  for (size_t i = open; i < end; ++i) {
    if (tokens[i].isOp('(')) {
      ++depth;
    } else if (tokens[i].isOp(')')) {
      if (--depth == 0) return i;
    }
  }
  return end;
}

namespace {

constexpr std::array<std::string_view, 5> kMergeable = {"count", "sum", "avg", "min", "max"};
constexpr std::array<std::string_view, 16> kOtherAggregates = {
    "group_concat", "std",           "stddev",         "stddev_pop",      "stddev_samp",
    "variance",     "var_pop",       "var_samp",       "bit_and",         "bit_or",
    "bit_xor",      "json_arrayagg", "json_objectagg", "percentile_cont", "percentile_disc",
    "median"};

bool isAggregateName(std::string_view lower) {
  return std::find(kMergeable.begin(), kMergeable.end(), lower) != kMergeable.end() ||
         std::find(kOtherAggregates.begin(), kOtherAggregates.end(), lower) !=
             kOtherAggregates.end();
}

void appendNormalised(std::string& out, const Token& t, std::optional<uint32_t> param) {
  if (!out.empty()) out.push_back(' ');
  switch (t.kind) {
    case TokenKind::kWord:
      out += lowered(t.text);
      break;
    case TokenKind::kQuotedIdentifier:
      out += lowered(sql::tokenValue(t));
      break;
    case TokenKind::kPlaceholder:
      out += '?';
      out += std::to_string(param.value_or(t.param));
      break;
    default:
      out += t.text;
  }
}

}  // namespace

std::string normalised(const SelectBlock& b, Span s) {
  std::string out;
  for (size_t i = s.begin; i < s.end; ++i) appendNormalised(out, b.tokens[i], std::nullopt);
  return out;
}

std::string normalised(const Fragment& f) {
  sql::LexResult lexed = sql::lex(f.text);
  std::string out;
  size_t param = 0;
  for (const Token& t : lexed.tokens) {
    if (t.kind == TokenKind::kComment) continue;
    std::optional<uint32_t> p;
    if (t.kind == TokenKind::kPlaceholder && param < f.params.size()) p = f.params[param++];
    appendNormalised(out, t, p);
  }
  return out;
}

Fragment fragmentOf(const SelectBlock& b, Span s) {
  Fragment f;
  for (size_t i = s.begin; i < s.end; ++i) {
    const Token& t = b.tokens[i];
    if (i > s.begin && t.begin > b.tokens[i - 1].end) f.text.push_back(' ');
    f.text += t.text;
    if (t.kind == TokenKind::kPlaceholder) f.params.push_back(t.param);
  }
  return f;
}

bool isNumericExpr(const SelectBlock& b, Span s) {
  const std::vector<Token>& t = b.tokens;
  while (s.size() >= 2 && t[s.begin].isOp('(') && matchingParen(t, s.begin, s.end) == s.end - 1) {
    ++s.begin;
    --s.end;
  }
  if (s.empty()) return false;
  if (s.size() == 1) return t[s.begin].kind == TokenKind::kNumber;
  if (std::optional<AggregateCall> call = wholeAggregate(b, s)) {
    switch (call->kind) {
      case Aggregate::kCount:
      case Aggregate::kSum:
      case Aggregate::kAvg:
        return true;
      case Aggregate::kMin:
      case Aggregate::kMax:
        return isNumericExpr(b, call->argument);
      case Aggregate::kNone:
        return false;
    }
  }
  bool arithmetic = false;
  for (size_t i = s.begin; i < s.end; ++i) {
    const Token& k = t[i];
    if (k.isOp('(')) {
      i = matchingParen(t, i, s.end);
      continue;
    }
    if (k.is(Keyword::kCase) || k.is(Keyword::kInterval) || k.is(Keyword::kCollate)) return false;
    if (k.is(Keyword::kDiv) || k.is(Keyword::kMod)) arithmetic = true;
    if (k.kind == TokenKind::kOperator) {
      static constexpr std::array<std::string_view, 11> kOps = {"+", "-", "*",  "/",  "%", "&",
                                                                "|", "^", "<<", ">>", "~"};
      if (std::find(kOps.begin(), kOps.end(), k.text) != kOps.end()) arithmetic = true;
    }
  }
  return arithmetic;
}

bool isAggregateCallAt(const SelectBlock& b, size_t i, size_t end) {
  const Token& t = b.tokens[i];
  if (t.kind != TokenKind::kWord || i + 1 >= end || !b.tokens[i + 1].isOp('(')) return false;
  if (i > 0 && b.tokens[i - 1].isOp('.')) return false;
  return isAggregateName(lowered(t.text));
}

AggregateCall readAggregateCall(const SelectBlock& b, size_t nameAt, size_t end) {
  const std::vector<Token>& t = b.tokens;
  AggregateCall call;
  call.name = uppered(t[nameAt].text);
  std::string lower = lowered(t[nameAt].text);
  static constexpr std::array<Aggregate, 5> kKinds = {
      Aggregate::kCount, Aggregate::kSum, Aggregate::kAvg, Aggregate::kMin, Aggregate::kMax};
  for (size_t k = 0; k < kMergeable.size(); ++k) {
    if (kMergeable[k] == lower) call.kind = kKinds[k];
  }
  size_t close = matchingParen(t, nameAt + 1, end);
  call.call = {nameAt, std::min(close + 1, end)};
  call.argument = {nameAt + 2, close};
  if (call.argument.size() > 1 && t[call.argument.begin].is(Keyword::kDistinct)) {
    call.distinct = call.kind != Aggregate::kMin && call.kind != Aggregate::kMax;
    ++call.argument.begin;
  } else if (call.argument.size() > 1 && t[call.argument.begin].is(Keyword::kAll)) {
    ++call.argument.begin;
  }
  call.star = call.argument.size() == 1 && t[call.argument.begin].isOp('*');
  for (size_t i = call.argument.begin; i < call.argument.end; ++i) {
    if (t[i].isOp('(')) {
      i = matchingParen(t, i, call.argument.end);
    } else if (t[i].isOp(',')) {
      call.severalArguments = true;
    }
  }
  return call;
}

std::vector<AggregateCall> aggregateCalls(const SelectBlock& b, Span s) {
  std::vector<AggregateCall> calls;
  for (size_t i = s.begin; i < s.end; ++i) {
    if (isAggregateCallAt(b, i, s.end)) calls.push_back(readAggregateCall(b, i, s.end));
  }
  return calls;
}

std::optional<AggregateCall> wholeAggregate(const SelectBlock& b, Span s) {
  if (s.size() < 3 || !isAggregateCallAt(b, s.begin, s.end)) return std::nullopt;
  AggregateCall call = readAggregateCall(b, s.begin, s.end);
  if (call.call.end != s.end || !b.tokens[s.end - 1].isOp(')')) return std::nullopt;
  return call;
}

}  // namespace sg::plan::merge
