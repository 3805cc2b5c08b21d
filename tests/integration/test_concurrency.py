"""200 clients at once through one shardgate; afterwards its file descriptors are back at the
baseline (no leaked client or backend sockets), whether clients quit politely or vanish."""

import contextlib
import socket
import threading
import unittest

import drivers
import harness

CLIENTS = 200
TABLE = "it_conc"


class ConcurrentClientsMixin:
    def setUp(self):
        harness.master_query(f"DROP TABLE IF EXISTS {TABLE}")
        harness.master_query(f"CREATE TABLE {TABLE} (client INT PRIMARY KEY, conn BIGINT, "
                             "note VARCHAR(64)) ENGINE=InnoDB")

    def tearDown(self):
        harness.master_query(f"DROP TABLE IF EXISTS {TABLE}")

    def run_clients(self, abrupt):
        sg = self.sg
        baseline = sg.settled_fds()
        barrier = threading.Barrier(CLIENTS + 1, timeout=120)
        errors = []
        conn_ids = [None] * CLIENTS
        lock = threading.Lock()

        def client(i):
            driver = drivers.DRIVERS[i % 2]
            try:
                c = driver.connect(sg.port, autocommit=True)
            except Exception as e:  # noqa: BLE001 - reported below
                with lock:
                    errors.append(f"client {i} connect: {e!r}")
                barrier.abort()
                return
            try:
                cur = c.cursor()
                cur.execute("SELECT CONNECTION_ID()")
                conn_ids[i] = cur.fetchone()[0]
                cur.execute(f"INSERT INTO {TABLE} VALUES (%s, %s, %s)",
                            (i, conn_ids[i], driver.name))
                barrier.wait()  # all clients connected at once
                barrier.wait()  # the main thread counted fds
                cur.execute(f"SELECT client, conn, note FROM {TABLE} WHERE client = %s", (i,))
                row = tuple(cur.fetchone())
                if row != (i, conn_ids[i], driver.name):
                    raise AssertionError(f"client {i} read {row}")
                cur.execute("SELECT SUM(seq) FROM seq_1_to_1000")
                if int(cur.fetchone()[0]) != 500500:
                    raise AssertionError("wrong sum")
            except Exception as e:  # noqa: BLE001
                with lock:
                    errors.append(f"client {i}: {e!r}")
                barrier.abort()
            finally:
                if abrupt and i % 4 == 0:
                    # Vanish without COM_QUIT: reset the TCP connection.
                    sock = c._sock if driver is drivers.PyMySQLDriver else None
                    if sock is not None:
                        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\0\0\0\0\0\0\0")
                        sock.close()
                    else:
                        c.close()
                else:
                    with contextlib.suppress(Exception):
                        c.close()

        threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
        for t in threads:
            t.start()
        try:
            barrier.wait()
            during = sg.fd_count()
            barrier.wait()
        except threading.BrokenBarrierError:
            during = None
        for t in threads:
            t.join(120)
        self.assertEqual(errors, [])
        # Every client had a backend connection of its own, and all were open at once.
        self.assertEqual(len(set(conn_ids)), CLIENTS)
        self.assertGreaterEqual(during, baseline + 2 * CLIENTS)
        self.assertEqual(harness.master_query(f"SELECT COUNT(*) FROM {TABLE}"), ((CLIENTS,),))
        after = sg.wait_fds(baseline, timeout=15)
        self.assertEqual(after, baseline, f"fds leaked:\n{sg.fd_listing()}")
        harness.check_serves(self, sg)
        self.assertEqual(sg.wait_fds(baseline), baseline)


class ConcurrentClientsSha2Test(ConcurrentClientsMixin, harness.ShardgateTestCase):
    SHARDGATE_OPTIONS = {"auth_plugin": "caching_sha2_password"}

    def test_200_clients_polite(self):
        self.run_clients(abrupt=False)

    def test_200_clients_some_vanish(self):
        self.run_clients(abrupt=True)


class ConcurrentClientsNativeTest(ConcurrentClientsMixin, harness.ShardgateTestCase):
    SHARDGATE_OPTIONS = {"auth_plugin": "mysql_native_password"}

    def test_200_clients_polite(self):
        self.run_clients(abrupt=False)


if __name__ == "__main__":
    unittest.main()
