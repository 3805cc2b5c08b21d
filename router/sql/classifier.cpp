#include "router/sql/classifier.h"

#include <exception>
#include <string>
#include <vector>

#include "router/sql/hints.h"
#include "router/sql/lexer.h"
#include "router/sql/parser.h"

namespace sg::sql {
namespace {

// Token buffers above this many entries are released after use instead of being kept for the
// thread's next statement (a huge multi-row INSERT should not pin memory).
constexpr size_t kKeepTokens = 1 << 16;

void classifyInto(std::string_view sql, Statement& st) {
  thread_local std::vector<Token> tokens;
  tokens.clear();
  Lexer lexer(sql);
  std::string hintError;
  int depth = 0;
  uint32_t firstOpen = 0;
  bool strayClose = false;
  uint32_t strayCloseAt = 0;
  for (Token t = lexer.next(); t.kind != TokenKind::kEnd; t = lexer.next()) {
    if (lexer.error()) break;  // the rest of the text is one unterminated token: not SQL
    if (t.kind == TokenKind::kComment) {
      std::string error;
      if (parseHintComment(t.text, st.hints, error) == HintResult::kMalformed &&
          hintError.empty()) {
        hintError = std::move(error);
      }
      continue;
    }
    if (t.kind == TokenKind::kOperator && t.text.size() == 1) {
      if (t.text[0] == '(') {
        if (depth++ == 0) firstOpen = t.begin;
      } else if (t.text[0] == ')') {
        if (depth == 0) {
          if (!strayClose) strayCloseAt = t.begin;
          strayClose = true;
        } else {
          --depth;
        }
      }
    }
    tokens.push_back(t);
  }
  if (const auto& e = lexer.error()) {
    st.error = std::string(e->message) + " at offset " + std::to_string(e->offset);
  } else if (strayClose) {
    st.error = "unbalanced parentheses: unexpected ')' at offset " + std::to_string(strayCloseAt);
  } else if (depth > 0) {
    st.error =
        "unbalanced parentheses: '(' at offset " + std::to_string(firstOpen) + " is never closed";
  } else if (!hintError.empty()) {
    st.error = std::move(hintError);
  }
  Parser parser(sql, tokens.data(), tokens.size(), st);
  parser.parseStatement();
  st.paramCount = lexer.paramCount();
  if (tokens.capacity() > kKeepTokens) {
    tokens.clear();
    tokens.shrink_to_fit();
  }
}

}  // namespace

Statement classify(std::string_view sql) {
  Statement st;
  try {
    classifyInto(sql, st);
  } catch (const std::exception& e) {  // only allocation failure can get here
    st.error = std::string("cannot classify statement: ") + e.what();
  }
  return st;
}

}  // namespace sg::sql
