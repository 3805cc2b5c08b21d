// Recursive-descent reading of a HAVING condition, following MySQL's precedence (lowest first):
// OR ||, XOR, AND &&, NOT, comparisons / IS / IN / BETWEEN, + -, * / DIV % MOD, unary - + !.

#include "router/plan/having_parser.h"

#include <utility>

namespace sg::plan::merge {

using sql::Keyword;
using sql::Token;
using sql::TokenKind;
using Kind = MergeExpr::Kind;

namespace {

constexpr int kMaxDepth = 200;

class HavingParser {
 public:
  HavingParser(const SelectBlock& b, Span s, HavingResolver& r, std::string& error)
      : b_(b), pos_(s.begin), end_(s.end), resolver_(r), error_(error) {}

  std::optional<MergeExpr> parse() {
    std::optional<MergeExpr> e = orExpr();
    if (!e) return std::nullopt;
    if (pos_ < end_) return unexpected();
    return e;
  }

 private:
  using Opt = std::optional<MergeExpr>;

  // Tracks recursion depth for one nested call.
  struct Nest {
    explicit Nest(HavingParser& p) : p_(p) { ++p_.depth_; }
    ~Nest() { --p_.depth_; }
    Nest(const Nest&) = delete;
    Nest& operator=(const Nest&) = delete;
    HavingParser& p_;
  };

  const Token* peek(size_t ahead = 0) const {
    return pos_ + ahead < end_ ? &b_.tokens[pos_ + ahead] : nullptr;
  }
  bool atWord(Keyword k, size_t ahead = 0) const {
    const Token* t = peek(ahead);
    return t && t->is(k);
  }
  bool atOp(std::string_view op, size_t ahead = 0) const {
    const Token* t = peek(ahead);
    return t && t->isOp(op);
  }

  Opt fail(std::string message) {
    if (error_.empty()) error_ = std::move(message);
    return std::nullopt;
  }
  Opt unexpected() {
    const Token* t = peek();
    if (!t) return fail("HAVING with an incomplete expression");
    if (t->kind == TokenKind::kOperator)
      return fail("HAVING with operator " + std::string(t->text));
    if (t->kind == TokenKind::kWord) {
      if (wordIs(*t, "sounds")) return fail("HAVING with SOUNDS LIKE");
      if (t->is(Keyword::kMember)) return fail("HAVING with MEMBER OF");
      return fail("HAVING with " + uppered(t->text));
    }
    return fail("HAVING with " + std::string(t->text));
  }
  static bool wordIs(const Token& t, std::string_view lower) {
    return t.kind == TokenKind::kWord && lowered(t.text) == lower;
  }

  static MergeExpr node(Kind kind, std::string text = {}) {
    MergeExpr e;
    e.kind = kind;
    e.text = std::move(text);
    return e;
  }
  static MergeExpr binary(Kind kind, MergeExpr a, MergeExpr b, std::string text = {}) {
    MergeExpr e = node(kind, std::move(text));
    e.children.push_back(std::move(a));
    e.children.push_back(std::move(b));
    return e;
  }
  static MergeExpr unary(Kind kind, MergeExpr a) {
    MergeExpr e = node(kind);
    e.children.push_back(std::move(a));
    return e;
  }

  Opt orExpr() {
    Nest nest(*this);
    if (depth_ > kMaxDepth) return fail("HAVING nested too deeply");
    Opt left = xorExpr();
    while (left && (atWord(Keyword::kOr) || atOp("||"))) {
      ++pos_;
      Opt right = xorExpr();
      if (!right) return std::nullopt;
      left = binary(Kind::kOr, std::move(*left), std::move(*right));
    }
    return left;
  }

  Opt xorExpr() {
    Opt left = andExpr();
    while (left && atWord(Keyword::kXor)) {
      ++pos_;
      Opt right = andExpr();
      if (!right) return std::nullopt;
      left = binary(Kind::kXor, std::move(*left), std::move(*right));
    }
    return left;
  }

  Opt andExpr() {
    Opt left = notExpr();
    while (left && (atWord(Keyword::kAnd) || atOp("&&"))) {
      ++pos_;
      Opt right = notExpr();
      if (!right) return std::nullopt;
      left = binary(Kind::kAnd, std::move(*left), std::move(*right));
    }
    return left;
  }

  Opt notExpr() {
    if (atWord(Keyword::kNot)) {
      Nest nest(*this);
      if (depth_ > kMaxDepth) return fail("HAVING nested too deeply");
      ++pos_;
      Opt e = notExpr();
      if (!e) return std::nullopt;
      return unary(Kind::kNot, std::move(*e));
    }
    return comparison();
  }

