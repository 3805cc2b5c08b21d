// SET statements: NAMES / CHARACTER SET, autocommit, TRANSACTION characteristics, session,
// global and user variables in all their spellings, and MariaDB's SET STATEMENT ... FOR.

#include "router/sql/parser.h"

namespace sg::sql {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c | 0x20);
  }
  return out;
}

bool startsWith(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.substr(0, prefix.size()) == prefix;
}

std::optional<bool> booleanValue(std::string_view text) {
  if (text.size() >= 2 && (text[0] == '\'' || text[0] == '"') && text.back() == text[0]) {
    text = text.substr(1, text.size() - 2);
  }
  std::string v = lower(text);
  if (v == "1" || v == "on" || v == "true") return true;
  if (v == "0" || v == "off" || v == "false") return false;
  return std::nullopt;
}

}  // namespace

std::string_view Parser::scanSetValue() {
  const size_t start = pos_;
  while (!atStatementEnd() && !peek().isOp(',') && !peek().isOp(')')) skipOne();
  return textOf(start, pos_);
}

void Parser::parseSet() {
  out_.type = StatementType::kSet;
  take();
  const Token& first = peek();
  if (first.is(Keyword::kStatement)) {  // MariaDB: SET STATEMENT a=1, b=2 FOR <statement>
    take();
    const size_t start = pos_;
    while (!atStatementEnd() && !peek().is(Keyword::kFor)) skipOne();
    SetItem item;
    item.kind = SetKind::kOther;
    item.name = "statement";
    item.valueText = std::string(textOf(start, pos_));
    out_.sets.push_back(std::move(item));
    // The statement the settings apply to decides the type and tables.
    if (accept(Keyword::kFor) && !atStatementEnd()) parseStatementBody();
    return;
  }
  if (first.is(Keyword::kPassword) || first.is(Keyword::kRole) || first.is(Keyword::kResource) ||
      (first.is(Keyword::kDefault) && peek(1).is(Keyword::kRole))) {
    SetItem item;
    item.kind = SetKind::kOther;
    item.name = first.is(Keyword::kDefault) ? "default role" : lower(first.text);
    if (first.is(Keyword::kDefault)) take();
    take();
    if (!acceptOp('=')) acceptOp(":=");
    const size_t start = pos_;
    skipToStatementEnd();
    item.valueText = std::string(textOf(start, pos_));
    out_.sets.push_back(std::move(item));
    return;
  }
  SetKind scope = SetKind::kSessionVar;  // GLOBAL / SESSION carry over to later items
  std::string_view scopeName;
  for (;;) {
    if (accept(Keyword::kGlobal) || accept(Keyword::kPersist) || accept(Keyword::kPersistOnly)) {
      scope = SetKind::kGlobalVar;
      scopeName = "global";
    } else if (accept(Keyword::kSession) || accept(Keyword::kLocal)) {
      scope = SetKind::kSessionVar;
      scopeName = "session";
    }
    SetItem item;
    const Token& t = peek();
    if (t.is(Keyword::kTransaction)) {  // characteristics are comma-separated: take them all
      take();
      item.kind = SetKind::kTransaction;
      item.name = scopeName.empty() ? "transaction" : std::string(scopeName) + ".transaction";
      const size_t start = pos_;
      skipToStatementEnd();
      item.valueText = std::string(textOf(start, pos_));
      out_.sets.push_back(std::move(item));
      return;
    }
    if (t.is(Keyword::kNames)) {
      take();
      item.kind = SetKind::kNames;
      item.name = "names";
    } else if ((t.is(Keyword::kCharacter) && peek(1).is(Keyword::kSet)) ||
               t.is(Keyword::kCharset)) {
      if (take().is(Keyword::kCharacter)) take();
      item.kind = SetKind::kNames;
      item.name = "charset";
    } else if (t.kind == TokenKind::kUserVariable) {
      take();
      item.kind = SetKind::kUserVar;
      std::string name =
          (t.text.size() > 1 && (t.text[1] == '\'' || t.text[1] == '"' || t.text[1] == '`'))
              ? tokenValue(t)
              : std::string(t.text.substr(1));
      item.name.assign(1, '@');
      item.name += lower(name);
    } else if (t.kind == TokenKind::kSystemVariable) {
      take();
      std::string name = lower(t.text.substr(2));
      item.kind = SetKind::kSessionVar;
      for (std::string_view prefix : {"global.", "persist.", "persist_only."}) {
        if (startsWith(name, prefix)) {
          item.kind = SetKind::kGlobalVar;
          name.erase(0, prefix.size());
        }
      }
      for (std::string_view prefix : {"session.", "local."}) {
        if (startsWith(name, prefix)) name.erase(0, prefix.size());
      }
      item.name = std::move(name);
    } else if (isName(t)) {
      std::string name = lower(identifier(take()));
      while (peek().isOp('.') && isName(peek(1))) {  // structured: keycache.key_buffer_size
        take();
        name += "." + lower(identifier(take()));
      }
      item.kind = scope;
      item.name = std::move(name);
    } else {
      return;
    }
    if (item.kind == SetKind::kSessionVar && item.name == "autocommit") {
      item.kind = SetKind::kAutocommit;
    }
    if (item.kind != SetKind::kNames && !acceptOp('=')) acceptOp(":=");
    item.valueText = std::string(scanSetValue());
    if (item.kind == SetKind::kAutocommit) item.boolValue = booleanValue(item.valueText);
    out_.sets.push_back(std::move(item));
    if (!acceptOp(',')) return;
  }
}

}  // namespace sg::sql
