"""The mariadb command-line client through shardgate, with both auth plugins, TLS on and off.

Batch output (and --column-type-info metadata) must equal what the same query prints when run
directly against the default shard's master.
"""

import re
import struct
import unittest

import harness
import rawproto

TABLE = "it_cli"

SETUP_SQL = [
    f"DROP TABLE IF EXISTS {TABLE}",
    f"""CREATE TABLE {TABLE} (
        id INT PRIMARY KEY, name VARCHAR(40), price DECIMAL(10,2), born DATETIME(3),
        data BLOB, note TEXT CHARACTER SET utf8mb4) ENGINE=InnoDB""",
    f"""INSERT INTO {TABLE} VALUES
        (1, 'alpha', 12.50, '2024-01-02 03:04:05.678', x'00ff10', 'plain'),
        (2, NULL, NULL, NULL, NULL, NULL),
        (3, 'gr\u00fc\u00dfe', -0.01, '1999-12-31 23:59:59.000', '', 'emoji \U0001F600 tab\\there'),
        (4, 'quote''s', 99999999.99, '2038-01-19 03:14:07.999', REPEAT('b', 300),
         REPEAT('n', 500))""",
]

# Queries whose batch output is compared between shardgate and the master.
COMPARED_QUERIES = [
    f"SELECT * FROM {TABLE} ORDER BY id",
    f"SELECT id, HEX(data), LENGTH(note) FROM {TABLE} ORDER BY id DESC",
    "SELECT 1 AS one, NULL AS nothing, 'x' AS s, 2.5 AS d, DATE '2020-02-29' AS day",
    "SHOW VARIABLES LIKE 'max_allowed_packet'",
    "SELECT table_name, column_name, data_type FROM information_schema.columns "
    f"WHERE table_schema = 'app' AND table_name = '{TABLE}' ORDER BY ordinal_position",
    f"SELECT COUNT(*), SUM(price), MAX(born) FROM {TABLE}",
]


def setUpModule():
    for sql in SETUP_SQL:
        harness.master_query(sql)


def tearDownModule():
    harness.master_query(f"DROP TABLE IF EXISTS {TABLE}")


class CliMixin:
    """Tests shared by both auth plugins (the class sets SHARDGATE_OPTIONS)."""

    def cli(self, *args, **kw):
        r = harness.run_cli(self.sg.port, *args, **kw)
        self.assertEqual(r.returncode, 0, f"mariadb {' '.join(args)} failed: {r.stderr}")
        return r.stdout

    def master_cli(self, *args, **kw):
        r = harness.run_cli(harness.cluster().master_port, *args, **kw)
        self.assertEqual(r.returncode, 0, f"mariadb (master) {' '.join(args)} failed: {r.stderr}")
        return r.stdout

    def test_first_and_second_login_default_tls(self):
        # The first login of an account after start is full authentication for
        # caching_sha2_password, the second the fast path; both must work.
        for _ in range(2):
            self.assertEqual(self.cli("-N", "-e", "SELECT 40+2"), "42\n")

    def test_first_and_second_login_skip_ssl(self):
        for _ in range(2):
            self.assertEqual(self.cli("--skip-ssl", "-N", "-e", "SELECT 'no tls'"), "no tls\n")

    def test_status_shows_tls_by_default(self):
        out = self.cli("-e", r"\s")
        self.assertRegex(out, r"SSL:\s+Cipher in use is \S+")
        self.assertIn(f"TCP port:\t\t{self.sg.port}", out)
        self.assertRegex(out, r"Server version:\s+10\.11\.")

    def test_status_without_tls(self):
        out = self.cli("--skip-ssl", "-e", r"\s")
        self.assertRegex(out, r"SSL:\s+Not in use")

    def test_ssl_cipher_status_is_the_backend_link(self):
        # Ssl_cipher is a session status of the backend connection, which is plain TCP:
        # what the master says about shardgate's connection, not about the client's.
        out = self.cli("-B", "-N", "-e", "SHOW STATUS LIKE 'Ssl_cipher'")
        self.assertEqual(out, "Ssl_cipher\t\n")

    def test_batch_output_equals_master(self):
        for tls in ([], ["--skip-ssl"]):
            for sql in COMPARED_QUERIES:
                with self.subTest(sql=sql, tls=tls):
                    self.assertEqual(self.cli(*tls, "-B", "-e", sql, database="app"),
                                     self.master_cli("-B", "-e", sql, database="app"))

    def test_column_type_info_equals_master(self):
        sql = f"SELECT * FROM {TABLE} ORDER BY id"
        mine = self.cli("-t", "--column-type-info", "-e", sql, database="app")
        master = self.master_cli("-t", "--column-type-info", "-e", sql, database="app")
        self.assertIn("Type:       NEWDECIMAL", mine)
        self.assertEqual(mine, master)

    def test_script_on_stdin_with_use_and_errors(self):
        script = ("USE app;\nSELECT DATABASE();\nCREATE TEMPORARY TABLE t (a INT);\n"
                  "INSERT INTO t VALUES (1),(2),(3);\nSELECT SUM(a) FROM t;\n")
        self.assertEqual(self.cli("-N", "-B", input=script), "app\n6\n")
        args = ("-B", "-e", "SELECT * FROM no_such_table")
        r = harness.run_cli(self.sg.port, *args, database="app")
        m = harness.run_cli(harness.cluster().master_port, *args, database="app")
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stderr.strip().splitlines()[-1],
                         "ERROR 1146 (42S02) at line 1: Table 'app.no_such_table' doesn't exist")
        self.assertEqual((r.returncode, r.stdout, r.stderr), (m.returncode, m.stdout, m.stderr))
        self.assertTrue(self.sg.alive())

    def test_wrong_password(self):
        r = harness.run_cli(self.sg.port, "-e", "SELECT 1", password="wrong")
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stderr.strip(), "ERROR 1045 (28000): Access denied for user "
                                           "'app'@'127.0.0.1' (using password: YES)")


