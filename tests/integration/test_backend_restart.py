"""The default shard's master dies (SIGKILL) and comes back, under a running shardgate.

Sessions on the dead backend get an error (never a hang) and go on, logins while it is down fail
fast naming the shard, logins after its restart work again, and no descriptors leak. This test
kills a cluster server: ctest runs it alone (RUN_SERIAL).
"""

import contextlib
import socket
import time
import unittest

import drivers
import harness
import rawproto


class MasterRestartTest(harness.ShardgateTestCase):
    SHARDGATE_OPTIONS = {"auth_plugin": "mysql_native_password", "connect_timeout_ms": 1000}

    def setUp(self):
        self.baseline = self.sg.settled_fds()

    def tearDown(self):
        # Whatever happened, leave the master running for the other tests.
        try:
            harness.cluster_sh("status")
        except RuntimeError:
            harness.cluster_sh("restart-server", "--server", "s0-master")

    def kill_master(self):
        harness.cluster_sh("kill", "--server", "s0-master")

    def restart_master(self):
        harness.cluster_sh("restart-server", "--server", "s0-master")

    def test_idle_session_then_master_dies_and_returns(self):
        idle_py = harness.pymysql_connect(self.sg.port)
        idle_raw = rawproto.RawClient(self.sg.port)
        self.assertEqual(idle_raw.login(database="app")[:1], b"\x00")
        self.kill_master()
        try:
            # The idle sessions: the next command fails (or finds the session closed).
            with self.assertRaises(drivers.PyMySQLDriver.OperationalError) as cm:
                idle_py.cursor().execute("SELECT 1")
            self.assertIn(cm.exception.args[0], (2013, 2006), cm.exception.args)
            idle_raw.sock.settimeout(10)
            try:
                status, packets = idle_raw.query("SELECT 1")
                self.assertEqual(status, "err")
                self.assertEqual(rawproto.parse_err(packets[-1])[0], 2013)
            except ConnectionError:
                pass  # closed without an error packet: acceptable
            # New logins fail fast and say which shard and server.
            t0 = time.monotonic()
            with self.assertRaises(drivers.PyMySQLDriver.OperationalError) as cm:
                harness.pymysql_connect(self.sg.port).close()
            self.assertLess(time.monotonic() - t0, 2.5)
            code, message = cm.exception.args
            self.assertEqual(code, 2003)
            self.assertIn(f"shard s0 master 127.0.0.1:{harness.cluster().master_port}", message)
            self.assertTrue(self.sg.alive())
        finally:
            idle_py.close()
            idle_raw.close()
            self.restart_master()
        harness.check_serves(self, self.sg)
        self.assertLessEqual(self.sg.wait_fds(self.baseline), self.baseline,
                             f"fds leaked:\n{self.sg.fd_listing()}")

    def test_master_dies_mid_result(self):
        # The result in flight ends with ERR 2013 (or, if part of a packet had reached the
        # client, the connection closes); a session that got the ERR goes on, and is served
        # again once the master is back.
        c = rawproto.RawClient(self.sg.port)
        restarted = False
        try:
            self.assertEqual(c.login(database="app")[:1], b"\x00")
            c.send(b"\x03SELECT REPEAT('x', 1000) FROM seq_1_to_300000", 0)
            for _ in range(50):
                c.read()
            self.kill_master()
            c.sock.settimeout(15)
            ended_with = None
            try:
                while True:
                    _, payload = c.read()
                    if payload[0] == 0xFF:
                        ended_with = rawproto.parse_err(payload)[0]
                        break
                    self.assertNotEqual(payload[0], 0xFE, "the result ended as if complete")
            except ConnectionError:
                ended_with = "closed"
            except socket.timeout:
                self.fail("the client hangs after its backend died mid-result")
            self.assertIn(ended_with, (2013, "closed"))
            if ended_with == 2013:
                # Master still down: a fast error naming it, and the session stays.
                status, packets = c.query("INSERT INTO users (id, name) VALUES (4242, 'x')")
                self.assertEqual(status, "err")
                self.assertEqual(rawproto.parse_err(packets[-1])[0], 2003)
                self.restart_master()
                restarted = True
                rows = c.query_rows("SELECT 'same session'")
                self.assertEqual(rows, [["same session"]])
        finally:
            c.close()
            if not restarted:
                self.restart_master()
        harness.check_serves(self, self.sg)
        self.assertLessEqual(self.sg.wait_fds(self.baseline), self.baseline,
                             f"fds leaked:\n{self.sg.fd_listing()}")

    def test_logins_recover_after_restart(self):
        self.kill_master()
        try:
            for _ in range(3):
                with self.assertRaises(drivers.PyMySQLDriver.OperationalError):
                    harness.pymysql_connect(self.sg.port).close()
        finally:
            self.restart_master()
        for driver in drivers.DRIVERS:
            with contextlib.closing(driver.connect(self.sg.port)) as c:
                cur = c.cursor()
                cur.execute("SELECT 'back'")
                self.assertEqual(cur.fetchone()[0], "back")
        self.assertLessEqual(self.sg.wait_fds(self.baseline), self.baseline,
                             f"fds leaked:\n{self.sg.fd_listing()}")


if __name__ == "__main__":
    unittest.main()
