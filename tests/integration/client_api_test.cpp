// The MariaDB C API (libmariadb) through shardgate: prepared statements of every common type,
// read-only cursors fetched in several COM_STMT_FETCH round trips, long data, statement
// reset/close, COM_CHANGE_USER, COM_RESET_CONNECTION, COM_STATISTICS, COM_PING,
// COM_FIELD_LIST, COM_SET_OPTION and multi-result loops.
//
// Run by with_shardgate.py, which starts shardgate and sets SHARDGATE_PORT and MASTER_PORT
// (the default shard's master, for comparisons).

#include <mysql.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace {

constexpr const char* kHost = "127.0.0.1";
constexpr const char* kUser = "app";
constexpr const char* kPassword = "app";

unsigned envPort(const char* name) {
  const char* v = std::getenv(name);
  if (!v || !*v) {
    ADD_FAILURE() << name << " is not set (run through with_shardgate.py / ctest)";
    return 0;
  }
  return static_cast<unsigned>(std::strtoul(v, nullptr, 10));
}

unsigned shardgatePort() { return envPort("SHARDGATE_PORT"); }
unsigned masterPort() { return envPort("MASTER_PORT"); }

struct MysqlCloser {
  void operator()(MYSQL* m) const { mysql_close(m); }
};
using Conn = std::unique_ptr<MYSQL, MysqlCloser>;

struct StmtCloser {
  void operator()(MYSQL_STMT* s) const { mysql_stmt_close(s); }
};
using Stmt = std::unique_ptr<MYSQL_STMT, StmtCloser>;

struct ResultFreer {
  void operator()(MYSQL_RES* r) const { mysql_free_result(r); }
};
using Result = std::unique_ptr<MYSQL_RES, ResultFreer>;

// Connects to port (shardgate by default); fails the test (returns null) when it cannot.
Conn connect(unsigned port = 0, const char* db = "app", unsigned long flags = 0, bool tls = false) {
  if (port == 0) port = shardgatePort();
  MYSQL* m = mysql_init(nullptr);
  unsigned timeout = 10;
  mysql_options(m, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
  mysql_options(m, MYSQL_OPT_READ_TIMEOUT, &timeout);
  mysql_options(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
  if (tls) {
    my_bool on = 1, off = 0;
    mysql_options(m, MYSQL_OPT_SSL_ENFORCE, &on);
    mysql_options(m, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &off);
  }
  if (!mysql_real_connect(m, kHost, kUser, kPassword, db, port, nullptr, flags)) {
    ADD_FAILURE() << "connect to port " << port << ": " << mysql_errno(m) << " " << mysql_error(m);
    mysql_close(m);
    return nullptr;
  }
  return Conn(m);
}

// Runs sql; fails the test with the server's error when it does not succeed.
bool exec(MYSQL* m, const std::string& sql) {
  if (mysql_real_query(m, sql.data(), sql.size()) != 0) {
    ADD_FAILURE() << sql << ": " << mysql_errno(m) << " " << mysql_error(m);
    return false;
  }
  // Drain whatever results there are.
  do {
    Result r(mysql_store_result(m));
  } while (mysql_next_result(m) == 0);
  return true;
}

// First column of the first row of sql's result (nullopt for NULL or no row).
std::optional<std::string> scalar(MYSQL* m, const std::string& sql) {
  if (mysql_real_query(m, sql.data(), sql.size()) != 0) {
    ADD_FAILURE() << sql << ": " << mysql_errno(m) << " " << mysql_error(m);
    return std::nullopt;
  }
  Result r(mysql_store_result(m));
  if (!r) return std::nullopt;
  MYSQL_ROW row = mysql_fetch_row(r.get());
  if (!row || !row[0]) return std::nullopt;
  unsigned long* len = mysql_fetch_lengths(r.get());
  return std::string(row[0], len[0]);
}

Stmt prepare(MYSQL* m, const std::string& sql) {
  Stmt s(mysql_stmt_init(m));
  if (mysql_stmt_prepare(s.get(), sql.data(), sql.size()) != 0) {
    ADD_FAILURE() << "prepare " << sql << ": " << mysql_stmt_errno(s.get()) << " "
                  << mysql_stmt_error(s.get());
    return nullptr;
  }
  return s;
}

std::string pattern(size_t n, unsigned seed) {
  std::string s(n, '\0');
  uint32_t x = seed * 2654435761u + 1;
  for (size_t i = 0; i < n; ++i) {
    x = x * 1103515245u + 12345u;
    s[i] = static_cast<char>(x >> 24);
  }
  return s;
}

class ClientApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    conn_ = connect();
    ASSERT_TRUE(conn_);
  }
  MYSQL* m() { return conn_.get(); }
  Conn conn_;
};

