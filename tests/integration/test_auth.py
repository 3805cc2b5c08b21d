"""Logins that must fail, and how: error codes, SQLSTATEs and messages as MariaDB gives them;
accounts with a password hash or no password; an unreachable backend; max_connections."""

import contextlib
import socket
import threading
import time
import unittest

import drivers
import harness
import rawproto


def raw_login_error(port, user, password, database=None):
    """Logs in by hand (mysql_native_password); returns (code, sqlstate, message) or None on OK."""
    with rawproto.RawClient(port) as c:
        payload = c.login(user=user, password=password, database=database)
        if payload[:1] == b"\x00":
            return None
        err = rawproto.parse_err(payload)
        if err is None:
            raise AssertionError(f"neither OK nor ERR after login: {payload[:64]!r}")
        return err


class LoginErrorsTest(harness.ShardgateTestCase):
    """Error packets of failed logins, byte for byte where MariaDB defines them."""

    SHARDGATE_OPTIONS = {"auth_plugin": "mysql_native_password"}

    def test_wrong_password(self):
        self.assertEqual(raw_login_error(self.sg.port, "app", "wrong"),
                         (1045, "28000",
                          "Access denied for user 'app'@'127.0.0.1' (using password: YES)"))

    def test_unknown_user(self):
        self.assertEqual(raw_login_error(self.sg.port, "nobody", "app"),
                         (1045, "28000",
                          "Access denied for user 'nobody'@'127.0.0.1' (using password: YES)"))

    def test_empty_password_when_one_is_required(self):
        self.assertEqual(raw_login_error(self.sg.port, "app", ""),
                         (1045, "28000",
                          "Access denied for user 'app'@'127.0.0.1' (using password: NO)"))

    def test_messages_equal_the_masters(self):
        # The master has the same account app/app: its answers are the reference.
        master = harness.cluster().master_port
        for user, password in (("app", "wrong"), ("app", "")):
            with self.subTest(user=user, password=password):
                self.assertEqual(raw_login_error(self.sg.port, user, password),
                                 raw_login_error(master, user, password))

    def test_unknown_database(self):
        mine = raw_login_error(self.sg.port, "app", "app", database="no_such_db_xyz")
        self.assertEqual(mine, (1049, "42000", "Unknown database 'no_such_db_xyz'"))
        self.assertEqual(mine, raw_login_error(harness.cluster().master_port, "app", "app",
                                               database="no_such_db_xyz"))

    def test_good_login_after_failures(self):
        self.assertIsNone(raw_login_error(self.sg.port, "app", "app", database="app"))
        harness.check_serves(self, self.sg)


class AccountKindsMixin:
    """A password_hash account and a password-less account, for one auth plugin."""

    HASHED = {"name": "hashed", "password_hash": rawproto.native_password_hash("s3cret!")}
    NOPW = {"name": "nopw", "password": ""}

    def test_password_hash_account(self):
        for driver in drivers.DRIVERS:
            with self.subTest(driver=driver.name):
                for _ in range(2):
                    with contextlib.closing(driver.connect(self.sg.port, user="hashed",
                                                           password="s3cret!")) as c:
                        cur = c.cursor()
                        cur.execute("SELECT CURRENT_USER()")
                        # The backend session runs as shardgate's backend account.
                        self.assertEqual(cur.fetchone()[0], "app@127.0.0.1")
                with self.assertRaises(driver.OperationalError) as cm:
                    driver.connect(self.sg.port, user="hashed", password="s3cret").close()
                self.assertEqual(cm.exception.args,
                                 (1045, "Access denied for user 'hashed'@'127.0.0.1' "
                                        "(using password: YES)"))
        r = harness.run_cli(self.sg.port, "-N", "-e", "SELECT 7", user="hashed", password="s3cret!")
        self.assertEqual((r.returncode, r.stdout), (0, "7\n"), r.stderr)
        r = harness.run_cli(self.sg.port, "--skip-ssl", "-N", "-e", "SELECT 8", user="hashed",
                            password="s3cret!")
        self.assertEqual((r.returncode, r.stdout), (0, "8\n"), r.stderr)

    def test_password_hash_raw_native_login(self):
        self.assertIsNone(raw_login_error(self.sg.port, "hashed", "s3cret!"))
        self.assertEqual(raw_login_error(self.sg.port, "hashed", ""),
                         (1045, "28000",
                          "Access denied for user 'hashed'@'127.0.0.1' (using password: NO)"))

    def test_account_without_password(self):
        for driver in drivers.DRIVERS:
            with self.subTest(driver=driver.name):
                with contextlib.closing(driver.connect(self.sg.port, user="nopw",
                                                       password="")) as c:
                    cur = c.cursor()
                    cur.execute("SELECT 'in'")
                    self.assertEqual(cur.fetchone()[0], "in")
                with self.assertRaises(driver.OperationalError) as cm:
                    driver.connect(self.sg.port, user="nopw", password="something").close()
                self.assertEqual(cm.exception.args,
                                 (1045, "Access denied for user 'nopw'@'127.0.0.1' "
                                        "(using password: YES)"))


