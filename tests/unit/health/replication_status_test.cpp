// Replication status rows of MariaDB (SHOW [ALL] SLAVES STATUS) and MySQL 8 (SHOW REPLICA
// STATUS).

#include "router/health/replication_status.h"

#include <gtest/gtest.h>

namespace sg::health {
namespace {

StatusRow mariadbRow(const char* io, const char* sql, std::optional<std::string> behind,
                     const std::string& connection = "") {
  return StatusRow{{"Connection_name", connection},
                   {"Slave_IO_State", "Waiting for master to send event"},
                   {"Master_Host", "127.0.0.1"},
                   {"Slave_IO_Running", io},
                   {"Slave_SQL_Running", sql},
                   {"Last_Errno", "0"},
                   {"Last_Error", ""},
                   {"Seconds_Behind_Master", std::move(behind)},
                   {"Last_IO_Errno", "0"},
                   {"Last_IO_Error", ""},
                   {"Last_SQL_Errno", "0"},
                   {"Last_SQL_Error", ""}};
}

TEST(ReplicationStatus, Running) {
  auto s = parseReplicationStatus(mariadbRow("Yes", "Yes", "0"));
  ASSERT_TRUE(s);
  EXPECT_TRUE(s->ioRunning);
  EXPECT_TRUE(s->sqlRunning);
  EXPECT_TRUE(s->running());
  EXPECT_EQ(s->secondsBehind, 0);
  EXPECT_EQ(s->lastError, "");
}

TEST(ReplicationStatus, SecondsBehind) {
  auto s = parseReplicationStatus(mariadbRow("Yes", "Yes", "42"));
  ASSERT_TRUE(s);
  EXPECT_EQ(s->secondsBehind, 42);
}

TEST(ReplicationStatus, StoppedIo) {
  auto s = parseReplicationStatus(mariadbRow("No", "Yes", std::nullopt));
  ASSERT_TRUE(s);
  EXPECT_FALSE(s->ioRunning);
  EXPECT_TRUE(s->sqlRunning);
  EXPECT_FALSE(s->running());
  EXPECT_EQ(s->ioState, "No");
}

TEST(ReplicationStatus, ConnectingIoIsNotRunning) {
  auto s = parseReplicationStatus(mariadbRow("Connecting", "Yes", std::nullopt));
  ASSERT_TRUE(s);
  EXPECT_FALSE(s->ioRunning);
  EXPECT_EQ(s->ioState, "Connecting");
}

TEST(ReplicationStatus, StoppedSql) {
  auto s = parseReplicationStatus(mariadbRow("Yes", "No", std::nullopt));
  ASSERT_TRUE(s);
  EXPECT_TRUE(s->ioRunning);
  EXPECT_FALSE(s->sqlRunning);
  EXPECT_FALSE(s->running());
}

TEST(ReplicationStatus, NullSecondsBehindIsUnknownNotZero) {
  auto s = parseReplicationStatus(mariadbRow("Yes", "No", std::nullopt));
  ASSERT_TRUE(s);
  EXPECT_FALSE(s->secondsBehind.has_value());
  s = parseReplicationStatus(mariadbRow("Yes", "Yes", std::string("")));
  ASSERT_TRUE(s);
  EXPECT_FALSE(s->secondsBehind.has_value());
  s = parseReplicationStatus(mariadbRow("Yes", "Yes", std::string("garbage")));
  ASSERT_TRUE(s);
  EXPECT_FALSE(s->secondsBehind.has_value());
}

TEST(ReplicationStatus, ErrorText) {
  StatusRow row = mariadbRow("Yes", "No", std::nullopt);
  row["Last_SQL_Errno"] = "1062";
  row["Last_SQL_Error"] = "Error 'Duplicate entry '1' for key 'PRIMARY'' on query";
  row["Last_Error"] = row["Last_SQL_Error"];
  auto s = parseReplicationStatus(row);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->lastError, "Error 'Duplicate entry '1' for key 'PRIMARY'' on query");

  row = mariadbRow("Connecting", "Yes", std::nullopt);
  row["Last_IO_Error"] = "error connecting to master 'repl@127.0.0.1:3306'";
  s = parseReplicationStatus(row);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->lastError, "error connecting to master 'repl@127.0.0.1:3306'");
}

TEST(ReplicationStatus, Mysql8Names) {
  StatusRow row{{"Replica_IO_State", "Waiting for source to send event"},
                {"Source_Host", "10.0.0.1"},
                {"Replica_IO_Running", "Yes"},
                {"Replica_SQL_Running", "Yes"},
                {"Last_Error", ""},
                {"Seconds_Behind_Source", "3"},
                {"Last_IO_Error", ""},
                {"Last_SQL_Error", ""}};
  auto s = parseReplicationStatus(row);
  ASSERT_TRUE(s);
  EXPECT_TRUE(s->running());
  EXPECT_EQ(s->secondsBehind, 3);
  row["Replica_SQL_Running"] = "No";
  row["Seconds_Behind_Source"] = std::nullopt;
  s = parseReplicationStatus(row);
  ASSERT_TRUE(s);
  EXPECT_FALSE(s->sqlRunning);
  EXPECT_FALSE(s->secondsBehind.has_value());
}

TEST(ReplicationStatus, NotAStatusRow) {
  EXPECT_FALSE(parseReplicationStatus(StatusRow{{"Variable_name", "x"}}).has_value());
  EXPECT_FALSE(pickReplicationStatus({}).has_value());  // not a replica: no rows
}

TEST(ReplicationStatus, MultiSourcePrefersTheDefaultConnection) {
  std::vector<StatusRow> rows{mariadbRow("No", "No", std::nullopt, "other"),
                              mariadbRow("Yes", "Yes", "1", "")};
  auto s = pickReplicationStatus(rows);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->connectionName, "");
  EXPECT_TRUE(s->running());
  EXPECT_EQ(s->secondsBehind, 1);
}

TEST(ReplicationStatus, MultiSourceWithoutDefaultTakesTheFirst) {
  std::vector<StatusRow> rows{mariadbRow("Yes", "No", std::nullopt, "a"),
                              mariadbRow("Yes", "Yes", "0", "b")};
  auto s = pickReplicationStatus(rows);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->connectionName, "a");
  EXPECT_FALSE(s->sqlRunning);
}

TEST(ReplicationStatus, SingleSourceRowWithoutConnectionName) {
  StatusRow row = mariadbRow("Yes", "Yes", "0");
  row.erase("Connection_name");  // SHOW SLAVE STATUS
  auto s = pickReplicationStatus({row});
  ASSERT_TRUE(s);
  EXPECT_TRUE(s->running());
}

}  // namespace
}  // namespace sg::health
