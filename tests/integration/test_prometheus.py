"""A real Prometheus server (Debian's /usr/bin/prometheus) scrapes shardgate's GET /metrics every
second; the test asks Prometheus's HTTP API, not shardgate, what it stored:

- `shardgate_replica_lag_seconds`: exactly one series per replica of the shard map, labelled
  with its shard and backend, small numbers; with s0-replica1's SQL thread stopped its lag climbs
  to 1 s and more, and falls back below 1 s once the thread runs again.
- `shardgate_routed_total`: route="single" grows with single-shard queries, route="scatter" with
  a query without the shard key.
- `shardgate_queries_total` counts reads on replicas and writes on masters;
  `shardgate_backend_up` is 1 for all four backends.

It stops replication on s0-replica1: ctest runs it alone (RUN_SERIAL).
"""

import contextlib
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request

import harness
from test_monitor import server_connect

PROMETHEUS = os.environ.get("PROMETHEUS_BIN", "/usr/bin/prometheus")
INTERVAL_MS = 100
MONITOR = ("[monitor]\nuser = \"monitor\"\npassword = \"monitor\"\n"
           f"interval_ms = {INTERVAL_MS}\n")
TABLE = "pm_t"
SPLIT = 5000  # ids below on s0, the others on s1
READY_TIMEOUT_S = 30
# A new sample reaches Prometheus's API within one scrape interval (1 s) plus the scrape itself;
# the margin covers a loaded machine.
SCRAPED_WITHIN_S = 8


def shard_map():
    return harness.two_shard_map({TABLE: "id"}, [(0, SPLIT, "s0"), (SPLIT, None, "s1")])


def replica_key(server):
    return f"127.0.0.1:{harness.cluster().port(server)}"


class Prometheus:
    """A Prometheus server in a temp dir scraping one target every second."""

    def __init__(self, target):
        self.target = target
        self.proc = None
        self.tmp = None
        self.port = None
        self.log = None

    def start(self):
        self.tmp = tempfile.mkdtemp(prefix="shardgate-prometheus-")
        config = os.path.join(self.tmp, "prometheus.yml")
        with open(config, "w", encoding="utf-8") as f:
            f.write("global:\n"
                    "  scrape_interval: 1s\n"
                    "  scrape_timeout: 1s\n"
                    "  evaluation_interval: 1s\n"
                    "scrape_configs:\n"
                    "  - job_name: shardgate\n"
                    "    static_configs:\n"
                    f"      - targets: [\"{self.target}\"]\n")
        self.log_path = os.path.join(self.tmp, "prometheus.log")
        for attempt in range(3):
            self.port = harness.free_port()
            self.log = open(self.log_path, "wb")
            self.proc = subprocess.Popen(
                [PROMETHEUS, f"--config.file={config}",
                 f"--storage.tsdb.path={os.path.join(self.tmp, 'data')}",
                 f"--web.listen-address=127.0.0.1:{self.port}", "--log.level=warn"],
                stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT,
                cwd=self.tmp)
            if self._wait_ready():
                return self
            exited = self.proc.poll() is not None
            self.stop()
            # A port picked by free_port() can be taken before Prometheus binds it.
            if not (exited and "address already in use" in self.log_text() and attempt < 2):
                state = (harness.describe_status(self.proc.returncode) if exited
                         else f"not ready within {READY_TIMEOUT_S}s")
                raise RuntimeError(f"Prometheus ({PROMETHEUS}) did not start: {state}; its log "
                                   f"({self.log_path}):\n{self.log_text()}")
        raise AssertionError("unreachable")

    def _wait_ready(self):
        deadline = time.monotonic() + READY_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/-/ready",
                                            timeout=2) as r:
                    if r.status == 200:
                        return True
            except (OSError, urllib.error.URLError):
                pass
            time.sleep(0.1)
        return False

    def log_text(self):
        if self.log:
            self.log.flush()
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.log:
            self.log.close()
            self.log = None

    def cleanup(self, failed):
        self.stop()
        if failed:
            sys.stderr.write(f"\n---- Prometheus log ({self.log_path}) ----\n{self.log_text()}"
                             "---- end of Prometheus log ----\n")
        elif self.tmp:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def query(self, promql):
        """The instant vector of `promql`: [(labels, value as float)]."""
        url = (f"http://127.0.0.1:{self.port}/api/v1/query?"
               + urllib.parse.urlencode({"query": promql}))
        with urllib.request.urlopen(url, timeout=10) as r:
            body = json.load(r)
        if body.get("status") != "success":
            raise AssertionError(f"Prometheus query {promql!r} failed: {body}")
        if body["data"]["resultType"] != "vector":
            raise AssertionError(f"{promql!r}: not an instant vector: {body}")
        return [(s["metric"], float(s["value"][1])) for s in body["data"]["result"]]

    def target_health(self):
        """[(scrapeUrl, health, lastError)] of the active targets."""
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/api/v1/targets",
                                    timeout=10) as r:
            body = json.load(r)
        return [(t["scrapeUrl"], t["health"], t.get("lastError", ""))
                for t in body["data"]["activeTargets"]]


