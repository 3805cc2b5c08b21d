"""The admin HTTP API of a running shardgate, and what a live shard-map swap does to sessions.

- /healthz, /readyz, /backends, GET /shardmap (with X-Shardmap-Version), /metrics counting
  routes, queries and errors as traffic flows.
- PUT /shardmap: the reply's diff, the file written back, the new map routing the next
  statement; an open transaction keeps its participants (and commits across the old and the new
  owner); a removed replica's connections are closed, a re-added one is read again.
- `shardmap diff` prints the same changes.
"""

import contextlib
import json
import os
import subprocess
import unittest

import harness
from test_monitor import server_connect

TOKEN = "t0ken"
MONITOR = ("[monitor]\nuser = \"monitor\"\npassword = \"monitor\"\ninterval_ms = 100\n")


def port_of(server):
    return harness.cluster().port(server)


def shard_map(version, split=1000, s1_replicas=True):
    text = harness.two_shard_map({"adm_t": "id"}, [(0, split, "s0"), (split, None, "s1")],
                                 version=version)
    if not s1_replicas:
        replica = f'replicas = ["127.0.0.1:{port_of("s1-replica1")}"]'
        text = text.replace(replica, "replicas = []", 1) if text.count(replica) else text
    return text


def connection_open(server, thread_id):
    """Whether connection `thread_id` is still open on a server."""
    with contextlib.closing(server_connect(server)) as c, c.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = %s",
                    (thread_id,))
        return int(cur.fetchone()[0]) == 1


