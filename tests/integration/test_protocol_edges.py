"""Byte-for-byte comparison of shardgate's responses with the master's, on raw sockets.

shardgate relays results untouched, so after the same login (same capabilities) and the same
commands, every response frame (sequence id and payload) must equal the master's. Covers the
framing corners: rows of exactly 2^24-1 bytes (an empty continuation follows), rows whose
first byte is 0xFE (8-byte length prefix), CLIENT_DEPRECATE_EOF, session tracking, multi
results, binary rows, cursors and COM_STMT_FETCH, and the small commands.
"""

import re
import struct
import unittest

import harness
import rawproto

MAX_PAYLOAD = 0xFFFFFF
PROC = "it_pe_proc"
TABLE = "it_pe_fields"

BASE_CAPS = (rawproto.CLIENT_LONG_PASSWORD | rawproto.CLIENT_TRANSACTIONS |
             rawproto.CLIENT_MULTI_RESULTS | rawproto.CLIENT_PS_MULTI_RESULTS |
             rawproto.CLIENT_MULTI_STATEMENTS)
CAPS = {
    "classic_eof": BASE_CAPS,
    "deprecate_eof": BASE_CAPS | rawproto.CLIENT_DEPRECATE_EOF,
    "session_track": BASE_CAPS | rawproto.CLIENT_DEPRECATE_EOF | rawproto.CLIENT_SESSION_TRACK,
    "found_rows": BASE_CAPS | rawproto.CLIENT_FOUND_ROWS,
}


def setUpModule():
    harness.master_query(f"DROP PROCEDURE IF EXISTS {PROC}")
    harness.master_query(f"CREATE PROCEDURE {PROC}() BEGIN SELECT 1 AS a; "
                         "SELECT 'two' AS b, NULL AS c; END")
    harness.master_query(f"DROP TABLE IF EXISTS {TABLE}")
    harness.master_query(f"CREATE TABLE {TABLE} (id INT PRIMARY KEY, name VARCHAR(10), "
                         "n DECIMAL(5,1))")
    harness.master_query(f"INSERT INTO {TABLE} VALUES (1, 'a', 1.5), (2, 'b', NULL)")


def tearDownModule():
    harness.master_query(f"DROP PROCEDURE IF EXISTS {PROC}")
    harness.master_query(f"DROP TABLE IF EXISTS {TABLE}")


def lenenc_bytes(n):
    if n < 251:
        return bytes([n])
    if n < 1 << 16:
        return b"\xfc" + n.to_bytes(2, "little")
    if n < 1 << 24:
        return b"\xfd" + n.to_bytes(3, "little")
    return b"\xfe" + n.to_bytes(8, "little")


