"""shardgate as a MySQL *client*: logging in to a server with caching_sha2_password (full
authentication through the RSA public-key exchange, then the fast path) and following an auth
switch. MariaDB has no caching_sha2_password, so the server here is a second shardgate, whose
server side is itself checked against real clients in test_auth / test_drivers: client
shardgate -> server shardgate -> MariaDB."""

import contextlib
import unittest

import harness
import rawproto


class BackendAuthTest(unittest.TestCase):

    def query_through(self, front, sql):
        with contextlib.closing(harness.pymysql_connect(front.port)) as c:
            with c.cursor() as cur:
                cur.execute(sql)
                return cur.fetchall()

    def test_caching_sha2_full_then_fast(self):
        with harness.Shardgate(auth_plugin="caching_sha2_password", log_level="debug") as server:
            with harness.Shardgate(backend_port=server.port,
                                   auth_plugin="mysql_native_password") as front:
                # Each client session of `front` logs in to `server` as app: the first login
                # after `server` started is full authentication, the next ones the fast path.
                for i in range(3):
                    self.assertEqual(self.query_through(front, f"SELECT {i} + 1"), ((i + 1,),))
                log = server.log_text()
                self.assertIn("full authentication data of 256 bytes", log)  # RSA-encrypted
                self.assertGreaterEqual(log.count("logged in as 'app'"), 3)

    def test_auth_switch_to_native(self):
        # The greeting offers caching_sha2_password but the account only has a native hash, so
        # the server switches the client to mysql_native_password.
        users = [{"name": "app", "password_hash": rawproto.native_password_hash("app")}]
        with harness.Shardgate(auth_plugin="caching_sha2_password", users=users) as server:
            with harness.Shardgate(backend_port=server.port) as front:
                self.assertEqual(self.query_through(front, "SELECT 'switched'"), (("switched",),))

    def test_wrong_backend_password_is_reported(self):
        with harness.Shardgate(auth_plugin="caching_sha2_password") as server:
            with harness.Shardgate(backend_port=server.port, backend_password="wrong") as front:
                with self.assertRaises(Exception) as cm:
                    self.query_through(front, "SELECT 1")
                self.assertEqual(cm.exception.args[0], 1045)
                self.assertIn("Access denied for user 'app'", cm.exception.args[1])


if __name__ == "__main__":
    unittest.main()
