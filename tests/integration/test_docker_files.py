"""Checks the deployment files under docker/ without a Docker engine.

What a machine without Docker can check: that docker/compose.yaml has the services it should,
with consistent ports, volumes and dependencies; that the container's shardgate.toml and shard
map validate with the built `shardgate --check` and `shardmap check` and name the compose
services; that the MySQL init scripts create the accounts those files log in with; that the
Dockerfile installs scripts/deps' build packages and, at run time, the packages of every shared
library the built programs link; that `promtool check config` accepts the Prometheus config; and
that every PromQL expression of the Grafana dashboard parses, uses only shardgate's public metric
names and labels (METRICS below), and returns data when promtool evaluates it over synthetic
series of those metrics.

Environment (set by ctest): SHARDGATE_BIN, SHARDMAP_BIN, PROMTOOL (default /usr/bin/promtool).
"""

import json
import os
import re
import shlex
import subprocess
import tempfile
import tomllib
import unittest

import yaml

from harness import require_env, shardgate_bin

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
DOCKER = os.path.join(REPO, "docker")
COMPOSE = os.path.join(DOCKER, "compose.yaml")
DOCKERFILE = os.path.join(DOCKER, "Dockerfile")
SG_TOML = os.path.join(DOCKER, "shardgate", "shardgate.toml")
MAP_TOML = os.path.join(DOCKER, "shardgate", "shardmap.toml")
PROM_CONFIG = os.path.join(DOCKER, "prometheus", "prometheus.yml")
DATASOURCES = os.path.join(DOCKER, "grafana", "provisioning", "datasources", "prometheus.yaml")
DASH_PROVIDERS = os.path.join(DOCKER, "grafana", "provisioning", "dashboards", "dashboards.yaml")
DASHBOARD = os.path.join(DOCKER, "grafana", "dashboards", "shardgate.json")
ACCOUNTS_SQL = os.path.join(DOCKER, "mysql", "master", "01-accounts.sql")
REPLICA_SH = os.path.join(DOCKER, "mysql", "replica", "01-replication.sh")

# shardgate's public metrics (a fixed interface): name -> (type, labels).
METRICS = {
    "shardgate_queries_total": ("counter", {"shard", "role", "statement"}),
    "shardgate_query_duration_seconds": ("histogram", {"shard", "role"}),
    "shardgate_routed_total": ("counter", {"route"}),
    "shardgate_replica_lag_seconds": ("gauge", {"shard", "backend"}),
    "shardgate_backend_up": ("gauge", {"shard", "backend", "role"}),
    "shardgate_backend_connections": ("gauge", {"backend", "state"}),
    "shardgate_client_connections": ("gauge", set()),
    "shardgate_client_connections_total": ("counter", set()),
    "shardgate_errors_total": ("counter", {"kind"}),
    "shardgate_transactions_total": ("counter", {"kind"}),
    "shardgate_shardmap_version": ("gauge", set()),
    "shardgate_shardmap_reloads_total": ("counter", {"result"}),
}
LABEL_VALUES = {
    "role": ["master", "replica"],
    "statement": ["select", "insert", "update", "delete", "other"],
    "route": ["single", "multi", "scatter", "broadcast", "master_fallback", "rejected"],
    "state": ["idle", "busy"],
    "kind@shardgate_errors_total": ["auth", "protocol", "backend", "routing", "timeout"],
    "kind@shardgate_transactions_total": ["single", "xa_commit", "xa_rollback"],
    "result": ["ok", "invalid", "stale"],
}
# Labels Prometheus adds to every scraped series.
TARGET_LABELS = {"instance", "job"}
# Grafana's variables, replaced by a value for promtool (the dashboard's own $shard: every shard).
GRAFANA_VARS = {"$__rate_interval": "5m", "$__interval": "1m", "$__range": "1h", "$shard": ".*"}

MYSQL_SERVICES = {"s0-master", "s0-replica", "s1-master", "s1-replica"}
SERVICES = MYSQL_SERVICES | {"shardgate", "prometheus", "grafana"}
# Packages debian:12-slim already has (apt depends on them), so the runtime stage need not
# install them.
SLIM_BASE_PACKAGES = {"libc6", "libgcc-s1", "libstdc++6"}


