#include "shardmap/toml_reader.h"

#include <algorithm>
#include <vector>

namespace sg::shardmap {

int lineOf(const toml::node& node) { return static_cast<int>(node.source().begin.line); }

std::string_view typeName(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::table:
      return "table";
    case toml::node_type::array:
      return "array";
    case toml::node_type::string:
      return "string";
    case toml::node_type::integer:
      return "integer";
    case toml::node_type::floating_point:
      return "float";
    case toml::node_type::boolean:
      return "boolean";
    case toml::node_type::date:
      return "date";
    case toml::node_type::time:
      return "time";
    case toml::node_type::date_time:
      return "date-time";
    case toml::node_type::none:
      break;
  }
  return "nothing";
}

namespace {

size_t editDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string article(std::string_view noun) {
  return (noun.front() == 'a' || noun.front() == 'i') ? "an " : "a ";
}

}  // namespace

TableReader::TableReader(const toml::table& table, std::string path, Diagnostics& diags, int line)
    : table_(table), path_(std::move(path)), diags_(diags), line_(line) {
  if (line_ <= 0) line_ = std::max(1, shardmap::lineOf(table));
}

int TableReader::lineOf(std::string_view key) const {
  const toml::node* found = table_.get(key);
  if (found == nullptr) return line_;
  int line = shardmap::lineOf(*found);
  return line > 0 ? line : line_;
}

std::string TableReader::pathOf(std::string_view key) const {
  if (path_.empty()) return std::string(key);
  return path_ + "." + std::string(key);
}

const toml::node* TableReader::node(std::string_view key, Need need) {
  known_.emplace(key);
  const toml::node* found = table_.get(key);
  if (found == nullptr && need == Need::kRequired) {
    std::string where = path_.empty() ? "" : path_ + ": ";
    diags_.error(line_, where + "missing required key '" + std::string(key) + "'");
  }
  return found;
}

void TableReader::typeError(std::string_view key, const toml::node& node,
                            std::string_view expected) {
  diags_.error(lineOf(key), pathOf(key) + ": expected " + article(expected) +
                                std::string(expected) + ", got " + article(typeName(node)) +
                                std::string(typeName(node)));
}

std::optional<std::string> TableReader::string(std::string_view key, Need need) {
  const toml::node* found = node(key, need);
  if (found == nullptr) return std::nullopt;
  if (found->is_string()) return found->as_string()->get();
  typeError(key, *found, "string");
  return std::nullopt;
}

std::optional<int64_t> TableReader::integer(std::string_view key, int64_t min, int64_t max,
                                            Need need) {
  const toml::node* found = node(key, need);
  if (found == nullptr) return std::nullopt;
  if (!found->is_integer()) {
    typeError(key, *found, "integer");
    return std::nullopt;
  }
  int64_t value = found->as_integer()->get();
  if (value < min || value > max) {
    std::string rule;
    if (max == std::numeric_limits<int64_t>::max()) {
      rule = "must be at least " + std::to_string(min);
    } else if (min == std::numeric_limits<int64_t>::min()) {
      rule = "must be at most " + std::to_string(max);
    } else {
      rule = "must be between " + std::to_string(min) + " and " + std::to_string(max);
    }
    diags_.error(lineOf(key), pathOf(key) + ": " + rule + ", got " + std::to_string(value));
    return std::nullopt;
  }
  return value;
}

std::optional<bool> TableReader::boolean(std::string_view key, Need need) {
  const toml::node* found = node(key, need);
  if (found == nullptr) return std::nullopt;
  if (!found->is_boolean()) {
    typeError(key, *found, "boolean");
    return std::nullopt;
  }
  return found->as_boolean()->get();
}

const toml::array* TableReader::array(std::string_view key, Need need) {
  const toml::node* found = node(key, need);
  if (found == nullptr) return nullptr;
  if (!found->is_array()) {
    typeError(key, *found, "array");
    return nullptr;
  }
  return found->as_array();
}

const toml::table* TableReader::table(std::string_view key, Need need) {
  const toml::node* found = node(key, need);
  if (found == nullptr) return nullptr;
  if (!found->is_table()) {
    typeError(key, *found, "table");
    return nullptr;
  }
  return found->as_table();
}

void TableReader::reportUnknownKeys() {
  for (const auto& [key, value] : table_) {
    std::string_view name = key.str();
    if (known_.contains(name)) continue;
    std::string what;
    if (value.is_table()) {
      what = "unknown table [" + pathOf(name) + "]";
    } else if (value.is_array_of_tables()) {
      what = "unknown table [[" + pathOf(name) + "]]";
    } else {
      what = (path_.empty() ? "" : path_ + ": ") + "unknown key '" + std::string(name) + "'";
    }
    std::string_view best;
    size_t bestDistance = 3;  // suggest only close matches
    for (const std::string& candidate : known_) {
      size_t d = editDistance(name, candidate);
      if (d < bestDistance && d < std::max<size_t>(candidate.size(), 2)) {
        best = candidate;
        bestDistance = d;
      }
    }
    if (!best.empty()) what += " (did you mean '" + std::string(best) + "'?)";
    int line = static_cast<int>(key.source().begin.line);
    if (line <= 0) line = shardmap::lineOf(value);
    diags_.error(line > 0 ? line : line_, what);
  }
}

}  // namespace sg::shardmap
