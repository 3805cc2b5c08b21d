#include "shardmap/diagnostic.h"

#include <algorithm>

namespace sg::shardmap {

std::string Diagnostic::str() const {
  if (line <= 0) return file + ": " + message;
  return file + ":" + std::to_string(line) + ": " + message;
}

void Diagnostics::error(int line, std::string message) {
  errors_.push_back({file_, line, std::move(message)});
}

void Diagnostics::warning(int line, std::string message) {
  warnings_.push_back({file_, line, std::move(message)});
}

void Diagnostics::sortByLine() {
  auto byLine = [](const Diagnostic& a, const Diagnostic& b) { return a.line < b.line; };
  std::stable_sort(errors_.begin(), errors_.end(), byLine);
  std::stable_sort(warnings_.begin(), warnings_.end(), byLine);
}

}  // namespace sg::shardmap
