"""Atomic cross-shard transactions through shardgate on 2 shards, checked on each master directly:
BEGIN ... COMMIT / ROLLBACK and autocommit=0 over both shards (the first shard used coordinates,
the others join as XA branches), BEGIN and COMMIT AND CHAIN inside a transaction, a client
vanishing or resetting its session mid-transaction, savepoints across participants, prepared
statements (and prepared BEGIN / COMMIT) inside a transaction, autocommit multi-shard writes (split
INSERT, global-table write, scatter UPDATE) that fail on one shard and leave no trace on the other,
a statement failing on one shard inside a transaction, DDL refused while several shards take part,
commits while other shardgates' XA recovery passes run, a participant's master SIGKILLed before
COMMIT, and shardgate killing itself mid-commit (SHARDGATE_CRASH_POINT) then a fresh shardgate's
recovery leaving the recorded outcome on every master and no XA branch prepared.

The schema txtest holds tx_t, sharded by id (below 1000 on s0, from 1000 on s1), and tx_g, a
global table. This test kills and restarts the s1 master of the shared cluster, rolls back any
shardgate XA branch it finds prepared, and its crash tests need no other shardgate's recovery
running: ctest runs it alone (RUN_SERIAL)."""

import contextlib
import struct
import threading
import time
import unittest

import pymysql

import harness
import rawproto

DB = "txtest"
SPLIT = 1000  # tx_t ids below are on s0, from here on s1
XA_FORMAT_ID = 21319
MASTERS = ("s0-master", "s1-master")
REPLICAS = ("s0-replica1", "s1-replica1")
LOCK_WAIT_S = 1  # innodb_lock_wait_timeout of the direct probes


def shard_map():
    return harness.two_shard_map({"tx_t": "id"}, [(0, SPLIT, "s0"), (SPLIT, None, "s1")],
                                 global_tables=["tx_g"])


# ---------------------------------------------------------------------------------------------
# Straight to the servers


def direct(server, **kw):
    return harness.pymysql_connect(harness.cluster().port(server), database=None, autocommit=True,
                                   **kw)


def rows_on(server, sql):
    with contextlib.closing(direct(server)) as c, c.cursor() as cur:
        cur.execute(sql)
        return cur.fetchall()


def committed(server, table="tx_t"):
    """Every committed row of txtest.TABLE on that server (a consistent read: never waits)."""
    key = "id" if table == "tx_t" else "code"
    return rows_on(server, f"SELECT * FROM {DB}.{table} ORDER BY {key}")


def settled(server, table="tx_t", timeout=5.0):
    """The committed rows once no transaction holds a lock on any of them (a locking read waits
    for uncommitted inserts and updates). A transaction that is neither committed nor rolled back
    within `timeout` fails the test."""
    key = "id" if table == "tx_t" else "code"
    deadline = time.monotonic() + timeout
    with contextlib.closing(direct(server)) as c, c.cursor() as cur:
        cur.execute(f"SET SESSION innodb_lock_wait_timeout = {LOCK_WAIT_S}")
        while True:
            try:
                cur.execute(f"SELECT * FROM {DB}.{table} ORDER BY {key} FOR UPDATE")
                return cur.fetchall()
            except pymysql.err.OperationalError as e:
                if e.args[0] != 1205 or time.monotonic() > deadline:
                    raise AssertionError(f"{server}: {table} still locked after {timeout}s "
                                         f"(a transaction left open?): {e.args}") from e


def prepared_branches(server):
    """XA RECOVER rows of shardgate's branches (format id 21319) on that server."""
    return [r for r in rows_on(server, "XA RECOVER") if r[0] == XA_FORMAT_ID]


def xa_log(server, decision=None):
    """(gtrid, decision) rows of shardgate.xa_log on that server; () if it has no such table."""
    where = f" WHERE decision = '{decision}'" if decision else ""
    try:
        return rows_on(server, f"SELECT gtrid, decision FROM shardgate.xa_log{where}")
    except pymysql.err.ProgrammingError as e:
        if e.args[0] == 1146:
            return ()
        raise


def wait_for(what, probe, timeout=10.0):
    """Polls probe() until it returns a true value; returns it, or fails naming `what`."""
    deadline = time.monotonic() + timeout
    while True:
        got = probe()
        if got or time.monotonic() > deadline:
            if not got:
                raise AssertionError(f"not within {timeout}s: {what}")
            return got
        time.sleep(0.1)


def rollback_leftover_branches():
    """Rolls back shardgate XA branches a failed test left prepared (they would hold locks)."""
    for server in MASTERS:
        with contextlib.closing(direct(server)) as c, c.cursor() as cur:
            cur.execute("XA RECOVER")
            for fmt, glen, blen, data in cur.fetchall():
                if fmt != XA_FORMAT_ID:
                    continue
                gtrid, bqual = data[:glen], data[glen:glen + blen]
                with contextlib.suppress(pymysql.err.MySQLError):
                    cur.execute(f"XA ROLLBACK X'{gtrid.hex()}', X'{bqual.hex()}', {fmt}")


def master_alive(server):
    try:
        with contextlib.closing(direct(server, connect_timeout=2)):
            return True
    except pymysql.err.MySQLError:
        return False


