"""Live shard-map reloads through the admin API (PUT /shardmap), SIGHUP and the file watcher.

- Under load: sysbench oltp_point_select (4 threads, 20 s) over sbtest1 sharded by id on 2
  shards while the map is PUT 50 times, alternating between two valid maps that move an empty key
  range [1000000, 2000000) between s0 and s1: every PUT is 200 with a diff naming exactly that
  range; sysbench sees no error and no reconnect, shardgate accepted no connection beyond
  sysbench's own; the version gauge follows each PUT and ends at 51, as do GET /shardmap and the
  shard-map file (written back); shardgate_shardmap_reloads_total{result="ok"} counts 50.
- Rejected: invalid TOML and an invalid map (400 naming shardmap.toml:LINE), a version not above
  the current one (409), no or a wrong bearer token (401), no [admin] token configured (403), a
  broken file on SIGHUP (logged naming the file and line): each time the map, its version and
  the file stay, the same query is still routed by the old map, and the reload counters count
  what reached the store. Then a fixed file is picked up by the watcher (inotify).

sysbench keeps both CPUs busy: ctest runs it alone (RUN_SERIAL).
"""

import contextlib
import json
import re
import signal
import sys
import threading
import time
import unittest

import harness
from test_monitor import server_connect
from test_sysbench import parse_stats

TOKEN = "reload-under-load-secret"
SPLIT = 5000  # ids below on s0, the others on s1
MOVING = (1_000_000, 2_000_000)  # no row there: s0 for odd map versions, s1 for even ones


def reload_counts(sg):
    return {r: sg.metric("shardgate_shardmap_reloads_total", result=r)
            for r in ("ok", "invalid", "stale")}


def map_version(sg):
    """(X-Shardmap-Version of GET /shardmap, its body, shardgate_shardmap_version)."""
    status, headers, text = sg.admin("GET", "/shardmap")
    assert status == 200, (status, text)
    return int(headers["x-shardmap-version"]), text, sg.metric("shardgate_shardmap_version")


