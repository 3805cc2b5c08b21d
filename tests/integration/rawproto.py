"""A hand-driven MySQL protocol client and packet helpers, for tests that must control every
byte (bad input on purpose, byte-for-byte comparisons with the master, TLS races)."""

import contextlib
import hashlib
import socket
import struct

HOST = "127.0.0.1"



def recv_exact(sock, n):
    buf = bytearray()
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise ConnectionError(f"connection closed after {len(buf)} of {n} bytes")
        buf += chunk
    return bytes(buf)


def read_packet(sock):
    """Reads one packet; returns (seq, payload)."""
    header = recv_exact(sock, 4)
    length = header[0] | header[1] << 8 | header[2] << 16
    return header[3], recv_exact(sock, length)


def frame(payload, seq):
    return struct.pack("<I", len(payload))[:3] + bytes([seq]) + payload


def lenenc(payload, pos):
    """(value, next position) of the length-encoded integer at payload[pos]."""
    first = payload[pos]
    if first < 0xFB:
        return first, pos + 1
    width = {0xFC: 2, 0xFD: 3, 0xFE: 8}[first]
    return int.from_bytes(payload[pos + 1:pos + 1 + width], "little"), pos + 1 + width


def parse_ok(payload):
    """(affected rows, last insert id, status flags) of an OK packet, or None."""
    if not payload or payload[0] != 0x00:
        return None
    affected, p = lenenc(payload, 1)
    insert_id, p = lenenc(payload, p)
    return affected, insert_id, struct.unpack_from("<H", payload, p)[0]


def parse_err(payload):
    """(code, sqlstate, message) of an ERR packet (protocol 4.1), or None."""
    if not payload or payload[0] != 0xFF:
        return None
    code = struct.unpack_from("<H", payload, 1)[0]
    if payload[3:4] == b"#":
        return code, payload[4:9].decode(), payload[9:].decode("utf-8", "replace")
    return code, "", payload[3:].decode("utf-8", "replace")


def native_scramble(password, nonce):
    """mysql_native_password: SHA1(pw) XOR SHA1(nonce + SHA1(SHA1(pw)))."""
    if not password:
        return b""
    h1 = hashlib.sha1(password.encode()).digest()
    h2 = hashlib.sha1(h1).digest()
    h3 = hashlib.sha1(nonce + h2).digest()
    return bytes(a ^ b for a, b in zip(h1, h3))


def native_password_hash(password):
    """The '*<40 hex>' form SELECT PASSWORD() prints."""
    return "*" + hashlib.sha1(hashlib.sha1(password.encode()).digest()).hexdigest().upper()


# Capability flags used by the raw-socket tests.
CLIENT_LONG_PASSWORD = 1
CLIENT_CONNECT_WITH_DB = 1 << 3
CLIENT_PROTOCOL_41 = 1 << 9
CLIENT_TRANSACTIONS = 1 << 13
CLIENT_SECURE_CONNECTION = 1 << 15
CLIENT_MULTI_RESULTS = 1 << 17
CLIENT_PLUGIN_AUTH = 1 << 19
CLIENT_SESSION_TRACK = 1 << 23
CLIENT_DEPRECATE_EOF = 1 << 24
CLIENT_FOUND_ROWS = 1 << 1
CLIENT_LOCAL_FILES = 1 << 7
CLIENT_MULTI_STATEMENTS = 1 << 16
CLIENT_PS_MULTI_RESULTS = 1 << 18
SERVER_MORE_RESULTS_EXIST = 0x0008
SERVER_STATUS_CURSOR_EXISTS = 0x0040


class Greeting:
    def __init__(self, payload):
        self.raw = payload
        p = 1
        end = payload.index(b"\0", p)
        self.version = payload[p:end].decode()
        p = end + 1
        self.connection_id = struct.unpack_from("<I", payload, p)[0]
        p += 4
        nonce = payload[p:p + 8]
        p += 9
        caps_lo = struct.unpack_from("<H", payload, p)[0]
        p += 2
        self.collation = payload[p]
        p += 1
        self.status = struct.unpack_from("<H", payload, p)[0]
        p += 2
        caps_hi = struct.unpack_from("<H", payload, p)[0]
        p += 2
        self.capabilities = caps_lo | caps_hi << 16
        auth_len = payload[p]
        p += 1 + 10  # length of auth data, 6 reserved bytes + 4 MariaDB capability bytes
        rest = max(13, auth_len - 8)
        nonce += payload[p:p + rest - 1]  # NUL-terminated
        p += rest
        self.nonce = nonce
        end = payload.find(b"\0", p)
        self.auth_plugin = payload[p:end if end >= 0 else None].decode()


