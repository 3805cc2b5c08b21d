"""Servers dying under load, and reads that must see the session's own writes.

- A replica SIGKILLed during 10 s of sysbench oltp_point_select through shardgate costs no
  failed query (reads in flight are retried elsewhere); restarted, it serves reads again.
- A master SIGKILLed: reads of its shard are still served by its replica, writes to it fail at
  once with ERR 2003 naming the shard and server, the other shard's writes go on; restarted,
  writes succeed again in the same session, without restarting shardgate.
- Read-your-writes (`read_your_writes = "session"`) with a replica held back (LOCK TABLES on
  it blocks its SQL thread): a session always reads its own write, while another session reads
  the stale replica; once the replica has applied the write, the writer's reads go back to it.
- `/* shardgate: max_lag_ms=N */` below the replica's lag sends the read to the master.
- A master SIGSTOPped: the write waiting on it fails once the monitor finds it down.

It kills and reconfigures cluster servers: ctest runs it alone (RUN_SERIAL).
"""

import contextlib
import os
import signal
import threading
import time
import unittest

import pymysql

import harness
from test_monitor import server_connect
from test_sysbench import parse_stats

INTERVAL_MS = 100
MONITOR = ("[monitor]\nuser = \"monitor\"\npassword = \"monitor\"\n"
           f"interval_ms = {INTERVAL_MS}\n")
SB_DB = "fo_sbtest"
SB_ROWS = 10000
SPLIT = 5000  # ids below on s0, the others on s1


def shard_map():
    return harness.two_shard_map({"fo_t": "id", "sbtest1": "id"},
                                 [(0, SPLIT, "s0"), (SPLIT, None, "s1")])


def counter(server, name):
    with contextlib.closing(server_connect(server)) as c, c.cursor() as cur:
        cur.execute(f"SHOW GLOBAL STATUS LIKE '{name}'")
        return int(cur.fetchone()[1])


def executes(server):
    """Prepared-statement executions on a server (sysbench's reads; the monitor prepares none)."""
    return counter(server, "Com_stmt_execute")


def port_of(server):
    return harness.cluster().port(server)


def create_tables():
    for master in ("s0-master", "s1-master"):
        with contextlib.closing(server_connect(master)) as c, c.cursor() as cur:
            cur.execute("CREATE TABLE IF NOT EXISTS app.fo_t (id INT PRIMARY KEY, v INT)")
            cur.execute("DELETE FROM app.fo_t")


def restart_if_down(server):
    with contextlib.suppress(Exception):
        harness.cluster_sh("restart-server", "--server", server)


