"""Regression tests for shardgate bugs found by the integration suite: exact-size LOCAL INFILE
frames, a TLS ClientHello in the same segment as the SSLRequest, COM_PROCESS_INFO, and KILL by
the id from the greeting (with KILL CONNECTION, COM_PROCESS_KILL and the login timeout)."""

import contextlib
import socket
import ssl
import struct
import threading
import time
import unittest

import harness
import rawproto

MAX_PAYLOAD = 0xFFFFFF
CLIENT_SSL = 1 << 11


class LocalInfileExactPacketTest(harness.ShardgateTestCase):
    """LOAD DATA LOCAL INFILE file data sent as one packet of exactly 2^24-1 bytes.

    A logical packet of 0xFFFFFF bytes is a full frame followed by an EMPTY frame that ends
    it; the file then ends with another empty packet. shardgate's relayLocalInfile stops at
    the first empty frame, so the master keeps waiting for the end of the file (holding its
    locks), the client's real terminator is never forwarded and the client waits forever.
    """

    SHARDGATE_OPTIONS = {"auth_plugin": "mysql_native_password"}
    TABLE = "it_bug_infile"

    def setUp(self):
        harness.master_query(f"DROP TABLE IF EXISTS {self.TABLE}")
        harness.master_query(f"CREATE TABLE {self.TABLE} (id INT AUTO_INCREMENT PRIMARY KEY, "
                             "v TEXT NOT NULL)")

    def tearDown(self):
        harness.kill_queries_like(f"LOAD DATA LOCAL INFILE%{self.TABLE}%")
        harness.master_query(f"DROP TABLE IF EXISTS {self.TABLE}")

    def load(self, port, data):
        """Sends data as one logical packet after the file request; returns the answer."""
        with rawproto.RawClient(port, timeout=8) as c:
            ok = c.login(database="app", capabilities=rawproto.CLIENT_LONG_PASSWORD |
                         rawproto.CLIENT_TRANSACTIONS | rawproto.CLIENT_LOCAL_FILES)
            self.assertEqual(ok[:1], b"\x00", rawproto.parse_err(ok))
            c.send(f"\x03LOAD DATA LOCAL INFILE 'f.txt' INTO TABLE {self.TABLE} (v)".encode(), 0)
            seq, req = c.read()
            self.assertEqual(req, b"\xfbf.txt")
            frames, pos, seq = b"", 0, seq + 1
            while True:
                piece = data[pos:pos + MAX_PAYLOAD]
                frames += rawproto.frame(piece, seq & 0xFF)
                seq, pos = seq + 1, pos + len(piece)
                if len(piece) < MAX_PAYLOAD:
                    break
            frames += rawproto.frame(b"", seq & 0xFF)
            c.sock.sendall(frames)
            try:
                return c.read()[1]
            except (TimeoutError, ConnectionError) as e:
                return e

    def test_infile_packet_of_exactly_2_24_minus_1_bytes(self):
        lines = MAX_PAYLOAD // 1024
        data = b"".join(b"%08d" % i + b"x" * 1015 + b"\n" for i in range(lines))
        data += b"y" * (MAX_PAYLOAD - len(data) - 1) + b"\n"
        self.assertEqual(len(data), MAX_PAYLOAD)
        # The master itself accepts this (reference) ...
        answer = self.load(harness.cluster().master_port, data)
        self.assertEqual(rawproto.parse_ok(answer)[0], lines + 1, answer)
        harness.master_query(f"DELETE FROM {self.TABLE}")
        # ... through shardgate the client gets no answer at all.
        answer = self.load(self.sg.port, data)
        self.assertIsInstance(answer, bytes, f"no answer through shardgate: {answer!r}")
        self.assertEqual(rawproto.parse_ok(answer)[0], lines + 1, answer)


class KillWithHandshakeIdTest(harness.ShardgateTestCase):
    """KILL [QUERY] <connection id from the server greeting>.

    The mariadb CLI on Ctrl-C, Connector/J's Statement.cancel() and mysql_kill() take the id
    from the greeting (mysql_thread_id) and send `KILL QUERY <id>` on a second connection.
    shardgate's greeting carries its own session id, which is not the master's thread id, so
    shardgate must carry the KILL out itself: relaying it would cancel nothing (1094) or kill an
    unrelated master connection that happens to have that id.
    """

    def test_kill_query_with_greeting_connection_id(self):
        victim = harness.mysqldb_connect(self.sg.port)
        greeting_id = victim.thread_id()
        outcome = {}

        def long_query():
            t0 = time.monotonic()
            try:
                cur = victim.cursor()
                cur.execute("SELECT SLEEP(8)")
                outcome["result"] = cur.fetchone()
            except Exception as e:  # noqa: BLE001 - an interrupted query is an error too
                outcome["result"] = e
            outcome["seconds"] = time.monotonic() - t0

        t = threading.Thread(target=long_query)
        t.start()
        time.sleep(0.5)
        kill_error = None
        with contextlib.closing(harness.mysqldb_connect(self.sg.port)) as killer:
            try:
                killer.cursor().execute(f"KILL QUERY {greeting_id}")
            except Exception as e:  # noqa: BLE001
                kill_error = e
        t.join(15)
        victim.close()
        self.assertIsNone(kill_error, f"KILL QUERY {greeting_id} (the greeting's id) failed")
        self.assertLess(outcome["seconds"], 4, f"the query was not cancelled: {outcome}")


