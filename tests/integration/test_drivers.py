"""PyMySQL and mysqlclient (MySQLdb) through shardgate, with both auth plugins.

Every query's result is compared with the same query run directly against the default shard's
master with the same driver: rows, cursor.description (names, type codes, sizes, precision,
nullability) and column flags.
"""

import contextlib
import datetime
import decimal
import re
import unittest

import drivers
import harness

FULL_AUTH = re.compile(r"full authentication data of \d+ bytes")


class DriverMixin:
    """Tests for one (driver, auth plugin) pair; subclasses set DRIVER and SHARDGATE_OPTIONS."""

    DRIVER = None
    TABLE = None
    PROC = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        harness.master_query(f"DROP TABLE IF EXISTS {cls.TABLE}")
        harness.master_query(f"""CREATE TABLE {cls.TABLE} (
            id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
            name VARCHAR(64) CHARACTER SET utf8mb4 NULL,
            qty BIGINT NOT NULL DEFAULT 0,
            price DECIMAL(12,4) NULL,
            ratio DOUBLE NULL,
            made DATETIME(6) NULL,
            day DATE NULL,
            payload BLOB NULL,
            flag TINYINT(1) NOT NULL DEFAULT 0,
            UNIQUE KEY (name)) ENGINE=InnoDB""")
        harness.master_query(f"DROP PROCEDURE IF EXISTS {cls.PROC}")
        harness.master_query(f"""CREATE PROCEDURE {cls.PROC}(IN n INT)
            BEGIN
              SELECT n AS requested, 'first' AS which;
              SELECT seq, seq * seq AS square FROM seq_1_to_100 WHERE seq <= n;
            END""")

    @classmethod
    def tearDownClass(cls):
        harness.master_query(f"DROP TABLE IF EXISTS {cls.TABLE}")
        harness.master_query(f"DROP PROCEDURE IF EXISTS {cls.PROC}")
        super().tearDownClass()

    # -- helpers

    def connect(self, **kw):
        return contextlib.closing(self.DRIVER.connect(self.sg.port, **kw))

    def connect_master(self, **kw):
        return contextlib.closing(self.DRIVER.connect(harness.cluster().master_port, **kw))

    def assert_same_as_master(self, sql, args=None, multi_statements=False):
        """Runs sql through shardgate and on the master; asserts equal results; returns them."""
        with self.connect(multi_statements=multi_statements, autocommit=True) as c, \
                self.connect_master(multi_statements=multi_statements, autocommit=True) as m:
            mine = drivers.all_result_sets(c.cursor(), self.DRIVER, sql, args)
            theirs = drivers.all_result_sets(m.cursor(), self.DRIVER, sql, args)
        self.assertEqual(mine, theirs, f"results differ for {sql!r}")
        return mine

    def clear_table(self):
        harness.master_query(f"DELETE FROM {self.TABLE}")

    # -- login

    def test_first_login_full_auth_then_fast_path(self):
        plugin = self.SHARDGATE_OPTIONS["auth_plugin"]
        with harness.Shardgate(auth_plugin=plugin, log_level="debug") as sg:
            for i in range(3):
                with contextlib.closing(self.DRIVER.connect(sg.port)) as c:
                    cur = c.cursor()
                    cur.execute("SELECT %s + 1", (i,))
                    self.assertEqual(cur.fetchall()[0][0], i + 1)
            expected_full = 1 if plugin == "caching_sha2_password" else 0
            self.assertEqual(len(FULL_AUTH.findall(sg.log_text())), expected_full, sg.log_text())

    # -- data

    def test_crud_matches_master(self):
        self.clear_table()
        t = self.TABLE
        select = f"SELECT id, name, qty, price, made, payload, flag FROM {t} ORDER BY id"
        with self.connect(autocommit=True) as c:
            cur = c.cursor()
            rows = [("apple", 3, decimal.Decimal("1.2500"),
                     datetime.datetime(2024, 5, 6, 7, 8, 9, 123456), b"\x00\x01\xff", 1),
                    ("banana", 12, decimal.Decimal("-0.0001"), None, None, 0),
                    ("\u00e7a va \U0001F34C", 0, None, datetime.datetime(1970, 1, 2), b"", 0)]
            n = cur.executemany(f"INSERT INTO {t} (name, qty, price, made, payload, flag) "
                                "VALUES (%s, %s, %s, %s, %s, %s)", rows)
            self.assertEqual(n, 3)
            got = self.assert_same_as_master(select)[0][3]
            self.assertEqual([r[1:] for r in got], rows)
            self.assertEqual(cur.execute(f"UPDATE {t} SET qty = qty * 2 WHERE qty > 1"), 2)
            self.assertEqual(cur.execute(f"UPDATE {t} SET qty = qty WHERE qty > 1000"), 0)
            self.assertEqual(cur.execute(f"DELETE FROM {t} WHERE name = %s", ("banana",)), 1)
            got = self.assert_same_as_master(select)[0][3]
            self.assertEqual([(r[1], r[2]) for r in got],
                             [("apple", 6), ("\u00e7a va \U0001F34C", 0)])
            cur.execute(f"INSERT INTO {t} (name) VALUES ('last')")
            last_id = c.insert_id()
            self.assertEqual(cur.lastrowid, last_id)
            self.assertEqual(harness.master_query(f"SELECT name FROM {t} WHERE id = {last_id}"),
                             (("last",),))
            with self.assertRaises(self.DRIVER.Error) as cm:
                cur.execute(f"INSERT INTO {t} (name) VALUES ('last')")
            self.assertEqual(drivers.error_code(cm.exception), 1062)
            self.assertIn("Duplicate entry 'last'", str(cm.exception))
            cur.execute("SELECT 1")  # the session is fine after an error
            self.assertEqual(cur.fetchall()[0][0], 1)

    def test_types_nulls_unicode_match_master(self):
        self.clear_table()
        harness.master_query(f"""INSERT INTO {self.TABLE}
            (name, qty, price, ratio, made, day, payload, flag) VALUES
            ('emoji \U0001F600\U0001F680 and \u4e2d\u6587', -9223372036854775808, 99999999.9999,
             1e308, '9999-12-31 23:59:59.999999', '2000-02-29', x'000102fffe', 1),
            (NULL, 9223372036854775807, NULL, NULL, NULL, NULL, NULL, 0),
            ('', 0, 0, -0.5, '1000-01-01 00:00:00', '1000-01-01', '', 0)""")
        sets = self.assert_same_as_master(f"SELECT * FROM {self.TABLE} ORDER BY id")
        desc, flags, _, rows, _ = sets[0]
        self.assertEqual([d[0] for d in desc],
                         ["id", "name", "qty", "price", "ratio", "made", "day", "payload", "flag"])
        self.assertEqual(len(flags), 9)
        self.assertEqual(rows[0][1], "emoji \U0001F600\U0001F680 and \u4e2d\u6587")
        self.assertEqual(rows[0][2], -9223372036854775808)
        self.assertEqual(rows[0][3], decimal.Decimal("99999999.9999"))
        self.assertEqual(rows[0][5], datetime.datetime(9999, 12, 31, 23, 59, 59, 999999))
        self.assertEqual(rows[0][6], datetime.date(2000, 2, 29))
        self.assertEqual(rows[0][7], b"\x00\x01\x02\xff\xfe")
        self.assertEqual(rows[1][1:8], (None, 9223372036854775807, None, None, None, None, None))
        # Expressions: every NULL-able and computed type.
        self.assert_same_as_master(
            "SELECT NULL AS n, CAST(1.5 AS DECIMAL(5,2)) AS d, CAST('2001-02-03 04:05:06.7' AS "
            "DATETIME(1)) AS dt, TIME'-838:59:59' AS t, _binary 'b\\0in' AS bin, "
            "CONVERT('\U0001F600' USING utf8mb4) AS emoji, 1e-300 AS dbl, 18446744073709551615 AS "
            "u64, JSON_OBJECT('k', 'v') AS j, YEAR(NOW()) > 2000 AS y")

    def test_parameters_round_trip(self):
        values = ("it's \"quoted\" \\ back", "\U0001F600", None, decimal.Decimal("-12345.6789"),
                  datetime.datetime(2020, 1, 2, 3, 4, 5, 6), 2**63 - 1, -1.5)
        sets = self.assert_same_as_master("SELECT %s, %s, %s, %s, %s, %s, %s", values)
        row = sets[0][3][0]
        self.assertEqual(row[0], values[0])
        self.assertEqual(row[1], values[1])
        self.assertIsNone(row[2])
        self.assertEqual(decimal.Decimal(row[3]), values[3])
        self.assertEqual(row[5], values[5])

    # -- several result sets

    def test_multi_statements_match_master(self):
        sets = self.assert_same_as_master(
            "SELECT 1 AS a; SELECT 'x' AS b, NULL AS c; DO 1; "
            "SELECT seq FROM seq_1_to_5; SELECT @@autocommit AS ac", multi_statements=True)
        self.assertEqual(len(sets), 5)
        self.assertEqual(sets[0][3], ((1,),))
        self.assertEqual(sets[1][3], (("x", None),))
        self.assertIsNone(sets[2][0])  # DO: an OK packet, no columns
        self.assertEqual(sets[3][3], tuple((i,) for i in range(1, 6)))

    def test_multi_statement_error_in_the_middle(self):
        with self.connect(multi_statements=True) as c, \
                self.connect_master(multi_statements=True) as m:
            outcome = []
            for conn in (c, m):
                cur = conn.cursor()
                cur.execute("SELECT 1; SELECT * FROM no_such_table_xyz; SELECT 3")
                first = cur.fetchall()
                with self.assertRaises(self.DRIVER.Error) as cm:
                    cur.nextset()
                outcome.append((first, drivers.error_code(cm.exception), str(cm.exception)))
                # The session is still usable (the rest of the batch was not run).
                cur = conn.cursor()
                cur.execute("SELECT 42")
                self.assertEqual(cur.fetchall()[0][0], 42)
            self.assertEqual(outcome[0], outcome[1])
            self.assertEqual(outcome[0][1], 1146)

    def test_stored_procedure_two_result_sets(self):
        sets = self.assert_same_as_master(f"CALL {self.PROC}(4)")
        self.assertEqual(sets[0][3], ((4, "first"),))
        self.assertEqual([d[0] for d in sets[0][0]], ["requested", "which"])
        self.assertEqual(sets[1][3], ((1, 1), (2, 4), (3, 9), (4, 16)))
        self.assertEqual(len(sets), 3)  # two result sets, then the CALL's own OK
        self.assertIsNone(sets[2][0])

    # -- session state

    def test_init_command(self):
        with self.connect(init_command="SET @init_marker = 'set-by-init', "
                                       "SESSION sql_mode = 'ANSI_QUOTES'") as c:
            cur = c.cursor()
            cur.execute("SELECT @init_marker, @@SESSION.sql_mode")
            self.assertEqual(tuple(cur.fetchone()), ("set-by-init", "ANSI_QUOTES"))

    def test_autocommit_and_rollback(self):
        self.clear_table()
        t = self.TABLE
        with self.connect() as c:
            cur = c.cursor()
            c.autocommit(False)
            self.assertFalse(c.get_autocommit())
            cur.execute("SELECT @@autocommit")
            self.assertEqual(cur.fetchone()[0], 0)
            cur.execute(f"INSERT INTO {t} (name) VALUES ('rolled-back')")
            cur.execute(f"SELECT COUNT(*) FROM {t}")
            self.assertEqual(cur.fetchone()[0], 1)  # visible inside the transaction
            self.assertEqual(harness.master_query(f"SELECT COUNT(*) FROM {t}"), ((0,),))
            c.rollback()
            cur.execute(f"SELECT COUNT(*) FROM {t}")
            self.assertEqual(cur.fetchone()[0], 0)
            cur.execute(f"INSERT INTO {t} (name) VALUES ('committed')")
            c.commit()
            self.assertEqual(harness.master_query(f"SELECT name FROM {t}"), (("committed",),))
            # Explicit transaction with a savepoint.
            cur.execute("START TRANSACTION")
            cur.execute(f"INSERT INTO {t} (name) VALUES ('kept')")
            cur.execute("SAVEPOINT sp")
            cur.execute(f"INSERT INTO {t} (name) VALUES ('undone')")
            cur.execute("ROLLBACK TO SAVEPOINT sp")
            cur.execute("COMMIT")
            self.assertEqual(harness.master_query(f"SELECT name FROM {t} ORDER BY id"),
                             (("committed",), ("kept",)))
            c.autocommit(True)
            self.assertTrue(c.get_autocommit())
            cur.execute(f"INSERT INTO {t} (name) VALUES ('auto')")
            self.assertEqual(harness.master_query(f"SELECT COUNT(*) FROM {t}"), ((3,),))

    def test_use_and_select_db(self):
        with self.connect(database=None) as c:
            cur = c.cursor()
            cur.execute("SELECT DATABASE()")
            self.assertIsNone(cur.fetchone()[0])
            c.select_db("mysql")  # COM_INIT_DB
            cur.execute("SELECT DATABASE()")
            self.assertEqual(cur.fetchone()[0], "mysql")
            cur.execute("USE app")
            cur.execute("SELECT DATABASE()")
            self.assertEqual(cur.fetchone()[0], "app")
            with self.assertRaises(self.DRIVER.Error) as cm:
                c.select_db("no_such_db_xyz")
            self.assertEqual(drivers.error_code(cm.exception), 1049)
            self.assertIn("Unknown database 'no_such_db_xyz'", str(cm.exception))
            cur = c.cursor()
            cur.execute("SELECT DATABASE()")
            self.assertEqual(cur.fetchone()[0], "app")

    def test_database_in_handshake(self):
        with self.connect(database="mysql") as c:
            cur = c.cursor()
            cur.execute("SELECT DATABASE(), COUNT(*) > 0 FROM user")
            self.assertEqual(tuple(cur.fetchone()), ("mysql", 1))

    def test_unknown_database_in_handshake(self):
        results = []
        for port in (self.sg.port, harness.cluster().master_port):
            with self.assertRaises(self.DRIVER.OperationalError) as cm:
                self.DRIVER.connect(port, database="no_such_db_xyz").close()
            results.append(cm.exception.args)
        self.assertEqual(results[0], results[1])
        self.assertEqual(results[0][0], 1049)
        self.assertEqual(results[0][1], "Unknown database 'no_such_db_xyz'")

    def test_tls_when_asked_for(self):
        with self.connect() as c:
            tls = c._sock.__class__.__name__ == "SSLSocket" if hasattr(c, "_sock") else None
            if self.DRIVER is drivers.PyMySQLTlsDriver:
                self.assertTrue(tls, "no TLS to shardgate")
                self.assertIn("TLS", c._sock.version())
            elif self.DRIVER is drivers.PyMySQLDriver:
                self.assertFalse(tls)

    def test_ping(self):
        with self.connect() as c:
            for _ in range(3):
                c.ping()
            cur = c.cursor()
            cur.execute("SELECT 'after ping'")
            self.assertEqual(cur.fetchone()[0], "after ping")

    def test_wrong_password_and_unknown_user(self):
        for user, password, using in (("app", "nope", "YES"), ("nobody", "app", "YES"),
                                      ("app", "", "NO")):
            with self.subTest(user=user, password=password):
                with self.assertRaises(self.DRIVER.OperationalError) as cm:
                    self.DRIVER.connect(self.sg.port, user=user, password=password).close()
                self.assertEqual(cm.exception.args,
                                 (1045, f"Access denied for user '{user}'@'127.0.0.1' "
                                        f"(using password: {using})"))
        self.assert_alive()