def load_yaml(path):
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def load_toml(path):
    with open(path, "rb") as f:
        return tomllib.load(f)


def promtool():
    path = os.environ.get("PROMTOOL", "/usr/bin/promtool")
    if not os.access(path, os.X_OK):
        raise RuntimeError(f"{path} is missing: promtool comes with Debian's prometheus package "
                           "(scripts/deps installs it)")
    return path


def shardmap_bin():
    path = require_env("SHARDMAP_BIN")
    if not os.access(path, os.X_OK):
        raise RuntimeError(f"SHARDMAP_BIN={path} is not executable")
    return path


def run(args, **kw):
    return subprocess.run(args, capture_output=True, text=True, timeout=60, **kw)


def compose():
    return load_yaml(COMPOSE)


def mysqld_options(service):
    """--name=value options of a MySQL service's command, as a dict."""
    cmd = service.get("command", [])
    if isinstance(cmd, str):
        cmd = shlex.split(cmd)
    options = {}
    for arg in cmd:
        name, _, value = arg.partition("=")
        options[name.replace("_", "-")] = value
    return options


def port_mappings(service):
    """(host port, container port) of each published port ("HOST:CONTAINER")."""
    out = []
    for p in service.get("ports", []):
        parts = str(p).split("/")[0].split(":")
        out.append((int(parts[-2]), int(parts[-1])))
    return out


def bind_mounts(service):
    """(source, target) of each volume whose source is a path (not a named volume)."""
    out = []
    for v in service.get("volumes", []):
        if isinstance(v, dict):
            if v.get("type") == "bind":
                out.append((v["source"], v["target"]))
            continue
        source, target = v.split(":")[:2]
        if source.startswith((".", "/")):
            out.append((source, target))
    return out


def endpoint(text):
    host, _, port = text.rpartition(":")
    return host, int(port)


# ---------------------------------------------------------------------------------------------
# Dockerfile


def dockerfile_stages():
    """[(FROM line, [instructions])] with continuation lines joined and comments dropped."""
    with open(DOCKERFILE, encoding="utf-8") as f:
        text = f.read()
    lines, cur = [], ""
    for raw in text.splitlines():
        if raw.lstrip().startswith("#"):
            continue
        if raw.rstrip().endswith("\\"):
            cur += raw.rstrip()[:-1] + " "
            continue
        cur += raw
        if cur.strip():
            lines.append(" ".join(cur.split()))
        cur = ""
    stages = []
    for line in lines:
        if line.upper().startswith("FROM "):
            stages.append((line, []))
        elif stages:
            stages[-1][1].append(line)
    return stages


def apt_installs(instructions):
    """Packages of every `apt-get install` in a stage's RUN instructions."""
    packages = []
    for ins in instructions:
        if not ins.upper().startswith("RUN "):
            continue
        for part in re.split(r"&&|;", ins[4:]):
            words = part.split()
            if "apt-get" in words and "install" in words:
                after = words[words.index("install") + 1:]
                packages += [w for w in after if not w.startswith("-")]
    return packages


def deps_build_packages():
    """The packages of scripts/deps' `# build` section."""
    with open(os.path.join(REPO, "scripts", "deps"), encoding="utf-8") as f:
        text = f.read()
    body = re.search(r"packages=\(\n(.*?)\n\)", text, re.S).group(1)
    section, out = None, []
    for line in body.splitlines():
        line = line.strip()
        if line.startswith("#"):
            section = line.lstrip("# ").split()[0]
            continue
        if section == "build":
            out += line.split("#")[0].split()
    return out


def linked_packages(binary):
    """Debian packages providing the shared libraries `binary` links (ldd, dpkg -S)."""
    r = run(["ldd", binary])
    if r.returncode != 0:
        raise AssertionError(f"ldd {binary}: {r.stderr}")
    packages = set()
    for line in r.stdout.splitlines():
        m = re.search(r"=>\s+(/\S+)", line)
        if not m:
            continue
        lib = m.group(1)
        owner = None
        for candidate in (lib, os.path.realpath(lib)):
            d = run(["dpkg", "-S", candidate])
            if d.returncode == 0:
                owner = d.stdout.split(":")[0]
                break
        if owner is None:
            raise AssertionError(f"{binary} links {lib}, which no Debian package provides: the "
                                 "image could not install it")
        packages.add(owner)
    return packages


