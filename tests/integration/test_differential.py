"""Differential test of cross-shard reads: every query of diff_corpus.py runs through shardgate
(dt_users and dt_orders sharded by user_id over the test cluster's 2 shards, keys below 1000 on
s0) and on a reference MariaDB server holding all the rows (a 1-server cluster this test starts
and stops), over the text protocol (PyMySQL) and the prepared-statement protocol (diff_client,
libmariadb). Column metadata (name, type, length, decimals, flags, charset, and org_name, table,
org_table, db) and rows must be equal; how rows are compared (in order, as multisets, by sort
key, text by collation) is declared per query in diff_corpus.py. A few statements must be refused
by shardgate with 1235 while the reference accepts them.

On failure each differing query is listed (id, protocol, first difference, SQL), then a summary.

Environment, besides harness.py's: DIFF_CLIENT_BIN (default: tests/integration/diff_client next
to SHARDGATE_BIN's build tree); DIFFTEST_ONLY=3,17,200 runs those query ids only;
DIFFTEST_REPORT=FILE writes every query's outcome as JSON lines; DIFFTEST_REFERENCE_PORT=P uses a
running server as the reference (its `difftest` schema is replaced) instead of starting one;
DIFFTEST_STRICT_FLAGS=1 fails on plan-dependent column flags too (see PLAN_FLAGS).

DIFFTEST_SELFCHECK=1 checks the corpus instead of shardgate: the "shardgate" side becomes a second
reference server whose tables are MyISAM with the rows inserted in shuffled order and secondary
indexes on the text and grouping columns, so scans, plans, group representatives and the order of
ties differ from the reference's. Every query must still compare equal (plan-flags aside); one
that does not lacks an order / ci declaration (or is not deterministic).
"""

import collections
import concurrent.futures
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

import pymysql

import diff_corpus as dc
import harness

SCHEMA = dc.SCHEMA
META_ATTRS = ("name", "type", "length", "decimals", "flags", "charsetnr", "org_name", "table",
              "org_table", "db")
REPLICATION_TIMEOUT_S = 30
SELFCHECK = os.environ.get("DIFFTEST_SELFCHECK") == "1"
# Column flags that follow the execution plan rather than the statement: MariaDB sets PRI_KEY,
# UNIQUE_KEY, MULTIPLE_KEY and PART_KEY on a result column only when it is read straight from the
# table; a column that went through a temporary table (GROUP BY / DISTINCT without a usable index,
# a join sorted by a column of its second table, ...) loses them, and may gain the server's
# internal GROUP_FLAG (0x8000, the wire bit of NUM_FLAG) or NO_DEFAULT_VALUE (0x1000) and gain or
# lose BINARY on numeric and temporal columns. The self-check (below) shows each of these
# between two servers holding the same rows. A shard's plan over its half of the rows, or over
# the statement the proxy pushes down, can differ from the reference's likewise. A difference in
# these bits alone (BINARY only on non-string columns) is category "plan-flags": listed, but
# failing only with DIFFTEST_STRICT_FLAGS=1.
PLAN_FLAGS = 2 | 4 | 8 | 16384 | 32768 | 4096
BINARY_FLAG = 128
STRING_TYPES = {15, 16, 245, 247, 248, 249, 250, 251, 252, 253, 254, 255}
STRICT_FLAGS = os.environ.get("DIFFTEST_STRICT_FLAGS") == "1"


def shard_map():
    return harness.two_shard_map({"dt_users": "user_id", "dt_orders": "user_id"},
                                 [(0, dc.S1_START, "s0"), (dc.S1_START, None, "s1")])


def diff_client_bin():
    path = os.environ.get("DIFF_CLIENT_BIN")
    if not path:
        path = os.path.join(os.path.dirname(os.path.abspath(harness.shardgate_bin())), "tests",
                            "integration", "diff_client")
    if not os.access(path, os.X_OK):
        raise RuntimeError(f"diff_client not found at {path} (build the diff_client target; "
                           f"DIFF_CLIENT_BIN names it)")
    return path


