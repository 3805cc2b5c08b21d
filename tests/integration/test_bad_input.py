"""Broken, hostile and vanishing peers on raw sockets. After every case shardgate must still run,
serve a normal client, and have no more file descriptors open than before (no leaked sockets)."""

import os
import socket
import struct
import sys
import time
import unittest

import harness
import rawproto

MAX_ALLOWED_PACKET = 64 * 1024  # shardgate's limit for client packets in this test
BIG_SELECT = "SELECT REPEAT('x', 1000) AS r FROM seq_1_to_200000"


def connect_raw(port, timeout=10.0):
    s = socket.create_connection((harness.HOST, port), timeout=timeout)
    s.settimeout(timeout)
    return s


def expect_err_then_close(test, sock, code, sqlstate=None, message=None):
    """Reads packets until an ERR; asserts its code (and state, message); then EOF."""
    seq, payload = rawproto.read_packet(sock)
    err = rawproto.parse_err(payload)
    test.assertIsNotNone(err, f"expected ERR {code}, got {payload[:64]!r}")
    test.assertEqual(err[0], code, err)
    if sqlstate is not None:
        test.assertEqual(err[1], sqlstate, err)
    if message is not None:
        test.assertEqual(err[2], message, err)
    test.assertTrue(closed_by_peer(sock), "shardgate did not close the connection after the error")
    return seq, err


def closed_by_peer(sock, timeout=5.0):
    sock.settimeout(timeout)
    try:
        while True:
            if not sock.recv(65536):
                return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except socket.timeout:
        return False


def master_has_connection(conn_id):
    rows = harness.master_query(f"SELECT COUNT(*) FROM information_schema.processlist "
                                f"WHERE id = {int(conn_id)}")
    return rows[0][0] > 0


