"""sysbench oltp_read_write through shardgate (server-side prepared statements on and off), with
the same workload run directly on the master for comparison.

sysbench stops with a FATAL error (and a non-zero status) on any error it does not ignore; it
ignores deadlocks and the like (counted as "ignored errors"), which MariaDB itself produces.
"""

import re
import subprocess
import sys
import unittest

import harness

DB = "sbtest"
COMMON = ["oltp_read_write", "--db-driver=mysql", "--mysql-host=127.0.0.1", "--mysql-user=app",
          "--mysql-password=app", f"--mysql-db={DB}", "--tables=4", "--table-size=10000"]
THREADS = 8
SHARDGATE_SECONDS = 10
MASTER_SECONDS = 3


def sysbench(port, *args, timeout=120):
    cmd = ["sysbench", *COMMON, f"--mysql-port={port}", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)


def parse_stats(out):
    def number(label):
        m = re.search(rf"^\s*{label}:\s+(\d+)", out, re.M)
        if not m:
            raise AssertionError(f"no '{label}' in sysbench output:\n{out}")
        return int(m.group(1))
    return {k: number(label) for k, label in (("transactions", "transactions"),
                                              ("queries", "queries"),
                                              ("ignored", "ignored errors"),
                                              ("reconnects", "reconnects"))}


class SysbenchTest(harness.ShardgateTestCase):
    master_stats = {}

    @classmethod
    def setUpClass(cls):
        harness.master_query(f"DROP DATABASE IF EXISTS {DB}")
        harness.master_query(f"CREATE DATABASE {DB}")
        r = sysbench(harness.cluster().master_port, "--threads=4", "prepare")
        if r.returncode != 0:
            raise RuntimeError(f"sysbench prepare failed:\n{r.stdout}\n{r.stderr}")
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            harness.master_query(f"DROP DATABASE IF EXISTS {DB}")

    def run_mode(self, ps_mode):
        baseline = self.sg.settled_fds()
        args = [f"--threads={THREADS}", f"--db-ps-mode={ps_mode}", "--report-interval=0"]
        master = sysbench(harness.cluster().master_port, *args, f"--time={MASTER_SECONDS}", "run")
        self.assertEqual(master.returncode, 0, master.stdout + master.stderr)
        mine = sysbench(self.sg.port, *args, f"--time={SHARDGATE_SECONDS}", "run")
        output = mine.stdout + mine.stderr
        self.assertEqual(mine.returncode, 0, output)
        self.assertNotIn("FATAL", output)
        self.assertNotIn("error", mine.stderr.lower(), output)
        stats, mstats = parse_stats(mine.stdout), parse_stats(master.stdout)
        sys.stderr.write(
            f"\nsysbench --db-ps-mode={ps_mode}: shardgate {SHARDGATE_SECONDS}s: "
            f"{stats['transactions']} transactions, {stats['queries']} queries, "
            f"{stats['ignored']} ignored errors; master directly {MASTER_SECONDS}s: "
            f"{mstats['transactions']} transactions, {mstats['ignored']} ignored errors\n")
        self.assertGreater(stats["transactions"], 0)
        self.assertEqual(stats["reconnects"], 0)
        # 18 queries per oltp_read_write transaction (plus re-tried ones after ignored errors).
        self.assertGreaterEqual(stats["queries"], 18 * stats["transactions"])
        self.assertLess(stats["ignored"], max(10, stats["transactions"] // 10),
                        "far more ignored errors (deadlocks) than MariaDB alone produces")
        self.assertTrue(self.sg.alive())
        n = self.sg.wait_fds(baseline, timeout=15)
        self.assertLessEqual(n, baseline, f"fds leaked:\n{self.sg.fd_listing()}")

    def test_ps_mode_auto(self):
        self.run_mode("auto")

    def test_ps_mode_disable(self):
        self.run_mode("disable")


if __name__ == "__main__":
    unittest.main()
