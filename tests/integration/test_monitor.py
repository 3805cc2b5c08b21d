"""The health monitor against the real cluster: heartbeat rows advance on every master and
replica; a replica whose SQL thread is stopped is reported not fresh, with a lag that grows
while shardgate keeps writing heartbeats, then fresh again once it runs; read_only flips are
logged; a killed server is reported down, and up again after its restart. This test stops
replication on s0-replica1 and kills s1-replica1: ctest runs it alone (RUN_SERIAL).
"""

import contextlib
import re
import subprocess
import time
import unittest

import pymysql

import harness

INTERVAL_MS = 100
# The first report must come within 3 intervals; the margin covers a slow CI machine.
REPORT_WITHIN_S = 3 * INTERVAL_MS / 1000 + 2.7


def server_connect(server):
    """A direct connection (app account, no shardgate) to one cluster server."""
    return harness.pymysql_connect(harness.cluster().port(server), database=None,
                                   autocommit=True)


def admin_sql(server, sql):
    """Runs `sql` on one cluster server as its admin (cluster.sh client)."""
    subprocess.run([harness.CLUSTER_SH, "client", "--dir", harness.cluster().dir, "--server",
                    server, "--", "-e", sql], check=True, capture_output=True, timeout=30)


def heartbeat_seq(server, shard):
    with contextlib.closing(server_connect(server)) as c, c.cursor() as cur:
        cur.execute("SELECT seq FROM shardgate.heartbeat WHERE shard = %s", (shard,))
        row = cur.fetchone()
        return None if row is None else int(row[0])


class MonitorTest(harness.ShardgateTestCase):
    SHARDGATE_OPTIONS = {
        "log_level": "info",
        "extra_toml": "[monitor]\nuser = \"monitor\"\npassword = \"monitor\"\n"
                      f"interval_ms = {INTERVAL_MS}\n",
    }

    def wait_log(self, pattern, since, timeout):
        """The first match of `pattern` in the log after offset `since`, waiting up to timeout."""
        deadline = time.monotonic() + timeout
        while True:
            m = re.search(pattern, self.sg.log_text()[since:])
            if m or time.monotonic() > deadline:
                return m
            time.sleep(0.05)

    def test_heartbeats_advance_on_masters_and_replicas(self):
        since = len(self.sg.log_text())
        for shard in ("s0", "s1"):
            for server in (f"{shard}-master", f"{shard}-replica1"):
                with self.subTest(server=server):
                    deadline = time.monotonic() + 5
                    first = heartbeat_seq(server, shard)
                    while first is None and time.monotonic() < deadline:
                        time.sleep(0.1)
                        first = heartbeat_seq(server, shard)
                    self.assertIsNotNone(first, f"no heartbeat row for {shard} on {server}")
                    # It keeps advancing (the first row may be an earlier shardgate's).
                    for _ in range(2):
                        deadline = time.monotonic() + 5
                        later = heartbeat_seq(server, shard)
                        while later <= first and time.monotonic() < deadline:
                            time.sleep(INTERVAL_MS / 1000)
                            later = heartbeat_seq(server, shard)
                        self.assertGreater(later, first, f"heartbeat of {shard} stuck on {server}")
                        first = later
        self.assertNotIn("is down", self.sg.log_text()[since:])
        self.assert_alive()

    def test_stopped_sql_thread_is_not_fresh_until_restarted(self):
        replica = "s0-replica1"
        key = re.escape(f"127.0.0.1:{harness.cluster().port(replica)}")
        stale = rf"replica {key} of shard s0 (is|still) not fresh \(([^)]*)\): lag (\d+) ms"
        time.sleep(0.5)  # the monitor's first rounds
        since = len(self.sg.log_text())
        with contextlib.closing(server_connect(replica)) as c, c.cursor() as cur:
            try:
                cur.execute("STOP SLAVE SQL_THREAD")
                first = self.wait_log(stale, since, REPORT_WITHIN_S)
                self.assertIsNotNone(first, "the stopped replica was not reported not fresh")
                self.assertEqual(first.group(1), "is")
                self.assertIn("SQL thread not running", first.group(2))
                # Heartbeats go on on the master: the next report shows a larger lag.
                after_first = since + first.end()
                again = self.wait_log(stale, after_first, 8)
                self.assertIsNotNone(again, "no later report while the replica stayed stale")
                self.assertEqual(again.group(1), "still")
                self.assertGreater(int(again.group(3)), int(first.group(3)))
                self.assertGreaterEqual(int(again.group(3)), 1000)
                since = len(self.sg.log_text())
            finally:
                cur.execute("START SLAVE SQL_THREAD")
        fresh = self.wait_log(rf"replica {key} of shard s0 is fresh again: lag (\d+) ms", since,
                              REPORT_WITHIN_S)
        self.assertIsNotNone(fresh, "the replica was not reported fresh again")
        self.assert_alive()

    def test_read_only_flip_is_logged(self):
        replica = "s1-replica1"
        key = re.escape(f"127.0.0.1:{harness.cluster().port(replica)}")
        since = len(self.sg.log_text())
        try:
            admin_sql(replica, "SET GLOBAL read_only = OFF")
            self.assertIsNotNone(
                self.wait_log(rf"replica {key} of shard s1 became writable", since,
                              REPORT_WITHIN_S))
        finally:
            admin_sql(replica, "SET GLOBAL read_only = ON")
        self.assertIsNotNone(
            self.wait_log(rf"replica {key} of shard s1 became read-only", since, REPORT_WITHIN_S))

    def test_killed_server_is_down_then_up(self):
        replica = "s1-replica1"
        key = re.escape(f"127.0.0.1:{harness.cluster().port(replica)}")
        since = len(self.sg.log_text())
        harness.cluster_sh("kill", "--server", replica)
        try:
            # fail_after (3) failed checks: refused connections fail at once.
            down = self.wait_log(rf"replica {key} of shard s1 is down after 3 failed checks",
                                 since, REPORT_WITHIN_S)
            self.assertIsNotNone(down, "the killed replica was not reported down")
            since += down.end()
        finally:
            harness.cluster_sh("restart-server", "--server", replica)
        self.assertIsNotNone(self.wait_log(rf"replica {key} of shard s1 is up again", since,
                                           REPORT_WITHIN_S))
        self.assertIsNotNone(self.wait_log(rf"replica {key} of shard s1 is fresh again", since,
                                           10))
        self.assert_alive()


