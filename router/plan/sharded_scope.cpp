#include "router/plan/sharded_scope.h"

#include <numeric>

namespace sg::plan {

namespace {

constexpr int kMaxDepth = 256;

// Union-find over table indexes.
class Groups {
 public:
  explicit Groups(size_t n) : parent_(n) { std::iota(parent_.begin(), parent_.end(), 0); }
  size_t find(size_t i) {
    while (parent_[i] != i) i = parent_[i] = parent_[parent_[i]];
    return i;
  }
  void join(size_t a, size_t b) { parent_[find(a)] = find(b); }

 private:
  std::vector<size_t> parent_;
};

// Collects `a.key = b.key` links from the top-level AND chain (links under OR do not hold for
// every row).
void linkKeyJoins(const sql::Predicate& p, const TableBinder& binder, Groups& groups, int depth) {
  if (depth > kMaxDepth) return;
  if (p.kind == sql::Predicate::Kind::kAnd) {
    for (const sql::Predicate& child : p.children) {
      linkKeyJoins(child, binder, groups, depth + 1);
    }
    return;
  }
  if (p.kind != sql::Predicate::Kind::kColumnEq) return;
  int a = binder.resolve(p.column);
  int b = binder.resolve(p.otherColumn);
  if (a < 0 || b < 0 || a == b) return;
  if (!binder.isKeyOf(a, p.column) || !binder.isKeyOf(b, p.otherColumn)) return;
  groups.join(static_cast<size_t>(a), static_cast<size_t>(b));
}

}  // namespace

std::vector<KeyGroup> groupByKey(const sql::Predicate& where, const TableBinder& binder,
                                 const shardmap::ShardMap& map,
                                 const std::vector<sql::Value>* params,
                                 const ScopeOptions& options) {
  const auto& tables = binder.tables();
  Groups groups(tables.size());
  linkKeyJoins(where, binder, groups, 0);
  if (binder.sameNameIsOneTable()) {
    for (size_t i = 0; i < tables.size(); ++i) {
      for (size_t j = 0; j < i; ++j) {
        if (binder.sameTable(i, j)) groups.join(i, j);
      }
    }
  }

  std::vector<KeyGroup> out;
  std::vector<int> groupOfRoot(tables.size(), -1);
  for (size_t i = 0; i < tables.size(); ++i) {
    if (tables[i].kind != TableKind::kSharded) continue;
    size_t root = groups.find(i);
    if (groupOfRoot[root] < 0) {
      groupOfRoot[root] = static_cast<int>(out.size());
      out.emplace_back();
    }
    KeyGroup& group = out[static_cast<size_t>(groupOfRoot[root])];
    group.members.push_back(static_cast<int>(i));
    std::string key = binder.keyDisplay(static_cast<int>(i));
    bool listed = false;  // a table joined with itself, or repeated in a UNION
    for (int m : group.members)
      listed = listed || (m != static_cast<int>(i) && binder.keyDisplay(m) == key);
    if (!listed) group.keyDisplay += (group.keyDisplay.empty() ? "" : " = ") + key;
  }
  for (KeyGroup& group : out) {
    std::vector<bool> members(tables.size(), false);
    for (int m : group.members) members[static_cast<size_t>(m)] = true;
    group.condition = projectKeys(where, binder, members, params, options.outerJoin);
    group.shards = shardsOwning(group.condition.keys, map);
  }
  return out;
}

ShardedScope resolveShardedScope(const sql::Predicate& where, const TableBinder& binder,
                                 const shardmap::ShardMap& map,
                                 const std::vector<sql::Value>* params,
                                 const ScopeOptions& options) {
  std::vector<KeyGroup> groups = groupByKey(where, binder, map, params, options);
  ShardedScope scope;
  if (groups.empty()) return scope;
  auto decidedBy = [&](const KeyGroup& g, ShardedScope::Kind kind) {
    scope.kind = kind;
    scope.keyDisplay = g.keyDisplay;
    scope.keys = g.condition.keys;
    scope.tables.clear();
    for (int m : g.members) scope.tables.push_back(binder.tables()[static_cast<size_t>(m)].display);
    return scope;
  };
  // An inner join with a side that matches nothing matches nothing.
  for (const KeyGroup& g : groups) {
    if (g.shards.empty()) return decidedBy(g, ShardedScope::Kind::kNoRows);
  }
  if (groups.size() == 1) {
    const KeyGroup& g = groups.front();
    if (g.shards.size() > 1 && g.condition.dependsOnParams) {
      return decidedBy(g, ShardedScope::Kind::kDependsOnParams);
    }
    decidedBy(g, ShardedScope::Kind::kShards);
    scope.shards = g.shards;
    scope.unconstrained = g.condition.keys.isAll();
    return scope;
  }
  // Several groups: fine only when all of them are on the same single shard.
  const KeyGroup& first = groups.front();
  bool together = true;
  bool dependsOnParams = false;
  const KeyGroup* apart = nullptr;
  for (const KeyGroup& g : groups) {
    dependsOnParams = dependsOnParams || g.condition.dependsOnParams;
    if (g.shards.size() != 1 || g.shards != first.shards) {
      together = false;
      if (apart == nullptr && &g != &first) apart = &g;
    }
  }
  if (together) {
    decidedBy(first, ShardedScope::Kind::kShards);
    scope.shards = first.shards;
    return scope;
  }
  if (dependsOnParams) return decidedBy(first, ShardedScope::Kind::kDependsOnParams);
  if (apart == nullptr) apart = &groups[1];  // the first group itself spans several shards
  scope.kind = ShardedScope::Kind::kCrossShard;
  scope.crossA = binder.tables()[static_cast<size_t>(first.members.front())].display;
  scope.crossB = binder.tables()[static_cast<size_t>(apart->members.front())].display;
  scope.keyDisplay = first.keyDisplay;
  return scope;
}

}  // namespace sg::plan