# ---------------------------------------------------------------------------------------------
# PromQL: just enough of a lexer to find metric names and label names.

_TOKEN = re.compile(r"""
    (?P<ws>\s+|\#[^\n]*)
  | (?P<str>"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'|`[^`]*`)
  | (?P<range>\[[^\]]*\])
  | (?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)
  | (?P<ident>[a-zA-Z_:][a-zA-Z0-9_:]*)
  | (?P<op>=~|!~|!=|==|<=|>=|[-+*/%^<>=(),{}])
""", re.X)
_KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or",
             "unless", "offset", "atan2", "inf", "nan", "Inf", "NaN"}
_GROUPING = {"by", "without", "on", "ignoring", "group_left", "group_right"}
_AGGREGATORS = {"sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values",
                "bottomk", "topk", "quantile"}


def promql_tokens(expr):
    pos, out = 0, []
    while pos < len(expr):
        m = _TOKEN.match(expr, pos)
        if not m:
            raise AssertionError(f"cannot read PromQL at {expr[pos:pos + 20]!r} in {expr!r}")
        pos = m.end()
        if m.lastgroup != "ws":
            out.append((m.lastgroup, m.group()))
    return out


def promql_names(expr):
    """(metric names, {metric: label names in its selector}, grouping label names) of expr."""
    toks = promql_tokens(expr)
    metrics, selector_labels, grouping = [], {}, set()
    i = 0
    while i < len(toks):
        kind, text = toks[i]
        nxt = toks[i + 1][1] if i + 1 < len(toks) else None
        if kind == "ident" and text in _GROUPING and nxt == "(":
            j = i + 2
            while toks[j][1] != ")":
                if toks[j][0] == "ident":
                    grouping.add(toks[j][1])
                j += 1
            i = j + 1
            continue
        if kind == "ident" and text in _AGGREGATORS and nxt in ("by", "without"):
            i += 1
            continue
        if kind == "ident" and nxt != "(" and text not in _KEYWORDS:
            metrics.append(text)
            labels = selector_labels.setdefault(text, set())
            if nxt == "{":
                j = i + 2
                while toks[j][1] != "}":
                    if toks[j][0] == "ident" and toks[j + 1][1] in ("=", "!=", "=~", "!~"):
                        labels.add(toks[j][1])
                    j += 1
                i = j + 1
                continue
        i += 1
    return metrics, selector_labels, grouping


def series_name(metric):
    """The METRICS entry a series name belongs to (histograms: _bucket, _sum, _count)."""
    if metric in METRICS and METRICS[metric][0] != "histogram":
        return metric
    for suffix in ("_bucket", "_sum", "_count"):
        base = metric[: -len(suffix)]
        if metric.endswith(suffix) and METRICS.get(base, ("",))[0] == "histogram":
            return base
    return None


def series_labels(metric):
    base = series_name(metric)
    labels = set(METRICS[base][1]) | TARGET_LABELS
    if metric.endswith("_bucket"):
        labels.add("le")
    return labels


def substitute_grafana_vars(expr):
    for var, value in GRAFANA_VARS.items():
        expr = expr.replace(var, value)
    if "$" in expr:
        raise AssertionError(f"unknown Grafana variable in {expr!r}")
    return expr


def dashboard_queries(dashboard):
    """(panel title, legendFormat, expr) of every target of every panel (rows included)."""
    out = []

    def walk(panels):
        for p in panels:
            for t in p.get("targets", []):
                out.append((p.get("title", ""), t.get("legendFormat", ""), t.get("expr", "")))
            walk(p.get("panels", []))

    walk(dashboard.get("panels", []))
    return out