class ReplicaKilledUnderLoadTest(harness.ShardgateTestCase):
    SHARDGATE_OPTIONS = {"log_level": "info", "shard_map_text": shard_map(),
                         "extra_toml": MONITOR}

    @classmethod
    def setUpClass(cls):
        harness.prepare_split_sbtest(SB_DB, SB_ROWS, SPLIT)
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            harness.drop_on_masters(SB_DB)

    @staticmethod
    def sysbench(port, *args):
        return harness.point_select(SB_DB, port, SB_ROWS, *args, timeout=120)

    def tearDown(self):
        restart_if_down("s0-replica1")

    def test_replica_killed_during_point_select_costs_no_query(self):
        replica = "s0-replica1"
        time.sleep(0.5)  # the monitor's first rounds: both replicas fresh
        result = {}
        run = threading.Thread(target=lambda: result.update(r=self.sysbench(
            self.sg.port, "--threads=4", "--time=10", "--report-interval=0", "run")))
        # Meanwhile another client keeps reading across both shards (merged on replicas).
        stop = threading.Event()
        scatter = {"reads": 0, "errors": []}

        def scatter_reads():
            with contextlib.closing(harness.pymysql_connect(self.sg.port, database=SB_DB,
                                                            autocommit=True)) as c:
                cur = c.cursor()
                while not stop.is_set():
                    try:
                        cur.execute("SELECT COUNT(*) FROM sbtest1")
                        if cur.fetchall() != ((SB_ROWS,),):
                            scatter["errors"].append("wrong count")
                        cur.execute("SELECT id FROM sbtest1 ORDER BY id DESC LIMIT 2")
                        if cur.fetchall() != ((SB_ROWS,), (SB_ROWS - 1,)):
                            scatter["errors"].append("wrong rows")
                        scatter["reads"] += 2
                    except Exception as e:  # noqa: BLE001 - every failure counts
                        scatter["errors"].append(repr(e))
        reader = threading.Thread(target=scatter_reads)
        before = executes(replica)
        run.start()
        reader.start()
        time.sleep(3)
        self.assertGreater(executes(replica) - before, 100, "the replica served no reads before")
        harness.cluster_sh("kill", "--server", replica)
        run.join(timeout=60)
        stop.set()
        reader.join(timeout=30)
        self.assertEqual(scatter["errors"], [])
        self.assertGreater(scatter["reads"], 20)
        r = result["r"]
        self.assertEqual(r.returncode, 0, f"sysbench failed:\n{r.stdout}\n{r.stderr}")
        self.assertNotIn("FATAL", r.stdout + r.stderr)
        stats = parse_stats(r.stdout)
        self.assertGreater(stats["queries"], 1000)
        self.assertEqual(stats["ignored"], 0, r.stdout)
        self.assertEqual(stats["reconnects"], 0, r.stdout)

        harness.cluster_sh("restart-server", "--server", replica)
        # Back up and fresh: it takes reads again.
        base = executes(replica)
        deadline = time.monotonic() + 15
        while executes(replica) - base < 100 and time.monotonic() < deadline:
            r = self.sysbench(self.sg.port, "--threads=2", "--time=1", "--report-interval=0",
                              "run")
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertGreaterEqual(executes(replica) - base, 100,
                                "the restarted replica never served reads again")
        self.assert_alive()


class MasterKilledTest(harness.ShardgateTestCase):
    SHARDGATE_OPTIONS = {"log_level": "info", "shard_map_text": shard_map(),
                         "connect_timeout_ms": 1000, "extra_toml": MONITOR}

    @classmethod
    def setUpClass(cls):
        create_tables()
        super().setUpClass()

    def tearDown(self):
        restart_if_down("s0-master")

    def test_reads_served_writes_fail_fast_then_resume(self):
        master_port = harness.cluster().port("s0-master")
        time.sleep(0.5)
        with contextlib.closing(harness.pymysql_connect(self.sg.port, autocommit=True)) as c, \
                c.cursor() as cur:
            cur.execute("INSERT INTO fo_t (id, v) VALUES (5, 50), (6005, 60)")
            time.sleep(0.5)  # replicated
            harness.cluster_sh("kill", "--server", "s0-master")
            try:
                # Reads of s0 keep being served, by its replica, from the first one on.
                deadline = time.monotonic() + 2
                served = 0
                while time.monotonic() < deadline:
                    cur.execute("SELECT v, @@port FROM fo_t WHERE id = 5")
                    self.assertEqual(cur.fetchall(), ((50, port_of("s0-replica1")),))
                    served += 1
                self.assertGreater(served, 10)
                # Writes to s0 fail fast, naming the shard and its master; s1 takes writes.
                for attempt in range(3):
                    t0 = time.monotonic()
                    with self.assertRaises(pymysql.err.OperationalError) as cm:
                        cur.execute(f"UPDATE fo_t SET v = {attempt} WHERE id = 5")
                    self.assertLess(time.monotonic() - t0, 1.0)
                    code, message = cm.exception.args
                    self.assertEqual(code, 2003, message)
                    self.assertIn(f"shard s0 master 127.0.0.1:{master_port} is unavailable",
                                  message)
                cur.execute("UPDATE fo_t SET v = 61 WHERE id = 6005")
                self.assertEqual(cur.rowcount, 1)
            finally:
                harness.cluster_sh("restart-server", "--server", "s0-master")

            # Back: writes succeed again in the same session.
            def write_works():
                try:
                    cur.execute("UPDATE fo_t SET v = 51 WHERE id = 5")
                    return True
                except pymysql.err.OperationalError:
                    return False
            self.assertTrue(harness.wait_until(write_works, timeout=5, step=0.1),
                            "writes did not resume after the master's restart")
            cur.execute("/* shardgate: master */ SELECT v FROM fo_t WHERE id = 5")
            self.assertEqual(cur.fetchall(), ((51,),))
        self.assertRegex(self.sg.log_text(), r"master 127\.0\.0\.1:\d+ of shard s0 is up again")
        self.assert_alive()