def connect(port, database=SCHEMA, raw=False):
    """PyMySQL connection; raw: values as the server's text (no conversion to Python types)."""
    c = harness.pymysql_connect(port, database=database, autocommit=True)
    if raw:
        c.decoders = {}
    return c


# ---------------------------------------------------------------------------------------------
# The reference server


class Reference:
    """A 1-server MariaDB (tests/cluster/cluster.sh, same version and options as the cluster's)
    in a temp dir, or the server at $DIFFTEST_REFERENCE_PORT."""

    def __init__(self, use_env_port=True):
        self.dir = None
        self.port = None
        self.use_env_port = use_env_port

    def start(self):
        if self.use_env_port and os.environ.get("DIFFTEST_REFERENCE_PORT"):
            self.port = int(os.environ["DIFFTEST_REFERENCE_PORT"])
            return self
        self.dir = tempfile.mkdtemp(prefix="sg-difftest-ref-")
        errors = []
        for _ in range(3):
            base = self._sh("free-port-base", "--span", "10").stdout.strip()
            r = self._sh("start", "--dir", self.dir, "--shards", "1", "--replicas", "0",
                         "--base-port", base, check=False)
            if r.returncode == 0:
                self.port = harness.Cluster(self.dir).port("s0-master")
                return self
            errors.append(r.stdout + r.stderr)
            self._sh("stop", "--dir", self.dir, check=False)
        self.stop()
        raise RuntimeError("cannot start the reference server:\n" + "\n".join(errors))

    @staticmethod
    def _sh(*args, check=True):
        r = subprocess.run([harness.CLUSTER_SH, *args], capture_output=True, text=True,
                           timeout=120)
        if check and r.returncode != 0:
            raise RuntimeError(f"cluster.sh {' '.join(args)} failed:\n{r.stdout}{r.stderr}")
        return r

    def stop(self):
        if self.dir:
            try:
                self._sh("stop", "--dir", self.dir)
            finally:
                shutil.rmtree(self.dir, ignore_errors=True)
                self.dir = None


def load(port, statements, engine="InnoDB"):
    with contextlib.closing(connect(port, database=None)) as c, c.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS {SCHEMA}")
        cur.execute(f"CREATE DATABASE {SCHEMA} CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci")
        cur.execute(f"USE {SCHEMA}")
        ddl = [d.replace("ENGINE=InnoDB", f"ENGINE={engine}") for d in dc.DDL]
        for sql in ddl + statements:
            cur.execute(sql)


def scalar(port, sql, database=SCHEMA):
    with contextlib.closing(connect(port, database=database)) as c, c.cursor() as cur:
        cur.execute(sql)
        return cur.fetchone()[0]


def wait_replicas():
    cl = harness.cluster()
    for shard in ("s0", "s1"):
        pos = scalar(cl.port(f"{shard}-master"), "SELECT @@gtid_binlog_pos", database=None)
        got = scalar(cl.port(f"{shard}-replica1"),
                     f"SELECT MASTER_GTID_WAIT('{pos}', {REPLICATION_TIMEOUT_S})", database=None)
        if got != 0:
            raise RuntimeError(f"{shard}-replica1 did not reach {pos} within "
                               f"{REPLICATION_TIMEOUT_S}s")


# ---------------------------------------------------------------------------------------------
# Running queries


def interpolate(conn, sql, params):
    """sql with each `?` outside quotes replaced by the parameter as a literal."""
    out, k, quote, escaped = [], 0, None, False
    for ch in sql:
        if quote:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == quote:
                quote = None
            out.append(ch)
        elif ch in "'\"`":
            quote = ch
            out.append(ch)
        elif ch == "?":
            out.append(conn.escape(params[k]))
            k += 1
        else:
            out.append(ch)
    return "".join(out)