class TlsClientHelloInSameSegmentTest(harness.ShardgateTestCase):
    """A client may send its TLS ClientHello right behind the SSLRequest packet (the server
    does not answer an SSLRequest). When both arrive in one read, the ClientHello bytes are
    already in shardgate's read buffer; PacketStream::startServerTls then refuses
    (`if (available() > 0) co_return false;`) and closes the connection, logging nothing.
    Seen with PyMySQL on a busy shardgate: "(2003, TLS/SSL connection has been closed (EOF))".
    """

    def tls_handshake(self, together):
        with socket.create_connection((harness.HOST, self.sg.port), timeout=5) as s:
            rawproto.read_packet(s)  # greeting
            caps = (rawproto.CLIENT_PROTOCOL_41 | rawproto.CLIENT_SECURE_CONNECTION |
                    rawproto.CLIENT_PLUGIN_AUTH | CLIENT_SSL)
            ssl_request = rawproto.frame(struct.pack("<IIB", caps, 1 << 24, 45) + b"\0" * 23, 1)
            incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
            tls = harness.tls_context().wrap_bio(incoming, outgoing, server_side=False)
            with contextlib.suppress(ssl.SSLWantReadError):
                tls.do_handshake()
            hello = outgoing.read()
            if together:
                s.sendall(ssl_request + hello)
            else:
                s.sendall(ssl_request)
                time.sleep(0.2)
                s.sendall(hello)
            while True:
                try:
                    tls.do_handshake()
                    return tls.version()
                except ssl.SSLWantReadError:
                    pending = outgoing.read()
                    if pending:
                        s.sendall(pending)
                    chunk = s.recv(65536)
                    if not chunk:
                        return None
                    incoming.write(chunk)

    def test_tls_client_hello_after_a_pause(self):
        self.assertIsNotNone(self.tls_handshake(together=False))  # works today

    def test_tls_client_hello_in_the_same_segment(self):
        self.assertIsNotNone(self.tls_handshake(together=True),
                             "shardgate closed the connection during the TLS handshake")


class ProcessInfoCommandTest(harness.ShardgateTestCase):
    """COM_PROCESS_INFO (0x0a; libmariadb's mysql_list_processes) is answered by MariaDB with a
    whole result set (SHOW PROCESSLIST), but responseKindFor() classifies it as a one-packet
    response: shardgate relays only the column-count packet, the client waits for the column
    definitions that never come, and the next command of the session finds the rest of the
    old result in the backend buffer ("malformed response ... closing the session")."""

    SHARDGATE_OPTIONS = {"auth_plugin": "mysql_native_password"}

    def test_com_process_info_answered_in_full_or_refused(self):
        with rawproto.RawClient(self.sg.port, timeout=5) as c:
            self.assertEqual(c.login(database="app")[:1], b"\x00")
            c.send(b"\x0a", 0)
            try:
                status, packets = c.read_result()
            except (TimeoutError, ConnectionError) as e:
                self.fail(f"incomplete answer to COM_PROCESS_INFO: {e!r}")
            if status == "err":  # refusing it (like COM_PROCESS_KILL) is fine too
                self.assertEqual(rawproto.parse_err(packets[-1])[0], 1047)
            else:
                self.assertEqual(packets[0], b"\x09")  # 9 columns, as SHOW PROCESSLIST
            try:
                self.assertEqual(c.query_rows("SELECT 'next'"), [["next"]])
            except (TimeoutError, ConnectionError) as e:
                self.fail(f"the session broke after COM_PROCESS_INFO: {e!r}")


if __name__ == "__main__":
    unittest.main()


class KillConnectionTest(harness.ShardgateTestCase):
    """KILL CONNECTION, COM_PROCESS_KILL (mysql_kill), unknown ids, and the login timeout."""

    def test_kill_connection_ends_the_victims_session(self):
        victim = harness.mysqldb_connect(self.sg.port)
        with contextlib.closing(harness.mysqldb_connect(self.sg.port)) as killer:
            killer.cursor().execute(f"KILL CONNECTION {victim.thread_id()}")
        with self.assertRaises(Exception):
            cur = victim.cursor()
            cur.execute("SELECT 1")
            cur.fetchall()
        victim.close()
        self.assert_alive()

    def test_mysql_kill_uses_com_process_kill(self):
        victim = harness.mysqldb_connect(self.sg.port)
        with contextlib.closing(harness.mysqldb_connect(self.sg.port)) as killer:
            killer.kill(victim.thread_id())
        with self.assertRaises(Exception):
            cur = victim.cursor()
            cur.execute("SELECT 1")
            cur.fetchall()
        victim.close()

    def test_unknown_id_is_1094(self):
        with contextlib.closing(harness.mysqldb_connect(self.sg.port)) as c:
            with self.assertRaises(Exception) as cm:
                c.cursor().execute("KILL QUERY 999999")
            self.assertEqual(cm.exception.args[0], 1094)
            self.assertEqual(cm.exception.args[1], "Unknown thread id: 999999")
            with self.assertRaises(Exception) as cm:
                c.cursor().execute("KILL USER app")
            self.assertEqual(cm.exception.args[0], 1235)
            c.cursor().execute("SELECT 1")  # the session goes on

    def test_silent_client_is_dropped_after_login_timeout(self):
        with harness.Shardgate(login_timeout_ms=500) as sg:
            s = socket.create_connection((harness.HOST, sg.port), timeout=5)
            s.recv(4096)  # the greeting; then say nothing
            t0 = time.monotonic()
            self.assertEqual(s.recv(4096), b"")  # closed by shardgate
            self.assertLess(time.monotonic() - t0, 3)
            s.close()
