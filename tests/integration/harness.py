"""Shared helpers of shardgate's integration tests.

The tests run against a real MariaDB cluster started by tests/cluster/cluster.sh (ctest's
integration_cluster fixture) and a shardgate process per test class or test. Environment:

  SHARDGATE_BIN  path of the shardgate binary
  CLUSTER_DIR    directory of the running cluster (holds cluster.env and shardmap.toml)

`Shardgate` writes a config into a temp dir, starts shardgate on a free port, waits until it
greets clients and, on exit, stops it with SIGTERM and fails the test unless it exited cleanly.
"""

import contextlib
import http.client
import os
import re
import shlex
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import unittest

import MySQLdb
import pymysql

from rawproto import recv_exact

HOST = "127.0.0.1"
APP_USER = "app"
APP_PASSWORD = "app"
MARIADB_CLI = shutil.which("mariadb") or "/usr/bin/mariadb"

# How long shardgate may take to start greeting clients, and to exit after SIGTERM.
START_TIMEOUT_S = 15.0
STOP_TIMEOUT_S = 10.0


def require_env(name):
    """The variable's value. Unset: the tests are skipped when run by hand, but fail under ctest
    (which sets SG_IT_REQUIRE_ENV=1), so a broken setup cannot pass as "skipped"."""
    value = os.environ.get(name)
    if not value:
        message = f"{name} is not set (run the integration tests through ctest)"
        if os.environ.get("SG_IT_REQUIRE_ENV") == "1":
            raise RuntimeError(message)
        raise unittest.SkipTest(message)
    return value


# ---------------------------------------------------------------------------------------------
# The cluster