class CliCachingSha2Test(CliMixin, harness.ShardgateTestCase):
    SHARDGATE_OPTIONS = {"auth_plugin": "caching_sha2_password", "log_level": "debug"}

    def test_full_auth_then_fast_path(self):
        # A fresh shardgate: the first login is full auth (logged), the second is not.
        with harness.Shardgate(auth_plugin="caching_sha2_password", log_level="debug") as sg:
            full = re.compile(r"full authentication data of \d+ bytes")
            r = harness.run_cli(sg.port, "--skip-ssl", "-N", "-e", "SELECT 1")
            self.assertEqual((r.returncode, r.stdout), (0, "1\n"), r.stderr)
            self.assertEqual(len(full.findall(sg.log_text())), 1, sg.log_text())
            r = harness.run_cli(sg.port, "-N", "-e", "SELECT 2")  # TLS, fast path
            self.assertEqual((r.returncode, r.stdout), (0, "2\n"), r.stderr)
            r = harness.run_cli(sg.port, "--skip-ssl", "-N", "-e", "SELECT 3")
            self.assertEqual((r.returncode, r.stdout), (0, "3\n"), r.stderr)
            self.assertEqual(len(full.findall(sg.log_text())), 1, sg.log_text())

    def test_full_auth_over_tls(self):
        with harness.Shardgate(auth_plugin="caching_sha2_password", log_level="debug") as sg:
            r = harness.run_cli(sg.port, "-N", "-e", r"SELECT 1")  # TLS: cleartext full auth
            self.assertEqual((r.returncode, r.stdout), (0, "1\n"), r.stderr)
            self.assertRegex(sg.log_text(), r"full authentication data of \d+ bytes")


class CliNativeTest(CliMixin, harness.ShardgateTestCase):
    SHARDGATE_OPTIONS = {"auth_plugin": "mysql_native_password"}


class CliWithoutTlsTest(harness.ShardgateTestCase):
    """[listen] tls = false: no CLIENT_SSL in the greeting; clients stay on plain TCP."""

    SHARDGATE_OPTIONS = {"tls": False}

    def test_greeting_offers_no_tls(self):
        with rawproto.RawClient(self.sg.port) as c:
            self.assertFalse(c.greeting.capabilities & (1 << 11))

    def test_cli_connects_without_tls(self):
        # A fresh shardgate: caching_sha2 full authentication over plain TCP (RSA), then the
        # fast path.
        with harness.Shardgate(tls=False, log_level="debug") as sg:
            for _ in range(2):
                r = harness.run_cli(sg.port, "--skip-ssl", "-e", r"\s")
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertRegex(r.stdout, r"SSL:\s+Not in use")
            self.assertEqual(sg.log_text().count("full authentication data of 256 bytes"), 1)

    def test_cli_default_ssl_option_sends_cleartext_password(self):
        # The mariadb client's default --ssl falls back to plain TCP when TLS is not offered,
        # but its caching_sha2 plugin then answers full authentication with the password in
        # clear text. shardgate refuses that, as MySQL does; once the account is in the
        # fast-auth cache the same client logs in.
        with harness.Shardgate(tls=False, log_level="debug") as sg:
            r = harness.run_cli(sg.port, "-N", "-e", "SELECT 1")
            self.assertEqual(r.returncode, 1)
            self.assertIn("ERROR 1045 (28000): Access denied for user 'app'@'127.0.0.1' "
                          "(using password: YES)", r.stderr)
            self.assertIn("not RSA-encrypted", sg.log_text())
            r = harness.run_cli(sg.port, "--skip-ssl", "-N", "-e", "SELECT 2")
            self.assertEqual((r.returncode, r.stdout), (0, "2\n"), r.stderr)
            r = harness.run_cli(sg.port, "-N", "-e", "SELECT 3")
            self.assertEqual((r.returncode, r.stdout), (0, "3\n"), r.stderr)

    def test_ssl_request_refused(self):
        with rawproto.RawClient(self.sg.port) as c:
            caps = rawproto.CLIENT_PROTOCOL_41 | rawproto.CLIENT_SECURE_CONNECTION | (1 << 11)
            c.send(struct.pack("<IIB", caps, 1 << 24, 45) + b"\0" * 23, 1)
            _, p = c.read()
            self.assertEqual(rawproto.parse_err(p)[:2], (1043, "08S01"))
            self.assertTrue(c.closed_by_peer())


if __name__ == "__main__":
    unittest.main()