class AccountKindsNativeTest(AccountKindsMixin, harness.ShardgateTestCase):
    SHARDGATE_OPTIONS = {
        "auth_plugin": "mysql_native_password",
        "users": [{"name": "app", "password": "app"}, AccountKindsMixin.HASHED,
                  AccountKindsMixin.NOPW],
    }


class AccountKindsSha2Test(AccountKindsMixin, harness.ShardgateTestCase):
    """With caching_sha2_password, a hash-only account is switched to mysql_native_password."""

    SHARDGATE_OPTIONS = {
        "auth_plugin": "caching_sha2_password",
        "users": [{"name": "app", "password": "app"}, AccountKindsMixin.HASHED,
                  AccountKindsMixin.NOPW],
    }


class Sha2FullAuthTest(unittest.TestCase):
    """caching_sha2_password full authentication (the first login of an account after start):
    wrong and right passwords, over RSA (plain TCP) and in clear text over TLS."""

    def full_auth_count(self, sg):
        return sg.log_text().count("full authentication data of")

    def test_wrong_then_right_password_plain_tcp(self):
        with harness.Shardgate(log_level="debug") as sg:
            with self.assertRaises(drivers.PyMySQLDriver.OperationalError) as cm:
                harness.pymysql_connect(sg.port, password="wrong").close()
            self.assertEqual(cm.exception.args, (1045, "Access denied for user 'app'@'127.0.0.1' "
                                                       "(using password: YES)"))
            self.assertEqual(self.full_auth_count(sg), 1)  # refused after full auth
            harness.check_serves(self, sg)  # full auth again, now right
            self.assertEqual(self.full_auth_count(sg), 2)
            harness.check_serves(self, sg)  # fast path
            self.assertEqual(self.full_auth_count(sg), 2)
            with self.assertRaises(drivers.PyMySQLDriver.OperationalError) as cm:
                harness.pymysql_connect(sg.port, password="wrong").close()  # fast path, refused
            self.assertEqual(cm.exception.args[0], 1045)

    def test_wrong_then_right_password_over_tls(self):
        with harness.Shardgate(log_level="debug") as sg:
            with self.assertRaises(drivers.PyMySQLDriver.OperationalError) as cm:
                harness.pymysql_connect_tls(sg.port, password="wrong").close()
            self.assertEqual(cm.exception.args[0], 1045)
            with contextlib.closing(harness.pymysql_connect_tls(sg.port)) as c:
                with c.cursor() as cur:
                    cur.execute("SELECT 'tls'")
                    self.assertEqual(cur.fetchone(), ("tls",))
            self.assertEqual(self.full_auth_count(sg), 2)

    def test_cleartext_password_over_plain_tcp_is_refused(self):
        # A client answering the full-auth request with its password in clear text, without
        # TLS and without RSA, must be refused (as MySQL does).
        with harness.Shardgate(log_level="debug") as sg:
            with rawproto.RawClient(sg.port) as c:
                g = c.greeting
                self.assertEqual(g.auth_plugin, "caching_sha2_password")
                scramble = sha2_scramble("app", g.nonce[:20])
                c.send(rawproto.handshake_response("app", scramble, rawproto.CLIENT_LONG_PASSWORD,
                                                  plugin="caching_sha2_password"), 1)
                seq, p = c.read()
                self.assertEqual(p, b"\x01\x04")  # perform full authentication
                c.send(b"app\0", seq + 1)
                seq, p = c.read()
                self.assertEqual(rawproto.parse_err(p),
                                 (1045, "28000", "Access denied for user 'app'@'127.0.0.1' "
                                                 "(using password: YES)"))