def synthetic_series(shard_map):
    """promtool input series: every METRICS series with plausible label values, the servers
    of `shard_map` as shards and backends, and values that make every rate non-zero."""
    servers = []  # (shard, backend, role)
    for shard, spec in shard_map["shards"].items():
        servers.append((shard, spec["master"], "master"))
        servers += [(shard, r, "replica") for r in spec.get("replicas", [])]
    shards = sorted(shard_map["shards"])

    def combos(metric, labels):
        if labels == {"shard", "backend", "role"}:
            return [{"shard": s, "backend": b, "role": r} for s, b, r in servers]
        if labels == {"shard", "backend"}:
            return [{"shard": s, "backend": b} for s, b, r in servers if r == "replica"]
        result = [{}]
        for label in sorted(labels):
            if label == "shard":
                values = shards
            elif label == "backend":
                values = [b for _, b, _ in servers]
            else:
                values = LABEL_VALUES.get(f"{label}@{metric}", LABEL_VALUES.get(label))
            result = [dict(c, **{label: v}) for c in result for v in values]
        return result

    def sel(name, labels):
        inner = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
        return f"{name}{{{inner}}}"

    series = []
    for metric, (kind, labels) in sorted(METRICS.items()):
        for n, c in enumerate(combos(metric, labels), start=1):
            if kind == "counter":
                series.append((sel(metric, c), f"0+{n}x60"))
            elif kind == "gauge":
                series.append((sel(metric, c), f"{n}x60"))
            else:  # histogram: cumulative buckets
                for k, le in enumerate(["0.001", "0.01", "0.1", "1", "+Inf"], start=1):
                    series.append((sel(metric + "_bucket", dict(c, le=le)), f"0+{n * k}x60"))
                series.append((sel(metric + "_count", c), f"0+{n * 5}x60"))
                series.append((sel(metric + "_sum", c), f"0+{n * 0.05}x60"))
    return series


# ---------------------------------------------------------------------------------------------


class ComposeTest(unittest.TestCase):
    def setUp(self):
        self.compose = compose()
        self.services = self.compose["services"]

    def test_services(self):
        self.assertEqual(set(self.services), SERVICES)

    def test_mysql_servers_replicate_with_gtid(self):
        server_ids = {}
        for name in sorted(MYSQL_SERVICES):
            with self.subTest(service=name):
                svc = self.services[name]
                self.assertEqual(svc["image"], "mysql:8.0")
                opts = mysqld_options(svc)
                self.assertEqual(opts.get("--gtid-mode"), "ON")
                self.assertEqual(opts.get("--enforce-gtid-consistency"), "ON")
                self.assertIn("--log-bin", opts)
                server_ids[name] = opts.get("--server-id")
                self.assertTrue(server_ids[name] and server_ids[name].isdigit())
                self.assertIn("test", svc.get("healthcheck", {}))
                self.assertIn("MYSQL_ROOT_PASSWORD", svc.get("environment", {}))
                role = name.split("-")[1]
                mounts = dict((t, s) for s, t in bind_mounts(svc))
                self.assertEqual(mounts.get("/docker-entrypoint-initdb.d"), f"./mysql/{role}")
                if role == "replica":
                    master = name.split("-")[0] + "-master"
                    self.assertEqual(svc["environment"].get("SOURCE_HOST"), master)
                    self.assertEqual(opts.get("--read-only"), "ON")
                    self.assertEqual(svc["depends_on"][master]["condition"], "service_healthy")
                else:
                    self.assertNotIn("--read-only", opts)
                    self.assertEqual(svc["environment"].get("SHARD_INDEX"),
                                     name.split("-")[0][1:])
        self.assertEqual(len(set(server_ids.values())), len(server_ids), server_ids)

    def test_bind_mounts_exist_and_named_volumes_are_declared(self):
        declared = set(self.compose.get("volumes") or {})
        for name, svc in sorted(self.services.items()):
            for v in svc.get("volumes", []):
                source = v.split(":")[0] if isinstance(v, str) else v.get("source", "")
                with self.subTest(service=name, volume=v):
                    if source.startswith((".", "/")):
                        self.assertTrue(os.path.exists(os.path.join(DOCKER, source)),
                                        f"{source} (relative to docker/) does not exist")
                    else:
                        self.assertIn(source, declared)

    def test_published_ports(self):
        sg = load_toml(SG_TOML)
        expected = {
            "shardgate": {sg["listen"]["port"], sg["admin"]["port"]},
            "prometheus": {9090},
            "grafana": {3000},
        }
        for name, ports in expected.items():
            container_ports = {c for _, c in port_mappings(self.services[name])}
            self.assertEqual(container_ports, ports, name)
        for name in MYSQL_SERVICES:
            self.assertEqual([c for _, c in port_mappings(self.services[name])], [3306], name)
        host_ports = [h for svc in self.services.values() for h, _ in port_mappings(svc)]
        self.assertEqual(len(host_ports), len(set(host_ports)),
                         f"host ports used twice: {host_ports}")

    def test_shardgate_service(self):
        svc = self.services["shardgate"]
        build = svc["build"]
        context = os.path.normpath(os.path.join(DOCKER, build["context"]))
        self.assertEqual(context, REPO)
        self.assertEqual(os.path.normpath(os.path.join(context, build["dockerfile"])), DOCKERFILE)
        for name in MYSQL_SERVICES:
            self.assertEqual(svc["depends_on"][name]["condition"], "service_healthy", name)
        mounts = dict((t, s) for s, t in bind_mounts(svc))
        config_dir = os.path.dirname(entrypoint_config_path())
        self.assertEqual(mounts.get(config_dir), "./shardgate",
                         f"docker/shardgate must be mounted at {config_dir}, the directory of "
                         "the image's --config")

    def test_prometheus_and_grafana_mount_their_configs(self):
        prom = dict((t, s) for s, t in bind_mounts(self.services["prometheus"]))
        self.assertEqual(prom.get("/etc/prometheus/prometheus.yml"), "./prometheus/prometheus.yml")
        self.assertIn("--config.file=/etc/prometheus/prometheus.yml",
                      self.services["prometheus"].get("command", []))
        graf = dict((t, s) for s, t in bind_mounts(self.services["grafana"]))
        self.assertEqual(graf.get("/etc/grafana/provisioning/datasources"),
                         "./grafana/provisioning/datasources")
        self.assertEqual(graf.get("/etc/grafana/provisioning/dashboards"),
                         "./grafana/provisioning/dashboards")
        providers = load_yaml(DASH_PROVIDERS)["providers"]
        paths = {p["options"]["path"] for p in providers}
        for path in paths:
            self.assertIn(path, graf, f"dashboards.yaml reads {path}, which compose does not mount")
            self.assertTrue(os.path.isdir(os.path.join(DOCKER, graf[path])))
        env = self.services["grafana"]["environment"]
        home = env.get("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH")
        if home:
            self.assertIn(os.path.dirname(home), graf)
            self.assertTrue(os.path.isfile(os.path.join(DOCKER, graf[os.path.dirname(home)],
                                                        os.path.basename(home))))