def ensure_masters_up():
    for server in MASTERS:
        if not master_alive(server):
            harness.cluster_sh("restart-server", "--server", server)


def wait_replicas_caught_up(timeout=30):
    """Each replica has applied everything its master binlogged (so it replicates again)."""
    for master, replica in zip(MASTERS, REPLICAS):
        pos = rows_on(master, "SELECT @@gtid_binlog_pos")[0][0]
        got = rows_on(replica, f"SELECT MASTER_GTID_WAIT('{pos}', {timeout})")[0][0]
        if got != 0:
            raise AssertionError(f"{replica} did not reach {master}'s GTID position {pos} "
                                 f"within {timeout}s")


def reset_tables():
    rollback_leftover_branches()
    for server in MASTERS:
        with contextlib.closing(direct(server)) as c, c.cursor() as cur:
            cur.execute("SET SESSION innodb_lock_wait_timeout = 10")
            cur.execute(f"DELETE FROM {DB}.tx_t")
            cur.execute(f"DELETE FROM {DB}.tx_g")


def insert_directly(server, sql):
    with contextlib.closing(direct(server)) as c, c.cursor() as cur:
        cur.execute(sql)


def setUpModule():
    ensure_masters_up()
    rollback_leftover_branches()
    for server in MASTERS:
        with contextlib.closing(direct(server)) as c, c.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS {DB}")
            cur.execute(f"CREATE DATABASE {DB}")
            cur.execute(f"CREATE TABLE {DB}.tx_t (id BIGINT PRIMARY KEY, v VARCHAR(32))")
            cur.execute(f"CREATE TABLE {DB}.tx_g (code VARCHAR(16) PRIMARY KEY, name VARCHAR(32))")


def tearDownModule():
    with contextlib.suppress(Exception):
        ensure_masters_up()
        rollback_leftover_branches()
        for server in MASTERS:
            with contextlib.closing(direct(server)) as c, c.cursor() as cur:
                cur.execute(f"DROP DATABASE IF EXISTS {DB}")


def lenenc_bytes(n):
    if n < 251:
        return bytes([n])
    if n < 1 << 16:
        return b"\xfc" + struct.pack("<H", n)
    return b"\xfd" + struct.pack("<I", n)[:3]


