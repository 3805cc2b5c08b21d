"""Starting and stopping shardgate: configuration errors, a busy port, and SIGTERM / SIGINT
while sessions are idle, mid-result, mid-login or waiting for a backend that never answers.
Every stop must be a clean exit (status 0), never a crash or a hang."""

import os
import signal
import socket
import subprocess
import tempfile
import threading
import time
import unittest

import harness
import rawproto


class ConfigErrorsTest(unittest.TestCase):
    def run_with(self, text):
        with tempfile.TemporaryDirectory() as d:
            with open(harness.cluster().shard_map, encoding="utf-8") as src, \
                    open(os.path.join(d, "shardmap.toml"), "w", encoding="utf-8") as f:
                f.write(src.read())
            path = os.path.join(d, "shardgate.toml")
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            r = subprocess.run([harness.shardgate_bin(), "--config", path], capture_output=True,
                               text=True, timeout=30)
            return r, path

    def test_bad_port_exits_2_with_file_and_line(self):
        r, path = self.run_with('shard_map = "shardmap.toml"\n[listen]\nport = 0\n'
                                '[[users]]\nname = "app"\npassword = "app"\n'
                                '[backend]\nuser = "app"\n')
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn(f"{path}:3: listen.port:", r.stderr)

    def test_unknown_auth_plugin(self):
        r, path = self.run_with('shard_map = "shardmap.toml"\n[listen]\nauth_plugin = "ed25519"\n'
                                '[[users]]\nname = "app"\npassword = "app"\n'
                                '[backend]\nuser = "app"\n')
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn(f"{path}:3:", r.stderr)
        self.assertIn("auth_plugin", r.stderr)

    def test_port_in_use(self):
        with socket.socket() as busy:
            busy.bind((harness.HOST, 0))
            busy.listen(1)
            port = busy.getsockname()[1]
            r, _ = self.run_with(f'shard_map = "shardmap.toml"\n[listen]\nport = {port}\n'
                                 '[admin]\nport = ' + str(harness.free_port()) + '\n'
                                 '[[users]]\nname = "app"\npassword = "app"\n'
                                 '[backend]\nuser = "app"\npassword = "app"\n')
        self.assertNotEqual(r.returncode, 0)
        self.assertGreater(r.returncode, 0, "must exit, not crash")
        self.assertIn(f"cannot listen on 127.0.0.1:{port}", r.stdout + r.stderr)


class StopTest(unittest.TestCase):
    """Each test stops shardgate itself (Shardgate.stop asserts exit status 0 within 10 s)."""

    def test_sigterm_with_idle_sessions(self):
        with harness.Shardgate() as sg:
            conns = [harness.pymysql_connect(sg.port) for _ in range(20)]
            sg.stop()
            for c in conns:
                with self.assertRaises(Exception):
                    c.cursor().execute("SELECT 1")
                c.close()

    def test_sigint_stops_too(self):
        with harness.Shardgate() as sg:
            c = harness.pymysql_connect(sg.port)
            sg.stopped = True
            sg.proc.send_signal(signal.SIGINT)
            self.assertEqual(sg.proc.wait(10), 0)
            c.close()

    def test_sigterm_mid_result_and_mid_query(self):
        with harness.Shardgate(auth_plugin="mysql_native_password") as sg:
            streaming = rawproto.RawClient(sg.port)
            streaming.login(database="app")
            streaming.send(b"\x03SELECT REPEAT('x', 1000) FROM seq_1_to_200000", 0)
            streaming.sock.recv(100000)  # the result is flowing; nobody reads the rest
            sleeping = harness.pymysql_connect(sg.port)
            done = threading.Event()

            def sleep_query():
                try:
                    sleeping.cursor().execute("SELECT SLEEP(30)")
                except Exception:  # noqa: BLE001 - the connection is cut on purpose
                    pass
                done.set()

            threading.Thread(target=sleep_query, daemon=True).start()
            time.sleep(0.5)
            t0 = time.monotonic()
            sg.stop()
            self.assertLess(time.monotonic() - t0, 5)
            self.assertTrue(done.wait(10), "the client of a stopped shardgate still waits")
            streaming.close()
            sleeping.close()

    def test_sigterm_during_login_and_backend_connect(self):
        hole = socket.socket()
        hole.bind((harness.HOST, 0))
        hole.listen(64)  # accepts nothing: backend logins wait for connect_timeout_ms
        try:
            # (shardgate's start-up probe waits one connect timeout before greeting clients.)
            with harness.Shardgate(backend_port=hole.getsockname()[1],
                                   connect_timeout_ms=5000) as sg:
                half = socket.create_connection((harness.HOST, sg.port), timeout=5)
                rawproto.read_packet(half)  # greeted, never answers
                waiting = []

                def login():
                    try:
                        harness.pymysql_connect(sg.port, connect_timeout=30, read_timeout=30)
                    except Exception as e:  # noqa: BLE001
                        waiting.append(e)

                threads = [threading.Thread(target=login, daemon=True) for _ in range(3)]
                for t in threads:
                    t.start()
                time.sleep(0.5)  # the logins wait for the backend now
                sg.stop()
                for t in threads:
                    t.join(10)
                self.assertEqual(len(waiting), 3, "logins must fail when shardgate stops")
                half.close()
        finally:
            hole.close()

    def test_restart_on_same_port(self):
        # With a client connection just closed (TIME_WAIT on the port), the next shardgate
        # binds the same port.
        with harness.Shardgate() as sg:
            port = sg.port
            harness.check_serves(self, sg)
        with harness.Shardgate(port=port) as sg2:
            self.assertEqual(sg2.port, port)
            harness.check_serves(self, sg2)


if __name__ == "__main__":
    unittest.main()
