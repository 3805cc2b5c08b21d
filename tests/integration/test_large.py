"""Big payloads through shardgate: LOAD DATA LOCAL INFILE (small and > 16 MiB, also with
split packets sent by hand) and 20 MiB BLOBs both ways (packets of 2^24-1 bytes and their
continuations)."""

import contextlib
import hashlib
import os
import random
import tempfile
import unittest

import drivers
import harness
import rawproto

MIB = 1024 * 1024
MAX_PAYLOAD = 0xFFFFFF
CLIENT_LOCAL_FILES = 1 << 7


def make_csv(path, rows, width):
    """Writes rows lines 'id,text' (text of width chars); returns (bytes written, sha of texts)."""
    rnd = random.Random(rows * 7 + width)
    h = hashlib.sha256()
    size = 0
    with open(path, "w", encoding="ascii", newline="\n") as f:
        for i in range(1, rows + 1):
            text = "".join(rnd.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(8))
            text = (text * (width // 8 + 1))[:width]
            line = f"{i},{text}\n"
            f.write(line)
            size += len(line)
            h.update(text.encode())
    return size, h.hexdigest()


class LoadDataLocalInfileTest(harness.ShardgateTestCase):
    TABLE = "it_large_infile"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tmp = tempfile.mkdtemp(prefix="sg-it-infile-")

    @classmethod
    def tearDownClass(cls):
        harness.master_query(f"DROP TABLE IF EXISTS {cls.TABLE}")
        for name in os.listdir(cls.tmp):
            os.unlink(os.path.join(cls.tmp, name))
        os.rmdir(cls.tmp)
        super().tearDownClass()

    def setUp(self):
        harness.master_query(f"DROP TABLE IF EXISTS {self.TABLE}")
        harness.master_query(f"CREATE TABLE {self.TABLE} (id INT PRIMARY KEY, v TEXT NOT NULL)")

    def load(self, path, tls=False):
        connect = harness.pymysql_connect_tls if tls else harness.pymysql_connect
        with contextlib.closing(connect(self.sg.port, local_infile=True, autocommit=True)) as c:
            with c.cursor() as cur:
                n = cur.execute(f"LOAD DATA LOCAL INFILE %s INTO TABLE {self.TABLE} FIELDS "
                                "TERMINATED BY ',' LINES TERMINATED BY '\\n' (id, v)", (path,))
                cur.execute("SELECT 'after load'")  # the session goes on normally
                self.assertEqual(cur.fetchone(), ("after load",))
                return n

    def check_table(self, rows, text_sha):
        got = harness.master_query(f"SELECT COUNT(*), MIN(id), MAX(id) FROM {self.TABLE}")
        self.assertEqual(got, ((rows, 1, rows),))
        h = hashlib.sha256()
        with contextlib.closing(harness.master_connect()) as m:
            with m.cursor() as cur:
                cur.execute(f"SELECT v FROM {self.TABLE} ORDER BY id")
                for (v,) in cur:
                    h.update(v.encode())
        self.assertEqual(h.hexdigest(), text_sha)

    def test_few_thousand_rows(self):
        path = os.path.join(self.tmp, "small.csv")
        _, sha = make_csv(path, 5000, 40)
        self.assertEqual(self.load(path), 5000)
        self.check_table(5000, sha)

    def test_file_over_16_mib(self):
        path = os.path.join(self.tmp, "big.csv")
        size, sha = make_csv(path, 17 * 1024, 1020)
        self.assertGreater(size, 16 * MIB)
        self.assertEqual(self.load(path), 17 * 1024)
        self.check_table(17 * 1024, sha)

    def test_file_over_16_mib_over_tls(self):
        path = os.path.join(self.tmp, "big-tls.csv")
        size, sha = make_csv(path, 17 * 1024, 1020)
        self.assertEqual(self.load(path, tls=True), 17 * 1024)
        self.check_table(17 * 1024, sha)

    def test_missing_local_file(self):
        # The client answers the server's file request with an empty file and raises.
        with contextlib.closing(harness.pymysql_connect(self.sg.port, local_infile=True)) as c:
            with self.assertRaises(drivers.PyMySQLDriver.OperationalError):
                c.cursor().execute(f"LOAD DATA LOCAL INFILE '{self.tmp}/no-such-file' "
                                   f"INTO TABLE {self.TABLE}")
        harness.check_serves(self, self.sg)


class RawLoadDataSplitPacketsTest(harness.ShardgateTestCase):
    """LOAD DATA LOCAL INFILE by hand, sending the file in packets larger than 2^24-1 bytes."""

    SHARDGATE_OPTIONS = {"auth_plugin": "mysql_native_password"}
    TABLE = "it_large_rawinfile"

    def setUp(self):
        harness.master_query(f"DROP TABLE IF EXISTS {self.TABLE}")
        harness.master_query(f"CREATE TABLE {self.TABLE} (id INT AUTO_INCREMENT PRIMARY KEY, "
                             "v TEXT NOT NULL)")

    @classmethod
    def tearDownClass(cls):
        harness.master_query(f"DROP TABLE IF EXISTS {cls.TABLE}")
        super().tearDownClass()

    @staticmethod
    def file_data(total):
        """Lines of 1024 bytes (1023 chars + newline), the last one shorter, total bytes."""
        full, rest = divmod(total, 1024)
        data = b"".join((b"%08d" % i) + b"x" * 1015 + b"\n" for i in range(full))
        if rest:
            data += b"y" * (rest - 1) + b"\n"
        assert len(data) == total
        return data, full + (1 if rest else 0)

    def send_file_as_one_packet(self, total):
        """Sends the whole file as one logical packet (split in 2^24-1 pieces); returns rows."""
        data, lines = self.file_data(total)
        with rawproto.RawClient(self.sg.port, timeout=20) as c:
            ok = c.login(database="app", capabilities=rawproto.CLIENT_LONG_PASSWORD |
                         rawproto.CLIENT_TRANSACTIONS | CLIENT_LOCAL_FILES)
            self.assertEqual(ok[:1], b"\x00", ok)
            c.send(b"\x03" + f"LOAD DATA LOCAL INFILE 'raw.txt' INTO TABLE {self.TABLE} "
                   "LINES TERMINATED BY '\\n' (v)".encode(), 0)
            seq, req = c.read()
            self.assertEqual(req, b"\xfbraw.txt")
            seq += 1
            out = bytearray()
            pos = 0
            while True:  # a logical packet: 2^24-1 pieces, then a shorter (maybe empty) one
                piece = data[pos:pos + MAX_PAYLOAD]
                out += rawproto.frame(piece, seq & 0xFF)
                seq += 1
                pos += len(piece)
                if len(piece) < MAX_PAYLOAD:
                    break
            out += rawproto.frame(b"", seq & 0xFF)  # end of file
            c.sock.sendall(out)
            try:
                _, resp = c.read()
            except (TimeoutError, ConnectionError) as e:
                # The master still waits for the file's end, holding the table: free it.
                harness.kill_queries_like(
                    f"LOAD DATA LOCAL INFILE 'raw.txt' INTO TABLE {self.TABLE}%")
                self.fail(f"no answer to a {total}-byte LOAD DATA LOCAL INFILE packet: {e!r}")
            self.assertEqual(resp[:1], b"\x00", rawproto.parse_err(resp) or resp[:64])
            self.assertEqual(rawproto.parse_ok(resp)[0], lines)
            status, packets = c.query("SELECT 'next command'")
            self.assertEqual(status, "ok")
        got = harness.master_query(f"SELECT COUNT(*), SUM(LENGTH(v)) FROM {self.TABLE}")
        self.assertEqual(got[0][0], lines)
        self.assertEqual(int(got[0][1]), total - lines)
        harness.check_serves(self, self.sg)

    def test_17_mib_logical_packet(self):
        self.send_file_as_one_packet(17 * MIB)

    # A logical packet of exactly 2^24-1 bytes: test_known_bugs.py.


class BigBlobTest(harness.ShardgateTestCase):
    TABLE = "it_large_blob"
    SIZE = 20 * MIB

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        harness.master_query(f"DROP TABLE IF EXISTS {cls.TABLE}")
        harness.master_query(f"CREATE TABLE {cls.TABLE} (id INT PRIMARY KEY, data LONGBLOB)")
        cls.blob = random.Random(20).randbytes(cls.SIZE)
        cls.sha = hashlib.sha256(cls.blob).hexdigest()

    @classmethod
    def tearDownClass(cls):
        harness.master_query(f"DROP TABLE IF EXISTS {cls.TABLE}")
        super().tearDownClass()

    def round_trip(self, driver, row_id):
        with contextlib.closing(driver.connect(self.sg.port, autocommit=True,
                                               **self.connect_args(driver))) as c:
            cur = c.cursor()
            cur.execute(f"INSERT INTO {self.TABLE} VALUES (%s, %s)", (row_id, self.blob))
            cur.execute(f"SELECT data, LENGTH(data), SHA2(data, 256) FROM {self.TABLE} "
                        "WHERE id = %s", (row_id,))
            data, length, server_sha = cur.fetchone()
            self.assertEqual(length, self.SIZE)
            self.assertEqual(server_sha, self.sha)  # what the master stored
            self.assertEqual(hashlib.sha256(data).hexdigest(), self.sha)  # what came back
            cur.execute("SELECT REPEAT('z', 17 * 1024 * 1024) AS r, 'tail' AS t")
            r, t = cur.fetchone()
            self.assertEqual((len(r), r.strip("z"), t), (17 * MIB, "", "tail"))
            cur.execute("SELECT 'still in sync'")
            self.assertEqual(cur.fetchone()[0], "still in sync")
        got = harness.master_query(f"SELECT SHA2(data, 256) FROM {self.TABLE} WHERE id = {row_id}")
        self.assertEqual(got, ((self.sha,),))

    @staticmethod
    def connect_args(driver):
        if issubclass(driver, drivers.PyMySQLDriver):
            return {"max_allowed_packet": 64 * MIB}
        return {}

    def test_pymysql_20_mib_blob(self):
        self.round_trip(drivers.PyMySQLDriver, 1)

    def test_mysqldb_20_mib_blob(self):
        self.round_trip(drivers.MySQLdbDriver, 2)

    def test_pymysql_20_mib_blob_over_tls(self):
        self.round_trip(drivers.PyMySQLTlsDriver, 3)


if __name__ == "__main__":
    unittest.main()