if __name__ == "__main__":
    unittest.main()


def lag_shard_map():
    return harness.two_shard_map({"lag_t": "id"}, [(0, 1000, "s0"), (1000, None, "s1")])


class LagAwareReadTest(harness.ShardgateTestCase):
    """Reads go only to replicas whose measured lag is within the bound: rows written after a
    replica stopped applying are always found, because its reads fall back to the master."""
    SHARDGATE_OPTIONS = {
        "log_level": "info",
        "shard_map_text": lag_shard_map(),
        "extra_toml": "[monitor]\nuser = \"monitor\"\npassword = \"monitor\"\n"
                      f"interval_ms = {INTERVAL_MS}\nmax_lag_ms = 1000\n",
    }

    @classmethod
    def setUpClass(cls):
        for master in ("s0-master", "s1-master"):
            with contextlib.closing(server_connect(master)) as c, c.cursor() as cur:
                cur.execute("CREATE TABLE IF NOT EXISTS app.lag_t (id INT PRIMARY KEY, v INT)")
                cur.execute("DELETE FROM app.lag_t")
        super().setUpClass()

    @staticmethod
    def served_by(cur):
        """(v, port of the server that answered) of row 1."""
        cur.execute("SELECT v, @@port FROM lag_t WHERE id = 1")
        return cur.fetchall()[0]

    def wait_for_replica(self, cur, timeout=5.0):
        """Waits until reads of row 1 go to the replica again (the monitor found it fresh)."""
        replica = harness.cluster().port("s0-replica1")
        deadline = time.monotonic() + timeout
        while self.served_by(cur)[1] != replica and time.monotonic() < deadline:
            time.sleep(0.05)
        for _ in range(20):
            self.assertEqual(self.served_by(cur)[1], replica)

    def test_stale_replica_is_not_read(self):
        with contextlib.closing(harness.pymysql_connect(self.sg.port, autocommit=True)) as c, \
                c.cursor() as cur:
            cur.execute("INSERT INTO lag_t (id, v) VALUES (1, 0)")
            self.wait_for_replica(cur)
            with contextlib.closing(server_connect("s0-replica1")) as r, r.cursor() as rc:
                try:
                    rc.execute("STOP SLAVE SQL_THREAD")
                    # Written after the replica stopped applying: only the master has them.
                    for v in range(1, 30):
                        cur.execute(f"UPDATE lag_t SET v = {v} WHERE id = 1")
                        time.sleep(0.05)
                    time.sleep(REPORT_WITHIN_S)
                    for _ in range(20):
                        cur.execute("SELECT v FROM lag_t WHERE id = 1")
                        self.assertEqual(cur.fetchall(), ((29,),))  # never the stale value
                    # Even a statement's own loose bound does not make a replica whose
                    # replication is stopped fresh.
                    cur.execute("/* shardgate: max_lag_ms=3600000 */ SELECT v FROM lag_t "
                                "WHERE id = 1")
                    self.assertEqual(cur.fetchall(), ((29,),))
                    # With stale_read = "error" the read fails instead of going to the master.
                    strict = "[monitor]\nuser = \"monitor\"\npassword = \"monitor\"\n" \
                             f"interval_ms = {INTERVAL_MS}\nmax_lag_ms = 1000\n" \
                             "[routing]\nstale_read = \"error\"\n"
                    with harness.Shardgate(shard_map_text=lag_shard_map(),
                                           extra_toml=strict) as sg2:
                        time.sleep(REPORT_WITHIN_S)
                        with contextlib.closing(harness.pymysql_connect(
                                sg2.port, autocommit=True)) as c2, c2.cursor() as cur2:
                            with self.assertRaises(pymysql.err.MySQLError) as cm:
                                cur2.execute("SELECT v FROM lag_t WHERE id = 1")
                            self.assertEqual(cm.exception.args[0], 1105)
                            self.assertIn("no replica of shard s0", cm.exception.args[1])
                            cur2.execute("/* shardgate: master */ SELECT v FROM lag_t "
                                         "WHERE id = 1")
                            self.assertEqual(cur2.fetchall(), ((29,),))
                finally:
                    rc.execute("START SLAVE SQL_THREAD")
            # Caught up and fresh again: reads return to it.
            self.wait_for_replica(cur)
            self.assertEqual(self.served_by(cur)[0], 29)