class ShardgateConfigTest(unittest.TestCase):
    def test_shardgate_check(self):
        r = run([shardgate_bin(), "--config", SG_TOML, "--check"])
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(r.stderr, "", "warnings")

    def test_shardmap_check(self):
        r = run([shardmap_bin(), "check", MAP_TOML])
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(r.stderr, "", "warnings")

    def test_listeners_reachable_from_other_containers(self):
        sg = load_toml(SG_TOML)
        self.assertEqual(sg["listen"]["address"], "0.0.0.0")
        self.assertEqual(sg["admin"]["address"], "0.0.0.0")
        self.assertEqual(sg["admin"]["port"], 9104)
        self.assertEqual(sg["shard_map"], "shardmap.toml")

    def test_same_keys_as_conf(self):
        def keys(node, prefix=""):
            out = set()
            for k, v in node.items():
                if isinstance(v, dict):
                    out |= keys(v, f"{prefix}{k}.")
                elif isinstance(v, list) and v and isinstance(v[0], dict):
                    for item in v:
                        out |= keys(item, f"{prefix}{k}[].")
                else:
                    out.add(prefix + k)
            return out

        conf = load_toml(os.path.join(REPO, "conf", "shardgate.toml"))
        self.assertEqual(keys(load_toml(SG_TOML)), keys(conf))

    def test_shard_map_is_conf_with_compose_servers(self):
        mine, conf = load_toml(MAP_TOML), load_toml(os.path.join(REPO, "conf", "shardmap.toml"))
        for key in ("version", "default_shard", "global_tables", "sharded_tables", "ranges"):
            self.assertEqual(mine.get(key), conf.get(key), key)
        self.assertEqual(set(mine["shards"]), set(conf["shards"]))
        services = compose()["services"]
        for shard, spec in mine["shards"].items():
            with self.subTest(shard=shard):
                self.assertEqual(len(spec.get("replicas", [])),
                                 len(conf["shards"][shard].get("replicas", [])))
                master, port = endpoint(spec["master"])
                self.assertEqual((master, port), (f"{shard}-master", 3306))
                self.assertNotIn("SOURCE_HOST", services[master].get("environment", {}))
                for replica in spec.get("replicas", []):
                    host, port = endpoint(replica)
                    self.assertIn(host, services)
                    self.assertEqual(port, 3306)
                    self.assertEqual(services[host]["environment"].get("SOURCE_HOST"), master)

    def test_mysql_accounts_match_the_config(self):
        sg = load_toml(SG_TOML)
        with open(ACCOUNTS_SQL, encoding="utf-8") as f:
            sql = " ".join(line for line in f.read().splitlines() if not line.startswith("--"))
        users = dict(re.findall(r"CREATE USER '(\w+)'@'%' IDENTIFIED BY '([^']*)'", sql))
        backend, monitor = sg["backend"], sg["monitor"]
        self.assertEqual(users.get(backend["user"]), backend.get("password", ""))
        self.assertEqual(users.get(monitor["user"]), monitor.get("password", ""))

        def grants(user):
            return [g.upper() for g in re.findall(rf"GRANT ([^;]*) TO '{user}'@'%'", sql)]

        b = grants(backend["user"])
        self.assertIn("XA_RECOVER_ADMIN ON *.*", b)
        self.assertTrue(any(g.endswith(" ON SHARDGATE.*") for g in b), b)
        self.assertTrue(any(g.endswith(" ON APP.*") for g in b), b)
        m = grants(monitor["user"])
        self.assertIn("REPLICATION CLIENT ON *.*", m)
        shardgate_schema = [g for g in m if g.endswith(" ON SHARDGATE.*")]
        self.assertTrue(shardgate_schema, m)
        for privilege in ("SELECT", "INSERT", "UPDATE", "CREATE"):
            self.assertIn(privilege, shardgate_schema[0])
        # The replicas log in with an account 01-accounts.sql creates.
        with open(REPLICA_SH, encoding="utf-8") as f:
            replica = f.read()
        repl_user = re.search(r"SOURCE_USER = '(\w+)'", replica).group(1)
        repl_password = re.search(r"SOURCE_PASSWORD = '([^']*)'", replica).group(1)
        self.assertEqual(users.get(repl_user), repl_password)
        self.assertIn(f"GRANT REPLICATION SLAVE ON *.* TO '{repl_user}'@'%'", sql)
        self.assertIn("SOURCE_AUTO_POSITION = 1", replica)
        self.assertIn("START REPLICA", replica)

    def test_init_scripts_are_valid_shell(self):
        for folder in ("master", "replica"):
            d = os.path.join(DOCKER, "mysql", folder)
            for name in sorted(os.listdir(d)):
                if name.endswith(".sh"):
                    path = os.path.join(d, name)
                    with self.subTest(script=path):
                        self.assertTrue(os.access(path, os.X_OK), "not executable")
                        r = run(["bash", "-n", path])
                        self.assertEqual(r.returncode, 0, r.stderr)


