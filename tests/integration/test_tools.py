"""MariaDB's own tools through shardgate: mariadb-dump (streaming results with
mysql_use_result, LOCK TABLES / consistent snapshot, SHOW CREATE ...) must produce the same
dump as against the master, a dump must load back through shardgate, and mariadb-admin works."""

import re
import subprocess
import unittest

import harness

DB = "it_tools"
RESTORED = "it_tools_restored"


def tool(name, port, *args, input=None, timeout=120):
    cmd = [name, "--no-defaults", f"-h{harness.HOST}", f"-P{port}", "-uapp", "-papp", *args]
    return subprocess.run(cmd, input=input, capture_output=True, encoding="utf-8",
                          errors="backslashreplace", timeout=timeout)


def normalized_dump(text):
    # The header names the server's port (shardgate's or the master's).
    return re.sub(r"^-- Host: .*$", "-- Host: (removed)", text, flags=re.M)


class ToolsTest(harness.ShardgateTestCase):
    @classmethod
    def setUpClass(cls):
        for db in (DB, RESTORED):
            harness.master_query(f"DROP DATABASE IF EXISTS {db}")
        harness.master_query(f"CREATE DATABASE {DB}")
        for sql in (
            "CREATE TABLE t1 (id INT PRIMARY KEY, name VARCHAR(50) CHARACTER SET utf8mb4, "
            "price DECIMAL(10,2), made DATETIME, data BLOB, KEY (name))",
            "INSERT INTO t1 SELECT seq, CONCAT('name \U0001F600 ', seq), seq / 7, "
            "'2020-01-01' + INTERVAL seq MINUTE, UNHEX(SHA2(seq, 256)) FROM seq_1_to_5000",
            "INSERT INTO t1 VALUES (0, NULL, NULL, NULL, NULL)",
            "CREATE TABLE t2 (k VARCHAR(10) PRIMARY KEY, v JSON) ENGINE=InnoDB",
            "INSERT INTO t2 VALUES ('a', '{\"x\": [1, 2]}'), ('b', NULL)",
            "CREATE VIEW v1 AS SELECT id, name FROM t1 WHERE id < 10",
            "CREATE PROCEDURE p1() SELECT COUNT(*) FROM t1",
        ):
            harness.master_query(sql, database=DB)
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            for db in (DB, RESTORED):
                harness.master_query(f"DROP DATABASE IF EXISTS {db}")

    def dump(self, port, *args):
        r = tool("mariadb-dump", port, "--skip-dump-date", *args, DB)
        self.assertEqual(r.returncode, 0, r.stderr)
        return normalized_dump(r.stdout)

    def test_dump_equals_master(self):
        master = harness.cluster().master_port
        for args in (["--single-transaction", "--routines"], ["--lock-tables", "--hex-blob"],
                     ["--skip-extended-insert", "--quick"]):
            with self.subTest(args=args):
                mine = self.dump(self.sg.port, *args)
                self.assertIn("INSERT INTO `t1`", mine)
                self.assertEqual(mine, self.dump(master, *args))

    def test_dump_loads_back_through_shardgate(self):
        text = self.dump(self.sg.port, "--single-transaction", "--hex-blob")  # text-safe
        harness.master_query(f"DROP DATABASE IF EXISTS {RESTORED}")
        harness.master_query(f"CREATE DATABASE {RESTORED}")
        r = harness.run_cli(self.sg.port, database=RESTORED, input=text, timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr)
        checksum = "CHECKSUM TABLE t1, t2"
        mine = [row[1] for row in harness.master_query(checksum, database=RESTORED)]
        orig = [row[1] for row in harness.master_query(checksum, database=DB)]
        self.assertEqual(mine, orig)

    def test_admin(self):
        r = tool("mariadb-admin", self.sg.port, "ping")
        self.assertEqual((r.returncode, r.stdout), (0, "mysqld is alive\n"), r.stderr)
        r = tool("mariadb-admin", self.sg.port, "status")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, r"^Uptime: \d+\s+Threads: \d+\s+Questions: \d+")
        r = tool("mariadb-admin", self.sg.port, "variables")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, r"\| max_allowed_packet\s+\| 67108864\s+\|")
        r = tool("mariadb-admin", self.sg.port, "processlist")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("show processlist", r.stdout)

    def test_cli_with_compress_option(self):
        # shardgate does not offer compression: the client goes on uncompressed.
        r = harness.run_cli(self.sg.port, "--compress", "-B", "-N", "-e",
                            "SELECT COUNT(*), SUM(id) FROM t1", database=DB)
        self.assertEqual((r.returncode, r.stdout), (0, "5001\t12502500\n"), r.stderr)

    def test_check(self):
        r = tool("mariadb-check", self.sg.port, "--databases", DB)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, rf"{DB}\.t1\s+OK")


if __name__ == "__main__":
    unittest.main()