def _make(driver, plugin, short):
    name = f"{driver.name.capitalize()}{short}Test"
    attrs = {
        "DRIVER": driver,
        "SHARDGATE_OPTIONS": {"auth_plugin": plugin},
        "TABLE": f"it_drv_{driver.name}_{short.lower()}",
        "PROC": f"it_proc_{driver.name}_{short.lower()}",
    }
    return type(name, (DriverMixin, harness.ShardgateTestCase), attrs)


PymysqlSha2Test = _make(drivers.PyMySQLDriver, "caching_sha2_password", "Sha2")
PymysqlNativeTest = _make(drivers.PyMySQLDriver, "mysql_native_password", "Native")
PymysqltlsSha2Test = _make(drivers.PyMySQLTlsDriver, "caching_sha2_password", "Sha2")
MysqldbSha2Test = _make(drivers.MySQLdbDriver, "caching_sha2_password", "Sha2")
MysqldbNativeTest = _make(drivers.MySQLdbDriver, "mysql_native_password", "Native")


class PymysqlWithoutMultiStatementsTest(harness.ShardgateTestCase):
    """Without CLIENT_MULTI_STATEMENTS, a batch is a syntax error, as on the master."""

    def test_batch_refused_like_master(self):
        errors = []
        for port in (self.sg.port, harness.cluster().master_port):
            with contextlib.closing(harness.pymysql_connect(port)) as c:
                with self.assertRaises(drivers.PyMySQLDriver.Error) as cm:
                    c.cursor().execute("SELECT 1; SELECT 2")
                errors.append(cm.exception.args)
                cur = c.cursor()
                cur.execute("SELECT 3")
                self.assertEqual(cur.fetchone()[0], 3)
        self.assertEqual(errors[0], errors[1])
        self.assertEqual(errors[0][0], 1064)


if __name__ == "__main__":
    unittest.main()