def _text(v):
    if isinstance(v, bytes):
        return v.decode("utf-8", "surrogateescape")
    return v


def run_text(conn, sql):
    """{"fields": [...], "rows": [...]} or {"error": {...}}; values as the server's text."""
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
            result = cur._result
            fields = []
            for f in (result.fields or []) if result else []:
                fields.append({"name": f.name, "org_name": f.org_name, "table": f.table_name,
                               "org_table": f.org_table, "db": _text(f.db), "type": f.type_code,
                               "length": f.length, "decimals": f.scale, "flags": f.flags,
                               "charsetnr": f.charsetnr})
            rows = [[_text(v) for v in row] for row in cur.fetchall()]
            return {"fields": fields, "rows": rows}
    except pymysql.err.MySQLError as e:
        code = e.args[0] if e.args and isinstance(e.args[0], int) else 0
        message = e.args[1] if len(e.args) > 1 else str(e)
        return {"error": {"code": code, "message": message}}


class TextRunner:
    """Runs statements on one server over the text protocol, reconnecting after a lost
    connection (so one crash does not hide the rest of the corpus)."""

    def __init__(self, port):
        self.port = port
        self.conn = None

    def __call__(self, q):
        if self.conn is None:
            try:
                self.conn = connect(self.port, raw=True)
            except pymysql.err.MySQLError as e:
                return {"error": {"code": e.args[0], "message": f"cannot connect: {e.args}"}}
        sql = interpolate(self.conn, q.sql, q.params)
        r = run_text(self.conn, sql)
        if "error" in r and r["error"]["code"] in (0, 2006, 2013, 2014):
            with contextlib.suppress(Exception):
                self.conn.close()
            self.conn = None
        return r

    def close(self):
        if self.conn is not None:
            with contextlib.suppress(Exception):
                self.conn.close()