// ---------------------------------------------------------------------------------------------
// Prepared statements

TEST_F(ClientApiTest, PreparedStatementAllTypes) {
  ASSERT_TRUE(exec(m(),
                   "CREATE TEMPORARY TABLE ps_types (i INT, b BIGINT, d DOUBLE, "
                   "dec_ DECIMAL(20,6), s VARCHAR(100) CHARACTER SET utf8mb4, bl BLOB, "
                   "dt DATETIME(6), n INT NULL)"));
  Stmt ins = prepare(m(), "INSERT INTO ps_types VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  ASSERT_TRUE(ins);
  ASSERT_EQ(mysql_stmt_param_count(ins.get()), 8u);

  int32_t i = -123456;
  long long b = -9007199254740993LL;
  double d = 3.14159265358979;
  std::string dec = "-12345678901234.123456";
  std::string s = "h\xC3\xA9llo \xF0\x9F\x98\x80";  // héllo 😀
  std::string bl("\x00\x01\xFF\xFE\x00zz", 7);
  MYSQL_TIME dt{};
  dt.year = 2024;
  dt.month = 2;
  dt.day = 29;
  dt.hour = 23;
  dt.minute = 59;
  dt.second = 58;
  dt.second_part = 123456;
  dt.time_type = MYSQL_TIMESTAMP_DATETIME;
  my_bool isNull = 1;
  unsigned long decLen = dec.size(), sLen = s.size(), blLen = bl.size();

  MYSQL_BIND p[8];
  std::memset(p, 0, sizeof p);
  p[0].buffer_type = MYSQL_TYPE_LONG;
  p[0].buffer = &i;
  p[1].buffer_type = MYSQL_TYPE_LONGLONG;
  p[1].buffer = &b;
  p[2].buffer_type = MYSQL_TYPE_DOUBLE;
  p[2].buffer = &d;
  p[3].buffer_type = MYSQL_TYPE_NEWDECIMAL;
  p[3].buffer = dec.data();
  p[3].length = &decLen;
  p[4].buffer_type = MYSQL_TYPE_STRING;
  p[4].buffer = s.data();
  p[4].length = &sLen;
  p[5].buffer_type = MYSQL_TYPE_BLOB;
  p[5].buffer = bl.data();
  p[5].length = &blLen;
  p[6].buffer_type = MYSQL_TYPE_DATETIME;
  p[6].buffer = &dt;
  p[7].buffer_type = MYSQL_TYPE_LONG;
  p[7].is_null = &isNull;
  ASSERT_EQ(mysql_stmt_bind_param(ins.get(), p), 0) << mysql_stmt_error(ins.get());
  ASSERT_EQ(mysql_stmt_execute(ins.get()), 0) << mysql_stmt_error(ins.get());
  EXPECT_EQ(mysql_stmt_affected_rows(ins.get()), 1u);
  i = 7;  // a second execution of the same statement
  ASSERT_EQ(mysql_stmt_execute(ins.get()), 0) << mysql_stmt_error(ins.get());

  Stmt sel = prepare(m(), "SELECT i, b, d, dec_, s, bl, dt, n FROM ps_types ORDER BY i");
  ASSERT_TRUE(sel);
  Result meta(mysql_stmt_result_metadata(sel.get()));
  ASSERT_TRUE(meta);
  ASSERT_EQ(mysql_num_fields(meta.get()), 8u);
  MYSQL_FIELD* f = mysql_fetch_fields(meta.get());
  EXPECT_EQ(f[0].type, MYSQL_TYPE_LONG);
  EXPECT_EQ(f[1].type, MYSQL_TYPE_LONGLONG);
  EXPECT_EQ(f[2].type, MYSQL_TYPE_DOUBLE);
  EXPECT_EQ(f[3].type, MYSQL_TYPE_NEWDECIMAL);
  EXPECT_EQ(f[3].decimals, 6u);
  EXPECT_EQ(f[4].type, MYSQL_TYPE_VAR_STRING);
  EXPECT_EQ(f[5].type, MYSQL_TYPE_BLOB);
  EXPECT_EQ(f[6].type, MYSQL_TYPE_DATETIME);
  EXPECT_STREQ(f[4].name, "s");
  EXPECT_STREQ(f[4].org_table, "ps_types");
  ASSERT_EQ(mysql_stmt_execute(sel.get()), 0) << mysql_stmt_error(sel.get());

  int32_t oi = 0;
  long long ob = 0;
  double od = 0;
  char odec[64], os[128], obl[64];
  MYSQL_TIME odt{};
  int32_t on = 0;
  unsigned long lens[8] = {};
  my_bool nulls[8] = {};
  MYSQL_BIND r[8];
  std::memset(r, 0, sizeof r);
  r[0].buffer_type = MYSQL_TYPE_LONG;
  r[0].buffer = &oi;
  r[1].buffer_type = MYSQL_TYPE_LONGLONG;
  r[1].buffer = &ob;
  r[2].buffer_type = MYSQL_TYPE_DOUBLE;
  r[2].buffer = &od;
  r[3].buffer_type = MYSQL_TYPE_STRING;
  r[3].buffer = odec;
  r[3].buffer_length = sizeof odec;
  r[4].buffer_type = MYSQL_TYPE_STRING;
  r[4].buffer = os;
  r[4].buffer_length = sizeof os;
  r[5].buffer_type = MYSQL_TYPE_BLOB;
  r[5].buffer = obl;
  r[5].buffer_length = sizeof obl;
  r[6].buffer_type = MYSQL_TYPE_DATETIME;
  r[6].buffer = &odt;
  r[7].buffer_type = MYSQL_TYPE_LONG;
  r[7].buffer = &on;
  for (int k = 0; k < 8; ++k) {
    r[k].length = &lens[k];
    r[k].is_null = &nulls[k];
  }
  ASSERT_EQ(mysql_stmt_bind_result(sel.get(), r), 0) << mysql_stmt_error(sel.get());

  ASSERT_EQ(mysql_stmt_fetch(sel.get()), 0) << mysql_stmt_error(sel.get());
  EXPECT_EQ(oi, -123456);
  EXPECT_EQ(ob, -9007199254740993LL);
  EXPECT_DOUBLE_EQ(od, 3.14159265358979);
  EXPECT_EQ(std::string(odec, lens[3]), dec);
  EXPECT_EQ(std::string(os, lens[4]), s);
  EXPECT_EQ(std::string(obl, lens[5]), bl);
  EXPECT_EQ(odt.year, 2024u);
  EXPECT_EQ(odt.month, 2u);
  EXPECT_EQ(odt.day, 29u);
  EXPECT_EQ(odt.hour, 23u);
  EXPECT_EQ(odt.second, 58u);
  EXPECT_EQ(odt.second_part, 123456u);
  EXPECT_TRUE(nulls[7]);
  EXPECT_FALSE(nulls[0]);
  ASSERT_EQ(mysql_stmt_fetch(sel.get()), 0);
  EXPECT_EQ(oi, 7);
  EXPECT_EQ(mysql_stmt_fetch(sel.get()), MYSQL_NO_DATA);
}

TEST_F(ClientApiTest, PreparedStatementErrorsKeepSessionUsable) {
  Stmt bad(mysql_stmt_init(m()));
  std::string sql = "SELECT * FROM no_such_table_capi";
  EXPECT_NE(mysql_stmt_prepare(bad.get(), sql.data(), sql.size()), 0);
  EXPECT_EQ(mysql_stmt_errno(bad.get()), 1146u);
  EXPECT_STREQ(mysql_stmt_sqlstate(bad.get()), "42S02");
  Stmt div = prepare(m(), "SELECT 1 DIV ?");
  ASSERT_TRUE(div);
  EXPECT_EQ(scalar(m(), "SELECT 'fine'"), "fine");
}

TEST_F(ClientApiTest, ReadOnlyCursorFetchesInSeveralRoundTrips) {
  Stmt st = prepare(m(), "SELECT seq, CONCAT('row', seq) FROM seq_1_to_10 ORDER BY seq");
  ASSERT_TRUE(st);
  unsigned long type = CURSOR_TYPE_READ_ONLY, prefetch = 2;
  ASSERT_EQ(mysql_stmt_attr_set(st.get(), STMT_ATTR_CURSOR_TYPE, &type), 0);
  ASSERT_EQ(mysql_stmt_attr_set(st.get(), STMT_ATTR_PREFETCH_ROWS, &prefetch), 0);
  std::string countSql =
      "SELECT VARIABLE_VALUE FROM information_schema.SESSION_STATUS "
      "WHERE VARIABLE_NAME = 'COM_STMT_FETCH'";
  long fetches0 = std::stol(scalar(m(), countSql).value_or("-1000"));
  ASSERT_EQ(mysql_stmt_execute(st.get()), 0) << mysql_stmt_error(st.get());
  EXPECT_TRUE(st->upsert_status.server_status & SERVER_STATUS_CURSOR_EXISTS)
      << "the server opened no cursor";

  long long seq = 0;
  char text[32];
  unsigned long textLen = 0;
  MYSQL_BIND r[2];
  std::memset(r, 0, sizeof r);
  r[0].buffer_type = MYSQL_TYPE_LONGLONG;
  r[0].buffer = &seq;
  r[1].buffer_type = MYSQL_TYPE_STRING;
  r[1].buffer = text;
  r[1].buffer_length = sizeof text;
  r[1].length = &textLen;
  ASSERT_EQ(mysql_stmt_bind_result(st.get(), r), 0);
  std::vector<long long> seen;
  for (;;) {
    int rc = mysql_stmt_fetch(st.get());
    if (rc == MYSQL_NO_DATA) break;
    ASSERT_EQ(rc, 0) << mysql_stmt_errno(st.get()) << " " << mysql_stmt_error(st.get());
    EXPECT_EQ(std::string(text, textLen), "row" + std::to_string(seq));
    seen.push_back(seq);
    if (seen.size() == 5) {
      // Another statement on the same connection while the cursor is open.
      Stmt other = prepare(m(), "SELECT 99");
      ASSERT_TRUE(other);
      ASSERT_EQ(mysql_stmt_execute(other.get()), 0) << mysql_stmt_error(other.get());
      ASSERT_EQ(mysql_stmt_store_result(other.get()), 0);
      EXPECT_EQ(mysql_stmt_num_rows(other.get()), 1u);
    }
  }
  std::vector<long long> want{1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  EXPECT_EQ(seen, want);
  long fetches = std::stol(scalar(m(), countSql).value_or("-1000")) - fetches0;
  EXPECT_GE(fetches, 5) << "expected several COM_STMT_FETCH round trips of 2 rows";
}

TEST_F(ClientApiTest, SendLongDataInChunks) {
  ASSERT_TRUE(exec(m(), "CREATE TEMPORARY TABLE ps_long (id INT PRIMARY KEY, b LONGBLOB)"));
  Stmt st = prepare(m(), "INSERT INTO ps_long VALUES (?, ?)");
  ASSERT_TRUE(st);
  int32_t id = 1;
  MYSQL_BIND p[2];
  std::memset(p, 0, sizeof p);
  p[0].buffer_type = MYSQL_TYPE_LONG;
  p[0].buffer = &id;
  p[1].buffer_type = MYSQL_TYPE_LONG_BLOB;
  ASSERT_EQ(mysql_stmt_bind_param(st.get(), p), 0);
  const std::string data = pattern(3 * 1024 * 1024, 3);
  const size_t chunk = 700 * 1024;  // five pieces, the last one shorter
  for (size_t off = 0; off < data.size(); off += chunk) {
    size_t n = std::min(chunk, data.size() - off);
    ASSERT_EQ(mysql_stmt_send_long_data(st.get(), 1, data.data() + off, n), 0)
        << mysql_stmt_error(st.get());
  }
  ASSERT_EQ(mysql_stmt_execute(st.get()), 0) << mysql_stmt_error(st.get());

  EXPECT_EQ(scalar(m(), "SELECT LENGTH(b) FROM ps_long WHERE id = 1"), std::to_string(data.size()));
  auto back = scalar(m(), "SELECT b FROM ps_long WHERE id = 1");
  ASSERT_TRUE(back);
  EXPECT_TRUE(*back == data) << "3 MiB of long data came back different";

  // mysql_stmt_reset discards long data sent since the last execute.
  id = 2;
  ASSERT_EQ(mysql_stmt_send_long_data(st.get(), 1, "discarded", 9), 0);
  ASSERT_EQ(mysql_stmt_reset(st.get()), 0) << mysql_stmt_error(st.get());
  ASSERT_EQ(mysql_stmt_send_long_data(st.get(), 1, "kept", 4), 0);
  ASSERT_EQ(mysql_stmt_execute(st.get()), 0) << mysql_stmt_error(st.get());
  EXPECT_EQ(scalar(m(), "SELECT b FROM ps_long WHERE id = 2"), "kept");
}

TEST(ClientApiBig, InlineParameterOver16MiB) {
  // COM_STMT_EXECUTE of 17 MiB: a packet split in 2^24-1 pieces on the way in, and a row
  // split the same way on the way out.
  MYSQL* m = mysql_init(nullptr);
  unsigned long maxPacket = 64ul << 20;
  mysql_options(m, MYSQL_OPT_MAX_ALLOWED_PACKET, &maxPacket);
  ASSERT_TRUE(mysql_real_connect(m, kHost, kUser, kPassword, "app", shardgatePort(), nullptr, 0))
      << mysql_error(m);
  Conn c(m);
  Stmt st = prepare(m, "SELECT LENGTH(?), MD5(?) = MD5(REPEAT(CHAR(0x5a), 17825792)), ?");
  ASSERT_TRUE(st);
  std::string big(17u << 20, 'Z');
  unsigned long len = big.size();
  MYSQL_BIND p[3];
  std::memset(p, 0, sizeof p);
  for (auto& b : p) {
    b.buffer_type = MYSQL_TYPE_LONG_BLOB;
    b.buffer = big.data();
    b.buffer_length = big.size();
    b.length = &len;
  }
  unsigned long small = 3;
  p[2].length = &small;  // the third parameter: only "ZZZ"
  ASSERT_EQ(mysql_stmt_bind_param(st.get(), p), 0);
  ASSERT_EQ(mysql_stmt_execute(st.get()), 0) << mysql_stmt_error(st.get());
  long long outLen = 0, same = 0;
  char tail[8];
  unsigned long tailLen = 0;
  MYSQL_BIND r[3];
  std::memset(r, 0, sizeof r);
  r[0].buffer_type = MYSQL_TYPE_LONGLONG;
  r[0].buffer = &outLen;
  r[1].buffer_type = MYSQL_TYPE_LONGLONG;
  r[1].buffer = &same;
  r[2].buffer_type = MYSQL_TYPE_STRING;
  r[2].buffer = tail;
  r[2].buffer_length = sizeof tail;
  r[2].length = &tailLen;
  ASSERT_EQ(mysql_stmt_bind_result(st.get(), r), 0);
  ASSERT_EQ(mysql_stmt_fetch(st.get()), 0) << mysql_stmt_error(st.get());
  EXPECT_EQ(outLen, static_cast<long long>(big.size()));
  EXPECT_EQ(same, 1);
  EXPECT_EQ(std::string(tail, tailLen), "ZZZ");
  EXPECT_EQ(mysql_stmt_fetch(st.get()), MYSQL_NO_DATA);
  // A 17 MiB row back through the binary protocol.
  Stmt rep = prepare(m, "SELECT REPEAT('q', 17825792)");
  ASSERT_TRUE(rep);
  ASSERT_EQ(mysql_stmt_execute(rep.get()), 0) << mysql_stmt_error(rep.get());
  ASSERT_EQ(mysql_stmt_store_result(rep.get()), 0) << mysql_stmt_error(rep.get());
  EXPECT_EQ(mysql_stmt_num_rows(rep.get()), 1u);
  EXPECT_EQ(scalar(m, "SELECT 'in sync'"), "in sync");
}

TEST_F(ClientApiTest, StmtResetClosesCursorAndStmtCloseThenReprepare) {
  Stmt st = prepare(m(), "SELECT seq FROM seq_1_to_10");
  ASSERT_TRUE(st);
  unsigned long type = CURSOR_TYPE_READ_ONLY, prefetch = 3;
  mysql_stmt_attr_set(st.get(), STMT_ATTR_CURSOR_TYPE, &type);
  mysql_stmt_attr_set(st.get(), STMT_ATTR_PREFETCH_ROWS, &prefetch);
  long long v = 0;
  MYSQL_BIND r;
  std::memset(&r, 0, sizeof r);
  r.buffer_type = MYSQL_TYPE_LONGLONG;
  r.buffer = &v;
  ASSERT_EQ(mysql_stmt_execute(st.get()), 0);
  ASSERT_EQ(mysql_stmt_bind_result(st.get(), &r), 0);
  ASSERT_EQ(mysql_stmt_fetch(st.get()), 0);
  EXPECT_EQ(v, 1);
  ASSERT_EQ(mysql_stmt_reset(st.get()), 0) << mysql_stmt_error(st.get());  // closes the cursor
  ASSERT_EQ(mysql_stmt_execute(st.get()), 0) << mysql_stmt_error(st.get());
  ASSERT_EQ(mysql_stmt_bind_result(st.get(), &r), 0);
  int rows = 0;
  while (mysql_stmt_fetch(st.get()) == 0) ++rows;
  EXPECT_EQ(rows, 10);

  const std::string sql = "SELECT ? + 1";
  for (int round = 0; round < 3; ++round) {
    Stmt s = prepare(m(), sql);
    ASSERT_TRUE(s);
    long long in = round * 10, out = 0;
    MYSQL_BIND p, o;
    std::memset(&p, 0, sizeof p);
    std::memset(&o, 0, sizeof o);
    p.buffer_type = MYSQL_TYPE_LONGLONG;
    p.buffer = &in;
    o.buffer_type = MYSQL_TYPE_LONGLONG;
    o.buffer = &out;
    ASSERT_EQ(mysql_stmt_bind_param(s.get(), &p), 0);
    ASSERT_EQ(mysql_stmt_execute(s.get()), 0) << mysql_stmt_error(s.get());
    ASSERT_EQ(mysql_stmt_bind_result(s.get(), &o), 0);
    ASSERT_EQ(mysql_stmt_fetch(s.get()), 0);
    EXPECT_EQ(out, round * 10 + 1);
    // s closes here (COM_STMT_CLOSE has no answer); the next round prepares again.
  }
  EXPECT_EQ(scalar(m(), "SELECT 'in sync'"), "in sync");
}

// ---------------------------------------------------------------------------------------------
// Session commands

TEST_F(ClientApiTest, ChangeUser) {
  ASSERT_TRUE(exec(m(), "SET @before_change = 1"));
  ASSERT_EQ(mysql_change_user(m(), kUser, kPassword, "mysql"), 0) << mysql_error(m());
  EXPECT_EQ(scalar(m(), "SELECT DATABASE()"), "mysql");
  EXPECT_EQ(scalar(m(), "SELECT @before_change"), std::nullopt) << "session state must be reset";
  ASSERT_EQ(mysql_change_user(m(), kUser, kPassword, nullptr), 0) << mysql_error(m());
  EXPECT_EQ(scalar(m(), "SELECT DATABASE()"), std::nullopt);
  ASSERT_EQ(mysql_change_user(m(), kUser, kPassword, "app"), 0) << mysql_error(m());
  EXPECT_EQ(scalar(m(), "SELECT DATABASE()"), "app");
  EXPECT_EQ(scalar(m(), "SELECT CURRENT_USER()"), "app@127.0.0.1");
}

TEST_F(ClientApiTest, ChangeUserWrongPassword) {
  EXPECT_NE(mysql_change_user(m(), kUser, "wrong", "app"), 0);
  EXPECT_EQ(mysql_errno(m()), 1045u);
  EXPECT_STREQ(mysql_sqlstate(m()), "28000");
  EXPECT_STREQ(mysql_error(m()), "Access denied for user 'app'@'127.0.0.1' (using password: YES)");
  // shardgate, like MySQL, ends the session after a failed COM_CHANGE_USER: a new one works.
  Conn again = connect();
  ASSERT_TRUE(again);
  EXPECT_EQ(scalar(again.get(), "SELECT 1"), "1");
}

TEST_F(ClientApiTest, ChangeUserUnknownUser) {
  EXPECT_NE(mysql_change_user(m(), "nobody", "x", nullptr), 0);
  EXPECT_EQ(mysql_errno(m()), 1045u);
}

TEST_F(ClientApiTest, ResetConnectionClearsSessionState) {
  ASSERT_TRUE(exec(m(), "SET @uv = 42"));
  ASSERT_TRUE(exec(m(), "CREATE TEMPORARY TABLE reset_me (a INT)"));
  ASSERT_TRUE(exec(m(), "SET SESSION sql_mode = 'ANSI_QUOTES'"));
  ASSERT_EQ(scalar(m(), "SELECT @uv"), "42");
  ASSERT_EQ(mysql_reset_connection(m()), 0) << mysql_error(m());
  EXPECT_EQ(scalar(m(), "SELECT @uv"), std::nullopt);
  EXPECT_NE(scalar(m(), "SELECT @@SESSION.sql_mode"), "ANSI_QUOTES");
  EXPECT_NE(mysql_query(m(), "SELECT * FROM reset_me"), 0);
  EXPECT_EQ(mysql_errno(m()), 1146u);
  EXPECT_EQ(scalar(m(), "SELECT DATABASE()"), "app") << "the database survives a reset";
}

TEST_F(ClientApiTest, Statistics) {
  const char* stat = mysql_stat(m());
  ASSERT_NE(stat, nullptr) << mysql_error(m());
  std::string s = stat;
  EXPECT_EQ(s.rfind("Uptime: ", 0), 0u) << s;
  EXPECT_NE(s.find("Threads: "), std::string::npos) << s;
  EXPECT_NE(s.find("Queries per second avg: "), std::string::npos) << s;
  EXPECT_EQ(scalar(m(), "SELECT 'after stat'"), "after stat");
}

TEST_F(ClientApiTest, Ping) {
  for (int k = 0; k < 3; ++k) EXPECT_EQ(mysql_ping(m()), 0) << mysql_error(m());
  EXPECT_EQ(scalar(m(), "SELECT 'after ping'"), "after ping");
}

TEST_F(ClientApiTest, ListFields) {
  ASSERT_TRUE(
      exec(m(), "DROP TABLE IF EXISTS capi_list_fields_" + std::to_string(shardgatePort())));
  const std::string t = "capi_list_fields_" + std::to_string(shardgatePort());
  ASSERT_TRUE(exec(m(), "CREATE TABLE " + t +
                            " (id INT PRIMARY KEY, name VARCHAR(20), "
                            "price DECIMAL(8,2), note TEXT)"));
  Result r(mysql_list_fields(m(), t.c_str(), nullptr));
  ASSERT_TRUE(r) << mysql_error(m());
  ASSERT_EQ(mysql_num_fields(r.get()), 4u);
  MYSQL_FIELD* f = mysql_fetch_fields(r.get());
  EXPECT_STREQ(f[0].name, "id");
  EXPECT_EQ(f[0].type, MYSQL_TYPE_LONG);
  EXPECT_TRUE(f[0].flags & PRI_KEY_FLAG);
  EXPECT_STREQ(f[1].name, "name");
  EXPECT_EQ(f[1].type, MYSQL_TYPE_VAR_STRING);
  EXPECT_STREQ(f[2].name, "price");
  EXPECT_EQ(f[2].type, MYSQL_TYPE_NEWDECIMAL);
  EXPECT_STREQ(f[3].name, "note");
  EXPECT_EQ(f[3].type, MYSQL_TYPE_BLOB);
  Result wild(mysql_list_fields(m(), t.c_str(), "n%"));
  ASSERT_TRUE(wild) << mysql_error(m());
  EXPECT_EQ(mysql_num_fields(wild.get()), 2u);
  Result none(mysql_list_fields(m(), "no_such_table_capi", nullptr));
  EXPECT_FALSE(none);
  EXPECT_EQ(mysql_errno(m()), 1146u);
  EXPECT_EQ(scalar(m(), "SELECT 'after list'"), "after list");
  ASSERT_TRUE(exec(m(), "DROP TABLE " + t));
}

TEST_F(ClientApiTest, SetServerOptionMultiStatements) {
  // Connected without CLIENT_MULTI_STATEMENTS: a batch is a syntax error.
  EXPECT_NE(mysql_query(m(), "SELECT 1; SELECT 2"), 0);
  EXPECT_EQ(mysql_errno(m()), 1064u);
  ASSERT_EQ(mysql_set_server_option(m(), MYSQL_OPTION_MULTI_STATEMENTS_ON), 0) << mysql_error(m());
  ASSERT_EQ(mysql_query(m(), "SELECT 1 AS a; SELECT 'b', 'c'; DO 0; SELECT seq FROM seq_1_to_3"), 0)
      << mysql_error(m());
  std::vector<std::pair<unsigned, unsigned long long>> shapes;  // (columns, rows) per result
  int status = 0;
  do {
    Result r(mysql_store_result(m()));
    if (r) {
      shapes.emplace_back(mysql_num_fields(r.get()), mysql_num_rows(r.get()));
    } else {
      ASSERT_EQ(mysql_field_count(m()), 0u) << mysql_error(m());
      shapes.emplace_back(0, mysql_affected_rows(m()));
    }
    status = mysql_next_result(m());
    ASSERT_LE(status, 0) << mysql_error(m());
  } while (status == 0);
  std::vector<std::pair<unsigned, unsigned long long>> want{{1, 1}, {2, 1}, {0, 0}, {1, 3}};
  EXPECT_EQ(shapes, want);
  ASSERT_EQ(mysql_set_server_option(m(), MYSQL_OPTION_MULTI_STATEMENTS_OFF), 0) << mysql_error(m());
  EXPECT_NE(mysql_query(m(), "SELECT 1; SELECT 2"), 0);
  EXPECT_EQ(mysql_errno(m()), 1064u);
  EXPECT_EQ(scalar(m(), "SELECT 'single'"), "single");
}

TEST_F(ClientApiTest, NextResultLoopWithProcedureAndError) {
  Conn c = connect(0, "app", CLIENT_MULTI_STATEMENTS);
  ASSERT_TRUE(c);
  const std::string proc = "capi_proc_" + std::to_string(shardgatePort());
  ASSERT_TRUE(exec(c.get(), "DROP PROCEDURE IF EXISTS " + proc));
  ASSERT_TRUE(exec(
      c.get(), "CREATE PROCEDURE " + proc + "() BEGIN SELECT 1 AS x; SELECT 2 AS y, 3 AS z; END"));
  ASSERT_EQ(mysql_query(c.get(), ("CALL " + proc + "()").c_str()), 0) << mysql_error(c.get());
  int sets = 0, status = 0;
  do {
    Result r(mysql_store_result(c.get()));
    if (r) ++sets;
    status = mysql_next_result(c.get());
  } while (status == 0);
  EXPECT_EQ(status, -1) << mysql_error(c.get());
  EXPECT_EQ(sets, 2);
  // An error in the middle of a batch ends it; the session goes on.
  ASSERT_EQ(mysql_query(c.get(), "SELECT 1; SELECT * FROM no_such_table_capi; SELECT 3"), 0);
  {
    Result r(mysql_store_result(c.get()));
    EXPECT_TRUE(r);
  }
  EXPECT_GT(mysql_next_result(c.get()), 0);
  EXPECT_EQ(mysql_errno(c.get()), 1146u);
  EXPECT_EQ(scalar(c.get(), "SELECT 'next'"), "next");
  ASSERT_TRUE(exec(c.get(), "DROP PROCEDURE " + proc));
}

TEST(ClientApiTls, TlsConnection) {
  Conn c = connect(0, "app", 0, /*tls=*/true);
  ASSERT_TRUE(c);
  const char* cipher = mysql_get_ssl_cipher(c.get());
  ASSERT_NE(cipher, nullptr);
  EXPECT_GT(std::strlen(cipher), 0u);
  EXPECT_EQ(scalar(c.get(), "SELECT 'over tls'"), "over tls");
  Stmt st = prepare(c.get(), "SELECT ?");
  ASSERT_TRUE(st);
}

TEST(ClientApiCompare, ResultMetadataEqualsMaster) {
  const std::string sql =
      "SELECT 1 AS i, 2.5 AS d, 'x' AS s, NULL AS n, NOW() AS t, CAST(1 AS UNSIGNED) AS u, "
      "_binary 'b' AS b, user, host FROM mysql.user WHERE user = 'app' ORDER BY host";
  auto describe = [&](unsigned port) {
    std::vector<std::string> out;
    Conn c = connect(port);
    if (!c) return out;
    if (mysql_query(c.get(), sql.c_str()) != 0) {
      ADD_FAILURE() << mysql_error(c.get());
      return out;
    }
    Result r(mysql_store_result(c.get()));
    MYSQL_FIELD* f = mysql_fetch_fields(r.get());
    for (unsigned k = 0; k < mysql_num_fields(r.get()); ++k) {
      out.push_back(std::string(f[k].name) + "|" + f[k].org_name + "|" + f[k].table + "|" +
                    f[k].org_table + "|" + f[k].db + "|" + std::to_string(f[k].type) + "|" +
                    std::to_string(f[k].length) + "|" + std::to_string(f[k].flags) + "|" +
                    std::to_string(f[k].decimals) + "|" + std::to_string(f[k].charsetnr));
    }
    out.push_back("rows=" + std::to_string(mysql_num_rows(r.get())));
    return out;
  };
  auto mine = describe(shardgatePort());
  auto master = describe(masterPort());
  EXPECT_FALSE(mine.empty());
  EXPECT_EQ(mine, master);
}

}  // namespace
