"""sysbench through shardgate against sbtest tables sharded by id over 2 shards (ids below 5000
on s0, from 5000 on s1): oltp_point_select and oltp_update_index (prepared statements routed per
execution by their id parameter) and oltp_insert, with no errors; the statement counters of the
servers show that both shards did the work."""

import subprocess
import unittest

import harness
from test_sysbench import parse_stats

DB = "sbtest"
TABLES = 4
SECONDS = 5


def shard_map():
    c = harness.cluster()
    tables = "\n".join(f'sbtest{i} = "id"' for i in range(1, TABLES + 1))
    return f"""version = 1
default_shard = "s0"
[sharded_tables]
{tables}
[shards.s0]
master = "127.0.0.1:{c.port('s0-master')}"
replicas = ["127.0.0.1:{c.port('s0-replica1')}"]
[shards.s1]
master = "127.0.0.1:{c.port('s1-master')}"
replicas = ["127.0.0.1:{c.port('s1-replica1')}"]
[[ranges]]
start = 0
end = 5000
shard = "s0"
[[ranges]]
start = 5000
shard = "s1"
"""


def sysbench(workload, port, *args):
    cmd = ["sysbench", workload, "--db-driver=mysql", "--mysql-host=127.0.0.1",
           f"--mysql-port={port}", "--mysql-user=app", "--mysql-password=app",
           f"--mysql-db={DB}", f"--tables={TABLES}", "--table-size=10000", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=180)


def counter(server, name):
    with harness.pymysql_connect(harness.cluster().port(server), database=None) as c:
        with c.cursor() as cur:
            cur.execute(f"SHOW GLOBAL STATUS LIKE '{name}'")
            return int(cur.fetchone()[1])


class ShardedSysbenchTest(harness.ShardgateTestCase):

    @classmethod
    def setUpClass(cls):
        cls.SHARDGATE_OPTIONS = {"shard_map_text": shard_map()}
        # Every master gets the full tables; only the rows a shard owns are ever addressed there.
        for master in ("s0-master", "s1-master"):
            port = harness.cluster().port(master)
            with harness.pymysql_connect(port, database=None, autocommit=True) as c:
                with c.cursor() as cur:
                    cur.execute(f"DROP DATABASE IF EXISTS {DB}")
                    cur.execute(f"CREATE DATABASE {DB}")
            r = sysbench("oltp_common", port, "--threads=2", "prepare")
            if r.returncode != 0:
                raise RuntimeError(f"sysbench prepare on {master} failed:\n{r.stdout}\n{r.stderr}")
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            for master in ("s0-master", "s1-master"):
                with harness.pymysql_connect(harness.cluster().port(master), database=None,
                                             autocommit=True) as c:
                    with c.cursor() as cur:
                        cur.execute(f"DROP DATABASE IF EXISTS {DB}")

    def run_workload(self, workload, *args):
        r = sysbench(workload, self.sg.port, "--threads=4", f"--time={SECONDS}",
                     "--report-interval=0", *args, "run")
        self.assertEqual(r.returncode, 0, f"{workload} failed:\n{r.stdout}\n{r.stderr}")
        stats = parse_stats(r.stdout)
        self.assertGreater(stats["queries"], 0)
        self.assertEqual(stats["ignored"], 0, r.stdout)
        self.assertEqual(stats["reconnects"], 0, r.stdout)
        return stats

    def test_point_select_reads_both_shards_replicas(self):
        before = [counter(s, "Com_stmt_execute") for s in ("s0-replica1", "s1-replica1")]
        self.run_workload("oltp_point_select", "--db-ps-mode=auto")
        after = [counter(s, "Com_stmt_execute") for s in ("s0-replica1", "s1-replica1")]
        self.assertGreater(after[0] - before[0], 100)
        self.assertGreater(after[1] - before[1], 100)

    def test_update_index_writes_both_masters(self):
        before = [counter(s, "Com_stmt_execute") for s in ("s0-master", "s1-master")]
        self.run_workload("oltp_update_index", "--db-ps-mode=auto")
        after = [counter(s, "Com_stmt_execute") for s in ("s0-master", "s1-master")]
        self.assertGreater(after[0] - before[0], 100)
        self.assertGreater(after[1] - before[1], 100)

    def test_insert(self):
        # Auto-increment ids: sysbench sends id 0, which s0 owns; the text protocol.
        self.run_workload("oltp_insert")

    def test_point_select_text_protocol(self):
        self.run_workload("oltp_point_select", "--db-ps-mode=disable")


if __name__ == "__main__":
    unittest.main()
