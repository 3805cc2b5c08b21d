// projectKeys and TableBinder: which conditions count for which table's shard key.

#include "router/plan/key_projection.h"

#include <gtest/gtest.h>

#include "tests/unit/plan/plan_fixture.h"

namespace sg::plan::testing {
namespace {

std::string project(const std::vector<std::string_view>& tables, const sql::Predicate& where,
                    size_t member = 0, const std::vector<sql::Value>* params = nullptr,
                    bool nullableKeys = false) {
  sql::Statement s = Select(tables);
  TableBinder binder(s.tables, fixtureMap(), "app");
  std::vector<bool> members(s.tables.size(), false);
  members[member] = true;
  KeyCondition c = projectKeys(where, binder, members, params, nullableKeys);
  return c.keys.str() + (c.dependsOnParams ? " ?" : "");
}

TEST(KeyProjection, Leaves) {
  EXPECT_EQ(project({"users"}, Eq("id", 5)), "{5}");
  EXPECT_EQ(project({"users"}, Cmp("id", Op::kLt, I(5))), "[-9223372036854775808, 4]");
  EXPECT_EQ(project({"users"}, Cmp("id", Op::kGe, I(5))), "[5, 9223372036854775807]");
  EXPECT_EQ(project({"users"}, Cmp("id", Op::kNe, I(0))),
            "[-9223372036854775808, -1] [1, 9223372036854775807]");
  EXPECT_EQ(project({"users"}, In("id", {I(3), I(1), I(2), Null()})), "[1, 3]");
  EXPECT_EQ(project({"users"}, In("id", {})), "{}");
  EXPECT_EQ(project({"users"}, Between("id", I(1), I(3))), "[1, 3]");
  EXPECT_EQ(project({"users"}, Between("id", Other("x"), I(3))), "[-9223372036854775808, 3]");
  EXPECT_EQ(project({"users"}, Between("id", I(1), Null())), "{}");
  EXPECT_EQ(project({"users"}, IsNull("id")), "{}");
  EXPECT_EQ(project({"users"}, IsNull("id"), 0, nullptr, true), "all");
  EXPECT_EQ(project({"users"}, Cmp("id", Op::kNullSafeEq, Null()), 0, nullptr, true), "all");
  EXPECT_EQ(project({"users"}, Eq("id", Null()), 0, nullptr, true), "{}");
  EXPECT_EQ(project({"users"}, ColEq("id", "other")), "all");
  EXPECT_EQ(project({"users"}, Unknown()), "all");
  EXPECT_EQ(project({"users"}, Eq("name", 5)), "all");
  EXPECT_EQ(project({"users"}, Or({})), "all");
  EXPECT_EQ(project({"users"}, And({})), "all");
}

TEST(KeyProjection, Parameters) {
  EXPECT_EQ(project({"users"}, Eq("id", P(0))), "all ?");
  EXPECT_EQ(project({"users"}, In("id", {I(1), P(0)})), "all ?");
  EXPECT_EQ(project({"users"}, Between("id", P(0), I(5))), "[-9223372036854775808, 5] ?");
  EXPECT_EQ(project({"users"}, Eq("name", P(0))), "all");
  std::vector<sql::Value> params = {I(7), Null(), Other("'x'")};
  EXPECT_EQ(project({"users"}, Eq("id", P(0)), 0, &params), "{7}");
  EXPECT_EQ(project({"users"}, Eq("id", P(1)), 0, &params), "{}");
  EXPECT_EQ(project({"users"}, Eq("id", P(2)), 0, &params), "all");
  EXPECT_EQ(project({"users"}, Eq("id", P(9)), 0, &params), "all");
  EXPECT_EQ(project({"users"}, In("id", {P(0), P(1)}), 0, &params), "{7}");
}

TEST(KeyProjection, ColumnsBelongToTables) {
  // Qualified by alias, by the name of an unaliased table, by any name, by schema.table.
  EXPECT_EQ(project({"users u", "orders o"}, Eq("u.id", 1), 0), "{1}");
  EXPECT_EQ(project({"users u", "orders o"}, Eq("u.id", 1), 1), "all");
  EXPECT_EQ(project({"users u", "orders o"}, Eq("o.user_id", 1), 1), "{1}");
  EXPECT_EQ(project({"users", "orders"}, Eq("users.id", 1), 0), "{1}");
  EXPECT_EQ(project({"users u"}, Eq("users.id", 1), 0), "{1}");
  EXPECT_EQ(project({"db.users"}, Eq("db.users.id", 1), 0), "{1}");
  EXPECT_EQ(project({"db.users"}, Eq("other.users.id", 1), 0), "all");
  EXPECT_EQ(project({"users"}, Eq("app.users.id", 1), 0), "{1}");    // current schema
  EXPECT_EQ(project({"users"}, Eq("other.users.id", 1), 0), "all");  // not the current schema
  // Unqualified: the only table, or the one sharded table with that key name.
  EXPECT_EQ(project({"users u", "orders o"}, Eq("user_id", 1), 1), "{1}");
  EXPECT_EQ(project({"users u", "orders o"}, Eq("id", 1), 0), "{1}");
  EXPECT_EQ(project({"users u", "orders o"}, Eq("id", 1), 1), "all");
  EXPECT_EQ(project({"users a", "users b"}, Eq("id", 1), 0), "all");  // ambiguous
  EXPECT_EQ(project({"users a", "users b"}, Eq("a.id", 1), 0), "{1}");
  EXPECT_EQ(project({"users", "users b"}, Eq("users.id", 1), 0), "{1}");  // unaliased first
  EXPECT_EQ(project({"countries", "users"}, Eq("ID", 1), 1), "{1}");
}

TEST(TableBinder, NestedScopes) {
  // With subqueries the statement does not say which tables the outer conditions can see.
  sql::Statement s = Select({"countries", "users u"});
  Scoping nested;
  nested.nestedScopes = true;
  TableBinder binder(s.tables, fixtureMap(), "", nested);
  EXPECT_EQ(binder.resolve(C("id")), -1);  // countries.id or users.id?
  EXPECT_EQ(binder.resolve(C("u.id")), 1);
  EXPECT_EQ(binder.resolve(C("users.id")), 1);  // by name, and no other table matches
  sql::Statement clash = Select({"countries", "users countries"});
  EXPECT_EQ(TableBinder(clash.tables, fixtureMap(), "", nested).resolve(C("countries.id")), -1);
  EXPECT_EQ(TableBinder(clash.tables, fixtureMap(), "").resolve(C("countries.id")), 1);
  // A single-table UPDATE / DELETE: the target is the outer table.
  sql::Statement update = Update({"audit_log", "users"}, Eq("id", 5));
  update.multiTable = false;
  Scoping scoping = Scoping::of(update);
  EXPECT_TRUE(scoping.nestedScopes);
  EXPECT_EQ(scoping.outerTable, 0);
  EXPECT_EQ(TableBinder(update.tables, fixtureMap(), "", scoping).resolve(C("id")), 0);
  // UNION of single-table SELECTs: one table however often it is named.
  sql::Statement u = Select({"users", "users"});
  u.multiTable = false;
  u.shape.union_ = true;
  EXPECT_TRUE(Scoping::of(u).sameNameIsOneTable);
  EXPECT_EQ(TableBinder(u.tables, fixtureMap(), "", Scoping::of(u)).resolve(C("id")), 0);
  EXPECT_EQ(TableBinder(u.tables, fixtureMap(), "").resolve(C("id")), -1);
}

TEST(TableBinder, Kinds) {
  sql::Statement s = Select({"users", "app.countries c", "audit_log", "shop.orders"});
  TableBinder binder(s.tables, fixtureMap(), "");
  const auto& t = binder.tables();
  ASSERT_EQ(t.size(), 4u);
  EXPECT_EQ(t[0].kind, TableKind::kSharded);
  EXPECT_EQ(t[0].key, "id");
  EXPECT_EQ(t[1].kind, TableKind::kGlobal);
  EXPECT_EQ(t[1].display, "app.countries");
  EXPECT_EQ(t[2].kind, TableKind::kUnsharded);
  EXPECT_EQ(t[3].kind, TableKind::kSharded);
  EXPECT_EQ(binder.keyDisplay(3), "shop.orders.user_id");
  EXPECT_EQ(binder.firstOfKind(TableKind::kUnsharded), &t[2]);
  // Table names are case-sensitive, like MySQL on Linux.
  sql::Statement upper = Select({"USERS"});
  EXPECT_EQ(TableBinder(upper.tables, fixtureMap(), "").tables()[0].kind, TableKind::kUnsharded);
}

}  // namespace
}  // namespace sg::plan::testing