def server_pid(server):
    with contextlib.closing(server_connect(server)) as c, c.cursor() as cur:
        cur.execute("SELECT @@pid_file")
        path = cur.fetchone()[0]
    if not os.path.isabs(path):
        with contextlib.closing(server_connect(server)) as c, c.cursor() as cur:
            cur.execute("SELECT @@datadir")
            path = os.path.join(cur.fetchone()[0], path)
    with open(path, encoding="utf-8") as f:
        return int(f.read().strip())


class MasterHungTest(harness.ShardgateTestCase):
    """A master that stops answering without closing anything (SIGSTOP): the write waiting on it
    ends with an error once the monitor finds the master down, reads go on from the replica, and
    after SIGCONT writes work again in the same session."""
    SHARDGATE_OPTIONS = {"log_level": "info", "shard_map_text": shard_map(),
                         "connect_timeout_ms": 500, "extra_toml": MONITOR}

    @classmethod
    def setUpClass(cls):
        create_tables()
        super().setUpClass()

    def test_statement_waiting_on_a_hung_master_ends(self):
        pid = server_pid("s0-master")
        time.sleep(0.5)
        with contextlib.closing(harness.pymysql_connect(self.sg.port, autocommit=True)) as c, \
                c.cursor() as cur:
            cur.execute("INSERT INTO fo_t (id, v) VALUES (8, 80)")
            time.sleep(0.5)  # replicated
            os.kill(pid, signal.SIGSTOP)
            # Whatever happens here, the master runs again (a hang must not take the cluster).
            resume = threading.Timer(20, os.kill, (pid, signal.SIGCONT))
            resume.start()
            try:
                t0 = time.monotonic()
                with self.assertRaises(pymysql.err.OperationalError) as cm:
                    cur.execute("UPDATE fo_t SET v = 81 WHERE id = 8")
                # Down after fail_after (3) checks of connect_timeout_ms (0.5 s) each.
                self.assertLess(time.monotonic() - t0, 6)
                self.assertIn(cm.exception.args[0], (2003, 2013), cm.exception.args)
                cur.execute("SELECT v, @@port FROM fo_t WHERE id = 8")
                self.assertEqual(cur.fetchall(), ((80, port_of("s0-replica1")),))
                t0 = time.monotonic()
                with self.assertRaises(pymysql.err.OperationalError) as cm:
                    cur.execute("UPDATE fo_t SET v = 82 WHERE id = 8")
                self.assertLess(time.monotonic() - t0, 1)
                self.assertEqual(cm.exception.args[0], 2003)
            finally:
                os.kill(pid, signal.SIGCONT)
                resume.cancel()

            def write_works():
                try:
                    cur.execute("UPDATE fo_t SET v = 83 WHERE id = 8")
                    return True
                except pymysql.err.OperationalError:
                    return False
            self.assertTrue(harness.wait_until(write_works, timeout=10, step=0.2))
        self.assert_alive()


