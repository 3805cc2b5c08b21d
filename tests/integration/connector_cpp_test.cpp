// MySQL Connector/C++ 1.1 (the JDBC-like API) through shardgate: connect, prepared statements
// with parameters, and result-set metadata equal to what the master returns directly.
//
// Run by with_shardgate.py, which sets SHARDGATE_PORT and MASTER_PORT.

#include <cppconn/connection.h>
#include <cppconn/driver.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/resultset_metadata.h>
#include <cppconn/statement.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace {

std::string envPort(const char* name) {
  const char* v = std::getenv(name);
  if (!v || !*v) {
    ADD_FAILURE() << name << " is not set (run through with_shardgate.py / ctest)";
    return "0";
  }
  return v;
}

std::unique_ptr<sql::Connection> connect(const std::string& port) {
  sql::Driver* driver = get_driver_instance();
  std::unique_ptr<sql::Connection> c(driver->connect("tcp://127.0.0.1:" + port, "app", "app"));
  c->setSchema("app");
  return c;
}

std::unique_ptr<sql::Connection> connectShardgate() { return connect(envPort("SHARDGATE_PORT")); }

TEST(ConnectorCpp, ConnectAndQuery) {
  auto c = connectShardgate();
  std::unique_ptr<sql::Statement> st(c->createStatement());
  std::unique_ptr<sql::ResultSet> rs(st->executeQuery("SELECT DATABASE() AS db, 6*7 AS answer"));
  ASSERT_TRUE(rs->next());
  EXPECT_EQ(rs->getString("db"), "app");
  EXPECT_EQ(rs->getInt("answer"), 42);
  EXPECT_FALSE(rs->next());
  EXPECT_TRUE(c->isValid());
}

TEST(ConnectorCpp, PreparedStatementWithParameters) {
  auto c = connectShardgate();
  std::unique_ptr<sql::Statement> st(c->createStatement());
  st->execute(
      "CREATE TEMPORARY TABLE cpp_t (id INT PRIMARY KEY, name VARCHAR(50), "
      "amount DECIMAL(10,3), ratio DOUBLE, big BIGINT, note TEXT NULL)");
  std::unique_ptr<sql::PreparedStatement> ins(
      c->prepareStatement("INSERT INTO cpp_t VALUES (?, ?, ?, ?, ?, ?)"));
  for (int i = 1; i <= 5; ++i) {
    ins->setInt(1, i);
    ins->setString(2, "name-" + std::to_string(i) + " \xC3\xA9");
    ins->setString(3, std::to_string(i) + ".125");
    ins->setDouble(4, i / 4.0);
    ins->setInt64(5, static_cast<int64_t>(i) << 40);
    if (i % 2) {
      ins->setNull(6, sql::DataType::VARCHAR);
    } else {
      ins->setString(6, "even");
    }
    EXPECT_EQ(ins->executeUpdate(), 1);
  }
  std::unique_ptr<sql::PreparedStatement> sel(c->prepareStatement(
      "SELECT id, name, amount, ratio, big, note FROM cpp_t WHERE id >= ? AND name LIKE ? "
      "ORDER BY id"));
  sel->setInt(1, 2);
  sel->setString(2, "name-%");
  std::unique_ptr<sql::ResultSet> rs(sel->executeQuery());
  int expected = 2;
  while (rs->next()) {
    EXPECT_EQ(rs->getInt(1), expected);
    EXPECT_EQ(rs->getString(2), "name-" + std::to_string(expected) + " \xC3\xA9");
    EXPECT_EQ(rs->getString(3), std::to_string(expected) + ".125");
    EXPECT_DOUBLE_EQ(rs->getDouble(4), expected / 4.0);
    EXPECT_EQ(rs->getInt64(5), static_cast<int64_t>(expected) << 40);
    if (expected % 2) {
      EXPECT_TRUE(rs->isNull(6));
    } else {
      EXPECT_EQ(rs->getString(6), "even");
    }
    ++expected;
  }
  EXPECT_EQ(expected, 6);
  // The same statement again with other parameters.
  sel->setInt(1, 5);
  rs.reset(sel->executeQuery());
  ASSERT_TRUE(rs->next());
  EXPECT_EQ(rs->getInt(1), 5);
  EXPECT_FALSE(rs->next());
}

