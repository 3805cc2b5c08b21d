"""sysbench through shardgate against sbtest tables sharded by id over 2 shards, in ranges of 100
ids that alternate between s0 and s1 (so sysbench's range queries nearly always span both):
oltp_point_select and oltp_update_index (prepared statements routed per execution by their id
parameter), oltp_insert, oltp_read_only (BETWEEN ranges, SUM, ORDER BY, DISTINCT ... ORDER BY
merged across shards, in transactions) and oltp_read_write (cross-shard transactions committed
with XA) with no errors; the statement counters of the servers show that both shards did the work,
each table's checksum through shardgate equals the sum over the masters, and no XA branch or
commit decision is left behind."""

import subprocess
import sys
import unittest

import harness
from test_sysbench import parse_stats

DB = "sbtest"
TABLES = 4
SECONDS = 5
TABLE_SIZE = 10000
RANGE = 100  # ids per shard-map range; ranges alternate s0, s1, s0, ...


def owner(key):
    return "s0" if key >= TABLE_SIZE or (key // RANGE) % 2 == 0 else "s1"


def shard_map():
    ranges = [(start, start + RANGE, owner(start)) for start in range(0, TABLE_SIZE, RANGE)]
    return harness.two_shard_map({f"sbtest{i}": "id" for i in range(1, TABLES + 1)},
                                 ranges + [(TABLE_SIZE, None, "s0")])


def sysbench(workload, port, *args):
    cmd = ["sysbench", workload, "--db-driver=mysql", "--mysql-host=127.0.0.1",
           f"--mysql-port={port}", "--mysql-user=app", "--mysql-password=app",
           f"--mysql-db={DB}", f"--tables={TABLES}", f"--table-size={TABLE_SIZE}", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=180)


def counter(server, name):
    with harness.pymysql_connect(harness.cluster().port(server), database=None) as c:
        with c.cursor() as cur:
            cur.execute(f"SHOW GLOBAL STATUS LIKE '{name}'")
            return int(cur.fetchone()[1])


MASTERS = ("s0-master", "s1-master")


def reads(server):
    return counter(server, "Com_select") + counter(server, "Com_stmt_execute")


def prepared_xa(server):
    """shardgate's XA branches (format id 21319) left prepared on that server."""
    with harness.pymysql_connect(harness.cluster().port(server), database=None) as c:
        with c.cursor() as cur:
            cur.execute("XA RECOVER")
            return [r for r in cur.fetchall() if r[0] == 21319]


def commit_decisions():
    """The 'commit' rows of shardgate.xa_log on each master (a committed cross-shard transaction
    deletes its own)."""
    out = {}
    for master in MASTERS:
        with harness.pymysql_connect(harness.cluster().port(master), database=None) as c:
            with c.cursor() as cur:
                cur.execute("SELECT gtrid FROM shardgate.xa_log WHERE decision = 'commit'")
                out[master] = {r[0] for r in cur.fetchall()}
    return out


class ShardedSysbenchTest(harness.ShardgateTestCase):

    @classmethod
    def setUpClass(cls):
        cls.SHARDGATE_OPTIONS = {"shard_map_text": shard_map()}
        # sysbench fills every master with the full tables; each then keeps the rows it owns.
        for master in ("s0-master", "s1-master"):
            port = harness.cluster().port(master)
            with harness.pymysql_connect(port, database=None, autocommit=True) as c:
                with c.cursor() as cur:
                    cur.execute(f"DROP DATABASE IF EXISTS {DB}")
                    cur.execute(f"CREATE DATABASE {DB}")
            r = sysbench("oltp_common", port, "--threads=2", "prepare")
            if r.returncode != 0:
                raise RuntimeError(f"sysbench prepare on {master} failed:\n{r.stdout}\n{r.stderr}")
            shard = master.split("-")[0]
            foreign = " OR ".join(
                f"id BETWEEN {start} AND {start + RANGE - 1}"
                for start in range(0, TABLE_SIZE, RANGE) if owner(start) != shard)
            with harness.pymysql_connect(port, database=DB, autocommit=True) as c:
                with c.cursor() as cur:
                    for i in range(1, TABLES + 1):
                        cur.execute(f"DELETE FROM sbtest{i} WHERE {foreign}")
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
        # For the record (ctest -V): throughput over 2 shards, on this machine.
        print(f"\n{workload} {' '.join(args)}: {stats['transactions'] / SECONDS:.0f} tps, "
              f"{stats['queries'] / SECONDS:.0f} qps, 4 threads x {SECONDS} s, 0 errors",
              file=sys.stderr)
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

    def checksums(self):
        """Each table's (COUNT(*), SUM(k), MIN(id), MAX(id)) through shardgate and summed over the
        masters directly."""
        through, direct = [], []
        with harness.pymysql_connect(self.sg.port, database=DB) as c, c.cursor() as cur:
            for i in range(1, TABLES + 1):
                cur.execute(f"SELECT COUNT(*), SUM(k), MIN(id), MAX(id) FROM sbtest{i}")
                through.append(tuple(int(v) for v in cur.fetchone()))
        for i in range(1, TABLES + 1):
            parts = []
            for master in ("s0-master", "s1-master"):
                with harness.pymysql_connect(harness.cluster().port(master), database=DB) as c:
                    with c.cursor() as cur:
                        cur.execute(f"SELECT COUNT(*), SUM(k), MIN(id), MAX(id) FROM sbtest{i}")
                        parts.append(cur.fetchone())
            direct.append((sum(int(p[0]) for p in parts), sum(int(p[1] or 0) for p in parts),
                           min(int(p[2]) for p in parts), max(int(p[3]) for p in parts)))
        return through, direct

    def test_read_only_ranges_span_shards(self):
        # Each BEGIN ... COMMIT reads both shards; reads inside a transaction run on the masters.
        for mode in ("auto", "disable"):
            before = [reads(s) for s in MASTERS]
            self.run_workload("oltp_read_only", f"--db-ps-mode={mode}")
            after = [reads(s) for s in MASTERS]
            self.assertGreater(after[0] - before[0], 100, mode)
            self.assertGreater(after[1] - before[1], 100, mode)
        through, direct = self.checksums()
        self.assertEqual(through, direct)

    def test_read_write(self):
        # BEGIN ... COMMIT over both shards: atomic cross-shard transactions (XA). sysbench sends
        # BEGIN and COMMIT as prepared statements with --db-ps-mode=auto, as text with disable.
        before = commit_decisions()
        for mode in ("auto", "disable"):
            reads_before = [reads(s) for s in MASTERS]
            xa_before = sum(counter(s, "Com_xa_prepare") for s in MASTERS)
            # Uniform keys: sysbench's default skew makes deadlocks between its own transactions
            # (which a single server reports too, as "ignored errors") far more likely.
            stats = self.run_workload("oltp_read_write", f"--db-ps-mode={mode}",
                                      "--rand-type=uniform")
            self.assertGreater(stats["transactions"], 0, mode)
            reads_after = [reads(s) for s in MASTERS]
            self.assertGreater(reads_after[0] - reads_before[0], 100, mode)
            self.assertGreater(reads_after[1] - reads_before[1], 100, mode)
            xa_prepared = sum(counter(s, "Com_xa_prepare") for s in MASTERS) - xa_before
            # Nearly every transaction spans both shards and commits in two phases.
            self.assertGreater(xa_prepared, stats["transactions"] // 2, mode)
        through, direct = self.checksums()
        self.assertEqual(through, direct)
        for master in MASTERS:
            self.assertEqual(prepared_xa(master), [], master)
            self.assertEqual(commit_decisions()[master] - before[master], set(), master)


if __name__ == "__main__":
    unittest.main()