class ReadYourWritesTest(harness.ShardgateTestCase):
    """s1's replica is held back: a session on it holds LOCK TABLES fo_t READ, so its SQL thread
    waits to apply writes to fo_t (and everything after them) while its measured lag grows from
    0. With a 5 s max_lag_ms it still counts as fresh, so only read-your-writes keeps a writer from
    reading stale rows."""
    SHARDGATE_OPTIONS = {
        "log_level": "info", "shard_map_text": shard_map(),
        "extra_toml": MONITOR + "max_lag_ms = 5000\n[routing]\nread_your_writes = \"session\"\n"}
    REPLICA = "s1-replica1"

    @classmethod
    def setUpClass(cls):
        create_tables()
        with contextlib.closing(server_connect("s1-master")) as c, c.cursor() as cur:
            cur.execute("INSERT INTO app.fo_t (id, v) VALUES (6000, 0)")
        super().setUpClass()

    @staticmethod
    def read(cur, hint=""):
        """(v, port of the server that answered) of row 6000."""
        cur.execute(f"{hint}SELECT v, @@port FROM fo_t WHERE id = 6000")
        return cur.fetchall()[0]

    @contextlib.contextmanager
    def replica_held_back(self):
        """While it lasts, the replica applies nothing after the next write to fo_t."""
        with contextlib.closing(server_connect(self.REPLICA)) as c, c.cursor() as cur:
            cur.execute("LOCK TABLES app.fo_t READ")
            try:
                yield
            finally:
                cur.execute("UNLOCK TABLES")

    def wait_for_replica(self, cur):
        """The replica (caught up and fresh) answers reads of row 6000."""
        replica = port_of(self.REPLICA)
        self.assertTrue(harness.wait_until(lambda: self.read(cur)[1] == replica, timeout=10,
                                           step=0.1), "the replica is not read")

    def test_session_reads_its_own_writes_from_a_lagging_replica(self):
        replica, master = port_of(self.REPLICA), port_of("s1-master")
        writer = harness.pymysql_connect(self.sg.port, autocommit=True)
        other = harness.pymysql_connect(self.sg.port, autocommit=True)
        with contextlib.closing(writer), contextlib.closing(other), writer.cursor() as w, \
                other.cursor() as o:
            self.wait_for_replica(w)
            start = self.read(o)[0]
            stale_seen = 0
            with self.replica_held_back():
                for v in range(start + 1, start + 21):
                    w.execute(f"UPDATE fo_t SET v = {v} WHERE id = 6000")
                    for _ in range(3):
                        self.assertEqual(self.read(w), (v, master), "the writer read a stale row")
                    value, port = self.read(o)
                    self.assertEqual(port, replica)
                    stale_seen += value != v
            # The other session read the held-back replica and saw old values: the writer's
            # right answers were not luck.
            self.assertEqual(stale_seen, 20)
            # Once the replica has applied the writes, the writer's reads go back to it.
            self.assertTrue(
                harness.wait_until(lambda: self.read(w)[1] == replica, timeout=10, step=0.1),
                "the writer never read the replica again")
            self.assertEqual(self.read(w), (start + 20, replica))

    def test_max_lag_hint_below_the_replica_lag_reads_the_master(self):
        with contextlib.closing(harness.pymysql_connect(self.sg.port, autocommit=True)) as c, \
                c.cursor() as cur:
            self.wait_for_replica(cur)
            with self.replica_held_back():
                # A write the replica can't apply: its measured lag grows from now on.
                with contextlib.closing(server_connect("s1-master")) as m, m.cursor() as mc:
                    mc.execute("UPDATE app.fo_t SET v = v + 1 WHERE id = 6000")
                time.sleep(1.0)
                for _ in range(5):
                    self.assertEqual(self.read(cur, "/* shardgate: max_lag_ms=200 */ ")[1],
                                     port_of("s1-master"))
                self.assertEqual(self.read(cur, "/* shardgate: max_lag_ms=4000 */ ")[1],
                                 port_of(self.REPLICA))


if __name__ == "__main__":
    unittest.main()