def read_file(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


# ---------------------------------------------------------------------------------------------
# 50 PUTs under sysbench


SB_DB = "rl_sbtest"
SB_ROWS = 10000
THREADS = 4
SECONDS = 20
PUTS = 50
PUT_SPREAD_S = 15.0


def moving_owner(version):
    return "s0" if version % 2 else "s1"


def load_map(version):
    return harness.two_shard_map(
        {"sbtest1": "id"},
        [(0, SPLIT, "s0"), (SPLIT, MOVING[0], "s1"), (MOVING[0], MOVING[1], moving_owner(version)),
         (MOVING[1], None, "s1")],
        version=version)


class ReloadUnderLoadTest(harness.ShardgateTestCase):
    SHARDGATE_OPTIONS = {"log_level": "info", "shard_map_text": load_map(1),
                         "admin_token": TOKEN}

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
        return harness.point_select(SB_DB, port, SB_ROWS, *args, timeout=SECONDS + 120)

    def test_50_puts_during_point_select(self):
        sg = self.sg
        self.assertEqual(map_version(sg)[0], 1)
        connections_before = sg.metric("shardgate_client_connections_total")
        reloads_before = reload_counts(sg)
        errors_before = {k: sg.metric("shardgate_errors_total", kind=k)
                         for k in ("auth", "protocol", "backend", "routing", "timeout")}

        result = {}
        run = threading.Thread(target=lambda: result.update(r=self.sysbench(
            sg.port, f"--threads={THREADS}", f"--time={SECONDS}", "--report-interval=0",
            "run")))
        run.start()
        try:
            # sysbench's threads are connected and querying.
            self.assertTrue(harness.wait_until(
                lambda: sg.metric("shardgate_client_connections") >= THREADS, timeout=15),
                "sysbench did not connect")
            start = time.monotonic()
            for i in range(PUTS):
                version = i + 2
                # Spread over PUT_SPREAD_S, well inside sysbench's run.
                delay = start + i * PUT_SPREAD_S / PUTS - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                text = load_map(version)
                status, _, body = sg.admin("PUT", "/shardmap", body=text, token=TOKEN)
                self.assertEqual(status, 200, f"PUT of version {version}: {body}")
                reply = json.loads(body)
                self.assertEqual(reply["result"], "ok", body)
                self.assertEqual(reply["version"], version, body)
                diff = reply["diff"]
                self.assertEqual(diff["version"], {"before": version - 1, "after": version})
                self.assertEqual(diff["ranges"], [
                    {"start": MOVING[0], "end": MOVING[1], "before": moving_owner(version - 1),
                     "after": moving_owner(version)}], body)
                self.assertEqual((diff["shards_added"], diff["shards_removed"],
                                  diff["shards_changed"], diff["default_shard"]),
                                 ([], [], [], None), body)
                self.assertEqual(sg.metric("shardgate_shardmap_version"), version)
            puts_took = time.monotonic() - start
            self.assertTrue(run.is_alive(), f"sysbench ended before the last PUT "
                                            f"({puts_took:.1f} s of PUTs): not under load")
        finally:
            run.join(timeout=SECONDS + 60)
        self.assertFalse(run.is_alive(), "sysbench did not finish")
        r = result["r"]
        output = r.stdout + r.stderr
        self.assertEqual(r.returncode, 0, f"sysbench failed:\n{output}")
        self.assertNotIn("FATAL", output)
        stats = parse_stats(r.stdout)
        self.assertGreater(stats["queries"], 1000, r.stdout)
        self.assertEqual(stats["ignored"], 0, r.stdout)
        self.assertEqual(stats["reconnects"], 0, r.stdout)
        print(f"\n{PUTS} PUTs in {puts_took:.1f} s under oltp_point_select: "
              f"{stats['queries'] / SECONDS:.0f} qps, {THREADS} threads x {SECONDS} s, "
              f"0 errors", file=sys.stderr)

        # No connection dropped: shardgate accepted sysbench's connections and no other (the
        # test itself only spoke to the admin port).
        self.assertEqual(sg.metric("shardgate_client_connections_total") - connections_before,
                         THREADS)
        self.assertEqual({k: sg.metric("shardgate_errors_total", kind=k) for k in errors_before},
                         errors_before)

        # Version 51 everywhere: gauge, GET /shardmap, the file written back.
        last = load_map(PUTS + 1)
        version, text, gauge = map_version(sg)
        self.assertEqual((version, gauge), (PUTS + 1, PUTS + 1))
        self.assertEqual(text, last)
        self.assertEqual(read_file(sg.shard_map_path), last)
        reloads = reload_counts(sg)
        self.assertEqual(reloads["ok"] - reloads_before["ok"], PUTS)
        self.assertEqual(reloads["invalid"], reloads_before["invalid"])
        # The watcher sees each write-back and finds it current: not a reload, not stale.
        self.assertEqual(reloads["stale"], reloads_before["stale"])
        applied = re.findall(
            r"shard map \(PUT /shardmap\): \S+: version (\d+) applied \(was (\d+)\)",
            sg.log_text())
        self.assertEqual(applied, [(str(v), str(v - 1)) for v in range(2, PUTS + 2)])

        # Both shards still answer through the last map.
        with contextlib.closing(harness.pymysql_connect(sg.port, database=SB_DB)) as c, \
                c.cursor() as cur:
            for key in (1, SPLIT - 1, SPLIT, SB_ROWS):
                cur.execute(f"SELECT id FROM sbtest1 WHERE id = {key}")
                self.assertEqual(cur.fetchall(), ((key,),))
        self.assert_alive()


# ---------------------------------------------------------------------------------------------
# Rejected reloads


TABLE = "rl_t"


def layout_map(layout, version):
    """Layout "split": ids below SPLIT on s0, the others on s1; "s0": every id on s0."""
    ranges = [(0, SPLIT, "s0"), (SPLIT, None, "s1")] if layout == "split" else [(0, None, "s0")]
    return harness.two_shard_map({TABLE: "id"}, ranges, version=version)


# Row 6000 is on both masters with different values: which one a read returns shows which map
# routed it.
ROW = 6000
VALUE_ON = {"s0": 60, "s1": 61}


class RejectedReloadTest(harness.ShardgateTestCase):
    SHARDGATE_OPTIONS = {"log_level": "info", "shard_map_text": layout_map("split", 1),
                         "admin_token": TOKEN}

    @classmethod
    def setUpClass(cls):
        for master in ("s0-master", "s1-master"):
            with contextlib.closing(server_connect(master)) as c, c.cursor() as cur:
                cur.execute(f"CREATE TABLE IF NOT EXISTS app.{TABLE} (id INT PRIMARY KEY, v INT)")
                cur.execute(f"DELETE FROM app.{TABLE}")
                cur.execute(f"INSERT INTO app.{TABLE} VALUES ({ROW}, "
                            f"{VALUE_ON[master.split('-')[0]]}), (1, 10)")
        super().setUpClass()

    # -- helpers

    def current(self):
        """(version, layout) of the map shardgate serves, by GET /shardmap."""
        version, text, gauge = map_version(self.sg)
        self.assertEqual(gauge, version)
        for layout in ("split", "s0"):
            if text == layout_map(layout, version):
                return version, layout
        self.fail(f"GET /shardmap returned a map this test did not write:\n{text}")

    @staticmethod
    def other(layout):
        return "s0" if layout == "split" else "split"

    def read_row(self):
        """v of row ROW through shardgate, on a new connection, from the master (no replica
        lag)."""
        with contextlib.closing(harness.pymysql_connect(self.sg.port, autocommit=True)) as c, \
                c.cursor() as cur:
            cur.execute(f"/* shardgate: master */ SELECT v FROM {TABLE} WHERE id = {ROW}")
            (v,), = cur.fetchall()
            cur.execute(f"SELECT v FROM {TABLE} WHERE id = 1")
            self.assertEqual(cur.fetchall(), ((10,),))
            return v

    def expected_value(self, layout):
        return VALUE_ON["s1" if layout == "split" else "s0"]

    @contextlib.contextmanager
    def map_stays(self):
        """Asserts the map (version, text, file) and its routing are the same after the block."""
        version, layout = self.current()
        file_before = read_file(self.sg.shard_map_path)
        self.assertEqual(self.read_row(), self.expected_value(layout))
        yield version, layout
        self.assertEqual(self.current(), (version, layout))
        self.assertEqual(read_file(self.sg.shard_map_path), file_before)
        self.assertEqual(self.read_row(), self.expected_value(layout))
        self.assert_alive()

    def assert_counted(self, before, **increments):
        after = reload_counts(self.sg)
        self.assertEqual({k: after[k] - before[k] for k in after},
                         {k: increments.get(k, 0) for k in after})

    # -- PUT

    def test_invalid_toml_is_400_naming_the_line(self):
        with self.map_stays() as (version, layout):
            before = reload_counts(self.sg)
            lines = layout_map(self.other(layout), version + 1).splitlines()
            self.assertEqual(lines[3], f'{TABLE} = "id"')
            lines[3] = f'{TABLE} = "id'  # unterminated string on line 4
            status, headers, body = self.sg.admin("PUT", "/shardmap", body="\n".join(lines) + "\n",
                                                  token=TOKEN)
            self.assertEqual(status, 400, body)
            self.assertEqual(headers["content-type"], "application/json")
            reply = json.loads(body)
            self.assertEqual(reply["result"], "invalid")
            self.assertEqual(reply["version"], version)
            self.assertNotIn("diff", reply)
            self.assertEqual(len(reply["errors"]), 1, body)
            self.assertRegex(reply["errors"][0], r"shardmap\.toml:4: TOML syntax error")
            self.assertIn("the shard map is unchanged", reply["error"])
            self.assert_counted(before, invalid=1)

    def test_invalid_map_is_400_naming_the_line(self):
        with self.map_stays() as (version, layout):
            before = reload_counts(self.sg)
            text = layout_map(self.other(layout), version + 1).replace('shard = "s1"',
                                                                       'shard = "s9"')
            if 's9' not in text:
                text += '[[ranges]]\nstart = -10\nend = -5\nshard = "s9"\n'
            line = text.splitlines().index('shard = "s9"') + 1
            status, _, body = self.sg.admin("PUT", "/shardmap", body=text, token=TOKEN)
            self.assertEqual(status, 400, body)
            reply = json.loads(body)
            self.assertEqual(reply["result"], "invalid")
            self.assertEqual(len(reply["errors"]), 1, body)
            self.assertRegex(reply["errors"][0],
                             rf"shardmap\.toml:{line}: ranges\[\d\]\.shard: unknown shard 's9'")
            self.assert_counted(before, invalid=1)

    def test_version_not_above_is_409(self):
        with self.map_stays() as (version, layout):
            before = reload_counts(self.sg)
            # A different map with the same version, then the current map sent again.
            for text in (layout_map(self.other(layout), version), layout_map(layout, version)):
                status, _, body = self.sg.admin("PUT", "/shardmap", body=text, token=TOKEN)
                self.assertEqual(status, 409, body)
                reply = json.loads(body)
                self.assertEqual(reply["result"], "stale")
                self.assertEqual(reply["version"], version)
                self.assertIn(f"version {version} is not above the current version {version}",
                              reply["error"])
            self.assert_counted(before, stale=2)

    def test_missing_or_wrong_token_is_401(self):
        with self.map_stays() as (version, layout):
            before = reload_counts(self.sg)
            text = layout_map(self.other(layout), version + 1)
            for token in (None, "wrong", TOKEN + "x", TOKEN[:-1]):
                status, headers, body = self.sg.admin("PUT", "/shardmap", body=text, token=token)
                self.assertEqual(status, 401, f"token {token!r}: {body}")
                self.assertEqual(headers.get("www-authenticate"), "Bearer")
                self.assertIn("token", json.loads(body)["error"])
            # Not a reload attempt: nothing reached the shard map.
            self.assert_counted(before)
        # The same body with the right token is applied: only the token was wrong.
        status, _, body = self.sg.admin("PUT", "/shardmap", body=text, token=TOKEN)
        self.assertEqual(status, 200, body)
        self.assertEqual(self.current(), (version + 1, self.other(layout)))
        self.assertEqual(self.read_row(), self.expected_value(self.other(layout)))
        self.assertEqual(read_file(self.sg.shard_map_path), text)
        self.assert_counted(before, ok=1)

    def test_no_admin_token_configured_is_403(self):
        with harness.Shardgate(shard_map_text=layout_map("split", 1)) as sg:
            text = layout_map("s0", 2)
            for token in (None, TOKEN):
                status, _, body = sg.admin("PUT", "/shardmap", body=text, token=token)
                self.assertEqual(status, 403, body)
                self.assertIn("[admin] token is not set", json.loads(body)["error"])
            self.assertEqual(map_version(sg), (1, layout_map("split", 1), 1))
            self.assertEqual(read_file(sg.shard_map_path), layout_map("split", 1))
            self.assertEqual({r: sg.metric("shardgate_shardmap_reloads_total", result=r)
                              for r in ("ok", "invalid", "stale")},
                             {"ok": 0, "invalid": 0, "stale": 0})
            harness.check_serves(self, sg)
            self.assertIn("(read-only: no [admin] token)", sg.log_text())

    # -- SIGHUP and the file watcher

    def wait_log(self, pattern, since, timeout=5):
        deadline = time.monotonic() + timeout
        while True:
            m = re.search(pattern, self.sg.log_text()[since:])
            if m or time.monotonic() > deadline:
                return m
            time.sleep(0.05)

    def test_sighup_with_broken_file_keeps_map_then_watcher_applies_fixed_file(self):
        path = self.sg.shard_map_path
        qpath = re.escape(path)
        with self.map_stays() as (version, layout):
            original = read_file(path)
            lines = layout_map(self.other(layout), version + 1).splitlines()
            self.assertTrue(lines[1].startswith("default_shard"))
            lines[1] = 'default_shard = "s0'  # unterminated string on line 2
            broken = "\n".join(lines) + "\n"
            before = reload_counts(self.sg)
            since = len(self.sg.log_text())
            try:
                with open(path, "w", encoding="utf-8") as f:
                    f.write(broken)
                # The watcher reacts to the write first ...
                rejected = (rf"shard map \(file change\) rejected, version {version} keeps "
                            rf"serving: {qpath}: 1 error\(s\)[^\n]*\n[^\n]*  {qpath}:2: ")
                self.assertIsNotNone(self.wait_log(rejected, since),
                                     "the watcher did not reject the broken file")
                since = len(self.sg.log_text())
                # ... then SIGHUP reads it again.
                self.sg.proc.send_signal(signal.SIGHUP)
                m = self.wait_log(
                    rf"SIGHUP received[^\n]*\n(?:[^\n]*\n)*?[^\n]*shard map \(SIGHUP\) rejected, "
                    rf"version {version} keeps serving: {qpath}: 1 error\(s\)[^\n]*\n"
                    rf"[^\n]*  {qpath}:2: TOML syntax error", since)
                self.assertIsNotNone(m, "no rejection of the broken file after SIGHUP:\n"
                                        + self.sg.log_text()[since:])
                self.assert_counted(before, invalid=2)
                self.assertEqual(self.current(), (version, layout))
                self.assertEqual(self.read_row(), self.expected_value(layout))
            finally:
                # Put the file back as it was for map_stays (the watcher finds it current).
                with open(path, "w", encoding="utf-8") as f:
                    f.write(original)
            time.sleep(0.5)  # the watcher's reload of the restored file: unchanged
            self.assert_counted(before, invalid=2)

        # A valid higher version written to the file: the watcher applies it.
        fixed = layout_map(self.other(layout), version + 1)
        since = len(self.sg.log_text())
        with open(path, "w", encoding="utf-8") as f:
            f.write(fixed)
        self.assertTrue(harness.wait_until(lambda: map_version(self.sg)[0] == version + 1,
                                           timeout=3),
                        "the watcher did not apply the fixed file:\n" + self.sg.log_text()[since:])
        self.assertEqual(self.current(), (version + 1, self.other(layout)))
        self.assertIsNotNone(self.wait_log(
            rf"shard map \(file change\): {qpath}: version {version + 1} applied "
            rf"\(was {version}\)", since, timeout=1))
        self.assertEqual(self.read_row(), self.expected_value(self.other(layout)))
        self.assertEqual(read_file(path), fixed)
        self.assert_counted(before, invalid=2, ok=1)


if __name__ == "__main__":
    unittest.main()