def entrypoint_config_path():
    runtime = dockerfile_stages()[-1][1]
    entry = [i for i in runtime if i.upper().startswith("ENTRYPOINT ")]
    args = json.loads(entry[-1].split(" ", 1)[1])
    return args[args.index("--config") + 1]


class DockerfileTest(unittest.TestCase):
    def setUp(self):
        self.stages = dockerfile_stages()

    def test_stages(self):
        self.assertEqual(len(self.stages), 2)
        self.assertRegex(self.stages[0][0], r"^FROM debian:12 AS \w+$")
        self.assertEqual(self.stages[1][0], "FROM debian:12-slim")

    def test_build_stage_installs_scripts_deps_build_section(self):
        self.assertEqual(apt_installs(self.stages[0][1]), deps_build_packages())

    def test_build_stage_builds_release_without_tests(self):
        runs = " ".join(i for i in self.stages[0][1] if i.startswith("RUN "))
        self.assertIn("-DCMAKE_BUILD_TYPE=Release", runs)
        self.assertIn("-DBUILD_TESTING=OFF", runs)
        self.assertRegex(runs, r"--target shardgate shardmap")
        with open(os.path.join(REPO, "CMakeLists.txt"), encoding="utf-8") as f:
            self.assertIn("include(CTest)", f.read(), "BUILD_TESTING is CTest's option")

    def test_runtime_stage_installs_what_the_programs_link(self):
        installed = set(apt_installs(self.stages[1][1])) | SLIM_BASE_PACKAGES
        for binary in (shardgate_bin(), shardmap_bin()):
            needed = {p for p in linked_packages(binary)
                      # sanitizer builds link their runtimes; the image's Release build does not
                      if not re.match(r"lib(asan|ubsan|tsan|lsan)\d*$", p)}
            with self.subTest(binary=binary):
                self.assertEqual(needed - installed, set(),
                                 "add these to the runtime stage's apt-get install")

    def test_runtime_stage(self):
        ins = self.stages[1][1]
        users = [i.split()[1] for i in ins if i.upper().startswith("USER ")]
        self.assertTrue(users and users[-1] not in ("root", "0"), "runs as root")
        exposed = {int(p) for i in ins if i.upper().startswith("EXPOSE ") for p in i.split()[1:]}
        sg = load_toml(SG_TOML)
        self.assertEqual(exposed, {sg["listen"]["port"], sg["admin"]["port"]})
        copies = " ".join(i for i in ins if i.upper().startswith("COPY "))
        self.assertIn("/build/shardgate", copies)
        self.assertIn("/build/shardmap", copies)

    def test_entrypoint_runs_with_the_container_config(self):
        """The image's ENTRYPOINT, with /etc/shardgate replaced by docker/shardgate, passes
        shardgate's --check: the flag and the config path are right."""
        runtime = self.stages[1][1]
        entry = [i for i in runtime if i.upper().startswith("ENTRYPOINT ")]
        self.assertEqual(len(entry), 1)
        args = json.loads(entry[0].split(" ", 1)[1])
        self.assertEqual(os.path.basename(args[0]), "shardgate")
        config = entrypoint_config_path()
        local = os.path.join(DOCKER, "shardgate", os.path.basename(config))
        self.assertTrue(os.path.isfile(local), local)
        r = run([shardgate_bin(), *[local if a == config else a for a in args[1:]], "--check"])
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_dockerignore_keeps_build_trees_out(self):
        with open(DOCKERFILE + ".dockerignore", encoding="utf-8") as f:
            patterns = {line.strip() for line in f if line.strip() and not line.startswith("#")}
        for p in ("build", "build-*", ".git"):
            self.assertIn(p, patterns)