TEST(ConnectorCpp, ServerErrorsAreExceptions) {
  auto c = connectShardgate();
  std::unique_ptr<sql::Statement> st(c->createStatement());
  try {
    st->executeQuery("SELECT * FROM no_such_table_cpp");
    FAIL() << "no exception";
  } catch (const sql::SQLException& e) {
    EXPECT_EQ(e.getErrorCode(), 1146);
    EXPECT_EQ(e.getSQLState(), "42S02");
  }
  std::unique_ptr<sql::ResultSet> rs(st->executeQuery("SELECT 'ok'"));
  ASSERT_TRUE(rs->next());
  EXPECT_EQ(rs->getString(1), "ok");
}

TEST(ConnectorCpp, WrongPasswordIsRefused) {
  sql::Driver* driver = get_driver_instance();
  try {
    std::unique_ptr<sql::Connection> c(
        driver->connect("tcp://127.0.0.1:" + envPort("SHARDGATE_PORT"), "app", "wrong"));
    FAIL() << "connected with a wrong password";
  } catch (const sql::SQLException& e) {
    EXPECT_EQ(e.getErrorCode(), 1045);
  }
}

std::vector<std::string> describe(sql::Connection& c, const std::string& query, bool prepared) {
  std::unique_ptr<sql::Statement> st;
  std::unique_ptr<sql::PreparedStatement> ps;
  std::unique_ptr<sql::ResultSet> rs;
  if (prepared) {
    ps.reset(c.prepareStatement(query));
    rs.reset(ps->executeQuery());
  } else {
    st.reset(c.createStatement());
    rs.reset(st->executeQuery(query));
  }
  sql::ResultSetMetaData* md = rs->getMetaData();
  std::vector<std::string> out;
  for (unsigned i = 1; i <= md->getColumnCount(); ++i) {
    std::ostringstream s;
    s << md->getColumnName(i) << "|" << md->getColumnLabel(i) << "|" << md->getColumnType(i) << "|"
      << md->getColumnTypeName(i) << "|" << md->getColumnDisplaySize(i) << "|"
      << md->getPrecision(i) << "|" << md->getScale(i) << "|" << md->isNullable(i) << "|"
      << md->isSigned(i) << "|" << md->isAutoIncrement(i) << "|" << md->getTableName(i) << "|"
      << md->getSchemaName(i);
    out.push_back(s.str());
  }
  int rows = 0;
  while (rs->next()) {
    std::string row;
    for (unsigned i = 1; i <= md->getColumnCount(); ++i) {
      row += rs->isNull(i) ? std::string("NULL") : std::string(rs->getString(i));
      row += "\t";
    }
    out.push_back(row);
    ++rows;
  }
  out.push_back("rows=" + std::to_string(rows));
  return out;
}

TEST(ConnectorCpp, MetadataEqualsMaster) {
  auto mine = connectShardgate();
  auto master = connect(envPort("MASTER_PORT"));
  for (auto* c : {mine.get(), master.get()}) {
    std::unique_ptr<sql::Statement> st(c->createStatement());
    st->execute(
        "CREATE TEMPORARY TABLE cpp_meta (id INT UNSIGNED AUTO_INCREMENT PRIMARY KEY, "
        "s VARCHAR(30) NOT NULL, d DECIMAL(9,4), f FLOAT, dt DATETIME(3), b BLOB, "
        "e ENUM('a','b'), j JSON)");
    st->execute(
        "INSERT INTO cpp_meta (s, d, f, dt, b, e, j) VALUES "
        "('one', 1.5, 0.25, '2020-01-01 10:00:00.123', 'bin', 'a', '{\"k\": 1}'), "
        "('two', NULL, NULL, NULL, NULL, NULL, NULL)");
  }
  const char* queries[] = {
      "SELECT * FROM cpp_meta ORDER BY id",
      "SELECT id, COUNT(*) AS n, MAX(d) AS m, CONCAT(s, '!') AS c FROM cpp_meta GROUP BY id",
      "SELECT 1 AS one, NULL AS nil, -5 AS neg, 1.0e3 AS dbl, CURDATE() - INTERVAL 0 DAY AS day"};
  for (const char* q : queries) {
    for (bool prepared : {false, true}) {
      SCOPED_TRACE(std::string(q) + (prepared ? " (prepared)" : " (text)"));
      auto a = describe(*mine, q, prepared);
      auto b = describe(*master, q, prepared);
      EXPECT_GT(a.size(), 1u);
      EXPECT_EQ(a, b);
    }
  }
}

}  // namespace