class AdminApiTest(harness.ShardgateTestCase):
    SHARDGATE_OPTIONS = {"shard_map_text": shard_map(1), "admin_token": TOKEN,
                         "extra_toml": MONITOR}

    @classmethod
    def setUpClass(cls):
        for master in ("s0-master", "s1-master"):
            with contextlib.closing(server_connect(master)) as c, c.cursor() as cur:
                cur.execute("CREATE TABLE IF NOT EXISTS app.adm_t (id INT PRIMARY KEY, v INT)")
                cur.execute("DELETE FROM app.adm_t")
                if master == "s1-master":
                    cur.execute("INSERT INTO app.adm_t (id, v) VALUES (1500, 15)")
        super().setUpClass()
        cls.version = 1
        harness.wait_until(lambda: cls.sg.admin("GET", "/readyz")[0] == 200, timeout=5)

    def put(self, text, token=TOKEN):
        status, _, body = self.sg.admin("PUT", "/shardmap", text, token=token)
        return status, json.loads(body)

    def next_map(self, **kw):
        type(self).version += 1
        return shard_map(type(self).version, **kw)

    def test_health_and_readiness(self):
        status, headers, body = self.sg.admin("GET", "/healthz")
        self.assertEqual((status, body), (200, "ok\n"))
        status, _, body = self.sg.admin("GET", "/readyz")
        self.assertEqual(status, 200, body)

    def test_backends_lists_every_server_with_its_state(self):
        status, headers, body = self.sg.admin("GET", "/backends")
        self.assertEqual(status, 200)
        self.assertIn("application/json", headers["content-type"])
        doc = json.loads(body)
        self.assertIsInstance(doc, list)
        self.assertEqual(len(doc), 4)
        backends = {b["address"]: b for b in doc}
        for server in ("s0-master", "s0-replica1", "s1-master", "s1-replica1"):
            b = backends[f"127.0.0.1:{port_of(server)}"]
            self.assertEqual(b["shard"], server[:2])
            self.assertEqual(b["role"], "master" if "master" in server else "replica")
            self.assertTrue(b["up"], b)
            self.assertEqual(b["read_only"], "replica" in server)
            for key in ("connections", "in_flight", "last_error"):
                self.assertIn(key, b)
            if "replica" in server:
                self.assertIsInstance(b["lag_ms"], int)
                self.assertTrue(b["replicating"])

    def test_metrics_move_with_traffic(self):
        before_single = self.sg.metric("shardgate_routed_total", route="single")
        before_scatter = self.sg.metric("shardgate_routed_total", route="scatter")
        before_replica = self.sg.metric("shardgate_queries_total", shard="s1", role="replica",
                                        statement="select") or 0
        before_insert = self.sg.metric("shardgate_queries_total", shard="s0", role="master",
                                       statement="insert") or 0
        before_errors = self.sg.metric("shardgate_errors_total", kind="routing")
        with contextlib.closing(harness.pymysql_connect(self.sg.port, autocommit=True)) as c, \
                c.cursor() as cur:
            cur.execute("INSERT INTO adm_t (id, v) VALUES (7, 7)")
            for _ in range(5):
                cur.execute("SELECT v FROM adm_t WHERE id = 1500")
            cur.execute("SELECT COUNT(*) FROM adm_t")
            with self.assertRaises(Exception):
                cur.execute("SELECT id FROM adm_t UNION SELECT id FROM adm_t")  # refused: 1235
        self.assertGreaterEqual(self.sg.metric("shardgate_routed_total", route="single"),
                                before_single + 6)
        self.assertGreaterEqual(self.sg.metric("shardgate_routed_total", route="scatter"),
                                before_scatter + 1)
        self.assertGreaterEqual(self.sg.metric("shardgate_queries_total", shard="s1",
                                               role="replica", statement="select"),
                                before_replica + 5)
        self.assertEqual(self.sg.metric("shardgate_queries_total", shard="s0", role="master",
                                        statement="insert"), before_insert + 1)
        self.assertEqual(self.sg.metric("shardgate_errors_total", kind="routing"),
                         before_errors + 1)
        self.assertGreater(self.sg.metric("shardgate_query_duration_seconds_count", shard="s1",
                                          role="replica"), 0)
        self.assertGreaterEqual(self.sg.metric("shardgate_client_connections_total"), 1)
        for server in ("s0-replica1", "s1-replica1"):
            lag = self.sg.metric("shardgate_replica_lag_seconds", shard=server[:2],
                                 backend=f"127.0.0.1:{port_of(server)}")
            self.assertIsNotNone(lag)
            self.assertLess(lag, 5)

    def test_metrics_pass_promtool_lint(self):
        status, headers, text = self.sg.admin("GET", "/metrics")
        self.assertEqual(status, 200)
        self.assertTrue(headers["content-type"].startswith("text/plain; version=0.0.4"))
        r = subprocess.run(["promtool", "check", "metrics"], input=text, capture_output=True,
                           text=True, timeout=30)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_put_applies_a_new_map_to_the_next_statement(self):
        with contextlib.closing(harness.pymysql_connect(self.sg.port, autocommit=True)) as c, \
                c.cursor() as cur:
            cur.execute("INSERT INTO adm_t (id, v) VALUES (1200, 1)")  # s1 under split 1000
            text = self.next_map(split=2000)
            status, reply = self.put(text)
            self.assertEqual(status, 200, reply)
            self.assertEqual(reply["result"], "ok")
            self.assertEqual(reply["version"], self.version)
            self.assertEqual(reply["diff"]["ranges"],
                             [{"start": 1000, "end": 2000, "before": "s1", "after": "s0"}])
            # Written back, so a restart keeps it; GET /shardmap returns it.
            with open(self.sg.shard_map_path, encoding="utf-8") as f:
                self.assertEqual(f.read(), text)
            status, headers, body = self.sg.admin("GET", "/shardmap")
            self.assertEqual((status, body, headers["x-shardmap-version"]),
                             (200, text, str(self.version)))
            self.assertEqual(self.sg.metric("shardgate_shardmap_version"), self.version)
            # The same session's next statement follows the new map: 1300 now lives on s0.
            cur.execute("INSERT INTO adm_t (id, v) VALUES (1300, 2)")
        with contextlib.closing(server_connect("s0-master")) as c, c.cursor() as cur:
            cur.execute("SELECT id FROM app.adm_t WHERE id IN (1200, 1300)")
            self.assertEqual(cur.fetchall(), ((1300,),))
        status, reply = self.put(self.next_map(split=1000))  # back, for the other tests
        self.assertEqual(status, 200, reply)

    def test_open_transaction_keeps_its_participants_across_a_swap(self):
        with contextlib.closing(harness.pymysql_connect(self.sg.port)) as c, c.cursor() as cur:
            cur.execute("BEGIN")
            cur.execute("INSERT INTO adm_t (id, v) VALUES (1400, 1)")  # s1
            status, reply = self.put(self.next_map(split=2000))  # 1000..2000 moves to s0
            self.assertEqual(status, 200, reply)
            cur.execute("INSERT INTO adm_t (id, v) VALUES (1401, 1)")  # routed by the new map
            cur.execute("COMMIT")
        for master, expected in (("s1-master", ((1400,),)), ("s0-master", ((1401,),))):
            with contextlib.closing(server_connect(master)) as c, c.cursor() as cur:
                cur.execute("SELECT id FROM app.adm_t WHERE id IN (1400, 1401)")
                self.assertEqual(cur.fetchall(), expected, master)
        status, reply = self.put(self.next_map(split=1000))
        self.assertEqual(status, 200, reply)

    def test_removed_replica_is_closed_and_a_readded_one_is_read(self):
        replica = "s1-replica1"
        with contextlib.closing(harness.pymysql_connect(self.sg.port, autocommit=True)) as c, \
                c.cursor() as cur:
            cur.execute("SELECT @@port FROM adm_t WHERE id = 1500")
            self.assertEqual(cur.fetchone()[0], port_of(replica))
            # A table-less SELECT runs where the last statement ran: the session's connection
            # to the replica.
            cur.execute("SELECT CONNECTION_ID()")
            thread_id = cur.fetchone()[0]
            self.assertTrue(connection_open(replica, thread_id))
            status, reply = self.put(self.next_map(s1_replicas=False))
            self.assertEqual(status, 200, reply)
            self.assertEqual(reply["diff"]["shards_changed"][0]["replicas_removed"],
                             [f"127.0.0.1:{port_of(replica)}"])
            # The session's next statement drops its connection to the removed replica.
            cur.execute("SELECT v, @@port FROM adm_t WHERE id = 1500")
            self.assertTrue(
                harness.wait_until(lambda: not connection_open(replica, thread_id), timeout=3),
                "the removed replica's connection stays open")
            status, reply = self.put(self.next_map())
            self.assertEqual(status, 200, reply)

            def read_by_replica():
                cur.execute("SELECT @@port FROM adm_t WHERE id = 1500")
                return cur.fetchone()[0] == port_of(replica)
            self.assertTrue(harness.wait_until(read_by_replica, timeout=5),
                            "the re-added replica is never read")
        self.assert_alive()

    def test_shardmap_cli_diff_agrees(self):
        tmp = self.sg.tmp
        old, new = os.path.join(tmp, "old.toml"), os.path.join(tmp, "new.toml")
        with open(old, "w", encoding="utf-8") as f:
            f.write(shard_map(100))
        with open(new, "w", encoding="utf-8") as f:
            f.write(shard_map(101, split=3000, s1_replicas=False))
        cli = os.path.join(os.path.dirname(harness.shardgate_bin()), "shardmap")
        r = subprocess.run([cli, "diff", old, new, "--json"], capture_output=True, text=True,
                           timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        diff = json.loads(r.stdout)
        self.assertEqual(diff["ranges"], [{"start": 1000, "end": 3000, "before": "s1",
                                           "after": "s0"}])
        self.assertEqual(diff["shards_changed"][0]["replicas_removed"],
                         [f"127.0.0.1:{port_of('s1-replica1')}"])
        r = subprocess.run([cli, "diff", old, new], capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("range [1000, 3000): s1 -> s0", r.stdout)


if __name__ == "__main__":
    unittest.main()