def poll(fetch, accept, timeout):
    """Calls fetch() until accept(value) holds or timeout passes; returns (accepted, last value)."""
    deadline = time.monotonic() + timeout
    while True:
        value = fetch()
        if accept(value):
            return True, value
        if time.monotonic() > deadline:
            return False, value
        time.sleep(0.2)


@unittest.skipUnless(os.access(PROMETHEUS, os.X_OK) or os.environ.get("SG_IT_REQUIRE_ENV") == "1",
                     f"{PROMETHEUS} is not installed (Debian package prometheus)")
class PrometheusScrapeTest(harness.ShardgateTestCase):
    SHARDGATE_OPTIONS = {"log_level": "info", "shard_map_text": shard_map(),
                         "extra_toml": MONITOR}
    prometheus = None

    @classmethod
    def setUpClass(cls):
        for master in ("s0-master", "s1-master"):
            with contextlib.closing(server_connect(master)) as c, c.cursor() as cur:
                cur.execute(f"CREATE TABLE IF NOT EXISTS app.{TABLE} (id INT PRIMARY KEY, v INT)")
                cur.execute(f"DELETE FROM app.{TABLE}")
        super().setUpClass()
        try:
            cls.prometheus = Prometheus(f"127.0.0.1:{cls.sg.admin_port}").start()
            # The first scrapes: every series present, every replica's lag measured.
            ok, _ = poll(lambda: cls.prometheus.query("shardgate_replica_lag_seconds"),
                         lambda v: len(v) >= 2 and all(math.isfinite(x) for _, x in v),
                         SCRAPED_WITHIN_S + 5)
            if not ok:
                raise RuntimeError(f"Prometheus has no finite shardgate_replica_lag_seconds "
                                   f"after its first scrapes; targets: "
                                   f"{cls.prometheus.target_health()}")
        except BaseException:
            # tearDownClass does not run when setUpClass fails: stop both servers here.
            cls._class_failed = True
            cls.tearDownClass()
            raise

    @classmethod
    def _stop_prometheus(cls):
        p, cls.prometheus = cls.prometheus, None
        if p is not None:
            p.cleanup(failed=cls._class_failed)

    @classmethod
    def tearDownClass(cls):
        try:
            cls._stop_prometheus()
        finally:
            super().tearDownClass()

    def lag_of(self):
        """{backend: lag in seconds} as Prometheus has it."""
        return {m["backend"]: v for m, v in self.prometheus.query("shardgate_replica_lag_seconds")}

    def routed(self, route):
        got = self.prometheus.query(f'sum by (route) (shardgate_routed_total{{route="{route}"}})')
        return got[0][1] if got else None

    def test_target_is_up(self):
        targets = self.prometheus.target_health()
        self.assertEqual(len(targets), 1, targets)
        url, health, error = targets[0]
        self.assertEqual(url, f"http://127.0.0.1:{self.sg.admin_port}/metrics")
        self.assertEqual(health, "up", error)
        self.assertEqual(self.prometheus.query("up"), [
            ({"__name__": "up", "instance": f"127.0.0.1:{self.sg.admin_port}",
              "job": "shardgate"}, 1.0)])

    def test_one_lag_series_per_replica(self):
        series = self.prometheus.query("shardgate_replica_lag_seconds")
        got = sorted((m["shard"], m["backend"]) for m, _ in series)
        self.assertEqual(got, [("s0", replica_key("s0-replica1")),
                               ("s1", replica_key("s1-replica1"))], series)
        for labels, value in series:
            self.assertEqual(set(labels), {"__name__", "shard", "backend", "instance", "job"},
                             labels)
            self.assertTrue(math.isfinite(value), series)
            # A healthy replica of an idle cluster: well under a second (5 s for a loaded CI).
            self.assertGreaterEqual(value, 0, series)
            self.assertLess(value, 5, series)

    def test_lag_of_a_stopped_replica_rises_then_falls(self):
        replica = replica_key("s0-replica1")
        ok, lags = poll(self.lag_of, lambda v: v.get(replica, math.inf) < 1, 10)
        self.assertTrue(ok, f"s0-replica1 lags before the test: {lags}")
        with contextlib.closing(server_connect("s0-replica1")) as c, c.cursor() as cur:
            try:
                cur.execute("STOP SLAVE SQL_THREAD")
                # shardgate's monitor keeps writing heartbeats on the master: the lag grows.
                ok, lags = poll(self.lag_of, lambda v: v.get(replica, 0) >= 1, 10 + 5)
                self.assertTrue(ok, f"Prometheus never saw s0-replica1 lag 1 s: {lags}")
                # It keeps growing while the thread stays stopped.
                first = lags[replica]
                ok, lags = poll(self.lag_of, lambda v: v.get(replica, 0) >= first + 1, 10)
                self.assertTrue(ok, f"the lag stopped growing at {first} s: {lags}")
            finally:
                cur.execute("START SLAVE SQL_THREAD")
        ok, lags = poll(self.lag_of, lambda v: v.get(replica, math.inf) < 1, 10 + 5)
        self.assertTrue(ok, f"the lag of s0-replica1 did not fall below 1 s: {lags}")
        self.assert_alive()

    def test_routed_total_follows_traffic(self):
        n = 25
        with contextlib.closing(harness.pymysql_connect(self.sg.port, autocommit=True)) as c, \
                c.cursor() as cur:
            cur.execute(f"REPLACE INTO {TABLE} (id, v) VALUES (7, 70)")
            cur.execute(f"REPLACE INTO {TABLE} (id, v) VALUES ({SPLIT + 7}, 71)")
            # Scraped: the baseline includes the writes.
            time.sleep(0.2)
            baseline = self.sg.metric("shardgate_routed_total", route="single")
            ok, _ = poll(lambda: self.routed("single"), lambda v: v == baseline,
                         SCRAPED_WITHIN_S)
            self.assertTrue(ok, "Prometheus did not catch up with shardgate's route=single")
            single, scatter = self.routed("single"), self.routed("scatter")

            for i in range(n):
                key = 7 if i % 2 == 0 else SPLIT + 7
                cur.execute(f"/* shardgate: master */ SELECT v FROM {TABLE} WHERE id = {key}")
                self.assertEqual(cur.fetchall(), ((70 if key == 7 else 71,),))
            ok, got = poll(lambda: self.routed("single"), lambda v: v >= single + n,
                           SCRAPED_WITHIN_S)
            self.assertTrue(ok, f"route=single went from {single} to {got}, not by {n}")
            self.assertEqual(got, single + n)
            self.assertEqual(self.routed("scatter"), scatter,
                             "single-shard queries counted as scatter")

            # No shard key: every shard (their masters: the rows were just written).
            cur.execute(f"/* shardgate: master */ SELECT COUNT(*) FROM {TABLE} WHERE v >= 70")
            self.assertEqual(cur.fetchall(), ((2,),))
            ok, got = poll(lambda: self.routed("scatter"), lambda v: v >= scatter + 1,
                           SCRAPED_WITHIN_S)
            self.assertTrue(ok, f"route=scatter stayed at {got} after a scatter query")
            self.assertEqual(got, scatter + 1)
            self.assertEqual(self.routed("single"), single + n)

    def test_queries_by_role_and_backends_up(self):
        with contextlib.closing(harness.pymysql_connect(self.sg.port, autocommit=True)) as c, \
                c.cursor() as cur:
            for key in (11, SPLIT + 11):
                cur.execute(f"DELETE FROM {TABLE} WHERE id = {key}")
                cur.execute(f"INSERT INTO {TABLE} (id, v) VALUES ({key}, 1)")
            time.sleep(0.5)  # replicated: the replicas stay fresh
            for _ in range(10):
                cur.execute(f"SELECT v FROM {TABLE} WHERE id = 11")
                cur.execute(f"SELECT v FROM {TABLE} WHERE id = {SPLIT + 11}")

        def by_role():
            return {m["role"]: v for m, v in self.prometheus.query(
                "sum by (role) (shardgate_queries_total)")}
        # Reads of a fresh replica's shard go to the replica, the writes to the masters.
        ok, got = poll(by_role, lambda v: v.get("replica", 0) > 0 and v.get("master", 0) > 0,
                       SCRAPED_WITHIN_S)
        self.assertTrue(ok, f"shardgate_queries_total by role: {got}")
        self.assertEqual(set(got), {"master", "replica"})
        writes = {m["shard"]: v for m, v in self.prometheus.query(
            'shardgate_queries_total{role="master",statement="insert"}')}
        self.assertEqual(set(writes), {"s0", "s1"})
        self.assertGreaterEqual(writes["s0"], 1, writes)
        self.assertGreaterEqual(writes["s1"], 1, writes)
        reads = {m["shard"]: v for m, v in self.prometheus.query(
            'shardgate_queries_total{role="replica",statement="select"}')}
        self.assertGreaterEqual(reads.get("s0", 0), 1, reads)
        self.assertGreaterEqual(reads.get("s1", 0), 1, reads)

        up = self.prometheus.query("shardgate_backend_up")
        expected = sorted([("s0", replica_key("s0-master"), "master"),
                           ("s0", replica_key("s0-replica1"), "replica"),
                           ("s1", replica_key("s1-master"), "master"),
                           ("s1", replica_key("s1-replica1"), "replica")])
        self.assertEqual(sorted((m["shard"], m["backend"], m["role"]) for m, _ in up), expected)
        self.assertEqual([v for _, v in up], [1.0] * 4, up)


if __name__ == "__main__":
    unittest.main()