  // predicate { IS [NOT] NULL|TRUE|FALSE|UNKNOWN | compare-op predicate }
  Opt comparison() {
    Opt left = predicate();
    while (left) {
      if (atWord(Keyword::kIs)) {
        ++pos_;
        bool negated = false;
        if (atWord(Keyword::kNot)) {
          negated = true;
          ++pos_;
        }
        Kind kind;
        if (atWord(Keyword::kNull) || atWord(Keyword::kUnknown)) {
          kind = negated ? Kind::kIsNotNull : Kind::kIsNull;
        } else if (atWord(Keyword::kTrue)) {
          kind = negated ? Kind::kIsNotTrue : Kind::kIsTrue;
        } else if (atWord(Keyword::kFalse)) {
          kind = negated ? Kind::kIsNotFalse : Kind::kIsFalse;
        } else {
          return unexpected();
        }
        ++pos_;
        left = unary(kind, std::move(*left));
        continue;
      }
      const Token* t = peek();
      if (!t || t->kind != TokenKind::kOperator) break;
      std::string op(t->text);
      if (op == "!=") op = "<>";
      if (op != "=" && op != "<>" && op != "<" && op != "<=" && op != ">" && op != ">=" &&
          op != "<=>") {
        break;
      }
      ++pos_;
      if (atWord(Keyword::kAny) || atWord(Keyword::kSome) || atWord(Keyword::kAll)) {
        return unexpected();
      }
      Opt right = predicate();
      if (!right) return std::nullopt;
      left = binary(Kind::kCompare, std::move(*left), std::move(*right), std::move(op));
    }
    return left;
  }

  // additive [ [NOT] IN (...) | [NOT] BETWEEN additive AND predicate ]
  Opt predicate() {
    Nest nest(*this);
    if (depth_ > kMaxDepth) return fail("HAVING nested too deeply");
    Opt left = additive();
    if (!left) return std::nullopt;
    bool negated = false;
    if (atWord(Keyword::kNot) &&
        (atWord(Keyword::kIn, 1) || atWord(Keyword::kBetween, 1) || atWord(Keyword::kLike, 1) ||
         atWord(Keyword::kRegexp, 1) || atWord(Keyword::kRlike, 1))) {
      negated = true;
      ++pos_;
    }
    if (atWord(Keyword::kIn)) {
      ++pos_;
      if (!atOp("(")) return unexpected();
      ++pos_;
      MergeExpr e = node(negated ? Kind::kNotIn : Kind::kIn);
      e.children.push_back(std::move(*left));
      for (;;) {
        Opt item = orExpr();
        if (!item) return std::nullopt;
        e.children.push_back(std::move(*item));
        if (atOp(",")) {
          ++pos_;
          continue;
        }
        if (!atOp(")")) return unexpected();
        ++pos_;
        return e;
      }
    }
    if (atWord(Keyword::kBetween)) {
      ++pos_;
      Opt low = additive();
      if (!low) return std::nullopt;
      if (!atWord(Keyword::kAnd)) return unexpected();
      ++pos_;
      Opt high = predicate();
      if (!high) return std::nullopt;
      MergeExpr e = node(negated ? Kind::kNotBetween : Kind::kBetween);
      e.children.push_back(std::move(*left));
      e.children.push_back(std::move(*low));
      e.children.push_back(std::move(*high));
      return e;
    }
    if (negated) return unexpected();  // NOT LIKE / NOT REGEXP
    return left;
  }

  Opt additive() {
    Opt left = multiplicative();
    while (left && (atOp("+") || atOp("-"))) {
      std::string op(peek()->text);
      ++pos_;
      Opt right = multiplicative();
      if (!right) return std::nullopt;
      left = binary(Kind::kArithmetic, std::move(*left), std::move(*right), std::move(op));
    }
    return left;
  }

  Opt multiplicative() {
    Opt left = signedTerm();
    while (left) {
      std::string op;
      if (atOp("*") || atOp("/") || atOp("%")) {
        op = std::string(peek()->text);
      } else if (atWord(Keyword::kDiv)) {
        op = "DIV";
      } else if (atWord(Keyword::kMod)) {
        op = "%";
      } else {
        break;
      }
      ++pos_;
      Opt right = signedTerm();
      if (!right) return std::nullopt;
      left = binary(Kind::kArithmetic, std::move(*left), std::move(*right), std::move(op));
    }
    return left;
  }

