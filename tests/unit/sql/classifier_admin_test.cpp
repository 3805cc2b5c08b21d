// Everything that is not SELECT/INSERT/UPDATE/DELETE: transactions, SET in all its spellings,
// USE, SHOW, DDL, LOCK TABLES, CALL, DO, XA, EXPLAIN, administrative statements, empty input.

#include <gtest/gtest.h>

#include <string>

#include "tests/unit/sql/classifier_case.h"

namespace sg::sql::test {

namespace {
using T = StatementType;
}  // namespace

const std::vector<ClassifierCase>& adminCases() {
  // clang-format off
  static const std::vector<ClassifierCase> kCases = {
      // transactions
      {"BEGIN", T::kBegin, "", "", "", ""},
      {"BEGIN WORK", T::kBegin, "", "", "", ""},
      {"begin;", T::kBegin, "", "", "", ""},
      {"START TRANSACTION", T::kBegin, "", "", "", ""},
      {"START TRANSACTION READ ONLY", T::kBegin, "", "", "", "readOnly"},
      {"START TRANSACTION READ WRITE", T::kBegin, "", "", "", ""},
      {"START TRANSACTION WITH CONSISTENT SNAPSHOT", T::kBegin, "", "", "", ""},
      {"START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY", T::kBegin, "", "", "", "readOnly"},
      {"/*!40101 START TRANSACTION */", T::kBegin, "", "", "", ""},
      {"START SLAVE", T::kOther, "", "", "", ""},
      {"COMMIT", T::kCommit, "", "", "", ""},
      {"COMMIT WORK", T::kCommit, "", "", "", ""},
      {"commit;", T::kCommit, "", "", "", ""},
      {"COMMIT AND CHAIN", T::kCommit, "", "", "", "chain"},
      {"COMMIT AND NO CHAIN", T::kCommit, "", "", "", ""},
      {"COMMIT RELEASE", T::kCommit, "", "", "", "release"},
      {"COMMIT NO RELEASE", T::kCommit, "", "", "", ""},
      {"COMMIT WORK AND CHAIN NO RELEASE", T::kCommit, "", "", "", "chain"},
      {"ROLLBACK", T::kRollback, "", "", "", ""},
      {"ROLLBACK WORK", T::kRollback, "", "", "", ""},
      {"ROLLBACK AND CHAIN RELEASE", T::kRollback, "", "", "", "chain release"},
      {"ROLLBACK TO sp1", T::kRollbackToSavepoint, "", "", "", "savepoint=sp1"},
      {"ROLLBACK TO SAVEPOINT sp1", T::kRollbackToSavepoint, "", "", "", "savepoint=sp1"},
      {"ROLLBACK WORK TO SAVEPOINT `my sp`", T::kRollbackToSavepoint, "", "", "", "savepoint=my sp"},
      {"SAVEPOINT sp1", T::kSavepoint, "", "", "", "savepoint=sp1"},
      {"RELEASE SAVEPOINT sp1", T::kReleaseSavepoint, "", "", "", "savepoint=sp1"},
      {"XA START 'trx1'", T::kXa, "", "", "", ""},
      {"XA END 'trx1'", T::kXa, "", "", "", ""},
      {"XA PREPARE 'trx1'", T::kXa, "", "", "", ""},
      {"XA COMMIT 'trx1' ONE PHASE", T::kXa, "", "", "", ""},
      {"XA ROLLBACK 'trx1'", T::kXa, "", "", "", ""},
      {"XA RECOVER", T::kXa, "", "", "", ""},
      {"BEGIN NOT ATOMIC SELECT 1; SELECT 2; END", T::kOther, "", "", "", ""},
      // SET (items are checked in detail by SetItemsTable)
      {"SET NAMES utf8mb4", T::kSet, "", "", "", "sets=1"},
      {"SET NAMES 'utf8mb4' COLLATE 'utf8mb4_unicode_ci'", T::kSet, "", "", "", "sets=1"},
      {"SET CHARACTER SET utf8", T::kSet, "", "", "", "sets=1"},
      {"SET CHARSET DEFAULT", T::kSet, "", "", "", "sets=1"},
      {"SET autocommit=1", T::kSet, "", "", "", "sets=1"},
      {"SET autocommit = 0", T::kSet, "", "", "", "sets=1"},
      {"SET @@autocommit = true", T::kSet, "", "", "", "sets=1"},
      {"SET TRANSACTION ISOLATION LEVEL READ COMMITTED", T::kSet, "", "", "", "sets=1"},
      {"SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", T::kSet, "", "", "", "sets=1"},
      {"SET sql_mode = 'STRICT_TRANS_TABLES'", T::kSet, "", "", "", "sets=1"},
      {"SET @@sql_mode = CONCAT(@@sql_mode, ',NO_ZERO_DATE')", T::kSet, "", "", "", "sets=1"},
      {"SET SESSION a = 1, @b = 2", T::kSet, "", "", "", "sets=2"},
      {"SET GLOBAL max_connections = 1000, sort_buffer_size = 1000000", T::kSet, "", "", "", "sets=2"},
      {"SET @x = 1", T::kSet, "", "", "", "sets=1"},
      {"SET @x := (SELECT COUNT(*) FROM t WHERE id = 1)", T::kSet, "t", "", "subquery", "sets=1"},
      {"SET NAMES utf8mb4, autocommit = 1", T::kSet, "", "", "", "sets=2"},
      {"SET PASSWORD = 'secret'", T::kSet, "", "", "", "sets=1"},
      {"SET ROLE ALL", T::kSet, "", "", "", "sets=1"},
      {"SET DEFAULT ROLE ALL TO u", T::kSet, "", "", "", "sets=1"},
      {"SET STATEMENT max_statement_time=1 FOR SELECT * FROM t WHERE id = 1", T::kSelect, "t", "id = 1", "", "sets=1"},
      {"SET STATEMENT a=1, b=2 FOR UPDATE t SET c = 1 WHERE id = 2", T::kUpdate, "t", "id = 2", "", "assigned=c sets=1"},
      {"/*!40101 SET NAMES utf8 */", T::kSet, "", "", "", "sets=1"},
      {"/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;", T::kSet, "", "", "", "sets=1"},
      {"SET unique_checks=0, foreign_key_checks=0", T::kSet, "", "", "", "sets=2"},
      // USE
      {"USE db", T::kUse, "", "", "", "schema=db"},
      {"USE `my db`", T::kUse, "", "", "", "schema=my db"},
      {"use DB1;", T::kUse, "", "", "", "schema=DB1"},
      // SHOW
      {"SHOW VARIABLES LIKE 'sql_mode'", T::kShow, "", "", "", ""},
      {"SHOW SESSION VARIABLES WHERE Variable_name = 'x'", T::kShow, "", "", "", ""},
      {"SHOW GLOBAL STATUS", T::kShow, "", "", "", ""},
      {"SHOW TABLES", T::kShow, "", "", "", ""},
      {"SHOW TABLES FROM db", T::kShow, "", "", "", "schema=db"},
      {"SHOW FULL TABLES IN db LIKE 'x%'", T::kShow, "", "", "", "schema=db"},
      {"SHOW TABLE STATUS FROM db WHERE Name = 't'", T::kShow, "", "", "", "schema=db"},
      {"SHOW COLUMNS FROM t", T::kShow, "t", "", "", ""},
      {"SHOW FULL COLUMNS FROM t FROM db", T::kShow, "db.t", "", "", "schema=db"},
      {"SHOW FIELDS IN db.t", T::kShow, "db.t", "", "", "schema=db"},
      {"SHOW INDEX FROM t IN db", T::kShow, "db.t", "", "", "schema=db"},
      {"SHOW KEYS FROM t", T::kShow, "t", "", "", ""},
      {"SHOW CREATE TABLE db.t", T::kShow, "db.t", "", "", ""},
      {"SHOW CREATE VIEW v", T::kShow, "v", "", "", ""},
      {"SHOW CREATE DATABASE db", T::kShow, "", "", "", "schema=db"},
      {"SHOW CREATE SCHEMA IF NOT EXISTS db", T::kShow, "", "", "", "schema=db ifNotExists"},
      {"SHOW DATABASES", T::kShow, "", "", "", ""},
      {"SHOW FULL PROCESSLIST", T::kShow, "", "", "", ""},
      {"SHOW WARNINGS LIMIT 10", T::kShow, "", "", "", ""},
      {"SHOW ENGINE INNODB STATUS", T::kShow, "", "", "", ""},
      {"SHOW SLAVE STATUS", T::kShow, "", "", "", ""},
      {"SHOW GRANTS FOR 'u'@'%'", T::kShow, "", "", "", ""},
      {"SHOW BINLOG EVENTS IN 'mysql-bin.000001' FROM 4", T::kShow, "", "", "", ""},
      {"SHOW TRIGGERS FROM db", T::kShow, "", "", "", "schema=db"},
      {"SHOW OPEN TABLES IN db", T::kShow, "", "", "", "schema=db"},
      {"SHOW COLLATION WHERE Charset = 'utf8mb4'", T::kShow, "", "", "", ""},
      // DDL
      {"CREATE TABLE t (id INT PRIMARY KEY)", T::kDdl, "t", "", "", ""},
      {"CREATE TABLE IF NOT EXISTS db.t (id INT)", T::kDdl, "db.t", "", "", "ifNotExists"},
      {"CREATE TEMPORARY TABLE tmp (x INT)", T::kDdl, "tmp", "", "", "temporary"},
      {"CREATE TABLE t LIKE u", T::kDdl, "t, u", "", "", ""},
      {"CREATE TABLE t (LIKE db.u)", T::kDdl, "t, db.u", "", "", ""},
      {"CREATE TABLE t AS SELECT * FROM u WHERE id = 1", T::kDdl, "t, u", "", "", ""},
      {"CREATE TABLE t SELECT a FROM u", T::kDdl, "t, u", "", "", ""},
      {"CREATE TABLE c (id INT, pid INT, FOREIGN KEY (pid) REFERENCES p (id) ON DELETE CASCADE)", T::kDdl, "c, p", "", "", ""},
      {"CREATE TABLE t (id INT) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 PARTITION BY HASH (id) PARTITIONS 4", T::kDdl, "t", "", "", ""},
      {"CREATE OR REPLACE TABLE t (a INT)", T::kDdl, "t", "", "", ""},
      {"CREATE INDEX i ON t (a)", T::kDdl, "t", "", "", ""},
      {"CREATE UNIQUE INDEX i USING BTREE ON db.t (a, b)", T::kDdl, "db.t", "", "", ""},
      {"CREATE FULLTEXT INDEX ft ON t (body)", T::kDdl, "t", "", "", ""},
      {"CREATE VIEW v AS SELECT * FROM t WHERE a = 1", T::kDdl, "v, t", "", "", ""},
      {"CREATE OR REPLACE ALGORITHM=MERGE DEFINER=`root`@`localhost` SQL SECURITY INVOKER VIEW v (a) AS SELECT a FROM t JOIN u ON t.id = u.id", T::kDdl, "v, t, u", "", "", "multi"},
      {"CREATE DATABASE db", T::kDdl, "", "", "", "schema=db"},
      {"CREATE SCHEMA IF NOT EXISTS db2 CHARACTER SET utf8mb4", T::kDdl, "", "", "", "schema=db2 ifNotExists"},
      {"CREATE TRIGGER trg BEFORE INSERT ON t FOR EACH ROW BEGIN SET NEW.a = 1; SET NEW.b = 2; END", T::kDdl, "t", "", "", ""},
      {"CREATE DEFINER='root'@'%' PROCEDURE p() BEGIN SELECT 1; SELECT 2; END", T::kDdl, "", "", "", ""},
      {"CREATE FUNCTION f(x INT) RETURNS INT DETERMINISTIC RETURN x + 1", T::kDdl, "", "", "", ""},
      {"CREATE EVENT e ON SCHEDULE EVERY 1 DAY DO DELETE FROM t", T::kDdl, "", "", "", ""},
      {"CREATE SEQUENCE s START WITH 1", T::kDdl, "s", "", "", ""},
      {"CREATE USER 'u'@'%' IDENTIFIED BY 'p'", T::kOther, "", "", "", ""},
      {"CREATE ROLE r", T::kOther, "", "", "", ""},
      {"ALTER TABLE t ADD COLUMN c INT", T::kDdl, "t", "", "", ""},
      {"ALTER TABLE db.t RENAME TO db.u", T::kDdl, "db.t, db.u", "", "", ""},
      {"ALTER TABLE t RENAME COLUMN a TO b", T::kDdl, "t", "", "", ""},
      {"ALTER TABLE t RENAME INDEX a TO b", T::kDdl, "t", "", "", ""},
      {"ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (pid) REFERENCES p(id)", T::kDdl, "t, p", "", "", ""},
      {"ALTER ONLINE TABLE t ADD INDEX (a)", T::kDdl, "t", "", "", ""},
      {"ALTER IGNORE TABLE t ADD UNIQUE (a)", T::kDdl, "t", "", "", ""},
      {"ALTER TABLE t EXCHANGE PARTITION p0 WITH TABLE t2", T::kDdl, "t, t2", "", "", ""},
      {"ALTER TABLE IF EXISTS t ADD c INT", T::kDdl, "t", "", "", "ifExists"},
      {"ALTER DATABASE db CHARACTER SET utf8mb4", T::kDdl, "", "", "", "schema=db"},
      {"ALTER DATABASE CHARACTER SET utf8mb4", T::kDdl, "", "", "", ""},
      {"ALTER VIEW v AS SELECT * FROM t", T::kDdl, "v, t", "", "", ""},
      {"ALTER USER 'u'@'%' IDENTIFIED BY 'x'", T::kOther, "", "", "", ""},
      {"ALTER EVENT e DISABLE", T::kDdl, "", "", "", ""},
      {"DROP TABLE t", T::kDdl, "t", "", "", ""},
      {"DROP TABLE IF EXISTS a, db.b", T::kDdl, "a, db.b", "", "", "ifExists"},
      {"DROP TEMPORARY TABLE IF EXISTS tmp", T::kDdl, "tmp", "", "", "ifExists temporary"},
      {"DROP TABLES a, b CASCADE", T::kDdl, "a, b", "", "", ""},
      {"DROP VIEW IF EXISTS v1, v2", T::kDdl, "v1, v2", "", "", "ifExists"},
      {"DROP INDEX i ON t", T::kDdl, "t", "", "", ""},
      {"DROP DATABASE IF EXISTS db", T::kDdl, "", "", "", "schema=db ifExists"},
      {"DROP SCHEMA db", T::kDdl, "", "", "", "schema=db"},
      {"DROP PROCEDURE IF EXISTS p", T::kDdl, "", "", "", "ifExists"},
      {"DROP TRIGGER db.trg", T::kDdl, "", "", "", ""},
      {"DROP USER u", T::kOther, "", "", "", ""},
      {"DROP PREPARE stmt", T::kOther, "", "", "", ""},
      {"TRUNCATE TABLE t", T::kDdl, "t", "", "", ""},
      {"TRUNCATE db.t", T::kDdl, "db.t", "", "", ""},
      {"RENAME TABLE a TO b", T::kDdl, "a, b", "", "", ""},
      {"RENAME TABLE a TO b, c TO db.d", T::kDdl, "a, b, c, db.d", "", "", ""},
      {"RENAME USER a TO b", T::kOther, "", "", "", ""},
      // LOCK / UNLOCK
      {"LOCK TABLES t READ", T::kLockTables, "t", "", "", ""},
      {"LOCK TABLES t READ, u WRITE", T::kLockTables, "t, u", "", "", ""},
      {"LOCK TABLE t AS a READ LOCAL, db.u LOW_PRIORITY WRITE", T::kLockTables, "t a, db.u", "", "", ""},
      {"LOCK TABLES t a WRITE", T::kLockTables, "t a", "", "", ""},
      {"UNLOCK TABLES", T::kUnlockTables, "", "", "", ""},
      {"UNLOCK TABLE", T::kUnlockTables, "", "", "", ""},
      {"LOCK INSTANCE FOR BACKUP", T::kOther, "", "", "", ""},
      {"UNLOCK INSTANCE", T::kOther, "", "", "", ""},
      // CALL / DO
      {"CALL p()", T::kCall, "", "", "", ""},
      {"CALL db.p(1, ?, @x)", T::kCall, "", "", "", "params=1"},
      {"CALL p", T::kCall, "", "", "", ""},
      {"DO SLEEP(1)", T::kDo, "", "", "", ""},
      {"DO 1 + 1, (SELECT 1 FROM t)", T::kDo, "t", "", "subquery", ""},
      // EXPLAIN / DESCRIBE
      {"EXPLAIN SELECT * FROM t WHERE id = 1", T::kExplain, "t", "id = 1", "", "explained=SELECT"},
      {"EXPLAIN FORMAT=JSON SELECT * FROM t", T::kExplain, "t", "", "", "explained=SELECT"},
      {"EXPLAIN EXTENDED SELECT 1", T::kExplain, "", "", "", "explained=SELECT"},
      {"EXPLAIN ANALYZE SELECT * FROM t ORDER BY a", T::kExplain, "t", "", "orderBy", "explained=SELECT"},
      {"EXPLAIN UPDATE t SET a = 1 WHERE id = 2", T::kExplain, "t", "id = 2", "", "explained=UPDATE assigned=a"},
      {"EXPLAIN DELETE FROM t WHERE id = 3", T::kExplain, "t", "id = 3", "", "explained=DELETE"},
      {"EXPLAIN INSERT INTO t VALUES (1)", T::kExplain, "t", "", "", "explained=INSERT insert"},
      {"EXPLAIN (SELECT 1) UNION (SELECT 2)", T::kExplain, "", "", "union", "explained=SELECT"},
      {"DESCRIBE t", T::kExplain, "t", "", "", ""},
      {"DESC db.t", T::kExplain, "db.t", "", "", ""},
      {"DESCRIBE t col", T::kExplain, "t", "", "", ""},
      {"EXPLAIN t", T::kExplain, "t", "", "", ""},
      {"DESCRIBE SELECT * FROM t", T::kExplain, "t", "", "", "explained=SELECT"},
      {"EXPLAIN FOR CONNECTION 5", T::kExplain, "", "", "", ""},
      {"ANALYZE SELECT * FROM t WHERE id = 1", T::kExplain, "t", "id = 1", "", "explained=SELECT"},
      {"ANALYZE FORMAT=JSON SELECT 1", T::kExplain, "", "", "", "explained=SELECT"},
      // administrative and other statements
      {"ANALYZE TABLE t", T::kOther, "t", "", "", ""},
      {"OPTIMIZE TABLE t1, t2", T::kOther, "t1, t2", "", "", ""},
      {"OPTIMIZE NO_WRITE_TO_BINLOG TABLE t", T::kOther, "t", "", "", ""},
      {"CHECK TABLE t", T::kOther, "t", "", "", ""},
      {"REPAIR LOCAL TABLE t", T::kOther, "t", "", "", ""},
      {"CHECKSUM TABLE db.t", T::kOther, "db.t", "", "", ""},
      {"GRANT SELECT ON db.* TO 'u'@'%'", T::kOther, "", "", "", ""},
      {"REVOKE ALL ON *.* FROM u", T::kOther, "", "", "", ""},
      {"FLUSH PRIVILEGES", T::kOther, "", "", "", ""},
      {"FLUSH TABLES", T::kOther, "", "", "", ""},
      {"KILL 5", T::kOther, "", "", "", ""},
      {"KILL QUERY 5", T::kOther, "", "", "", ""},
      {"LOAD DATA LOCAL INFILE '/tmp/x' INTO TABLE t FIELDS TERMINATED BY ','", T::kOther, "t", "", "", ""},
      {"LOAD XML INFILE 'x' INTO TABLE db.t", T::kOther, "db.t", "", "", ""},
      {"HANDLER t OPEN", T::kOther, "t", "", "", ""},
      {"PREPARE s FROM 'SELECT 1'", T::kOther, "", "", "", ""},
      {"EXECUTE s USING @a", T::kOther, "", "", "", ""},
      {"DEALLOCATE PREPARE s", T::kOther, "", "", "", ""},
      {"HELP 'contents'", T::kOther, "", "", "", ""},
      {"SHUTDOWN", T::kOther, "", "", "", ""},
      {"RESET MASTER", T::kOther, "", "", "", ""},
      {"PURGE BINARY LOGS TO 'mysql-bin.000010'", T::kOther, "", "", "", ""},
      {"CHANGE MASTER TO MASTER_HOST='h', MASTER_USE_GTID=slave_pos", T::kOther, "", "", "", ""},
      {"INSTALL PLUGIN x SONAME 'y.so'", T::kOther, "", "", "", ""},
      {"SIGNAL SQLSTATE '45000'", T::kOther, "", "", "", ""},
      {"(1)", T::kOther, "", "", "", ""},
      {"42", T::kOther, "", "", "", ""},
      // nothing to run
      {"", T::kEmpty, "", "", "", ""},
      {"   \n\t", T::kEmpty, "", "", "", ""},
      {"/* only a comment */", T::kEmpty, "", "", "", ""},
      {"-- just this", T::kEmpty, "", "", "", ""},
      {"# just this\n", T::kEmpty, "", "", "", ""},
      {";", T::kEmpty, "", "", "", ""},
      {"/* shardgate: shard=s1 */", T::kEmpty, "", "", "", "hint.shard=s1"},
      {"/* never closed", T::kEmpty, "", "", "", "error"},
  };
  // clang-format on
  return kCases;
}

namespace {

class AdminClassification : public ::testing::TestWithParam<ClassifierCase> {};

TEST_P(AdminClassification, Matches) { expectClassified(GetParam()); }

INSTANTIATE_TEST_SUITE_P(Admin, AdminClassification, ::testing::ValuesIn(adminCases()));

// SET items in every spelling.
struct SetCase {
  const char* sql;
  const char* items;  // setItemText() of each item, "; "-separated
};

void PrintTo(const SetCase& c, std::ostream* os) { *os << c.sql; }

class SetItemsTable : public ::testing::TestWithParam<SetCase> {};

TEST_P(SetItemsTable, Matches) {
  const SetCase& c = GetParam();
  const Statement st = classify(c.sql);
  std::string items;
  for (const SetItem& item : st.sets) items += (items.empty() ? "" : "; ") + setItemText(item);
  EXPECT_EQ(items, c.items);
}

// clang-format off
const SetCase kSetCases[] = {
    {"SET NAMES utf8mb4", "NAMES names=utf8mb4"},
    {"SET NAMES 'utf8mb4' COLLATE 'utf8mb4_unicode_ci'", "NAMES names='utf8mb4' COLLATE 'utf8mb4_unicode_ci'"},
    {"SET names DEFAULT", "NAMES names=DEFAULT"},
    {"SET CHARACTER SET utf8", "NAMES charset=utf8"},
    {"SET CHARSET 'latin1'", "NAMES charset='latin1'"},
    {"SET autocommit=1", "AUTOCOMMIT autocommit=1 [true]"},
    {"SET autocommit = 0", "AUTOCOMMIT autocommit=0 [false]"},
    {"SET AUTOCOMMIT=ON", "AUTOCOMMIT autocommit=ON [true]"},
    {"SET autocommit=off", "AUTOCOMMIT autocommit=off [false]"},
    {"SET autocommit='ON'", "AUTOCOMMIT autocommit='ON' [true]"},
    {"SET @@autocommit = true", "AUTOCOMMIT autocommit=true [true]"},
    {"SET SESSION autocommit = FALSE", "AUTOCOMMIT autocommit=FALSE [false]"},
    {"SET @@session.autocommit=1", "AUTOCOMMIT autocommit=1 [true]"},
    {"SET LOCAL autocommit=1", "AUTOCOMMIT autocommit=1 [true]"},
    {"SET autocommit=@saved", "AUTOCOMMIT autocommit=@saved"},
    {"SET GLOBAL autocommit=0", "GLOBAL autocommit=0"},
    {"SET @@global.autocommit=0", "GLOBAL autocommit=0"},
    {"SET TRANSACTION ISOLATION LEVEL READ COMMITTED", "TRANSACTION transaction=ISOLATION LEVEL READ COMMITTED"},
    {"SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", "TRANSACTION session.transaction=ISOLATION LEVEL REPEATABLE READ, READ ONLY"},
    {"SET GLOBAL TRANSACTION READ WRITE", "TRANSACTION global.transaction=READ WRITE"},
    {"SET LOCAL TRANSACTION ISOLATION LEVEL SERIALIZABLE", "TRANSACTION session.transaction=ISOLATION LEVEL SERIALIZABLE"},
    {"SET @@session.transaction_isolation = 'READ-COMMITTED'", "SESSION transaction_isolation='READ-COMMITTED'"},
    {"SET sql_mode = 'STRICT_TRANS_TABLES'", "SESSION sql_mode='STRICT_TRANS_TABLES'"},
    {"SET SQL_MODE=''", "SESSION sql_mode=''"},
    {"SET @@sql_mode = CONCAT(@@sql_mode, ',NO_ZERO_DATE')", "SESSION sql_mode=CONCAT(@@sql_mode, ',NO_ZERO_DATE')"},
    {"SET @@session.sql_mode = ''", "SESSION sql_mode=''"},
    {"SET @@SESSION.tx_isolation = 'READ-COMMITTED'", "SESSION tx_isolation='READ-COMMITTED'"},
    {"SET @@local.time_zone = '+00:00'", "SESSION time_zone='+00:00'"},
    {"SET LOCAL wait_timeout = 60", "SESSION wait_timeout=60"},
    {"SET SESSION a = 1, @b = 2", "SESSION a=1; USER @b=2"},
    {"SET GLOBAL max_connections = 1000, sort_buffer_size = 1000000", "GLOBAL max_connections=1000; GLOBAL sort_buffer_size=1000000"},
    {"SET GLOBAL a = 1, SESSION b = 2, c = 3", "GLOBAL a=1; SESSION b=2; SESSION c=3"},
    {"SET @@global.max_connections = 10", "GLOBAL max_connections=10"},
    {"SET PERSIST max_connections = 10", "GLOBAL max_connections=10"},
    {"SET @@persist_only.max_connections = 10", "GLOBAL max_connections=10"},
    {"SET @x = 1", "USER @x=1"},
    {"SET @X := 'a', @y = @x + 1", "USER @x='a'; USER @y=@x + 1"},
    {"SET @`quoted var` = 'v'", "USER @quoted var='v'"},
    {"SET @'My Var' = 2", "USER @my var=2"},
    {"SET keycache.key_buffer_size = 1024", "SESSION keycache.key_buffer_size=1024"},
    {"SET character_set_results = NULL", "SESSION character_set_results=NULL"},
    {"SET sql_select_limit=DEFAULT", "SESSION sql_select_limit=DEFAULT"},
    {"SET NAMES utf8mb4, autocommit = 1", "NAMES names=utf8mb4; AUTOCOMMIT autocommit=1 [true]"},
    {"SET unique_checks=0, foreign_key_checks=0", "SESSION unique_checks=0; SESSION foreign_key_checks=0"},
    {"SET PASSWORD = 'secret'", "OTHER password='secret'"},
    {"SET PASSWORD FOR 'u'@'%' = PASSWORD('x')", "OTHER password=FOR 'u'@'%' = PASSWORD('x')"},
    {"SET ROLE ALL", "OTHER role=ALL"},
    {"SET DEFAULT ROLE ALL TO u", "OTHER default role=ALL TO u"},
    {"SET STATEMENT max_statement_time=1 FOR SELECT 1", "OTHER statement=max_statement_time=1"},
    {"/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */", "USER @old_character_set_client=@@CHARACTER_SET_CLIENT"},
    {"/*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */", "USER @old_unique_checks=@@UNIQUE_CHECKS; SESSION unique_checks=0"},
};
// clang-format on

INSTANTIATE_TEST_SUITE_P(Set, SetItemsTable, ::testing::ValuesIn(kSetCases));

}  // namespace
}  // namespace sg::sql::test
