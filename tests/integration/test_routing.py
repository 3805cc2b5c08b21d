"""Range routing through shardgate on 2 shards (each a master and a replica): every row written
through shardgate lands on exactly the owning master (checked on each master directly), reads by
key come from the owning shard, refusals carry the documented errors, and session state follows
the session onto every shard it uses. The cluster's shard map: users(id) and orders(user_id)
sharded at 5,000,000 (s0 below, s1 from there), countries global."""

import contextlib
import struct
import time
import unittest

import MySQLdb
import MySQLdb.constants.CLIENT

import harness
import rawproto
import test_protocol_edges

S1_KEY = 5_000_000


def direct(server):
    return harness.pymysql_connect(harness.cluster().port(server), autocommit=True)


def rows_on(server, sql):
    with contextlib.closing(direct(server)) as c, c.cursor() as cur:
        cur.execute(sql)
        return cur.fetchall()


def wait_replicated(sql, expected, servers=("s0-replica1", "s1-replica1"), timeout=10):
    deadline = time.monotonic() + timeout
    while True:
        got = [rows_on(s, sql) for s in servers]
        if all(g == e for g, e in zip(got, expected)) or time.monotonic() > deadline:
            return got
        time.sleep(0.05)


class RoutingTest(harness.ShardgateTestCase):
    SHARDGATE_OPTIONS = {"auth_plugin": "mysql_native_password"}  # for the raw-protocol client

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for master in ("s0-master", "s1-master"):
            with contextlib.closing(direct(master)) as c, c.cursor() as cur:
                cur.execute("DROP TABLE IF EXISTS users, orders, countries, plain_t")
        # DDL on sharded and global tables goes to every master through shardgate.
        with contextlib.closing(cls.connect()) as c, c.cursor() as cur:
            cur.execute("CREATE TABLE users (id BIGINT PRIMARY KEY, name VARCHAR(32))")
            cur.execute("CREATE TABLE orders (id BIGINT AUTO_INCREMENT PRIMARY KEY, "
                        "user_id BIGINT NOT NULL, amount INT, KEY (user_id))")
            cur.execute("CREATE TABLE countries (code CHAR(2) PRIMARY KEY, name VARCHAR(32))")
            cur.execute("CREATE TABLE plain_t (id INT PRIMARY KEY)")

    @classmethod
    def connect(cls, **kw):
        return harness.mysqldb_connect(cls.sg.port, autocommit=True, **kw)

    def test_ddl_reached_the_right_masters(self):
        for master in ("s0-master", "s1-master"):
            tables = {r[0] for r in rows_on(master, "SHOW TABLES FROM app")}
            self.assertTrue({"users", "orders", "countries"} <= tables, (master, tables))
        self.assertIn(("plain_t",), rows_on("s0-master", "SHOW TABLES FROM app LIKE 'plain_t'"))
        self.assertEqual(rows_on("s1-master", "SHOW TABLES FROM app LIKE 'plain_t'"), ())

    def test_writes_land_on_the_owning_master_only(self):
        with contextlib.closing(self.connect()) as c, c.cursor() as cur:
            cur.execute("INSERT INTO users (id, name) VALUES (10, 'a')")
            cur.execute(f"INSERT INTO users (id, name) VALUES ({S1_KEY + 10}, 'b')")
            # A multi-row INSERT spanning both shards is split; the affected rows are summed.
            n = cur.execute(f"INSERT INTO users (id, name) VALUES (11, 'c'), ({S1_KEY + 11}, 'd'),"
                            f" (12, 'e')")
            self.assertEqual(n, 3)
            cur.execute(f"REPLACE INTO users (id, name) VALUES ({S1_KEY + 12}, 'f')")
            cur.execute("UPDATE users SET name = 'c2' WHERE id = 11")
            cur.execute(f"DELETE FROM users WHERE id = {S1_KEY + 11}")
        s0 = rows_on("s0-master", "SELECT id, name FROM app.users WHERE id IN (10,11,12) "
                                  "OR id >= 5000000 ORDER BY id")
        s1 = rows_on("s1-master", "SELECT id, name FROM app.users WHERE id < 5000000 OR "
                                  "id IN (5000010, 5000011, 5000012) ORDER BY id")
        self.assertEqual(s0, ((10, "a"), (11, "c2"), (12, "e")))
        self.assertEqual(s1, ((S1_KEY + 10, "b"), (S1_KEY + 12, "f")))

    def test_reads_by_key_come_from_the_owning_shard(self):
        with contextlib.closing(self.connect()) as c, c.cursor() as cur:
            cur.execute(f"INSERT INTO users (id, name) VALUES (20, 's0'), ({S1_KEY + 20}, 's1')")
        wait_replicated("SELECT COUNT(*) FROM app.users WHERE id IN (20, 5000020)", [((1,),), ((1,),)])
        with contextlib.closing(self.connect()) as c, c.cursor() as cur:
            cur.execute("SELECT name FROM users WHERE id = 20")
            self.assertEqual(cur.fetchall(), (("s0",),))
            cur.execute(f"SELECT name FROM users WHERE id = {S1_KEY + 20}")
            self.assertEqual(cur.fetchall(), (("s1",),))
            # Several shards, nothing to merge: the rows of each, concatenated.
            cur.execute(f"SELECT name FROM users WHERE id IN (20, {S1_KEY + 20})")
            self.assertEqual(sorted(cur.fetchall()), [("s0",), ("s1",)])
            self.assertEqual([d[0] for d in cur.description], ["name"])

    def test_error_on_one_shard_of_a_multi_shard_read(self):
        with contextlib.closing(self.connect()) as c, c.cursor() as cur:
            cur.execute(f"INSERT INTO users (id, name) VALUES (60, 'e0'), ({S1_KEY + 60}, 'e1')")
            with contextlib.closing(direct("s0-master")) as d, d.cursor() as dc:
                dc.execute("ALTER TABLE app.users ADD COLUMN only_s0 INT")
            try:
                with self.assertRaises(MySQLdb.MySQLError) as cm:
                    cur.execute(f"SELECT only_s0 FROM users WHERE id IN (60, {S1_KEY + 60}) "
                                f"FOR UPDATE")
                self.assertEqual(cm.exception.args[0], 1054)  # s1: unknown column
                self.assertIn("shard s1: ", cm.exception.args[1])
                # The same for a merge that buffers (grouping) and one that streams (ORDER BY).
                # (From the masters: the replicas may not have the new column yet.)
                for sql in ("/* shardgate: master */ SELECT only_s0, COUNT(*) FROM users "
                            "GROUP BY only_s0",
                            "/* shardgate: master */ SELECT name FROM users ORDER BY only_s0"):
                    with self.assertRaises(MySQLdb.MySQLError) as cm:
                        cur.execute(sql)
                    self.assertEqual(cm.exception.args[0], 1054, sql)
                    self.assertIn("shard s1: ", cm.exception.args[1])
                # Both connections are in step for what follows.
                for key, name in ((60, "e0"), (S1_KEY + 60, "e1")):
                    cur.execute(f"SELECT name FROM users WHERE id = {key} FOR UPDATE")
                    self.assertEqual(cur.fetchall(), ((name,),))
            finally:
                with contextlib.closing(direct("s0-master")) as d, d.cursor() as dc:
                    dc.execute("ALTER TABLE app.users DROP COLUMN only_s0")

    def test_hints(self):
        with contextlib.closing(self.connect()) as c, c.cursor() as cur:
            cur.execute(f"INSERT INTO users (id, name) VALUES (70, 'h0'), ({S1_KEY + 70}, 'h1')")
            # shard=NAME runs the statement on that shard alone (an aggregate of its rows);
            # master reads the master, which already has the row.
            counts = {}
            for shard in ("s0", "s1"):
                cur.execute(f"/* shardgate: shard={shard} master */ SELECT COUNT(*) FROM users "
                            f"WHERE name LIKE 'h%'")
                counts[shard] = cur.fetchall()[0][0]
            self.assertEqual(counts, {"s0": 1, "s1": 1})
            cur.execute(f"/* shardgate: master */ SELECT name FROM users WHERE id = {S1_KEY + 70}")
            self.assertEqual(cur.fetchall(), (("h1",),))
            with self.assertRaises(MySQLdb.MySQLError) as cm:
                cur.execute("/* shardgate: shard=nope */ SELECT 1 FROM users")
            self.assertEqual(cm.exception.args[0], 1210)

    def test_gathering_is_bounded_by_max_merge_rows(self):
        with contextlib.closing(self.connect()) as c, c.cursor() as cur:
            cur.execute("INSERT INTO users (id, name) VALUES (80, 'm'), (81, 'm'), (82, 'm'), "
                        f"({S1_KEY + 80}, 'm'), ({S1_KEY + 81}, 'm')")
        with harness.Shardgate(extra_toml="[routing]\nmax_merge_rows = 3") as small:
            with contextlib.closing(harness.mysqldb_connect(small.port, autocommit=True)) as c:
                cur = c.cursor()
                keys = f"80, 81, 82, {S1_KEY + 80}, {S1_KEY + 81}"
                # Grouping and DISTINCT buffer: 5 distinct ids are more than 3.
                with self.assertRaises(MySQLdb.MySQLError) as cm:
                    cur.execute(f"SELECT DISTINCT id FROM users WHERE id IN ({keys})")
                self.assertEqual(cm.exception.args[0], 1235)
                self.assertIn("max_merge_rows", cm.exception.args[1])
                with self.assertRaises(MySQLdb.MySQLError) as cm:
                    cur.execute(f"SELECT id, COUNT(*) FROM users WHERE id IN ({keys}) GROUP BY id")
                self.assertEqual(cm.exception.args[0], 1235)
                cur.execute(f"SELECT name, COUNT(*) FROM users WHERE id IN ({keys}) GROUP BY name")
                self.assertEqual(cur.fetchall(), (("m", 5),))
                # Streaming merges hold one row per shard: no limit.
                cur.execute(f"SELECT name FROM users WHERE id IN ({keys}) ORDER BY id FOR UPDATE")
                self.assertEqual(len(cur.fetchall()), 5)

    def test_multi_statement_query_across_shards(self):
        flags = MySQLdb.constants.CLIENT.MULTI_STATEMENTS | MySQLdb.constants.CLIENT.MULTI_RESULTS
        with contextlib.closing(self.connect(client_flag=flags)) as c:
            cur = c.cursor()
            cur.execute(f"INSERT INTO users (id, name) VALUES (90, 'ms0'); "
                        f"INSERT INTO users (id, name) VALUES ({S1_KEY + 90}, 'ms1'); "
                        f"SELECT name FROM users WHERE id IN (90, {S1_KEY + 90}) ORDER BY name "
                        f"FOR UPDATE; "  # (the masters: the replicas may lag)
                        f"/* shardgate: master */ SELECT COUNT(*) FROM users WHERE name LIKE 'ms%'")
            results = []
            while True:
                results.append(cur.fetchall() if cur.description else cur.rowcount)
                if not cur.nextset():
                    break
            self.assertEqual(results, [1, 1, (("ms0",), ("ms1",)), ((2,),)])
            # The first error ends the response; the statements before it ran.
            with self.assertRaises(MySQLdb.MySQLError) as cm:
                cur.execute(f"UPDATE users SET name = 'ms2' WHERE id = 90; "
                            f"SELECT nope FROM users; "
                            f"UPDATE users SET name = 'ms3' WHERE id = {S1_KEY + 90}")
                while cur.nextset():
                    pass
            self.assertEqual(cm.exception.args[0], 1054)
        self.assertEqual(rows_on("s0-master", "SELECT name FROM app.users WHERE id = 90"),
                         (("ms2",),))
        self.assertEqual(rows_on("s1-master", f"SELECT name FROM app.users WHERE id = {S1_KEY + 90}"),
                         (("ms1",),))

    def test_refusals(self):
        with contextlib.closing(self.connect()) as c, c.cursor() as cur:
            cases = [
                ("UPDATE users SET name = 'x'", 1175, "shard key"),
                ("SELECT GROUP_CONCAT(name) FROM users", 1235, "GROUP_CONCAT"),
                ("SELECT SUM(id) + 1 FROM users", 1235, "expression over aggregates"),
                ("SELECT id, ROW_NUMBER() OVER (ORDER BY id) FROM users", 1235, "window"),
                ("INSERT INTO users (id, name) VALUES (-5, 'neg')", 1526, "-5"),
                ("INSERT INTO users (name) VALUES ('nokey')", 1235, "id"),
                ("UPDATE users SET id = 7 WHERE id = 10", 1235, "shard key"),
            ]
            for sql, code, text in cases:
                with self.subTest(sql=sql):
                    with self.assertRaises(MySQLdb.MySQLError) as cm:
                        cur.execute(sql)
                    self.assertEqual(cm.exception.args[0], code, cm.exception.args)
                    self.assertIn(text, cm.exception.args[1])
            cur.execute("SELECT 1")  # the session goes on
            self.assertEqual(cur.fetchall(), ((1,),))

    def test_global_table_writes_go_to_every_master(self):
        with contextlib.closing(self.connect()) as c, c.cursor() as cur:
            cur.execute("INSERT INTO countries VALUES ('FR', 'France')")
        for master in ("s0-master", "s1-master"):
            self.assertEqual(rows_on(master, "SELECT name FROM app.countries WHERE code='FR'"),
                             (("France",),))

    def test_session_state_follows_the_session(self):
        with contextlib.closing(self.connect()) as c, c.cursor() as cur:
            cur.execute("SET @marker = 42, SESSION sql_mode = 'ANSI_QUOTES'")
            cur.execute(f"INSERT INTO users (id, name) VALUES (30, 'st'), ({S1_KEY + 30}, 'st')")
            # The s1 master connection opened after the SETs replays them.
            cur.execute(f"SELECT @marker, @@session.sql_mode FROM users WHERE id = {S1_KEY + 30} "
                        f"FOR UPDATE")
            self.assertEqual(cur.fetchall(), ((42, "ANSI_QUOTES"),))
            cur.execute("SELECT @marker, @@session.sql_mode FROM users WHERE id = 30 FOR UPDATE")
            self.assertEqual(cur.fetchall(), ((42, "ANSI_QUOTES"),))

    def test_last_insert_id_comes_from_the_shard_that_inserted(self):
        with contextlib.closing(self.connect()) as c, c.cursor() as cur:
            for master in ("s0-master", "s1-master"):
                with contextlib.closing(direct(master)) as d, d.cursor() as dc:
                    dc.execute("ALTER TABLE app.orders AUTO_INCREMENT = " +
                               ("100" if master == "s0-master" else "900000"))
            cur.execute(f"INSERT INTO orders (user_id, amount) VALUES ({S1_KEY + 1}, 5)")
            self.assertGreaterEqual(c.insert_id(), 900000)
            cur.execute("SELECT LAST_INSERT_ID()")
            self.assertGreaterEqual(cur.fetchall()[0][0], 900000)

    def test_transaction_spans_shards(self):
        with contextlib.closing(self.connect()) as c, c.cursor() as cur:
            cur.execute("BEGIN")
            cur.execute("INSERT INTO users (id, name) VALUES (40, 'tx')")
            cur.execute(f"INSERT INTO users (id, name) VALUES ({S1_KEY + 40}, 'tx')")
            # Reads inside it see its writes on both shards; nothing is visible outside yet.
            cur.execute(f"SELECT id FROM users WHERE id IN (40, {S1_KEY + 40}) ORDER BY id")
            self.assertEqual(cur.fetchall(), ((40,), (S1_KEY + 40,)))
            self.assertEqual(rows_on("s1-master", f"SELECT * FROM app.users WHERE id = {S1_KEY + 40}"), ())
            cur.execute("ROLLBACK")
        self.assertEqual(rows_on("s0-master", "SELECT * FROM app.users WHERE id = 40"), ())
        self.assertEqual(rows_on("s1-master", f"SELECT * FROM app.users WHERE id = {S1_KEY + 40}"), ())
        with contextlib.closing(self.connect()) as c, c.cursor() as cur:
            cur.execute("BEGIN")
            cur.execute("INSERT INTO users (id, name) VALUES (41, 'tx')")
            cur.execute(f"INSERT INTO users (id, name) VALUES ({S1_KEY + 41}, 'tx')")
            cur.execute("COMMIT")
        self.assertEqual(rows_on("s0-master", "SELECT name FROM app.users WHERE id = 41"), (("tx",),))
        self.assertEqual(rows_on("s1-master", f"SELECT name FROM app.users WHERE id = {S1_KEY + 41}"),
                         (("tx",),))
        # (No XA branch left prepared and no log row left: integration.transactions, which runs
        # alone, checks that; other tests may be committing across shards right now.)

    def prepared(self, c, sql):
        _, reply = c.command(b"\x16" + sql.encode())
        self.assertEqual(reply[:1], b"\x00", rawproto.parse_err(reply))
        stmt_id, columns, params = struct.unpack("<IHH", reply[1:9])
        # Parameter and column definitions, each followed by an EOF (no DEPRECATE_EOF here).
        for _ in range(params + (1 if params else 0) + columns + (1 if columns else 0)):
            c.read()
        return stmt_id

    def execute(self, c, stmt_id, params):
        c.send(test_protocol_edges.stmt_execute(stmt_id, params), 0)
        return c.read_result()

    def test_prepared_statements_are_routed_per_execution(self):
        with contextlib.closing(self.connect()) as d, d.cursor() as cur:
            cur.execute(f"INSERT INTO users (id, name) VALUES (50, 'p0'), ({S1_KEY + 50}, 'p1')")
        c = rawproto.RawClient(self.sg.port)
        try:
            self.assertEqual(c.login(database="app")[:1], b"\x00")
            ins = self.prepared(c, "INSERT INTO users (id, name) VALUES (?, ?)")
            for key in (51, S1_KEY + 51):
                status, packets = self.execute(c, ins, [key, "pp"])
                self.assertEqual(status, "ok", rawproto.parse_err(packets[-1]))
            upd = self.prepared(c, "UPDATE users SET name = ? WHERE id = ?")
            self.assertEqual(self.execute(c, upd, ["pu", S1_KEY + 50])[0], "ok")
            sel = self.prepared(c, "SELECT name FROM users WHERE id = ? FOR UPDATE")
            for key, name in ((50, b"p0"), (S1_KEY + 50, b"pu"), (S1_KEY + 51, b"pp")):
                status, packets = self.execute(c, sel, [key])
                self.assertEqual(status, "ok")
                self.assertIn(name, packets[-2])  # the one binary row before the EOF
            # Values on two shards: each shard runs it; rows concatenated.
            both = self.prepared(c, "SELECT name FROM users WHERE id IN (?, ?) FOR UPDATE")
            status, packets = self.execute(c, both, [50, S1_KEY + 50])
            self.assertEqual(status, "ok")
            rows = [p for p in packets[3:-1]]  # count, 1 column def, EOF, rows..., EOF
            self.assertEqual(len(rows), 2, packets)
            self.assertTrue(any(b"p0" in r for r in rows) and any(b"pu" in r for r in rows))
            # A global-table write runs on every master.
            with contextlib.closing(self.connect()) as d, d.cursor() as cur:
                cur.execute("INSERT IGNORE INTO countries VALUES ('DE', 'Germany')")
            glob = self.prepared(c, "UPDATE countries SET name = ? WHERE code = ?")
            status, packets = self.execute(c, glob, ["Deutschland", "DE"])
            self.assertEqual(status, "ok", rawproto.parse_err(packets[-1]))
            # A key no range owns is refused.
            status, packets = self.execute(c, ins, [-1, "neg"])
            self.assertEqual(rawproto.parse_err(packets[-1])[0], 1526)
            # A multi-row INSERT over both shards is split: each master gets its rows.
            ins2 = self.prepared(c, "INSERT INTO users (id, name) VALUES (?, ?), (?, ?), (?, ?)")
            status, packets = self.execute(c, ins2, [52, "x", S1_KEY + 52, "y", 53, None])
            self.assertEqual(status, "ok", rawproto.parse_err(packets[-1]))
            self.assertEqual(packets[-1][1], 3)  # affected rows, summed
            c.send(b"\x19" + struct.pack("<I", sel), 0)  # COM_STMT_CLOSE: no answer
            self.assertEqual(c.query_rows("SELECT 7"), [["7"]])
        finally:
            c.sock.close()
        self.assertEqual(rows_on("s0-master", "SELECT id FROM app.users WHERE id = 51"), ((51,),))
        self.assertEqual(rows_on("s1-master", f"SELECT name FROM app.users WHERE id = {S1_KEY + 50}"),
                         (("pu",),))
        self.assertEqual(rows_on("s0-master", f"SELECT * FROM app.users WHERE id = {S1_KEY + 51}"), ())
        self.assertEqual(rows_on("s0-master", "SELECT id, name FROM app.users WHERE id IN "
                                              f"(52, 53, {S1_KEY + 52}) ORDER BY id"),
                         ((52, "x"), (53, None)))
        self.assertEqual(rows_on("s1-master", "SELECT id, name FROM app.users WHERE id IN "
                                              f"(52, 53, {S1_KEY + 52}) ORDER BY id"),
                         ((S1_KEY + 52, "y"),))
        for master in ("s0-master", "s1-master"):
            self.assertEqual(rows_on(master, "SELECT name FROM app.countries WHERE code = 'DE'"),
                             (("Deutschland",),))

if __name__ == "__main__":
    unittest.main()