  Opt signedTerm() {
    Nest nest(*this);
    if (depth_ > kMaxDepth) return fail("HAVING nested too deeply");
    if (atOp("-")) {
      ++pos_;
      const Token* t = peek();
      if (t && t->kind == TokenKind::kNumber) {
        ++pos_;
        return node(Kind::kNumber, "-" + std::string(t->text));
      }
      Opt e = signedTerm();
      if (!e) return std::nullopt;
      return unary(Kind::kNegate, std::move(*e));
    }
    if (atOp("+")) {
      ++pos_;
      return signedTerm();
    }
    if (atOp("!")) {
      ++pos_;
      Opt e = signedTerm();
      if (!e) return std::nullopt;
      return unary(Kind::kNot, std::move(*e));
    }
    return primary();
  }

  Opt primary() {
    const Token* t = peek();
    if (!t) return unexpected();
    switch (t->kind) {
      case TokenKind::kNumber:
        ++pos_;
        return node(Kind::kNumber, std::string(t->text));
      case TokenKind::kString: {
        std::string value;
        while (peek() && peek()->kind == TokenKind::kString)
          value += sql::tokenValue(b_.tokens[pos_++]);
        return node(Kind::kString, std::move(value));
      }
      case TokenKind::kPlaceholder: {
        ++pos_;
        MergeExpr e = node(Kind::kParam);
        e.param = t->param;
        return e;
      }
      case TokenKind::kHexLiteral:
      case TokenKind::kBitLiteral:
        return fail("HAVING with hex/bit literal " + std::string(t->text));
      case TokenKind::kUserVariable:
        return fail("HAVING with user variable " + std::string(t->text));
      case TokenKind::kSystemVariable:
        return fail("HAVING with system variable " + std::string(t->text));
      case TokenKind::kQuotedIdentifier:
        return columnRef();
      case TokenKind::kOperator:
        if (t->isOp('(')) return parenthesised();
        return unexpected();
      case TokenKind::kWord:
        return word();
      default:
        return unexpected();
    }
  }

  Opt parenthesised() {
    ++pos_;
    if (atWord(Keyword::kSelect) || atWord(Keyword::kWith)) return fail("HAVING with subquery");
    Opt e = orExpr();
    if (!e) return std::nullopt;
    if (atOp(",")) return fail("HAVING with row constructor");
    if (!atOp(")")) return unexpected();
    ++pos_;
    return e;
  }

  Opt word() {
    const Token& t = *peek();
    if (t.is(Keyword::kNull)) {
      ++pos_;
      return node(Kind::kNull);
    }
    if (t.is(Keyword::kTrue) || t.is(Keyword::kFalse)) {
      ++pos_;
      return node(Kind::kNumber, t.is(Keyword::kTrue) ? "1" : "0");
    }
    if (isAggregateCallAt(b_, pos_, end_)) {
      AggregateCall call = readAggregateCall(b_, pos_, end_);
      if (call.kind == Aggregate::kNone) return fail(call.name);
      if (call.distinct && call.severalArguments) {
        return fail(call.name + "(DISTINCT) of several expressions");
      }
      if (call.call.end > end_ || !b_.tokens[call.call.end - 1].isOp(')')) return unexpected();
      std::optional<size_t> column = resolver_.aggregate(call, error_);
      if (!column) return std::nullopt;
      pos_ = call.call.end;
      MergeExpr e = node(Kind::kColumn);
      e.column = *column;
      return e;
    }
    if (atOp("(", 1)) return fail("HAVING with function " + uppered(t.text) + "()");
    const Token* next = peek(1);
    if (next && next->kind == TokenKind::kString &&
        (wordIs(t, "date") || wordIs(t, "time") || wordIs(t, "timestamp"))) {
      return fail("HAVING with " + uppered(t.text) + " literal");
    }
    if (sql::isReserved(t.keyword)) return unexpected();
    return columnRef();
  }

  // name [. name [. name]]
  Opt columnRef() {
    const size_t begin = pos_++;
    for (int parts = 1;
         parts < 3 && atOp(".") && peek(1) &&
         (peek(1)->kind == TokenKind::kWord || peek(1)->kind == TokenKind::kQuotedIdentifier);
         ++parts) {
      pos_ += 2;
    }
    std::optional<size_t> column = resolver_.column({begin, pos_}, error_);
    if (!column) return std::nullopt;
    MergeExpr e = node(Kind::kColumn);
    e.column = *column;
    return e;
  }

  const SelectBlock& b_;
  size_t pos_;
  size_t end_;
  HavingResolver& resolver_;
  std::string& error_;
  int depth_ = 0;
};

}  // namespace

std::optional<MergeExpr> parseHaving(const SelectBlock& b, Span cond, HavingResolver& resolver,
                                     std::string& error) {
  HavingParser parser(b, cond, resolver, error);
  return parser.parse();
}

}  // namespace sg::plan::merge