def stmt_execute(stmt_id, params):
    """COM_STMT_EXECUTE with params bound as LONGLONG or VAR_STRING."""
    out = b"\x17" + struct.pack("<IBI", stmt_id, 0, 1)
    bitmap = bytes((len(params) + 7) // 8)
    types, values = b"", b""
    for v in params:
        if isinstance(v, int):
            types += b"\x08\x00"
            values += struct.pack("<q", v)
        else:
            types += b"\xfd\x00"
            values += lenenc_bytes(len(v.encode())) + v.encode()
    return out + bitmap + b"\x01" + types + values


class PreparedClient:
    """Server-side prepared statements over rawproto (mysql_native_password, no DEPRECATE_EOF)."""

    def __init__(self, test, port):
        self.test = test
        self.c = rawproto.RawClient(port)
        ok = self.c.login(database=DB)
        test.assertEqual(ok[:1], b"\x00", rawproto.parse_err(ok))

    def close(self):
        self.c.close()

    def query(self, sql):
        status, packets = self.c.query(sql)
        self.test.assertEqual(status, "ok", (sql, rawproto.parse_err(packets[-1])))

    def prepare(self, sql):
        _, reply = self.c.command(b"\x16" + sql.encode())
        self.test.assertEqual(reply[:1], b"\x00", rawproto.parse_err(reply))
        stmt_id, columns, params = struct.unpack("<IHH", reply[1:9])
        for _ in range(params + (1 if params else 0) + columns + (1 if columns else 0)):
            self.c.read()
        return stmt_id

    def execute(self, stmt_id, *params):
        """Runs it; returns the rows' raw binary-protocol packets (none for an OK)."""
        self.c.send(stmt_execute(stmt_id, list(params)), 0)
        status, packets = self.c.read_result()
        self.test.assertEqual(status, "ok", rawproto.parse_err(packets[-1]))
        if packets[0][:1] == b"\x00":
            return []
        return packets[1 + packets[0][0] + 1:-1]  # count, column defs, EOF, rows..., EOF


def connect(port, **kw):
    """A PyMySQL session through shardgate in txtest, autocommit on."""
    return harness.pymysql_connect(port, database=DB, autocommit=True, **kw)


class NoXaLeftMixin:
    def assert_no_xa_left(self):
        """No branch prepared on any master, no 'commit' decision left in any log (but those
        there before the test: the logs belong to the whole cluster)."""
        for server in MASTERS:
            self.assertEqual(prepared_branches(server), [], server)
            left = set(xa_log(server, "commit")) - self.commits_before[server]
            self.assertEqual(left, set(), server)

    def note_commit_decisions(self):
        self.commits_before = {s: set(xa_log(s, "commit")) for s in MASTERS}


# ---------------------------------------------------------------------------------------------
# One shardgate for the class


class CrossShardTransactionTest(NoXaLeftMixin, harness.ShardgateTestCase):

    @classmethod
    def setUpClass(cls):
        cls.SHARDGATE_OPTIONS = {"shard_map_text": shard_map(),
                                 "extra_toml": "[routing]\nallow_scatter_writes = true",
                                 "auth_plugin": "mysql_native_password"}  # for PreparedClient
        super().setUpClass()

    def setUp(self):
        reset_tables()
        self.note_commit_decisions()

    def tearDown(self):
        # Whatever happened, leave both masters running for the other tests.
        ensure_masters_up()

    def connect(self, **kw):
        return connect(self.sg.port, **kw)

    # -- commit, rollback, autocommit=0

    def test_multi_shard_commit(self):
        with contextlib.closing(self.connect()) as c, c.cursor() as cur:
            cur.execute("BEGIN")
            cur.execute("INSERT INTO tx_t (id, v) VALUES (10, 'a')")
            cur.execute("INSERT INTO tx_t (id, v) VALUES (1010, 'b')")
            cur.execute("UPDATE tx_t SET v = 'a2' WHERE id = 10")
            cur.execute("UPDATE tx_t SET v = 'b2' WHERE id = 1010")
            # Reads inside the transaction see its own writes on both shards.
            cur.execute("SELECT id, v FROM tx_t WHERE id = 1010")
            self.assertEqual(cur.fetchall(), ((1010, "b2"),))
            cur.execute("SELECT id, v FROM tx_t WHERE id IN (10, 1010) ORDER BY id")
            self.assertEqual(cur.fetchall(), ((10, "a2"), (1010, "b2")))
            cur.execute("SELECT COUNT(*) FROM tx_t")
            self.assertEqual(cur.fetchall(), ((2,),))
            # Nobody else sees them yet.
            for server in MASTERS:
                self.assertEqual(committed(server), (), server)
            cur.execute("COMMIT")
            self.assertEqual(settled("s0-master"), ((10, "a2"),))
            self.assertEqual(settled("s1-master"), ((1010, "b2"),))
            self.assert_no_xa_left()
            # The session goes on: a second cross-shard transaction on the same connections.
            cur.execute("BEGIN")
            cur.execute("UPDATE tx_t SET v = 'b3' WHERE id = 1010")
            cur.execute("DELETE FROM tx_t WHERE id = 10")
            cur.execute("COMMIT")
        self.assertEqual(settled("s0-master"), ())
        self.assertEqual(settled("s1-master"), ((1010, "b3"),))
        self.assert_no_xa_left()

    def test_deadlock_on_one_shard_rolls_back_every_participant(self):
        # A (coordinator s1, branch on s0) and B (s0 only) deadlock on s0; B holds more locks,
        # so InnoDB picks A as the victim. A's s1 work must go too: a later COMMIT commits
        # nothing, as after a deadlock on one server.
        insert_directly("s0-master", "INSERT INTO txtest.tx_t (id, v) VALUES (1, 'a'), (2, 'b'), "
                                     "(3, 'c')")
        insert_directly("s1-master", "INSERT INTO txtest.tx_t (id, v) VALUES (1001, 'x')")
        a = self.connect()
        b = self.connect()
        try:
            ca, cb = a.cursor(), b.cursor()
            ca.execute("BEGIN")
            ca.execute("UPDATE tx_t SET v = 'A' WHERE id = 1001")
            ca.execute("UPDATE tx_t SET v = 'A' WHERE id = 1")
            cb.execute("BEGIN")
            cb.execute("UPDATE tx_t SET v = 'B' WHERE id = 2")
            cb.execute("UPDATE tx_t SET v = 'B' WHERE id = 3")
            outcome = {}

            def blocked():
                try:
                    ca.execute("UPDATE tx_t SET v = 'A' WHERE id = 2")  # waits for B
                    outcome["a"] = "ok"
                except pymysql.err.MySQLError as e:
                    outcome["a"] = e.args[0]

            t = threading.Thread(target=blocked)
            t.start()
            time.sleep(0.3)
            try:
                cb.execute("UPDATE tx_t SET v = 'B' WHERE id = 1")  # closes the cycle
                outcome["b"] = "ok"
            except pymysql.err.MySQLError as e:
                outcome["b"] = e.args[0]
            t.join(timeout=30)
            self.assertEqual(sorted(outcome.values(), key=str), [1213, "ok"], outcome)
            victim, survivor = (ca, cb) if outcome["a"] == 1213 else (cb, ca)
            victim.execute("COMMIT")
            survivor.execute("COMMIT")
            if outcome["a"] == 1213:
                self.assertEqual(settled("s1-master"), ((1001, "x"),))  # A's s1 part is gone
                self.assertEqual(settled("s0-master"), ((1, "B"), (2, "B"), (3, "B")))
            else:
                self.assertEqual(settled("s1-master"), ((1001, "A"),))
                self.assertEqual(settled("s0-master"), ((1, "A"), (2, "A"), (3, "c")))
        finally:
            a.close()
            b.close()
        self.assert_no_xa_left()

    def test_prepared_statements_join_the_transaction(self):
        p = PreparedClient(self, self.sg.port)
        try:
            ins = p.prepare("INSERT INTO tx_t (id, v) VALUES (?, ?)")
            sel = p.prepare("SELECT v FROM tx_t WHERE id = ?")
            upd = p.prepare("UPDATE tx_t SET v = ? WHERE id = ?")
            ins2 = p.prepare("INSERT INTO tx_t (id, v) VALUES (?, ?), (?, ?)")
            # BEGIN, COMMIT and ROLLBACK as text and as prepared statements (sysbench prepares
            # them with --db-ps-mode=auto).
            control = {sql: p.prepare(sql) for sql in ("BEGIN", "COMMIT", "ROLLBACK")}
            cases = [(prepared, end) for prepared in (False, True)
                     for end in ("ROLLBACK", "COMMIT")]
            for prepared, end in cases:
                with self.subTest(prepared_begin_and_end=prepared, end=end):
                    run = (lambda sql: p.execute(control[sql])) if prepared else p.query
                    reset_tables()
                    run("BEGIN")
                    try:
                        p.execute(ins, 50, "p0")
                        p.execute(ins, 1050, "p1")
                        p.execute(upd, "p1u", 1050)
                        p.execute(ins2, 51, "q0", 1051, "q1")  # split over both shards
                        # Read-your-own-writes on both shards.
                        for key, value in ((50, b"p0"), (1050, b"p1u"), (51, b"q0"),
                                           (1051, b"q1")):
                            rows = p.execute(sel, key)
                            self.assertEqual(len(rows), 1, (key, rows))
                            self.assertIn(value, rows[0], key)
                        for server in MASTERS:
                            self.assertEqual(committed(server), (), server)
                    finally:
                        run(end)
                    if end == "ROLLBACK":
                        self.assertEqual(settled("s0-master"), ())
                        self.assertEqual(settled("s1-master"), ())
                    else:
                        self.assertEqual(settled("s0-master"), ((50, "p0"), (51, "q0")))
                        self.assertEqual(settled("s1-master"), ((1050, "p1u"), (1051, "q1")))
                    self.assert_no_xa_left()
        finally:
            p.close()

    def test_read_only_participant(self):
        # s1 only reads: a branch with nothing to prepare must still commit cleanly.
        insert_directly("s1-master", f"INSERT INTO {DB}.tx_t VALUES (1040, 'pre')")
        with contextlib.closing(self.connect()) as c, c.cursor() as cur:
            cur.execute("BEGIN")
            cur.execute("INSERT INTO tx_t (id, v) VALUES (40, 'w')")
            cur.execute("SELECT v FROM tx_t WHERE id = 1040")
            self.assertEqual(cur.fetchall(), (("pre",),))
            cur.execute("COMMIT")
            # And the other way round: the coordinator reads only.
            cur.execute("BEGIN")
            cur.execute("SELECT v FROM tx_t WHERE id = 40")
            self.assertEqual(cur.fetchall(), (("w",),))
            cur.execute("UPDATE tx_t SET v = 'upd' WHERE id = 1040")
            cur.execute("COMMIT")
        self.assertEqual(settled("s0-master"), ((40, "w"),))
        self.assertEqual(settled("s1-master"), ((1040, "upd"),))
        self.assert_no_xa_left()

    def test_multi_shard_rollback(self):
        with contextlib.closing(self.connect()) as c, c.cursor() as cur:
            cur.execute("BEGIN")
            cur.execute("INSERT INTO tx_t (id, v) VALUES (11, 'a')")
            cur.execute("INSERT INTO tx_t (id, v) VALUES (1011, 'b')")
            cur.execute("UPDATE tx_t SET v = 'b2' WHERE id = 1011")
            cur.execute("SELECT COUNT(*) FROM tx_t")
            self.assertEqual(cur.fetchall(), ((2,),))
            cur.execute("ROLLBACK")
            cur.execute("SELECT COUNT(*) FROM tx_t WHERE id IN (11, 1011)")
            self.assertEqual(cur.fetchall(), ((0,),))
            # A global-table write makes every master a participant; it is rolled back too.
            cur.execute("BEGIN")
            cur.execute("INSERT INTO tx_t (id, v) VALUES (12, 'a')")
            cur.execute("INSERT INTO tx_g (code, name) VALUES ('R1', 'global')")
            cur.execute("ROLLBACK")
        for server in MASTERS:
            self.assertEqual(settled(server), (), server)
            self.assertEqual(settled(server, "tx_g"), (), server)
        self.assert_no_xa_left()

    def test_begin_inside_a_transaction_commits_it(self):
        with contextlib.closing(self.connect()) as c, c.cursor() as cur:
            cur.execute("START TRANSACTION")
            cur.execute("INSERT INTO tx_t (id, v) VALUES (17, 'a'), (1017, 'b')")
            cur.execute("BEGIN")  # commits the open transaction, as on one server
            self.assertEqual(settled("s0-master"), ((17, "a"),))
            self.assertEqual(settled("s1-master"), ((1017, "b"),))
            cur.execute("INSERT INTO tx_t (id, v) VALUES (18, 'c'), (1018, 'd')")
            cur.execute("COMMIT AND CHAIN")
            cur.execute("INSERT INTO tx_t (id, v) VALUES (19, 'e'), (1019, 'f')")
            cur.execute("ROLLBACK")
        self.assertEqual(settled("s0-master"), ((17, "a"), (18, "c")))
        self.assertEqual(settled("s1-master"), ((1017, "b"), (1018, "d")))
        self.assert_no_xa_left()

    def test_autocommit_off(self):
        with contextlib.closing(self.connect()) as c, c.cursor() as cur:
            cur.execute("SET autocommit = 0")
            cur.execute("INSERT INTO tx_t (id, v) VALUES (13, 'c'), (1013, 'd')")
            cur.execute("INSERT INTO tx_g (code, name) VALUES ('A0', 'global')")
            for server in MASTERS:
                self.assertEqual(committed(server), (), server)
            cur.execute("COMMIT")
            self.assertEqual(settled("s0-master"), ((13, "c"),))
            self.assertEqual(settled("s1-master"), ((1013, "d"),))
            for server in MASTERS:
                self.assertEqual(settled(server, "tx_g"), (("A0", "global"),), server)
            # The next statement starts the next transaction by itself.
            cur.execute("INSERT INTO tx_t (id, v) VALUES (14, 'e')")
            cur.execute("UPDATE tx_t SET v = 'd2' WHERE id = 1013")
            cur.execute("SELECT id, v FROM tx_t WHERE id IN (14, 1013) ORDER BY id")
            self.assertEqual(cur.fetchall(), ((14, "e"), (1013, "d2")))
            cur.execute("ROLLBACK")
            self.assertEqual(settled("s0-master"), ((13, "c"),))
            self.assertEqual(settled("s1-master"), ((1013, "d"),))
            # SET autocommit = 1 commits what is open, as on one server.
            cur.execute("INSERT INTO tx_t (id, v) VALUES (15, 'f'), (1015, 'g')")
            cur.execute("SET autocommit = 1")
            self.assertEqual(settled("s0-master"), ((13, "c"), (15, "f")))
            self.assertEqual(settled("s1-master"), ((1013, "d"), (1015, "g")))
        self.assert_no_xa_left()

    # -- the client goes away

    def test_client_disconnect_rolls_back(self):
        for how in ("COM_QUIT", "socket closed"):
            with self.subTest(how=how):
                c = self.connect()
                cur = c.cursor()
                cur.execute("BEGIN")
                cur.execute("INSERT INTO tx_t (id, v) VALUES (16, 'x')")
                cur.execute("INSERT INTO tx_t (id, v) VALUES (1016, 'y')")
                cur.execute("INSERT INTO tx_g (code, name) VALUES ('D1', 'x')")
                if how == "COM_QUIT":
                    c.close()
                else:
                    c._force_close()  # no COM_QUIT: the socket just closes
                for server in MASTERS:
                    self.assertEqual(settled(server), (), server)
                    self.assertEqual(settled(server, "tx_g"), (), server)
                self.assert_no_xa_left()
        with self.subTest(how="COM_RESET_CONNECTION"):
            # The session goes on, its transaction does not.
            p = PreparedClient(self, self.sg.port)
            try:
                p.query("BEGIN")
                p.query("INSERT INTO tx_t (id, v) VALUES (16, 'x'), (1016, 'y')")
                _, reply = p.c.command(b"\x1f")
                self.assertEqual(reply[:1], b"\x00", rawproto.parse_err(reply))
                for server in MASTERS:
                    self.assertEqual(settled(server), (), server)
                self.assert_no_xa_left()
                p.query(f"INSERT INTO {DB}.tx_t (id, v) VALUES (16, 'z'), (1016, 'z')")
            finally:
                p.close()
            self.assertEqual(settled("s0-master"), ((16, "z"),))
            self.assertEqual(settled("s1-master"), ((1016, "z"),))
        self.assert_alive()

    # -- savepoints

    def test_savepoint_before_a_shard_joins(self):
        with contextlib.closing(self.connect()) as c, c.cursor() as cur:
            cur.execute("BEGIN")
            cur.execute("INSERT INTO tx_t (id, v) VALUES (30, 's0')")
            cur.execute("SAVEPOINT a")
            cur.execute("INSERT INTO tx_t (id, v) VALUES (1030, 's1')")  # s1 joins after a
            cur.execute("ROLLBACK TO SAVEPOINT a")
            cur.execute("SELECT id FROM tx_t WHERE id IN (30, 1030)")
            self.assertEqual(cur.fetchall(), ((30,),))
            with self.assertRaises(pymysql.err.MySQLError) as cm:
                cur.execute("RELEASE SAVEPOINT nope")
            self.assertEqual(cm.exception.args[0], 1305, cm.exception.args)
            cur.execute("COMMIT")
        self.assertEqual(settled("s0-master"), ((30, "s0"),))
        self.assertEqual(settled("s1-master"), ())
        self.assert_no_xa_left()

    def test_savepoint_on_every_participant(self):
        with contextlib.closing(self.connect()) as c, c.cursor() as cur:
            cur.execute("BEGIN")
            cur.execute("INSERT INTO tx_t (id, v) VALUES (31, 'keep'), (1031, 'keep')")
            cur.execute("SAVEPOINT b")
            cur.execute("INSERT INTO tx_t (id, v) VALUES (32, 'drop'), (1032, 'drop')")
            cur.execute("UPDATE tx_t SET v = 'changed' WHERE id IN (31, 1031)")
            cur.execute("SAVEPOINT c")
            cur.execute("INSERT INTO tx_t (id, v) VALUES (1033, 'drop')")
            cur.execute("ROLLBACK TO SAVEPOINT b")  # also drops c
            with self.assertRaises(pymysql.err.MySQLError) as cm:
                cur.execute("ROLLBACK TO SAVEPOINT c")
            self.assertEqual(cm.exception.args[0], 1305, cm.exception.args)
            cur.execute("SELECT id, v FROM tx_t ORDER BY id")
            self.assertEqual(cur.fetchall(), ((31, "keep"), (1031, "keep")))
            cur.execute("RELEASE SAVEPOINT b")
            with self.assertRaises(pymysql.err.MySQLError) as cm:
                cur.execute("ROLLBACK TO SAVEPOINT b")
            self.assertEqual(cm.exception.args[0], 1305, cm.exception.args)
            cur.execute("COMMIT")
        self.assertEqual(settled("s0-master"), ((31, "keep"),))
        self.assertEqual(settled("s1-master"), ((1031, "keep"),))
        self.assert_no_xa_left()

    # -- autocommit multi-shard writes

    def test_autocommit_split_insert_is_atomic(self):
        insert_directly("s1-master", f"INSERT INTO {DB}.tx_t VALUES (1020, 'pre')")
        with contextlib.closing(self.connect()) as c, c.cursor() as cur:
            with self.assertRaises(pymysql.err.MySQLError) as cm:
                cur.execute("INSERT INTO tx_t (id, v) VALUES (20, 'a'), (1020, 'b')")
            self.assertEqual(cm.exception.args[0], 1062, cm.exception.args)
            self.assertEqual(settled("s0-master"), ())
            self.assertEqual(settled("s1-master"), ((1020, "pre"),))
            # The session goes on, and a split INSERT that works lands on both.
            cur.execute("INSERT INTO tx_t (id, v) VALUES (21, 'a'), (1021, 'b')")
        self.assertEqual(settled("s0-master"), ((21, "a"),))
        self.assertEqual(settled("s1-master"), ((1020, "pre"), (1021, "b")))
        self.assert_no_xa_left()

    def test_autocommit_global_write_is_atomic(self):
        for failing, other in (("s1-master", "s0-master"), ("s0-master", "s1-master")):
            with self.subTest(failing=failing):
                reset_tables()
                insert_directly(failing, f"INSERT INTO {DB}.tx_g VALUES ('K1', 'pre')")
                with contextlib.closing(self.connect()) as c, c.cursor() as cur:
                    with self.assertRaises(pymysql.err.MySQLError) as cm:
                        cur.execute("INSERT INTO tx_g (code, name) VALUES ('K1', 'new')")
                    self.assertEqual(cm.exception.args[0], 1062, cm.exception.args)
                    self.assertEqual(settled(other, "tx_g"), (), other)
                    self.assertEqual(settled(failing, "tx_g"), (("K1", "pre"),), failing)
                    cur.execute("INSERT INTO tx_g (code, name) VALUES ('K2', 'ok')")
                for server in MASTERS:
                    self.assertEqual(settled(server, "tx_g")[-1], ("K2", "ok"), server)
                self.assert_no_xa_left()

    def test_autocommit_scatter_update_is_atomic(self):
        insert_directly("s0-master", f"INSERT INTO {DB}.tx_t VALUES (22, 'short')")
        insert_directly("s1-master", f"INSERT INTO {DB}.tx_t VALUES (1022, 'twenty-chars-long---')")
        with contextlib.closing(self.connect()) as c, c.cursor() as cur:
            # 32 characters at most: s1's row gets too long (strict mode: an error).
            with self.assertRaises(pymysql.err.MySQLError) as cm:
                cur.execute("UPDATE tx_t SET v = CONCAT(v, '-fifteen-chars-')")
            self.assertEqual(cm.exception.args[0], 1406, cm.exception.args)
        self.assertEqual(settled("s0-master"), ((22, "short"),))
        self.assertEqual(settled("s1-master"), ((1022, "twenty-chars-long---"),))
        self.assert_no_xa_left()

    # -- errors inside a transaction

    def test_statement_failing_on_one_shard_rolls_back_the_transaction(self):
        insert_directly("s1-master", f"INSERT INTO {DB}.tx_t VALUES (1061, 'pre')")
        with contextlib.closing(self.connect()) as c, c.cursor() as cur:
            cur.execute("BEGIN")
            cur.execute("INSERT INTO tx_t (id, v) VALUES (60, 'a')")
            cur.execute("INSERT INTO tx_t (id, v) VALUES (1060, 'b')")
            # s0 applies its piece, s1 fails: nothing of the transaction may survive.
            with self.assertRaises(pymysql.err.MySQLError) as cm:
                cur.execute("INSERT INTO tx_t (id, v) VALUES (61, 'x'), (1061, 'y')")
            self.assertEqual(cm.exception.args[0], 1062, cm.exception.args)
            self.assertIn("rolled back", cm.exception.args[1])
            self.assertEqual(settled("s0-master"), ())
            self.assertEqual(settled("s1-master"), ((1061, "pre"),))
            self.assert_no_xa_left()
            # The session stays usable, for a new cross-shard transaction too.
            cur.execute("SELECT 1")
            self.assertEqual(cur.fetchall(), ((1,),))
            cur.execute("ROLLBACK")  # harmless whether or not a transaction is still open
            cur.execute("BEGIN")
            cur.execute("INSERT INTO tx_t (id, v) VALUES (62, 'c'), (1062, 'd')")
            cur.execute("COMMIT")
        self.assertEqual(settled("s0-master"), ((62, "c"),))
        self.assertEqual(settled("s1-master"), ((1061, "pre"), (1062, "d")))
        self.assert_no_xa_left()

    def test_single_shard_error_keeps_the_transaction(self):
        # An error on one shard for a statement that ran nowhere else rolls back that statement
        # only, as on one server.
        with contextlib.closing(self.connect()) as c, c.cursor() as cur:
            cur.execute("BEGIN")
            cur.execute("INSERT INTO tx_t (id, v) VALUES (70, 'a')")
            cur.execute("INSERT INTO tx_t (id, v) VALUES (1070, 'b')")
            with self.assertRaises(pymysql.err.MySQLError) as cm:
                cur.execute("INSERT INTO tx_t (id, v) VALUES (1070, 'again')")
            self.assertEqual(cm.exception.args[0], 1062, cm.exception.args)
            cur.execute("INSERT INTO tx_t (id, v) VALUES (71, 'c')")
            cur.execute("COMMIT")
        self.assertEqual(settled("s0-master"), ((70, "a"), (71, "c")))
        self.assertEqual(settled("s1-master"), ((1070, "b"),))
        self.assert_no_xa_left()

    def test_ddl_refused_with_several_participants(self):
        with contextlib.closing(self.connect()) as c, c.cursor() as cur:
            cur.execute("BEGIN")
            cur.execute("INSERT INTO tx_t (id, v) VALUES (95, 'a'), (1095, 'b')")
            for ddl in ("CREATE TABLE tx_tmp (id INT)", "ALTER TABLE tx_t ADD COLUMN z INT"):
                with self.assertRaises(pymysql.err.MySQLError) as cm:
                    cur.execute(ddl)
                self.assertEqual(cm.exception.args[0], 1235, (ddl, cm.exception.args))
            # Nothing was committed implicitly; the transaction goes on.
            for server in MASTERS:
                self.assertEqual(committed(server), (), server)
            cur.execute("SELECT id, v FROM tx_t ORDER BY id")
            self.assertEqual(cur.fetchall(), ((95, "a"), (1095, "b")))
            cur.execute("ROLLBACK")
        for server in MASTERS:
            self.assertEqual(settled(server), (), server)
            self.assertEqual(rows_on(server, f"SHOW TABLES FROM {DB} LIKE 'tx_tmp'"), (), server)
            self.assertNotIn("z", [r[0] for r in rows_on(server, f"SHOW COLUMNS FROM {DB}.tx_t")])
        self.assert_no_xa_left()

    # -- a participant dies

    def test_participant_killed_before_commit(self):
        sessions = [self.connect() for _ in range(3)]
        try:
            both, only_s1, noticed = (c.cursor() for c in sessions)
            both.execute("BEGIN")
            both.execute("INSERT INTO tx_t (id, v) VALUES (90, 'a')")
            both.execute("INSERT INTO tx_t (id, v) VALUES (1090, 'b')")
            only_s1.execute("BEGIN")
            only_s1.execute("INSERT INTO tx_t (id, v) VALUES (1092, 'c')")
            noticed.execute("BEGIN")
            noticed.execute("INSERT INTO tx_t (id, v) VALUES (1093, 'd')")
            harness.cluster_sh("kill", "--server", "s1-master")
            with self.assertRaises(pymysql.err.MySQLError):
                both.execute("COMMIT")
            self.assertEqual(settled("s0-master"), ())
            self.assertEqual(prepared_branches("s0-master"), [])
            # One participant: its COMMIT fails as it would on the server itself.
            with self.assertRaises(pymysql.err.MySQLError):
                only_s1.execute("COMMIT")
            # The session learns about the loss from another statement first: the COMMIT after
            # it must not claim success for a transaction that is gone.
            with self.assertRaises(pymysql.err.MySQLError):
                noticed.execute("SELECT v FROM tx_t WHERE id = 1093")
            with self.assertRaises(pymysql.err.MySQLError):
                noticed.execute("COMMIT")
        finally:
            for c in sessions:
                with contextlib.suppress(Exception):
                    c.close()
            harness.cluster_sh("restart-server", "--server", "s1-master")
        wait_replicas_caught_up()
        self.assertEqual(settled("s1-master"), ())
        self.assert_no_xa_left()
        # shardgate goes on with the restarted master.
        with contextlib.closing(self.connect()) as c, c.cursor() as cur:
            cur.execute("BEGIN")
            cur.execute("INSERT INTO tx_t (id, v) VALUES (91, 'c'), (1091, 'd')")
            cur.execute("COMMIT")
        self.assertEqual(settled("s0-master"), ((91, "c"),))
        self.assertEqual(settled("s1-master"), ((1091, "d"),))
        self.assert_no_xa_left()

    # -- commits racing with XA recovery

    def test_commits_while_recovery_runs(self):
        # Every shardgate runs a recovery pass when it starts: started over and over while
        # cross-shard commits go on, their passes meet branches that are prepared but not yet
        # committed. They must wait for the coordinator's decision, and the committing session
        # must not report an error for a branch a recovery pass committed first.
        threads = 4
        insert_directly("s0-master", f"INSERT INTO {DB}.tx_t VALUES " +
                        ", ".join(f"({100 + i}, '0')" for i in range(threads)))
        insert_directly("s1-master", f"INSERT INTO {DB}.tx_t VALUES " +
                        ", ".join(f"({1100 + i}, '0')" for i in range(threads)))
        stop = threading.Event()
        commits = [0] * threads
        errors = []

        def work(i):
            try:
                with contextlib.closing(self.connect()) as c, c.cursor() as cur:
                    while not stop.is_set():
                        cur.execute("BEGIN")
                        cur.execute(f"UPDATE tx_t SET v = v + 1 WHERE id = {100 + i}")
                        cur.execute(f"UPDATE tx_t SET v = v + 1 WHERE id = {1100 + i}")
                        cur.execute("COMMIT")
                        commits[i] += 1
            except Exception as e:  # reported below
                errors.append(f"thread {i}: {e!r}")

        workers = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
        for w in workers:
            w.start()
        try:
            deadline = time.monotonic() + 4
            while time.monotonic() < deadline and not errors:
                with harness.Shardgate(shard_map_text=shard_map()):
                    time.sleep(0.2)  # its first recovery pass
        finally:
            stop.set()
            for w in workers:
                w.join(30)
        self.assertEqual(errors, [])
        self.assertGreater(sum(commits), 0)
        want = tuple((100 + i, str(commits[i])) for i in range(threads))
        self.assertEqual(settled("s0-master"), want)
        self.assertEqual(settled("s1-master"), tuple((k + 1000, v) for k, v in want))
        self.assert_no_xa_left()


# ---------------------------------------------------------------------------------------------
# shardgate dies mid-commit; the next one recovers


class CrashRecoveryTest(NoXaLeftMixin, unittest.TestCase):
    """No other shardgate of this module runs meanwhile: its periodic recovery could resolve the
    crashed commit's branch before the test sees it prepared."""

    def setUp(self):
        ensure_masters_up()
        reset_tables()
        self.note_commit_decisions()

    def crash_during_commit(self, crash_point):
        """BEGIN, writes on both shards, COMMIT through a shardgate that kills itself at
        crash_point; the client must see its connection lost."""
        sg = harness.Shardgate(shard_map_text=shard_map(),
                               env={"SHARDGATE_CRASH_POINT": crash_point}).start()
        failed = True
        try:
            c = connect(sg.port)
            cur = c.cursor()
            cur.execute("BEGIN")
            cur.execute("INSERT INTO tx_t (id, v) VALUES (80, 'a')")
            cur.execute("INSERT INTO tx_t (id, v) VALUES (1080, 'b')")
            with self.assertRaises(pymysql.err.OperationalError) as cm:
                cur.execute("COMMIT")
            self.assertIn(cm.exception.args[0], (2013, 2006), cm.exception.args)
            c.close()
            sg.proc.wait(10)
            self.assertEqual(sg.proc.returncode, -9,
                             f"shardgate: {harness.describe_status(sg.proc.returncode)}")
            failed = False
        finally:
            if sg.proc.poll() is not None:
                sg.stopped = True  # it is gone: close() must not expect a clean exit
            sg.close(failed=failed)

    def recover(self):
        """A normal shardgate (same shard map) resolves what is prepared within 10 s."""
        with harness.Shardgate(shard_map_text=shard_map()) as sg:
            wait_for("no XA branch prepared on any master",
                     lambda: not any(prepared_branches(s) for s in MASTERS))
            harness.check_serves(self, sg)
        wait_replicas_caught_up()
        for server in REPLICAS:
            self.assertEqual(prepared_branches(server), [], server)

    def test_crash_after_prepare_rolls_back(self):
        self.crash_during_commit("xa-prepared")
        branches = prepared_branches("s1-master")
        self.assertEqual(len(branches), 1, branches)
        self.assertEqual(prepared_branches("s0-master"), [])
        # The coordinator's transaction ended with its connection: not committed.
        self.assertEqual(settled("s0-master"), ())
        self.assertEqual(committed("s1-master"), ())
        self.recover()
        self.assertEqual(settled("s0-master"), ())
        self.assertEqual(settled("s1-master"), ())
        self.assert_no_xa_left()

    def test_crash_after_decision_commits(self):
        self.crash_during_commit("xa-decided")
        branches = prepared_branches("s1-master")
        self.assertEqual(len(branches), 1, branches)
        # The coordinator committed (its rows and its 'commit' decision), s1 is prepared.
        self.assertEqual(settled("s0-master"), ((80, "a"),))
        decided = set(xa_log("s0-master", "commit")) - self.commits_before["s0-master"]
        self.assertEqual(len(decided), 1, decided)
        self.assertEqual(committed("s1-master"), ())
        self.recover()
        self.assertEqual(settled("s0-master"), ((80, "a"),))
        self.assertEqual(settled("s1-master"), ((1080, "b"),))
        for server in MASTERS:
            self.assertEqual(prepared_branches(server), [], server)
        # Recovery keeps the 'commit' decision (a transaction over more shards could have
        # branches still to resolve); it decides nothing any more: drop it, as the committing
        # session would have.
        for gtrid, _ in decided:
            with contextlib.closing(direct("s0-master")) as c, c.cursor() as cur:
                cur.execute("DELETE FROM shardgate.xa_log WHERE gtrid = %s", (gtrid,))


if __name__ == "__main__":
    unittest.main()