def stmt_execute(stmt_id, params, flags=0):
    """COM_STMT_EXECUTE with params bound as LONGLONG, VAR_STRING or NULL."""
    out = b"\x17" + struct.pack("<IBI", stmt_id, flags, 1)
    if not params:
        return out
    bitmap = bytearray((len(params) + 7) // 8)
    types, values = b"", b""
    for i, v in enumerate(params):
        if v is None:
            bitmap[i // 8] |= 1 << (i % 8)
            types += b"\x06\x00"
        elif isinstance(v, int):
            types += b"\x08\x00"
            values += struct.pack("<q", v)
        else:
            v = v.encode() if isinstance(v, str) else v
            types += b"\xfd\x00"
            values += lenenc_bytes(len(v)) + v
    return out + bytes(bitmap) + b"\x01" + types + values


class Session:
    """A raw session that returns every response as a list of (sequence id, frame payload)."""

    def __init__(self, port, caps):
        self.client = rawproto.RawClient(port, timeout=60)
        ok = self.client.login(database="app", capabilities=caps)
        if ok[:1] != b"\x00":
            raise AssertionError(f"login failed: {rawproto.parse_err(ok)}")
        self.deprecate_eof = bool(caps & rawproto.CLIENT_DEPRECATE_EOF)
        self.frames = []

    def close(self):
        self.client.close()

    def logical(self):
        """Reads one logical packet (frames of 2^24-1 bytes continue it); returns
        (length of its first frame, payload)."""
        payload, first_len = b"", None
        while True:
            seq, p = self.client.read()
            self.frames.append((seq, p))
            if first_len is None:
                first_len = len(p)
            payload += p
            if len(p) < MAX_PAYLOAD:
                return first_len, payload

    def is_terminator(self, first_len, p):
        if p[:1] != b"\xfe":
            return False
        return first_len < MAX_PAYLOAD if self.deprecate_eof else len(p) < 9

    def terminator_status(self, p):
        if self.deprecate_eof:
            _, pos = rawproto.lenenc(p, 1)
            _, pos = rawproto.lenenc(p, pos)
            return struct.unpack_from("<H", p, pos)[0]
        return struct.unpack_from("<H", p, 3)[0]

    def rows_until_end(self):
        """Rows, then ERR or terminator; returns the terminator's status (None for ERR)."""
        while True:
            first_len, p = self.logical()
            if p[:1] == b"\xff" and first_len < MAX_PAYLOAD:
                return None
            if self.is_terminator(first_len, p):
                return self.terminator_status(p)

    def result(self):
        """Reads the (possibly multi-) result of COM_QUERY / COM_STMT_EXECUTE."""
        while True:
            _, p = self.logical()
            if p[:1] == b"\xff":
                return
            if p[:1] == b"\x00":
                if rawproto.parse_ok(p)[2] & rawproto.SERVER_MORE_RESULTS_EXIST:
                    continue
                return
            if p[:1] == b"\xfb":
                raise AssertionError("LOCAL INFILE request not expected here")
            columns, _ = rawproto.lenenc(p, 0)
            for _ in range(columns):
                self.logical()
            if not self.deprecate_eof:
                _, eof = self.logical()
                if self.terminator_status(eof) & rawproto.SERVER_STATUS_CURSOR_EXISTS:
                    return  # rows come through COM_STMT_FETCH
            status = self.rows_until_end()
            if status is None or not status & rawproto.SERVER_MORE_RESULTS_EXIST:
                return

    def prepare_response(self):
        _, p = self.logical()
        if p[:1] == b"\xff":
            return None
        stmt_id, columns, params = struct.unpack_from("<IHH", p, 1)
        for count in (params, columns):
            for _ in range(count):
                self.logical()
            if count and not self.deprecate_eof:
                self.logical()
        return stmt_id

    def run(self, kind, payload):
        """Sends one command, reads its whole response, returns the frames of the response."""
        self.frames = []
        self.client.send(payload, 0)
        if kind in ("query", "execute"):
            self.result()
        elif kind == "prepare":
            self.prepare_response()
        elif kind == "fetch":
            self.rows_until_end()
        elif kind == "field_list":
            self.rows_until_end()
        elif kind == "single":
            self.logical()
        elif kind != "none":
            raise ValueError(kind)
        return self.frames


def q(sql):
    return ("query", b"\x03" + sql.encode())


SCENARIOS = {
    "text_results": [
        q("SELECT 1 AS a, 'x' AS b, NULL AS c, 1.5 AS d, _binary 0xfe00 AS e"),
        q("SELECT * FROM no_such_table_pe"),
        q("DO 1"),
        q("SELECT seq FROM seq_1_to_3; SELECT 'two' AS t; DO 0; SELECT NULL"),
        q("SELECT 1; SELECT * FROM no_such_table_pe; SELECT 3"),
        q(f"CALL {PROC}()"),
        q("SELECT REPEAT('r', 300) AS r FROM seq_1_to_200"),
        q(f"UPDATE {TABLE} SET name = name WHERE id = 1"),  # found_rows changes this OK
        q("SHOW WARNINGS"),
    ],
    "session_state": [
        q("SET @user_var = 5"),
        q("SET SESSION autocommit = 0"),
        q("BEGIN"),
        q(f"SELECT * FROM {TABLE} FOR UPDATE"),
        q("COMMIT"),
        q("SET autocommit = 1, SESSION sql_mode = 'ANSI_QUOTES'"),
        q("SET NAMES latin1"),
        q("SELECT 'caf\u00e9' AS w"),
        q("SET NAMES utf8mb4"),
        q("USE mysql"),
        q("USE app"),
        ("single", b"\x02mysql"),  # COM_INIT_DB
        ("single", b"\x02no_such_db_pe"),
        ("single", b"\x02app"),
        ("single", b"\x0e"),  # COM_PING
        ("single", b"\x1b\x01\x00"),  # COM_SET_OPTION multi statements off
        q("SELECT 1; SELECT 2"),
        ("single", b"\x1b\x00\x00"),  # on
        q("SELECT 1; SELECT 2"),
        ("field_list", b"\x04" + TABLE.encode() + b"\x00"),
        ("field_list", b"\x04" + TABLE.encode() + b"\x00n%"),
        ("single", b"\x04no_such_table_pe\x00"),
        ("single", b"\x1f"),  # COM_RESET_CONNECTION
        q("SELECT @user_var, @@autocommit"),
    ],
    "packets_of_2_24_minus_1": [
        # Row payload = 4-byte length prefix + 16777211 bytes = 0xFFFFFF exactly: a full
        # frame, then an empty continuation.
        q("SELECT REPEAT('a', 16777211) AS r"),
        # 0xFE as a row's first byte: the 8-byte length prefix of a value >= 2^24 bytes.
        q("SELECT REPEAT('b', 16777216) AS r"),
        q("SELECT REPEAT('c', 16777211) AS r UNION ALL SELECT 'short'"),
        q("SELECT 'after' AS s"),
    ],
}


def prepared_scenario(session):
    """Prepared statements. Statement ids come from the prepare responses (the server numbers
    them; ids are zeroed before comparing)."""
    out = []

    def prepare(sql):
        frames = session.run("prepare", b"\x16" + sql.encode())
        out.append(frames)
        p = frames[0][1]
        return struct.unpack_from("<I", p, 1)[0] if p[:1] == b"\x00" else None

    def fetch(stmt, rows):
        return b"\x1c" + struct.pack("<II", stmt, rows)

    stmt = prepare("SELECT seq, ? AS p FROM seq_1_to_10 WHERE seq > ?")
    out.append(session.run("execute", stmt_execute(stmt, ["str", 3])))
    out.append(session.run("execute", stmt_execute(stmt, [None, 0], flags=1)))  # read-only cursor
    out.append(session.run("fetch", fetch(stmt, 2)))
    out.append(session.run("fetch", fetch(stmt, 3)))
    out.append(session.run("fetch", fetch(stmt, 100)))
    out.append(session.run("single", b"\x1a" + struct.pack("<I", stmt)))  # COM_STMT_RESET
    out.append(session.run("execute", stmt_execute(stmt, [12345678901, 8], flags=1)))
    out.append(session.run("fetch", fetch(stmt, 1)))
    out.append(session.run("none", b"\x19" + struct.pack("<I", stmt)))  # COM_STMT_CLOSE
    out.append(session.run("single", fetch(stmt, 1)))  # a closed statement: ERR
    prepare("SELECT * FROM no_such_table_pe")
    call = prepare(f"CALL {PROC}()")
    out.append(session.run("execute", stmt_execute(call, [])))
    big = prepare("SELECT REPEAT('z', ?) AS r, ? AS n")
    # Binary row = header + NULL bitmap + 4-byte length + 16777209 bytes = 0xFFFFFF.
    out.append(session.run("execute", stmt_execute(big, [16777209, None])))
    out.append(session.run("execute", stmt_execute(big, [16777216, 1])))
    out.append(session.run("single", b"\x0e"))
    return [[(seq, zero_statement_id(p)) for seq, p in frames] for frames in out]


def zero_statement_id(payload):
    """A prepare OK (0x00, id, columns, params, 0x00, warnings) with its id zeroed; an error
    naming a statement id with the id replaced."""
    if len(payload) == 12 and payload[:1] == b"\x00" and payload[9:10] == b"\x00":
        return payload[:1] + b"\0\0\0\0" + payload[5:]
    if payload[:1] == b"\xff":
        return re.sub(rb"handler \(\d+\)", b"handler (ID)", payload)
    return payload


class ResponsesEqualMasterTest(harness.ShardgateTestCase):
    SHARDGATE_OPTIONS = {"auth_plugin": "mysql_native_password"}

    def compare(self, caps_name, scenario):
        caps = CAPS[caps_name]
        sessions = [Session(self.sg.port, caps), Session(harness.cluster().master_port, caps)]
        try:
            results = []
            for s in sessions:
                if callable(scenario):
                    results.append(scenario(s))
                else:
                    results.append([s.run(kind, payload) for kind, payload in scenario])
        finally:
            for s in sessions:
                s.close()
        mine, master = results
        self.assertEqual(len(mine), len(master))
        for i, (a, b) in enumerate(zip(mine, master)):
            if a != b:
                self.fail(f"{caps_name}: response {i} differs:\n shardgate: {summarize(a)}\n"
                          f" master:    {summarize(b)}")

    def test_text_results(self):
        for caps_name in CAPS:
            with self.subTest(caps=caps_name):
                self.compare(caps_name, SCENARIOS["text_results"])

    def test_session_state(self):
        for caps_name in CAPS:
            with self.subTest(caps=caps_name):
                self.compare(caps_name, SCENARIOS["session_state"])

    def test_packets_of_2_24_minus_1(self):
        for caps_name in ("classic_eof", "deprecate_eof"):
            with self.subTest(caps=caps_name):
                self.compare(caps_name, SCENARIOS["packets_of_2_24_minus_1"])

    def test_prepared_statements_and_cursors(self):
        for caps_name in ("classic_eof", "deprecate_eof"):
            with self.subTest(caps=caps_name):
                self.compare(caps_name, prepared_scenario)


def summarize(frames):
    return [(seq, len(p), p[:48]) for seq, p in frames]


if __name__ == "__main__":
    unittest.main()