def run_prepared(port, queries, timeout=120):
    """Runs the queries through diff_client; {qid: result}."""
    requests = "".join(json.dumps({"id": q.qid, "sql": q.sql, "params": list(q.params)}) + "\n"
                       for q in queries)
    proc = subprocess.Popen([diff_client_bin(), "--port", str(port), "--db", SCHEMA],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    out, err = proc.communicate(requests.encode(), timeout=timeout)
    results = {}
    for line in out.decode("utf-8", "surrogateescape").splitlines():
        r = json.loads(line)
        results[r["id"]] = r
    if proc.returncode != 0 or len(results) != len(queries):
        missing = [q.qid for q in queries if q.qid not in results]
        raise RuntimeError(f"diff_client on port {port} exited with {proc.returncode}, "
                           f"{len(results)} of {len(queries)} answers (missing {missing[:10]}):\n"
                           f"{err.decode(errors='replace')[-2000:]}")
    return results


# ---------------------------------------------------------------------------------------------
# Comparing


class Weigher:
    """Collation sort keys (WEIGHT_STRING on the reference server), cached. The three
    collations are PAD SPACE: trailing spaces are removed first."""

    def __init__(self, port):
        self.conn = connect(port)
        self.cache = {}

    def key(self, value, collation):
        if value is None:
            return None
        k = (value, collation)
        if k not in self.cache:
            charset = collation.split("_", 1)[0]
            with self.conn.cursor() as cur:
                cur.execute(f"SELECT HEX(WEIGHT_STRING(CONVERT(%s USING {charset}) "
                            f"COLLATE {collation}))", (value.rstrip(" "),))
                self.cache[k] = "weight:" + cur.fetchone()[0]
        return self.cache[k]

    def close(self):
        self.conn.close()


def short(v, n=240):
    s = json.dumps(v, ensure_ascii=False)
    return s if len(s) <= n else s[:n] + "..."


def _sort_key(row):
    return tuple((v is None, "" if v is None else v) for v in row)


def first_difference(got, want, what, got_shown=None, want_shown=None):
    """Describes the first index where the row lists differ (None if equal); *_shown: the rows
    as received, for the message (default: got / want)."""
    got_shown = got if got_shown is None else got_shown
    want_shown = want if want_shown is None else want_shown
    counts = "" if len(got) == len(want) else f" (shardgate {len(got)} rows, reference {len(want)})"
    for i, (g, w) in enumerate(zip(got, want)):
        if g != w:
            return (f"{what}: first difference at row {i}{counts}: "
                    f"shardgate={short(got_shown[i])} reference={short(want_shown[i])}")
    if len(got) != len(want):
        i = min(len(got), len(want))
        extra = (f"shardgate={short(got_shown[i])}" if len(got) > i
                 else f"reference={short(want_shown[i])}")
        return (f"{what}: shardgate returned {len(got)} rows, the reference {len(want)}; first "
                f"unmatched row {i}: {extra}")
    return None


def compare_fields(got, want, what):
    """(difference, plan-flags difference): the first difference of the column definitions, and
    the first one confined to plan-dependent flags (None when there is none)."""
    if len(got) != len(want):
        return (f"{what}: shardgate sent {len(got)} columns "
                f"{[f['name'] for f in got]}, the reference {len(want)} "
                f"{[f['name'] for f in want]}"), None
    soft = None
    for i, (g, w) in enumerate(zip(got, want)):
        for attr in META_ATTRS:
            gv, wv = g.get(attr), w.get(attr)
            if gv == wv:
                continue
            text = (f"{what}: column {i} ({w.get('name')!r}) {attr}: shardgate={gv!r} "
                    f"reference={wv!r}")
            plan_flags = PLAN_FLAGS | (BINARY_FLAG if w.get("type") not in STRING_TYPES else 0)
            if attr == "flags" and isinstance(gv, int) and isinstance(wv, int) and \
                    (gv ^ wv) & ~plan_flags == 0:
                soft = soft or text + f" (plan-dependent flags {(gv ^ wv):#x} only)"
                continue
            return text, soft
    return None, soft


def compare(q, got, want, weigher):
    """(category, description) of the first difference, or None when equal."""
    if "error" in want:
        e = want["error"]
        return ("reference-error", f"the reference failed (a corpus bug): {e['code']} "
                                   f"{e['message']}")
    if "error" in got:
        e = got["error"]
        stage = f" at {got['stage']}" if "stage" in got else ""
        category = "refused-1235" if e["code"] == 1235 else "error"
        return (category, f"shardgate error {e['code']}{stage}: {e['message']}")
    if "param_count" in want and got.get("param_count") != want["param_count"]:
        return ("metadata", f"parameter count: shardgate={got.get('param_count')} "
                            f"reference={want['param_count']}")
    soft = None
    if "prepare_fields" in want:
        d, soft = compare_fields(got.get("prepare_fields", []), want["prepare_fields"],
                                 "prepare-response metadata")
        if d:
            return ("metadata", d)
    d, soft2 = compare_fields(got["fields"], want["fields"], "metadata")
    if d:
        return ("metadata", d)
    soft = soft or soft2
    rows = compare_rows(q, got, want, weigher)
    if rows:
        return ("rows", rows + (f"; also {soft}" if soft else ""))
    return ("plan-flags", soft) if soft else None


def compare_rows(q, got, want, weigher):
    """The first difference of the rows, compared as the query's declarations say, or None."""
    def canon(row):
        return tuple(weigher.key(v, q.coll[i]) if i in q.ci else v for i, v in enumerate(row))

    g_rows = [canon(r) for r in got["rows"]]
    w_rows = [canon(r) for r in want["rows"]]
    ci_note = f" (columns {sorted(q.ci)} by collation)" if q.ci else ""
    if q.order == dc.TOTAL:
        return first_difference(g_rows, w_rows, "rows (in order)" + ci_note, got["rows"],
                                want["rows"])
    if isinstance(q.order, tuple):
        def keys(rows):
            return [tuple(weigher.key(r[i], q.coll[i]) if i in q.coll else r[i]
                          for i in q.order) for r in rows]
        def shown(rows):
            return [[r[i] for i in q.order] for r in rows]
        d = first_difference(keys(got["rows"]), keys(want["rows"]),
                             f"sort key (columns {list(q.order)}) sequence",
                             shown(got["rows"]), shown(want["rows"]))
        if d:
            return d
    return multiset_difference(g_rows, w_rows, got["rows"], want["rows"],
                               "rows (as multisets)" + ci_note)


def multiset_difference(got, want, got_shown, want_shown, what):
    """got/want: comparable rows; *_shown: the same rows as received (for the message)."""
    shown_got, shown_want = dict(zip(got, got_shown)), dict(zip(want, want_shown))
    only_got = sorted((collections.Counter(got) - collections.Counter(want)).elements(),
                      key=_sort_key)
    only_want = sorted((collections.Counter(want) - collections.Counter(got)).elements(),
                       key=_sort_key)
    if not only_got and not only_want:
        return None
    parts = [f"shardgate {len(got)} rows, reference {len(want)}"]
    if only_got:
        parts.append(f"{len(only_got)} only from shardgate, e.g. "
                     f"{short(shown_got[only_got[0]])}")
    if only_want:
        parts.append(f"{len(only_want)} only from the reference, e.g. "
                     f"{short(shown_want[only_want[0]])}")
    return f"{what}: " + "; ".join(parts)


CATEGORIES = ("refused-1235", "error", "metadata", "rows", "reference-error", "plan-flags")
FAILING = set(CATEGORIES) - (set() if STRICT_FLAGS else {"plan-flags"})


def report(protocol, queries, outcomes):
    """Prints the differing queries and a summary; returns the summary line."""
    lines = []
    counts = {c: 0 for c in CATEGORIES}
    # The worst first: corpus bugs, wrong answers, then refusals, then plan-dependent flags.
    shown = ("reference-error", "rows", "metadata", "error", "refused-1235", "plan-flags")
    for q in sorted(queries, key=lambda q: (shown.index(outcomes[q.qid][0])
                                            if outcomes[q.qid] else -1, q.qid)):
        outcome = outcomes[q.qid]
        if outcome is None:
            continue
        category, text = outcome
        counts[category] += 1
        lines.append(f"#{q.qid} [{protocol}] {q.origin} {category}: {text}\n    {q.describe()}")
    equal = sum(1 for q in queries if outcomes[q.qid] is None)
    summary = (f"{protocol} protocol: {len(queries)} queries, {equal} equal, " +
               ", ".join(f"{n} {c}" for c, n in counts.items()))
    if lines:
        sys.stderr.write(f"\n==== differential test, {protocol} protocol: "
                         f"{len(lines)} queries differ ====\n" + "\n".join(lines) + "\n")
    sys.stderr.write(f"==== {summary}\n")
    path = os.environ.get("DIFFTEST_REPORT")
    if path:
        with open(path, "a", encoding="utf-8") as f:
            for q in queries:
                o = outcomes[q.qid]
                f.write(json.dumps({"id": q.qid, "protocol": protocol, "origin": q.origin,
                                    "sql": q.sql, "params": list(q.params),
                                    "category": o[0] if o else "equal",
                                    "difference": o[1] if o else None},
                                   ensure_ascii=False) + "\n")
    return summary


# ---------------------------------------------------------------------------------------------


class DifferentialTest(harness.ShardgateTestCase):

    @classmethod
    def setUpClass(cls):
        t0 = time.monotonic()
        cls.dataset = dc.make_dataset()
        cls.queries = dc.corpus(cls.dataset)
        only = os.environ.get("DIFFTEST_ONLY")
        if only:
            wanted = {int(x) for x in only.replace(" ", "").split(",") if x}
            cls.queries = [q for q in cls.queries if q.qid in wanted]
        cls.refused = dc.must_refuse()
        for n, q in enumerate(cls.refused, 1):
            q.qid = -n
        cls.reference = Reference()
        cls.alt = Reference(use_env_port=False)
        cls.weigher = None
        try:
            with concurrent.futures.ThreadPoolExecutor(2) as pool:
                started = pool.submit(cls.reference.start)
                if SELFCHECK:
                    alt = pool.submit(cls.alt.start)
                cl = harness.cluster()
                load(cl.port("s0-master"),
                     dc.insert_statements(cls.dataset, lambda k: k < dc.S1_START))
                load(cl.port("s1-master"),
                     dc.insert_statements(cls.dataset, lambda k: k >= dc.S1_START))
                started.result()
                if SELFCHECK:
                    alt.result()
            load(cls.reference.port, dc.insert_statements(cls.dataset))
            if SELFCHECK:
                load(cls.alt.port, dc.insert_statements(cls.dataset, shuffle_seed=7) + [
                    "ALTER TABLE dt_users ADD KEY (name), ADD KEY (city), ADD KEY (tag), "
                    "ADD KEY (grp, flag), ADD KEY (score), ADD KEY (born)",
                    "ALTER TABLE dt_orders ADD KEY (status), ADD KEY (note)"], engine="MyISAM")
            wait_replicas()
            cls._check_loaded()
            cls.weigher = Weigher(cls.reference.port)
            cls.SHARDGATE_OPTIONS = {"shard_map_text": shard_map()}
            super().setUpClass()
            # The server whose answers are checked against the reference's.
            cls.target_port = cls.alt.port if SELFCHECK else cls.sg.port
        except BaseException:
            cls._cleanup()
            raise
        if SELFCHECK:
            sys.stderr.write("\ndifferential SELF-CHECK: \"shardgate\" below is a second "
                             "reference server (MyISAM, rows shuffled)\n")
        sys.stderr.write(f"\ndifferential: {len(cls.dataset.users)} users, "
                         f"{len(cls.dataset.orders)} orders loaded, reference on port "
                         f"{cls.reference.port}, ready in {time.monotonic() - t0:.1f}s\n")

    @classmethod
    def _check_loaded(cls):
        cl = harness.cluster()
        users, orders = cls.dataset.users, cls.dataset.orders
        expect = {
            "s0": (sum(u["user_id"] < dc.S1_START for u in users),
                   sum(o["user_id"] < dc.S1_START for o in orders)),
            "s1": (sum(u["user_id"] >= dc.S1_START for u in users),
                   sum(o["user_id"] >= dc.S1_START for o in orders)),
        }
        for shard, (n_users, n_orders) in expect.items():
            for server in (f"{shard}-master", f"{shard}-replica1"):
                got = (scalar(cl.port(server), "SELECT COUNT(*) FROM dt_users"),
                       scalar(cl.port(server), "SELECT COUNT(*) FROM dt_orders"))
                if got != (n_users, n_orders):
                    raise RuntimeError(f"{server} holds {got} rows, expected "
                                       f"{(n_users, n_orders)}")
        got = (scalar(cls.reference.port, "SELECT COUNT(*) FROM dt_users"),
               scalar(cls.reference.port, "SELECT COUNT(*) FROM dt_orders"))
        if got != (len(users), len(orders)):
            raise RuntimeError(f"the reference holds {got} rows")

    @classmethod
    def _cleanup(cls):
        if cls.weigher is not None:
            cls.weigher.close()
            cls.weigher = None
        try:
            cls.reference.stop()
            cls.alt.stop()
        finally:
            cl = harness.cluster()
            for master in ("s0-master", "s1-master"):
                with contextlib.suppress(Exception):
                    with contextlib.closing(connect(cl.port(master), database=None)) as c:
                        with c.cursor() as cur:
                            cur.execute(f"DROP DATABASE IF EXISTS {SCHEMA}")

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            cls._cleanup()

    def check_outcomes(self, protocol, queries, outcomes):
        summary = report(protocol, queries, outcomes)
        self.assert_alive()
        bad = [q.qid for q in queries if outcomes[q.qid] and outcomes[q.qid][0] in FAILING]
        if bad:
            self.fail(f"{summary}; failing query ids: {bad} (each difference is listed above)")

    # -- the corpus itself

    def test_0_corpus_shape(self):
        qs = dc.corpus(self.dataset)
        generated = [q for q in qs if q.origin == "generated"]
        with_params = [q for q in qs if q.params and "prepared" in q.protocols]
        self.assertGreaterEqual(len(qs), 200)
        self.assertGreaterEqual(len(generated), 100)
        self.assertGreaterEqual(len(with_params), 60)
        self.assertTrue(any("LIMIT ?" in q.sql for q in with_params))
        # The data straddles the shard boundary, roughly half on each shard.
        s0 = len(self.dataset.user_ids("s0"))
        self.assertTrue(0.4 < s0 / len(self.dataset.users) < 0.6, s0)
        sys.stderr.write(f"\ncorpus: {len(qs)} queries ({len(qs) - len(generated)} hand-written, "
                         f"{len(generated)} generated), {len(with_params)} with parameters, "
                         f"{len(dc.must_refuse())} must be refused\n")

    # -- the comparisons

    def test_1_text_protocol(self):
        sg, ref = TextRunner(self.target_port), TextRunner(self.reference.port)
        outcomes = {}
        try:
            for q in self.queries:
                if "text" in q.protocols:
                    outcomes[q.qid] = compare(q, sg(q), ref(q), self.weigher)
        finally:
            sg.close()
            ref.close()
        self.check_outcomes("text", [q for q in self.queries if "text" in q.protocols],
                            outcomes)

    def test_2_prepared_protocol(self):
        queries = [q for q in self.queries if "prepared" in q.protocols]
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            sg = pool.submit(run_prepared, self.target_port, queries)
            ref = pool.submit(run_prepared, self.reference.port, queries)
            sg, ref = sg.result(), ref.result()
        outcomes = {q.qid: compare(q, sg[q.qid], ref[q.qid], self.weigher) for q in queries}
        self.check_outcomes("prepared", queries, outcomes)

    def test_3_must_refuse(self):
        """Statements no merge can answer exactly: shardgate refuses them with 1235 (over both
        protocols; a prepared one at PREPARE or EXECUTE), the reference answers them."""
        if SELFCHECK:
            self.skipTest("self-check of the corpus")
        problems = []
        sg, ref = TextRunner(self.sg.port), TextRunner(self.reference.port)
        try:
            text = {q.qid: (sg(q), ref(q)) for q in self.refused}
        finally:
            sg.close()
            ref.close()
        prepared_sg = run_prepared(self.sg.port, self.refused)
        prepared_ref = run_prepared(self.reference.port, self.refused)
        for q in self.refused:
            for protocol, (g, w) in (("text", text[q.qid]),
                                     ("prepared", (prepared_sg[q.qid], prepared_ref[q.qid]))):
                if "error" in w:
                    problems.append(f"[{protocol}] the reference refused it too "
                                    f"({w['error']['code']} {w['error']['message']}): {q.sql}")
                elif "error" not in g:
                    problems.append(f"[{protocol}] shardgate answered ({len(g['rows'])} rows) "
                                    f"instead of refusing: {q.sql}")
                elif g["error"]["code"] != 1235:
                    problems.append(f"[{protocol}] shardgate error {g['error']['code']} "
                                    f"{g['error']['message']}, expected 1235: {q.sql}")
        if problems:
            sys.stderr.write("\n==== must-refuse statements ====\n" + "\n".join(problems) + "\n")
        self.assert_alive()
        self.assertEqual(problems, [], f"{len(problems)} of {2 * len(self.refused)} refusals "
                                       f"wrong (listed above)")


if __name__ == "__main__":
    unittest.main()