class PrometheusTest(unittest.TestCase):
    def test_promtool_check_config(self):
        r = run([promtool(), "check", "config", PROM_CONFIG])
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_scrapes_shardgate_every_5s(self):
        sg = load_toml(SG_TOML)
        jobs = [j for j in load_yaml(PROM_CONFIG)["scrape_configs"]
                if any(f"shardgate:{sg['admin']['port']}" in c.get("targets", [])
                       for c in j.get("static_configs", []))]
        self.assertEqual(len(jobs), 1)
        self.assertEqual(jobs[0].get("scrape_interval"), "5s")
        self.assertEqual(jobs[0].get("metrics_path", "/metrics"), "/metrics")


class GrafanaTest(unittest.TestCase):
    def setUp(self):
        with open(DASHBOARD, encoding="utf-8") as f:
            self.dashboard = json.load(f)
        self.queries = dashboard_queries(self.dashboard)

    def test_datasource(self):
        sources = load_yaml(DATASOURCES)["datasources"]
        self.assertEqual(len(sources), 1)
        ds = sources[0]
        self.assertEqual(ds["type"], "prometheus")
        self.assertEqual(ds["url"], "http://prometheus:9090")
        self.assertIn("prometheus", compose()["services"])
        # Every panel and target uses it.
        uids = set()

        def walk(panels):
            for p in panels:
                if p.get("type") != "row":
                    uids.add(p["datasource"]["uid"])
                    uids.update(t["datasource"]["uid"] for t in p.get("targets", []))
                walk(p.get("panels", []))

        walk(self.dashboard["panels"])
        self.assertEqual(uids, {ds["uid"]})

    def test_dashboard_shape(self):
        d = self.dashboard
        self.assertTrue(d.get("uid"))
        self.assertTrue(d.get("title"))
        self.assertGreaterEqual(d["schemaVersion"], 36)
        ids = [p["id"] for p in d["panels"]]
        self.assertEqual(len(ids), len(set(ids)), "panel ids must be unique")
        self.assertGreaterEqual(sum(p["type"] == "timeseries" for p in d["panels"]), 8)
        for p in d["panels"]:
            g = p["gridPos"]
            self.assertLessEqual(g["x"] + g["w"], 24, p["title"])
        for title, _, expr in self.queries:
            self.assertTrue(expr.strip(), f"panel {title!r} has a target without expr")

    def test_only_public_metrics_and_their_labels(self):
        used = set()
        for title, legend, expr in self.queries:
            with self.subTest(panel=title, expr=expr):
                metrics, selectors, grouping = promql_names(substitute_grafana_vars(expr))
                self.assertTrue(metrics, "no metric")
                known = set()
                for m in metrics:
                    base = series_name(m)
                    self.assertIsNotNone(base, f"{m} is not one of shardgate's metrics")
                    used.add(base)
                    self.assertLessEqual(selectors.get(m, set()), series_labels(m),
                                         f"label matcher not on {m}")
                    known |= series_labels(m)
                self.assertLessEqual(grouping, known, "grouping by a label no metric has")
                placeholders = set(re.findall(r"\{\{\s*(\w+)\s*\}\}", legend))
                self.assertLessEqual(placeholders, grouping or known,
                                     "legend names a label the result does not have")
        self.assertEqual(set(METRICS) - used, set(), "metrics no panel shows")

    def test_required_panels(self):
        exprs = [" ".join(e.split()) for _, _, e in self.queries]

        def has(pattern):
            return any(re.search(pattern, e) for e in exprs)

        self.assertTrue(has(r"sum by \(shard, role\) \(rate\(shardgate_queries_total"))
        self.assertTrue(has(r"by \(shard, backend\) \(shardgate_replica_lag_seconds"))
        self.assertTrue(has(r"by \(route\) \(rate\(shardgate_routed_total"))
        self.assertTrue(has(r"by \(kind\) \(rate\(shardgate_errors_total"))
        for q in ("0.5", "0.95", "0.99"):
            self.assertTrue(has(rf"histogram_quantile\({q}, sum by \(le, shard, role\) "
                                r"\(rate\(shardgate_query_duration_seconds_bucket"), q)

    def test_template_variables(self):
        for var in self.dashboard.get("templating", {}).get("list", []):
            if var.get("type") != "query":
                continue
            q = var["query"]["query"] if isinstance(var["query"], dict) else var["query"]
            m = re.fullmatch(r"label_values\((\w+),\s*(\w+)\)", q)
            self.assertIsNotNone(m, q)
            self.assertIn(m.group(1), METRICS)
            self.assertIn(m.group(2), METRICS[m.group(1)][1])
            self.assertIn(f"${var['name']}", GRAFANA_VARS)

    def test_promtool_evaluates_every_expression(self):
        """Each expression parses and returns data over synthetic series of every metric."""
        tests = []
        for title, _, expr in self.queries:
            promql = substitute_grafana_vars(expr)
            tests.append({
                # The comment names the panel in promtool's report.
                "expr": f"# panel: {title}\ncount({promql}) > bool 0",
                "eval_time": "30m",
                "exp_samples": [{"labels": "{}", "value": 1}],
            })
        doc = {
            "rule_files": [],
            "evaluation_interval": "1m",
            "tests": [{
                "interval": "1m",
                "input_series": [{"series": s, "values": v}
                                 for s, v in synthetic_series(load_toml(MAP_TOML))],
                "promql_expr_test": tests,
            }],
        }
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "dashboard_test.yml")
            with open(path, "w", encoding="utf-8") as f:
                yaml.safe_dump(doc, f, sort_keys=False)
            r = run([promtool(), "test", "rules", path], cwd=tmp)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("SUCCESS", r.stdout + r.stderr)


if __name__ == "__main__":
    unittest.main()