def sha2_scramble(password, nonce):
    """caching_sha2_password: XOR(SHA256(pw), SHA256(SHA256(SHA256(pw)) + nonce))."""
    import hashlib
    p1 = hashlib.sha256(password.encode()).digest()
    p2 = hashlib.sha256(p1).digest()
    p3 = hashlib.sha256(p2 + nonce).digest()
    return bytes(a ^ b for a, b in zip(p1, p3))


class ChangeUserTest(harness.ShardgateTestCase):
    """COM_CHANGE_USER (mysqlclient's change_user) between shardgate accounts."""

    SHARDGATE_OPTIONS = {
        "log_level": "debug",
        "users": [{"name": "app", "password": "app"}, {"name": "other", "password": "0ther!"},
                  {"name": "hashed", "password_hash": rawproto.native_password_hash("h4sh")}],
    }

    def test_change_to_an_account_not_yet_cached(self):
        # caching_sha2 full authentication (RSA) inside COM_CHANGE_USER, then the fast path.
        with harness.Shardgate(**self.SHARDGATE_OPTIONS) as sg:
            for expected_full_auths in (2, 2):  # app's first login, other's first change
                with contextlib.closing(harness.mysqldb_connect(sg.port)) as c:
                    c.query("SET @v = 1")
                    c.change_user("other", "0ther!", "mysql")
                    cur = c.cursor()
                    cur.execute("SELECT DATABASE(), @v, CURRENT_USER()")
                    self.assertEqual(cur.fetchone(), ("mysql", None, "app@127.0.0.1"))
                    c.change_user("app", "app", "app")
                    cur.execute("SELECT DATABASE()")
                    self.assertEqual(cur.fetchone(), ("app",))
                self.assertEqual(sg.log_text().count("full authentication data of"),
                                 expected_full_auths, sg.log_text())

    def test_change_to_hash_account(self):
        with contextlib.closing(harness.mysqldb_connect(self.sg.port)) as c:
            c.change_user("hashed", "h4sh", "app")
            cur = c.cursor()
            cur.execute("SELECT 'as hashed'")
            self.assertEqual(cur.fetchone(), ("as hashed",))

    def test_change_user_wrong_password_ends_session(self):
        c = harness.mysqldb_connect(self.sg.port)
        try:
            with self.assertRaises(drivers.MySQLdbDriver.OperationalError) as cm:
                c.change_user("other", "nope", "app")
            self.assertEqual(cm.exception.args, (1045, "Access denied for user 'other'@'127.0.0.1' "
                                                       "(using password: YES)"))
            with self.assertRaises(drivers.MySQLdbDriver.OperationalError):
                c.query("SELECT 1")
        finally:
            c.close()
        harness.check_serves(self, self.sg)

    def test_change_user_unknown_db(self):
        with contextlib.closing(harness.mysqldb_connect(self.sg.port)) as c:
            with self.assertRaises(drivers.MySQLdbDriver.OperationalError) as cm:
                c.change_user("app", "app", "no_such_db_cu")
            self.assertEqual(cm.exception.args, (1049, "Unknown database 'no_such_db_cu'"))
        harness.check_serves(self, self.sg)