def handshake_response(user, auth, capabilities, database=None, plugin="mysql_native_password",
                       max_packet=16 * 1024 * 1024, collation=45):
    caps = capabilities | CLIENT_PROTOCOL_41 | CLIENT_SECURE_CONNECTION | CLIENT_PLUGIN_AUTH
    if database:
        caps |= CLIENT_CONNECT_WITH_DB
    out = struct.pack("<IIB", caps, max_packet, collation) + b"\0" * 23
    out += user.encode() + b"\0"
    out += bytes([len(auth)]) + auth
    if database:
        out += database.encode() + b"\0"
    out += plugin.encode() + b"\0"
    return out


class RawClient:
    """A hand-driven MySQL client on a plain socket (mysql_native_password only)."""

    def __init__(self, port, timeout=10.0):
        self.sock = socket.create_connection((HOST, port), timeout=timeout)
        self.sock.settimeout(timeout)
        seq, payload = read_packet(self.sock)
        if payload[:1] != b"\x0a":
            raise AssertionError(f"expected a greeting, got {payload[:64]!r}")
        self.greeting = Greeting(payload)
        self.capabilities = 0

    def login(self, user="app", password="app", database=None,
              capabilities=CLIENT_LONG_PASSWORD | CLIENT_TRANSACTIONS | CLIENT_MULTI_RESULTS):
        """Logs in with mysql_native_password; returns the final packet's payload."""
        self.capabilities = capabilities | CLIENT_PROTOCOL_41 | CLIENT_SECURE_CONNECTION | \
            CLIENT_PLUGIN_AUTH
        auth = native_scramble(password, self.greeting.nonce[:20])
        self.send(handshake_response(user, auth, capabilities, database), 1)
        seq, payload = read_packet(self.sock)
        if payload[:1] == b"\xfe":  # auth switch
            end = payload.index(b"\0", 1)
            plugin = payload[1:end].decode()
            if plugin != "mysql_native_password":
                raise AssertionError(f"server asked for {plugin}")
            nonce = payload[end + 1:end + 21]
            self.send(native_scramble(password, nonce), seq + 1)
            seq, payload = read_packet(self.sock)
        return payload

    def send(self, payload, seq):
        self.sock.sendall(frame(payload, seq))

    def read(self):
        return read_packet(self.sock)

    def command(self, payload):
        """Sends a command packet (sequence 0) and returns the first response packet."""
        self.send(payload, 0)
        return self.read()

    def query(self, sql):
        """COM_QUERY; reads the whole text result. Returns ("ok"|"err", payloads)."""
        self.send(b"\x03" + sql.encode(), 0)
        return self.read_result()

    def read_result(self):
        deprecate_eof = bool(self.capabilities & CLIENT_DEPRECATE_EOF)
        packets = []
        _, first = self.read()
        packets.append(first)
        if first[0] == 0xFF:
            return "err", packets
        if first[0] == 0x00:
            return "ok", packets
        ncols = first[0]  # < 251 in these tests
        for _ in range(ncols):
            packets.append(self.read()[1])
        if not deprecate_eof:
            packets.append(self.read()[1])
        while True:
            _, p = self.read()
            packets.append(p)
            if p[0] == 0xFF:
                return "err", packets
            if p[0] == 0xFE and len(p) < 0xFFFFFF:
                return "ok", packets

    def query_rows(self, sql):
        """COM_QUERY returning a text result set: list of rows (lists of str or None)."""
        status, packets = self.query(sql)
        if status != "ok" or packets[0][0] in (0x00, 0xFF):
            raise AssertionError(f"{sql!r}: {parse_err(packets[-1]) or packets[-1][:64]!r}")
        ncols = packets[0][0]
        first_row = 1 + ncols + (0 if self.capabilities & CLIENT_DEPRECATE_EOF else 1)
        rows = []
        for p in packets[first_row:-1]:
            row, pos = [], 0
            for _ in range(ncols):
                if p[pos] == 0xFB:
                    row.append(None)
                    pos += 1
                else:
                    n, pos = lenenc(p, pos)
                    row.append(p[pos:pos + n].decode())
                    pos += n
            rows.append(row)
        return rows

    def closed_by_peer(self, timeout=5.0):
        """True when the server closed the connection (EOF or reset) within timeout."""
        self.sock.settimeout(timeout)
        try:
            while True:
                data = self.sock.recv(65536)
                if not data:
                    return True
        except (ConnectionResetError, BrokenPipeError):
            return True
        except socket.timeout:
            return False

    def close(self):
        with contextlib.suppress(OSError):
            self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False
