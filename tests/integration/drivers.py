"""PyMySQL and mysqlclient (MySQLdb) behind one small interface, so a test can run with both
and compare what shardgate returns with what the master returns directly."""

import MySQLdb
import MySQLdb.constants.CLIENT
import pymysql
import pymysql.constants.CLIENT

import harness


class PyMySQLDriver:
    name = "pymysql"
    Error = pymysql.err.MySQLError
    OperationalError = pymysql.err.OperationalError

    @staticmethod
    def connect(port, multi_statements=False, **kw):
        if multi_statements:
            kw["client_flag"] = kw.get("client_flag", 0) | pymysql.constants.CLIENT.MULTI_STATEMENTS
        return harness.pymysql_connect(port, **kw)

    @staticmethod
    def flags(cur):
        """Column flags of the current result set ([] without one)."""
        result = getattr(cur, "_result", None)
        fields = getattr(result, "fields", None)
        if not fields:
            return []
        return [f.flags for f in result.fields]

    @staticmethod
    def charsets(cur):
        result = getattr(cur, "_result", None)
        fields = getattr(result, "fields", None)
        if not fields:
            return []
        return [f.charsetnr for f in result.fields]


class PyMySQLTlsDriver(PyMySQLDriver):
    """PyMySQL with TLS to shardgate (the cluster's servers have no TLS: plain to them)."""

    name = "pymysqltls"

    @staticmethod
    def connect(port, multi_statements=False, **kw):
        if port == harness.cluster().master_port:
            return PyMySQLDriver.connect(port, multi_statements=multi_statements, **kw)
        if multi_statements:
            kw["client_flag"] = kw.get("client_flag", 0) | pymysql.constants.CLIENT.MULTI_STATEMENTS
        return harness.pymysql_connect_tls(port, **kw)


class MySQLdbDriver:
    name = "mysqldb"
    Error = MySQLdb.MySQLError
    OperationalError = MySQLdb.OperationalError

    @staticmethod
    def connect(port, multi_statements=False, **kw):
        # mysqlclient adds these flags only for client libraries numbered >= 4.1/5.0, and
        # libmariadb is 3.x.
        kw["client_flag"] = kw.get("client_flag", 0) | MySQLdb.constants.CLIENT.MULTI_RESULTS
        if multi_statements:
            kw["client_flag"] |= MySQLdb.constants.CLIENT.MULTI_STATEMENTS
        return harness.mysqldb_connect(port, **kw)

    @staticmethod
    def flags(cur):
        return list(cur.description_flags or ())

    @staticmethod
    def charsets(cur):
        return []


DRIVERS = (PyMySQLDriver, MySQLdbDriver)


def error_code(exc):
    return exc.args[0]


def all_result_sets(cur, driver, sql, args=None):
    """Runs sql and returns every result set as (description, flags, charsets, rows, rowcount)."""
    cur.execute(sql, args)
    sets = []
    while True:
        desc = cur.description
        rows = tuple(cur.fetchall()) if desc else None
        sets.append((desc, driver.flags(cur), driver.charsets(cur), rows, cur.rowcount))
        if not cur.nextset():
            break
    return sets