class Cluster:
    """The cluster described by $CLUSTER_DIR/cluster.env."""

    def __init__(self, directory):
        self.dir = directory
        self.env = {}
        with open(os.path.join(directory, "cluster.env"), encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if not line or line.startswith("#") or "=" not in line:
                    continue
                key, value = line.split("=", 1)
                parts = shlex.split(value)
                self.env[key] = parts[0] if parts else ""
        self.shard_map = self.env.get("CLUSTER_SHARD_MAP", os.path.join(directory, "shardmap.toml"))

    def port(self, server="s0-master"):
        return int(self.env[server.upper().replace("-", "_") + "_PORT"])

    def socket_path(self, server="s0-master"):
        return self.env[server.upper().replace("-", "_") + "_SOCKET"]

    @property
    def master_port(self):
        return self.port("s0-master")


_cluster = None
CLUSTER_SH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cluster", "cluster.sh")


def cluster_sh(*args, timeout=120):
    """Runs tests/cluster/cluster.sh ARGS --dir $CLUSTER_DIR; raises on failure."""
    r = subprocess.run([CLUSTER_SH, *args, "--dir", cluster().dir], capture_output=True,
                       text=True, timeout=timeout)
    if r.returncode != 0:
        raise RuntimeError(f"cluster.sh {' '.join(args)} failed ({r.returncode}):\n"
                           f"{r.stdout}{r.stderr}")
    return r.stdout


def cluster():
    global _cluster
    if _cluster is None:
        _cluster = Cluster(require_env("CLUSTER_DIR"))
    return _cluster


def shardgate_bin():
    path = require_env("SHARDGATE_BIN")
    if not os.access(path, os.X_OK):
        raise RuntimeError(f"SHARDGATE_BIN={path} is not executable")
    return path


# ---------------------------------------------------------------------------------------------
# Ports and processes


def free_port():
    """A TCP port on 127.0.0.1 nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def closed_port():
    """A port where connections are refused (nothing listens; nothing will soon)."""
    return free_port()


def fd_count(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def toml_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


# ---------------------------------------------------------------------------------------------
# shardgate


class Shardgate:
    """A shardgate process for one test (or test class), as a context manager.

    Overrides: auth_plugin, users (list of dicts with name and password or password_hash),
    max_connections, max_allowed_packet, backend_port / backend_host (the default shard's master;
    e.g. a closed port), connect_timeout_ms, log_level, threads, backend_user / backend_password,
    port (default: a free one), tls (offer TLS; shardgate's default is on), login_timeout_ms,
    shard_map_text (a whole shard map instead of the cluster's), extra_toml (tables appended to
    the config, e.g. "[routing]\nmax_merge_rows = 3"), env (variables added to shardgate's
    environment, e.g. {"SHARDGATE_CRASH_POINT": "xa-prepared"}), admin_token ([admin] token:
    PUT /shardmap enabled).

    The admin API listens on admin_port; admin() sends it a request.
    """

    def __init__(self, auth_plugin=None, users=None, max_connections=None,
                 max_allowed_packet=None, backend_port=None, backend_host=HOST,
                 connect_timeout_ms=None, log_level="info", threads=None,
                 backend_user=APP_USER, backend_password=APP_PASSWORD, port=None, tls=None,
                 login_timeout_ms=None, shard_map_text=None, extra_toml="", env=None,
                 admin_token=None):
        self.auth_plugin = auth_plugin
        self.users = users if users is not None else [{"name": APP_USER, "password": APP_PASSWORD}]
        self.max_connections = max_connections
        self.max_allowed_packet = max_allowed_packet
        self.backend_port = backend_port
        self.backend_host = backend_host
        self.connect_timeout_ms = connect_timeout_ms
        self.log_level = log_level
        self.threads = threads
        self.backend_user = backend_user
        self.backend_password = backend_password
        self.port = port
        self.tls = tls
        self.login_timeout_ms = login_timeout_ms
        self.shard_map_text = shard_map_text
        self.extra_toml = extra_toml
        self.env = env
        self.admin_token = admin_token
        self.admin_port = None
        self.proc = None
        self.tmp = None
        self.log_path = None
        self.stopped = False

    # -- configuration

    def _shard_map_text(self):
        if self.shard_map_text is not None:
            return self.shard_map_text
        with open(cluster().shard_map, encoding="utf-8") as f:
            text = f.read()
        if self.backend_port is None:
            return text
        # Point the default shard's (s0) master somewhere else.
        lines = []
        in_s0 = False
        for line in text.splitlines():
            stripped = line.strip()
            if stripped.startswith("["):
                in_s0 = stripped == "[shards.s0]"
            if in_s0 and stripped.startswith("master"):
                line = f'master   = "{self.backend_host}:{self.backend_port}"'
            lines.append(line)
        return "\n".join(lines) + "\n"

    def _config_text(self):
        out = ['shard_map = "shardmap.toml"', "[listen]", f'address = "{HOST}"',
               f"port = {self.port}"]
        if self.max_connections is not None:
            out.append(f"max_connections = {self.max_connections}")
        if self.auth_plugin is not None:
            out.append(f"auth_plugin = {toml_str(self.auth_plugin)}")
        if self.max_allowed_packet is not None:
            out.append(f"max_allowed_packet = {self.max_allowed_packet}")
        if self.threads is not None:
            out.append(f"threads = {self.threads}")
        if self.tls is not None:
            out.append(f"tls = {'true' if self.tls else 'false'}")
        if self.login_timeout_ms is not None:
            out.append(f"login_timeout_ms = {self.login_timeout_ms}")
        # An admin port of its own, so several shardgates can run side by side.
        self.admin_port = free_port()
        out += ["[admin]", f'address = "{HOST}"', f"port = {self.admin_port}"]
        if self.admin_token is not None:
            out.append(f"token = {toml_str(self.admin_token)}")
        for u in self.users:
            out.append("[[users]]")
            out.append(f"name = {toml_str(u['name'])}")
            if "password_hash" in u:
                out.append(f"password_hash = {toml_str(u['password_hash'])}")
            else:
                out.append(f"password = {toml_str(u.get('password', ''))}")
        out += ["[backend]", f"user = {toml_str(self.backend_user)}",
                f"password = {toml_str(self.backend_password)}"]
        if self.connect_timeout_ms is not None:
            out.append(f"connect_timeout_ms = {self.connect_timeout_ms}")
        out += ["[log]", f"level = {toml_str(self.log_level)}"]
        if self.extra_toml:
            out.append(self.extra_toml)
        return "\n".join(out) + "\n"

    # -- lifecycle

    def start(self):
        self.tmp = tempfile.mkdtemp(prefix="shardgate-it-")
        with open(os.path.join(self.tmp, "shardmap.toml"), "w", encoding="utf-8") as f:
            f.write(self._shard_map_text())
        self.config_path = os.path.join(self.tmp, "shardgate.toml")
        self.log_path = os.path.join(self.tmp, "shardgate.log")
        chosen_port = self.port is None
        for attempt in range(3):
            if chosen_port:
                self.port = free_port()
            with open(self.config_path, "w", encoding="utf-8") as f:
                f.write(self._config_text())
            self._log = open(self.log_path, "wb")
            self.proc = subprocess.Popen([shardgate_bin(), "--config", self.config_path],
                                         stdin=subprocess.DEVNULL, stdout=self._log,
                                         stderr=subprocess.STDOUT,
                                         env={**os.environ, **self.env} if self.env else None)
            try:
                self._wait_greeting()
                return self
            except BaseException:
                self._kill()
                # A port picked by free_port() can be taken before shardgate binds it.
                if (chosen_port and attempt < 2 and self.proc.returncode not in (None, 0, -9) and
                        "cannot listen on" in self.log_text()):
                    self._log.close()
                    continue
                self._dump_log("shardgate did not start")
                self._log.close()
                raise
        raise AssertionError("unreachable")

    def _wait_greeting(self):
        """Waits until shardgate sends a server greeting (its accept loops run)."""
        deadline = time.monotonic() + START_TIMEOUT_S
        last = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"shardgate exited during start: "
                                   f"{describe_status(self.proc.returncode)}")
            try:
                with socket.create_connection((HOST, self.port), timeout=1.0) as s:
                    s.settimeout(2.0)
                    header = recv_exact(s, 4)
                    body = recv_exact(s, header[0] | header[1] << 8 | header[2] << 16)
                    if body[:1] == b"\x0a":
                        return
                    last = f"unexpected first packet {body[:16]!r}"
            except OSError as e:
                last = str(e)
            time.sleep(0.05)
        raise RuntimeError(f"shardgate did not greet within {START_TIMEOUT_S}s ({last})")

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    @property
    def shard_map_path(self):
        return os.path.join(self.tmp, "shardmap.toml")

    def admin(self, method, path, body=None, token=None, timeout=10):
        """An admin API request: (status, headers as a dict with lower-case names, body text)."""
        conn = http.client.HTTPConnection(HOST, self.admin_port, timeout=timeout)
        try:
            headers = {}
            if token is not None:
                headers["Authorization"] = f"Bearer {token}"
            data = body.encode() if isinstance(body, str) else body
            conn.request(method, path, body=data, headers=headers)
            r = conn.getresponse()
            return (r.status, {k.lower(): v for k, v in r.getheaders()},
                    r.read().decode("utf-8", "replace"))
        finally:
            conn.close()

    def metric(self, name, **labels):
        """The value of one series on GET /metrics (None when absent)."""
        _, _, text = self.admin("GET", "/metrics")
        return parse_metric(text, name, **labels)

    @property
    def pid(self):
        return self.proc.pid

    def fd_count(self):
        return fd_count(self.proc.pid)

    def log_text(self):
        self._log.flush()
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def _dump_log(self, why):
        try:
            text = self.log_text()
        except Exception as e:  # pragma: no cover - diagnostics only
            text = f"(cannot read the log: {e})"
        lines = text.splitlines()
        if len(lines) > 200:
            lines = lines[:20] + [f"... ({len(lines) - 180} lines left out) ..."] + lines[-160:]
        sys.stderr.write(f"\n---- {why}; shardgate log ({self.log_path}) ----\n")
        sys.stderr.write("\n".join(lines) + "\n---- end of shardgate log ----\n")
        try:
            with open(self.config_path, encoding="utf-8") as f:
                sys.stderr.write(f"---- config ({self.config_path}) ----\n{f.read()}----\n")
        except OSError:
            pass

    def _kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def stop(self):
        """SIGTERM, then waits; raises AssertionError unless shardgate exited with status 0."""
        if self.stopped:
            return
        self.stopped = True
        if self.proc.poll() is not None:
            raise AssertionError(f"shardgate died before the end of the test: "
                                 f"{describe_status(self.proc.returncode)}")
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self._kill()
            raise AssertionError(f"shardgate did not exit within {STOP_TIMEOUT_S}s of SIGTERM")
        if self.proc.returncode != 0:
            raise AssertionError(f"shardgate exited uncleanly: "
                                 f"{describe_status(self.proc.returncode)}")

    def close(self, failed=False):
        try:
            self.stop()
        except AssertionError as e:
            self._dump_log(str(e))
            raise
        else:
            if failed:
                self._dump_log("test failed")
        finally:
            self._kill()
            self._log.close()
            if not failed:
                shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, exc_type, exc, tb):
        self.close(failed=exc_type is not None)
        return False

    # -- conveniences

    def wait_fds(self, baseline, timeout=10.0):
        """Waits until the fd count is back at baseline or below; returns the last count."""
        deadline = time.monotonic() + timeout
        n = self.fd_count()
        while n > baseline and time.monotonic() < deadline:
            time.sleep(0.05)
            n = self.fd_count()
        return n

    def settled_fds(self, quiet_s=0.3, timeout=10.0):
        """The fd count once it has not changed for quiet_s (connections still closing settle)."""
        deadline = time.monotonic() + timeout
        n = self.fd_count()
        since = time.monotonic()
        while time.monotonic() < deadline:
            time.sleep(0.05)
            m = self.fd_count()
            if m != n:
                n, since = m, time.monotonic()
            elif time.monotonic() - since >= quiet_s:
                break
        return n

    def fd_listing(self):
        out = []
        for fd in sorted(os.listdir(f"/proc/{self.pid}/fd"), key=int):
            try:
                out.append(f"{fd} -> {os.readlink(f'/proc/{self.pid}/fd/{fd}')}")
            except OSError:
                pass
        return "\n".join(out)


def describe_status(rc):
    if rc is None:
        return "still running"
    if rc < 0:
        try:
            name = signal.Signals(-rc).name
        except ValueError:
            name = str(-rc)
        return f"killed by signal {name}"
    return f"exit status {rc}"


class ShardgateTestCase(unittest.TestCase):
    """A test class with one shardgate for all its tests (SHARDGATE_OPTIONS configures it).

    The shardgate is checked in tearDownClass: if it crashed, the class fails.
    """

    SHARDGATE_OPTIONS = {}
    sg = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sg = Shardgate(**cls.SHARDGATE_OPTIONS).start()
        cls._class_failed = False

    @classmethod
    def tearDownClass(cls):
        sg, cls.sg = cls.sg, None
        if sg is not None:
            sg.close(failed=cls._class_failed)
        super().tearDownClass()

    def run(self, result=None):
        before = len(result.failures) + len(result.errors) if result is not None else 0
        result = super().run(result)
        if result is not None and len(result.failures) + len(result.errors) > before:
            type(self)._class_failed = True  # keep the log and show it at the end
        return result

    def assert_alive(self):
        self.assertTrue(self.sg.alive(),
                        f"shardgate died: {describe_status(self.sg.proc.returncode)}")


# ---------------------------------------------------------------------------------------------
# Clients


def wait_until(predicate, timeout, step=0.05):
    """Polls predicate() until it is true or `timeout` seconds passed; its last value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


def point_select(database, port, rows, *args, timeout=180):
    """sysbench oltp_point_select on one table (sbtest1 of `rows` rows) of `database`."""
    cmd = ["sysbench", "oltp_point_select", "--db-driver=mysql", "--mysql-host=127.0.0.1",
           f"--mysql-port={port}", f"--mysql-user={APP_USER}", f"--mysql-password={APP_PASSWORD}",
           f"--mysql-db={database}", "--tables=1", f"--table-size={rows}", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)


def prepare_split_sbtest(database, rows, split):
    """sbtest1 of `rows` rows in `database`, ids below `split` on s0's master, the others on
    s1's (sysbench fills each master; each keeps the rows it owns)."""
    for master in ("s0-master", "s1-master"):
        port = cluster().port(master)
        with contextlib.closing(pymysql_connect(port, database=None, autocommit=True)) as c:
            with c.cursor() as cur:
                cur.execute(f"DROP DATABASE IF EXISTS {database}")
                cur.execute(f"CREATE DATABASE {database}")
        r = point_select(database, port, rows, "--threads=1", "prepare")
        if r.returncode != 0:
            raise RuntimeError(f"sysbench prepare on {master} failed:\n{r.stdout}{r.stderr}")
        foreign = f"id >= {split}" if master == "s0-master" else f"id < {split}"
        with contextlib.closing(pymysql_connect(port, database=None, autocommit=True)) as c:
            with c.cursor() as cur:
                cur.execute(f"DELETE FROM {database}.sbtest1 WHERE {foreign}")


def drop_on_masters(database):
    for master in ("s0-master", "s1-master"):
        with contextlib.closing(pymysql_connect(cluster().port(master), database=None,
                                                autocommit=True)) as c, c.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS {database}")


def parse_metric(text, name, **labels):
    """The value of the series `name{labels...}` (exact label set) in Prometheus text, or None."""
    for line in text.splitlines():
        if line.startswith("#") or not line.startswith(name):
            continue
        m = re.match(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)$", line)
        if not m or m.group(1) != name:
            continue
        got = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', m.group(2) or ""))
        if got == {k: str(v) for k, v in labels.items()}:
            return float(m.group(3))
    return None


def two_shard_map(sharded_tables, ranges, global_tables=(), version=1):
    """A shard-map text over the shared cluster's two shards (s0, s1: master + replica1 each).
    sharded_tables: {table: key column}; ranges: [(start, end or None, shard)]."""
    c = cluster()
    out = [f'version = {version}', 'default_shard = "s0"']
    if global_tables:
        out.append("global_tables = [" + ", ".join(f'"{t}"' for t in global_tables) + "]")
    out.append("[sharded_tables]")
    out += [f'{table} = "{key}"' for table, key in sharded_tables.items()]
    for shard in ("s0", "s1"):
        out += [f"[shards.{shard}]",
                f'master = "127.0.0.1:{c.port(shard + "-master")}"',
                f'replicas = ["127.0.0.1:{c.port(shard + "-replica1")}"]']
    for start, end, shard in ranges:
        out += ["[[ranges]]", f"start = {start}"]
        if end is not None:
            out.append(f"end = {end}")
        out.append(f'shard = "{shard}"')
    return "\n".join(out) + "\n"


def tls_context():
    """A client TLS context that accepts shardgate's self-signed certificate."""
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def pymysql_connect(port, user=APP_USER, password=APP_PASSWORD, database="app", **kw):
    kw.setdefault("connect_timeout", 10)
    kw.setdefault("read_timeout", 60)
    kw.setdefault("write_timeout", 60)
    kw.setdefault("charset", "utf8mb4")
    return pymysql.connect(host=HOST, port=port, user=user, password=password, database=database,
                           **kw)


def pymysql_connect_tls(port, **kw):
    """pymysql_connect with TLS."""
    return pymysql_connect(port, ssl=tls_context(), **kw)


def mysqldb_connect(port, user=APP_USER, password=APP_PASSWORD, database="app", **kw):
    kw.setdefault("connect_timeout", 10)
    kw.setdefault("read_timeout", 60)
    kw.setdefault("write_timeout", 60)
    kw.setdefault("charset", "utf8mb4")
    args = dict(host=HOST, port=port, user=user, password=password, **kw)
    if database is not None:
        args["database"] = database
    return MySQLdb.connect(**args)


def master_connect(database="app", **kw):
    """PyMySQL connection straight to the default shard's master (no shardgate)."""
    return pymysql_connect(cluster().master_port, database=database, **kw)


def master_query(sql, database="app"):
    with contextlib.closing(master_connect(database=database, autocommit=True)) as c:
        with c.cursor() as cur:
            cur.execute(sql)
            return cur.fetchall()


def run_cli(port, *args, user=APP_USER, password=APP_PASSWORD, database=None, input=None,
            timeout=60, check=False):
    """Runs the mariadb CLI against 127.0.0.1:port; returns the CompletedProcess (text)."""
    cmd = [MARIADB_CLI, "--no-defaults", f"-h{HOST}", f"-P{port}", f"-u{user}"]
    if password is not None:
        cmd.append(f"-p{password}")
    cmd += list(args)
    if database:
        cmd.append(database)
    r = subprocess.run(cmd, input=input, capture_output=True, encoding="utf-8",
                       errors="backslashreplace", timeout=timeout)
    if check and r.returncode != 0:
        raise subprocess.CalledProcessError(r.returncode, cmd, r.stdout, r.stderr)
    return r


# ---------------------------------------------------------------------------------------------
# Cluster-side helpers


def kill_queries_like(pattern, port=None):
    """KILLs the master's connections whose running statement matches the LIKE pattern."""
    port = port or cluster().master_port
    with contextlib.closing(pymysql_connect(port, autocommit=True)) as c:
        with c.cursor() as cur:
            cur.execute("SELECT id FROM information_schema.processlist WHERE info LIKE %s "
                        "AND id <> CONNECTION_ID()", (pattern,))
            ids = [r[0] for r in cur.fetchall()]
            for i in ids:
                with contextlib.suppress(pymysql.err.MySQLError):
                    cur.execute(f"KILL {i}")
            return ids


def check_serves(test, sg, query="SELECT 1+1"):
    """Asserts shardgate is alive and a fresh PyMySQL client gets a normal answer."""
    test.assertTrue(sg.alive(), f"shardgate died: {describe_status(sg.proc.returncode)}")
    with contextlib.closing(pymysql_connect(sg.port)) as c:
        with c.cursor() as cur:
            cur.execute(query)
            test.assertEqual(cur.fetchall(), ((2,),))