class BlackholeServer:
    """Listens but never accepts: connects succeed (kernel backlog), no greeting ever comes."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind((harness.HOST, 0))
        self.sock.listen(512)
        self.port = self.sock.getsockname()[1]

    def close(self):
        self.sock.close()


class UnreachableBackendTest(unittest.TestCase):
    TIMEOUT_MS = 800
    MARGIN_S = 1.0  # scheduling slack on a busy 2-core machine

    def login_error(self, sg):
        t0 = time.monotonic()
        with self.assertRaises(drivers.PyMySQLDriver.OperationalError) as cm:
            harness.pymysql_connect(sg.port, connect_timeout=30, read_timeout=30).close()
        return time.monotonic() - t0, cm.exception.args

    def test_closed_port(self):
        port = harness.closed_port()
        with harness.Shardgate(backend_port=port, connect_timeout_ms=self.TIMEOUT_MS,
                               auth_plugin="mysql_native_password") as sg:
            elapsed, (code, message) = self.login_error(sg)
            self.assertEqual(code, 2003)
            self.assertIn("shard s0", message)
            self.assertIn(f"127.0.0.1:{port}", message)
            self.assertLess(elapsed, self.TIMEOUT_MS / 1000 + self.MARGIN_S)
            # The same through raw sockets: the SQLSTATE, and the session ends.
            self.assertEqual(raw_login_error(sg.port, "app", "app")[:2], (2003, "HY000"))
            self.assertIn(f"cannot connect to shard s0 master 127.0.0.1:{port}", sg.log_text())

    def test_backend_that_never_greets(self):
        hole = BlackholeServer()
        try:
            with harness.Shardgate(backend_port=hole.port,
                                   connect_timeout_ms=self.TIMEOUT_MS) as sg:
                for _ in range(2):
                    elapsed, (code, message) = self.login_error(sg)
                    self.assertEqual(code, 2003)
                    self.assertIn("shard s0", message)
                    self.assertIn(f"127.0.0.1:{hole.port}", message)
                    self.assertGreaterEqual(elapsed, self.TIMEOUT_MS / 1000 * 0.9)
                    self.assertLess(elapsed, self.TIMEOUT_MS / 1000 + self.MARGIN_S)
        finally:
            hole.close()

    def test_wrong_backend_password_is_reported(self):
        # Not unreachable but refusing: the backend's own error reaches the client.
        sg = harness.Shardgate(backend_password="bad")
        with sg:
            with self.assertRaises(drivers.PyMySQLDriver.OperationalError) as cm:
                harness.pymysql_connect(sg.port).close()
            self.assertEqual(cm.exception.args[0], 1045)
            self.assertIn("Access denied for user 'app'", cm.exception.args[1])


class MaxConnectionsTest(harness.ShardgateTestCase):
    SHARDGATE_OPTIONS = {"max_connections": 3}

    def test_too_many_connections(self):
        self.sg.settled_fds()  # the start-up probe connection is gone
        held = [harness.pymysql_connect(self.sg.port) for _ in range(3)]
        try:
            for driver in drivers.DRIVERS:
                with self.subTest(driver=driver.name):
                    with self.assertRaises(driver.OperationalError) as cm:
                        driver.connect(self.sg.port).close()
                    self.assertEqual(cm.exception.args[0], 1040)
                    self.assertIn("Too many connections", cm.exception.args[1])
            # Raw: the ERR replaces the greeting, then the connection closes.
            with socket.create_connection((harness.HOST, self.sg.port), timeout=5) as s:
                seq, payload = rawproto.read_packet(s)
                self.assertEqual(rawproto.parse_err(payload),
                                 (1040, "08004", "Too many connections"))
                self.assertEqual(s.recv(1), b"")
            for c in held:  # the held sessions still work
                with c.cursor() as cur:
                    cur.execute("SELECT 1")
                    self.assertEqual(cur.fetchone(), (1,))
        finally:
            held.pop().close()
        # A slot is free again once the closed session is gone.
        deadline = time.monotonic() + 5
        while True:
            try:
                harness.pymysql_connect(self.sg.port).close()
                break
            except drivers.PyMySQLDriver.OperationalError as e:
                if e.args[0] != 1040 or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        for c in held:
            c.close()

    def test_limit_holds_under_a_burst(self):
        self.sg.settled_fds()
        results = []
        lock = threading.Lock()
        barrier = threading.Barrier(10)
        conns = []

        def attempt():
            barrier.wait()
            try:
                c = harness.pymysql_connect(self.sg.port)
                with lock:
                    conns.append(c)
                    results.append("ok")
            except drivers.PyMySQLDriver.OperationalError as e:
                with lock:
                    results.append(e.args[0])

        threads = [threading.Thread(target=attempt) for _ in range(10)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        try:
            self.assertEqual(results.count("ok"), 3, results)
            self.assertEqual(results.count(1040), 7, results)
        finally:
            for c in conns:
                c.close()


if __name__ == "__main__":
    unittest.main()