class BadInputTest(harness.ShardgateTestCase):
    SHARDGATE_OPTIONS = {"auth_plugin": "mysql_native_password",
                         "max_allowed_packet": MAX_ALLOWED_PACKET}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.baseline = cls.sg.settled_fds()

    def tearDown(self):
        # After each bad input: alive, serving, and no leaked descriptors.
        self.assert_alive()
        harness.check_serves(self, self.sg)
        n = self.sg.wait_fds(self.baseline, timeout=15)
        self.assertLessEqual(n, self.baseline, f"fds leaked:\n{self.sg.fd_listing()}")

    def greeted_socket(self):
        s = connect_raw(self.sg.port)
        seq, payload = rawproto.read_packet(s)
        self.assertEqual((seq, payload[:1]), (0, b"\x0a"))
        return s, rawproto.Greeting(payload)

    def good_response(self, greeting, password="app"):
        return rawproto.handshake_response(
            "app", rawproto.native_scramble(password, greeting.nonce[:20]),
            rawproto.CLIENT_LONG_PASSWORD | rawproto.CLIENT_TRANSACTIONS)

    def logged_in(self):
        c = rawproto.RawClient(self.sg.port)
        ok = c.login(database="app")
        self.assertEqual(ok[:1], b"\x00", rawproto.parse_err(ok))
        return c

    # -- handshake phase

    def test_garbage_instead_of_handshake_response(self):
        s, _ = self.greeted_socket()
        with s:
            s.sendall(rawproto.frame(os.urandom(3) + b"\xff" * 40, 1))
            expect_err_then_close(self, s, 1043, "08S01", "Bad handshake")

    def test_http_request_instead_of_handshake_response(self):
        # 'GET' read as a packet length announces 5.5 MB, more than max_allowed_packet.
        s, _ = self.greeted_socket()
        with s:
            s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            expect_err_then_close(self, s, 1043, "08S01", "Bad handshake")

    def test_random_bytes_then_disconnect(self):
        s, _ = self.greeted_socket()
        s.sendall(b"\x10\x00\x00\x01" + os.urandom(7))  # announces 16 bytes, sends 7
        s.close()

    def test_truncated_handshake_response(self):
        s, g = self.greeted_socket()
        with s:
            full = self.good_response(g)
            s.sendall(rawproto.frame(full[:20], 1))  # ends inside the 23 reserved bytes
            expect_err_then_close(self, s, 1043, "08S01", "Bad handshake")
        s, g = self.greeted_socket()
        with s:
            full = self.good_response(g)
            s.sendall(rawproto.frame(full[:40], 1))  # user name without its NUL
            expect_err_then_close(self, s, 1043, "08S01", "Bad handshake")

    def test_handshake_response_cut_by_disconnect(self):
        s, g = self.greeted_socket()
        full = self.good_response(g)
        s.sendall(rawproto.frame(full, 1)[:30])  # header announces all, half arrives
        s.close()

    def test_handshake_response_with_wrong_sequence_id(self):
        s, g = self.greeted_socket()
        with s:
            s.sendall(rawproto.frame(self.good_response(g), 5))
            expect_err_then_close(self, s, 1043, "08S01", "Bad handshake")

    def test_disconnect_right_after_greeting(self):
        s, _ = self.greeted_socket()
        s.close()

    def test_ssl_request_then_garbage(self):
        s, g = self.greeted_socket()
        with s:
            self.assertTrue(g.capabilities & (1 << 11), "TLS is offered")
            caps = rawproto.CLIENT_PROTOCOL_41 | rawproto.CLIENT_SECURE_CONNECTION | (1 << 11)
            s.sendall(rawproto.frame(struct.pack("<IIB", caps, 1 << 24, 45) + b"\0" * 23, 1))
            s.sendall(b"this is not a TLS client hello" * 10)
            self.assertTrue(closed_by_peer(s))

    def test_auth_switch_answer_missing(self):
        # caching_sha2 answer to a native listener: shardgate asks to switch; the client leaves.
        s, g = self.greeted_socket()
        resp = rawproto.handshake_response("app", b"\x01" * 32, rawproto.CLIENT_LONG_PASSWORD,
                                          plugin="caching_sha2_password")
        s.sendall(rawproto.frame(resp, 1))
        seq, payload = rawproto.read_packet(s)
        self.assertEqual(payload[:1], b"\xfe")
        self.assertTrue(payload[1:].startswith(b"mysql_native_password\0"))
        s.close()

    # -- command phase

    def test_command_with_wrong_sequence_id(self):
        with self.logged_in() as c:
            c.send(b"\x03SELECT 1", 3)
            expect_err_then_close(self, c.sock, 1156, "08S01", "Got packets out of order")

    def test_empty_packet(self):
        with self.logged_in() as c:
            c.send(b"", 0)
            expect_err_then_close(self, c.sock, 1835, "HY000", "Malformed communication packet")

    def test_packet_larger_than_max_allowed_packet(self):
        with self.logged_in() as c:
            # Only the header: shardgate must refuse before reading the body.
            c.sock.sendall(struct.pack("<I", MAX_ALLOWED_PACKET + 1)[:3] + b"\x00" + b"\x03SELECT")
            expect_err_then_close(self, c.sock, 1153, "08S01",
                                  "Got a packet bigger than 'max_allowed_packet' bytes")

    def test_split_packet_larger_than_max_allowed_packet(self):
        with self.logged_in() as c:
            c.sock.sendall(b"\xff\xff\xff\x00\x03" + b"x" * 1000)
            expect_err_then_close(self, c.sock, 1153, "08S01")

    def test_packet_of_exactly_max_allowed_packet(self):
        with self.logged_in() as c:
            sql = "SELECT LENGTH('" + "y" * (MAX_ALLOWED_PACKET - 18) + "')"
            payload = b"\x03" + sql.encode()
            self.assertEqual(len(payload), MAX_ALLOWED_PACKET)
            self.assertEqual(c.query_rows(sql), [[str(MAX_ALLOWED_PACKET - 18)]])
            self.assertEqual(c.query_rows("SELECT 'ok'"), [["ok"]])

    def test_truncated_command_then_disconnect(self):
        c = self.logged_in()
        conn_id = c.query_rows("SELECT CONNECTION_ID()")[0][0]
        c.sock.sendall(b"\x64\x00\x00\x00\x03SELECT")  # announces 100 bytes
        c.close()
        self.assert_backend_gone(conn_id)

    def test_unknown_command_byte(self):
        with self.logged_in() as c:
            for command in (0x42, 0x20, 0xFF, 0x00):
                with self.subTest(command=command):
                    seq, payload = c.command(bytes([command]) + b"junk")
                    self.assertEqual(seq, 1)
                    self.assertEqual(rawproto.parse_err(payload),
                                     (1047, "08S01", "Unknown command"))
            self.assertEqual(c.query_rows("SELECT 'session goes on'"), [["session goes on"]])

    def test_binlog_dump_refused(self):
        with self.logged_in() as c:
            dump = b"\x12" + struct.pack("<IHI", 4, 0, 12345) + b"mysql-bin.000001"
            self.assertEqual(rawproto.parse_err(c.command(dump)[1]),
                             (1047, "08S01", "Unknown command"))
            gtid_dump = b"\x1e" + struct.pack("<HI", 0, 12345) + b"\0" * 20
            self.assertEqual(rawproto.parse_err(c.command(gtid_dump)[1])[0], 1047)
            self.assertEqual(c.query_rows("SELECT 2*21"), [["42"]])

    def test_process_kill_of_unknown_or_truncated_id(self):
        with self.logged_in() as c:
            kill = b"\x0c" + struct.pack("<I", 987654)
            self.assertEqual(rawproto.parse_err(c.command(kill)[1]),
                             (1094, "HY000", "Unknown thread id: 987654"))
            self.assertEqual(c.query_rows("SELECT 1"), [["1"]])
            self.assertEqual(rawproto.parse_err(c.command(b"\x0c\x01")[1])[0], 1835)
            self.assertEqual(c.query_rows("SELECT 1"), [["1"]])

    def test_malformed_change_user(self):
        with self.logged_in() as c:
            c.send(b"\x11", 0)
            expect_err_then_close(self, c.sock, 1835, "HY000")

    def test_pipelined_commands(self):
        # Three queries in one write, before any answer: answered in order.
        with self.logged_in() as c:
            c.sock.sendall(b"".join(rawproto.frame(b"\x03SELECT " + str(i).encode(), 0)
                                    for i in range(3)))
            for i in range(3):
                status, packets = c.read_result()
                self.assertEqual(status, "ok")
                self.assertEqual(packets[-2], bytes([1]) + str(i).encode())

    def test_quit_then_bytes(self):
        with self.logged_in() as c:
            c.sock.sendall(rawproto.frame(b"\x01", 0) + rawproto.frame(b"\x03SELECT 1", 0))
            self.assertTrue(closed_by_peer(c.sock))

    # -- peers vanishing mid-result

    def assert_backend_gone(self, conn_id, timeout=15.0):
        deadline = time.monotonic() + timeout
        while master_has_connection(conn_id):
            if time.monotonic() > deadline:
                self.fail(f"backend connection {conn_id} still open on the master {timeout}s "
                          f"after its client left:\n{self.sg.log_text()[-2000:]}")
            time.sleep(0.1)

    def rss_mib(self):
        with open(f"/proc/{self.sg.pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        raise AssertionError("no VmRSS")

    def test_client_vanishes_mid_result(self):
        for linger in (False, True):
            with self.subTest(reset=linger):
                c = self.logged_in()
                conn_id = c.query_rows("SELECT CONNECTION_ID()")[0][0]
                c.send(b"\x03" + BIG_SELECT.encode(), 0)
                got = 0
                while got < 500_000:
                    got += len(c.sock.recv(65536))
                if linger:  # RST instead of FIN
                    c.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                c.close()
                self.assert_backend_gone(conn_id)

    def test_client_stops_reading_then_vanishes(self):
        c = self.logged_in()
        conn_id = c.query_rows("SELECT CONNECTION_ID()")[0][0]
        c.send(b"\x03" + BIG_SELECT.encode(), 0)
        c.sock.recv(1000)
        rss_before = self.rss_mib()
        time.sleep(1.0)  # every buffer on the way fills up; shardgate must not spin or grow
        self.assertLess(self.rss_mib() - rss_before, 32, "shardgate buffers a result nobody reads")
        c.close()
        self.assert_backend_gone(conn_id)

    def test_backend_killed_mid_result(self):
        with self.logged_in() as c:
            conn_id = c.query_rows("SELECT CONNECTION_ID()")[0][0]
            c.send(b"\x03" + BIG_SELECT.encode(), 0)
            self.assertEqual(c.read()[1], b"\x01")  # one column
            rows = 0
            c.read()  # column definition
            c.read()  # EOF
            while rows < 1000:
                seq, p = c.read()
                self.assertNotEqual(p[:1], b"\xff")
                rows += 1
            harness.master_query(f"KILL CONNECTION {int(conn_id)}")
            # Keep reading: the rest of the stream must end in an ERR packet or a closed
            # connection, never a hang.
            c.sock.settimeout(15)
            ending = None
            deadline = time.monotonic() + 60
            try:
                while time.monotonic() < deadline:
                    seq, p = c.read()
                    if p[:1] == b"\xff":
                        ending = ("err", rawproto.parse_err(p))
                        break
                    if p[:1] == b"\xfe" and len(p) < 9:
                        ending = ("eof", p)
                        break
                    rows += 1
            except ConnectionError:
                ending = ("closed", rows)
            except socket.timeout:
                self.fail(f"client hangs after its backend was killed ({rows} rows read)")
            self.assertIsNotNone(ending, "stream did not end within 60s")
            self.assertNotEqual(ending[0], "eof",
                                "a killed result must not end like a complete one")
            self.assertLess(rows, 200000)
            print(f"backend killed after 1000 rows: client read {rows} rows, then {ending[0]}",
                  file=sys.stderr)
            if ending[0] == "err":
                self.assertIn(ending[1][0], (1927, 2013), ending)
                self.assertTrue(closed_by_peer(c.sock), "session stays open without a backend")

    def test_backend_killed_while_idle(self):
        with self.logged_in() as c:
            conn_id = c.query_rows("SELECT CONNECTION_ID()")[0][0]
            harness.master_query(f"KILL CONNECTION {int(conn_id)}")
            time.sleep(0.2)
            c.sock.settimeout(15)
            try:
                status, packets = c.query("SELECT 1")
            except ConnectionError:
                return  # closed: acceptable
            self.assertEqual(status, "err")
            self.assertIn(rawproto.parse_err(packets[-1])[0], (1927, 2013, 2006))


if __name__ == "__main__":
    unittest.main()
