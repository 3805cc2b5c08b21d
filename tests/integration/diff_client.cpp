// diff_client: runs statements through the prepared-statement (binary) protocol of libmariadb
// and prints what came back, one JSON line per statement, for test_differential.py to compare
// (shardgate against a reference server).
//
//   diff_client --port P [--host H] [--user U] [--password W] [--db D]
//
// stdin: one JSON object per line, {"id": ANY, "sql": "SELECT ... ?", "params": [1, "x", null,
// 2.5]}. Integers bind as MYSQL_TYPE_LONGLONG (unsigned past INT64_MAX), strings as
// MYSQL_TYPE_STRING, floats as MYSQL_TYPE_DOUBLE, null as MYSQL_TYPE_NULL.
//
// stdout: per input line, {"id": ..., "param_count": N, "prepare_fields": [...], "fields": [...],
// "rows": [[...], ...]} or {"id": ..., "stage": "prepare|execute|store|fetch|client",
// "error": {"code": N, "sqlstate": "...", "message": "..."}}. A field is {"name", "org_name",
// "table", "org_table", "db", "type", "length", "decimals", "flags", "charsetnr"};
// prepare_fields are the column definitions of the COM_STMT_PREPARE response, fields those of
// the execution. Row values are strings in the text protocol's form (integers, DECIMALs as sent,
// DATE 'YYYY-MM-DD', DATETIME/TIMESTAMP 'YYYY-MM-DD HH:MM:SS[.frac]' and TIME '[-]HH:MM:SS[.frac]'
// with as many fraction digits as the column's decimals, FLOAT/DOUBLE with %.9g/%.17g, i.e.
// exactly), binary-charset strings as "0x" + hex; NULL is null. A lost connection is reopened
// for the next statement.

#include <mysql.h>

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

namespace {

// ---------------------------------------------------------------------------------------------
// A minimal JSON reader (objects, arrays, strings, numbers, true/false/null) for the input lines.

struct Json;
using JsonArray = std::vector<Json>;
using JsonObject = std::map<std::string, Json>;

struct Json {
  enum class Kind { kNull, kBool, kInt, kUint, kDouble, kString, kArray, kObject };
  Kind kind = Kind::kNull;
  bool b = false;
  int64_t i = 0;
  uint64_t u = 0;
  double d = 0;
  std::string s;
  std::shared_ptr<JsonArray> array;
  std::shared_ptr<JsonObject> object;
  std::string raw;  // the text it was read from (to echo ids back)
};

class JsonReader {
 public:
  explicit JsonReader(const std::string& text) : t_(text) {}

  Json document() {
    Json v = value();
    ws();
    if (p_ != t_.size()) fail("trailing characters");
    return v;
  }

 private:
  [[noreturn]] void fail(const std::string& why) {
    throw std::runtime_error("bad JSON input at offset " + std::to_string(p_) + ": " + why);
  }
  void ws() {
    while (p_ < t_.size() && (t_[p_] == ' ' || t_[p_] == '\t' || t_[p_] == '\r' || t_[p_] == '\n'))
      ++p_;
  }
  bool eat(char c) {
    ws();
    if (p_ < t_.size() && t_[p_] == c) {
      ++p_;
      return true;
    }
    return false;
  }
  void expect(char c) {
    if (!eat(c)) fail(std::string("expected '") + c + "'");
  }
  bool word(const char* w) {
    size_t n = std::strlen(w);
    if (t_.compare(p_, n, w) == 0) {
      p_ += n;
      return true;
    }
    return false;
  }

  Json value() {
    ws();
    if (p_ >= t_.size()) fail("unexpected end");
    size_t start = p_;
    Json v;
    char c = t_[p_];
    if (c == '{') {
      ++p_;
      v.kind = Json::Kind::kObject;
      v.object = std::make_shared<JsonObject>();
      if (!eat('}')) {
        do {
          ws();
          std::string key = string();
          expect(':');
          (*v.object)[key] = value();
        } while (eat(','));
        expect('}');
      }
    } else if (c == '[') {
      ++p_;
      v.kind = Json::Kind::kArray;
      v.array = std::make_shared<JsonArray>();
      if (!eat(']')) {
        do v.array->push_back(value());
        while (eat(','));
        expect(']');
      }
    } else if (c == '"') {
      v.kind = Json::Kind::kString;
      v.s = string();
    } else if (word("null")) {
      v.kind = Json::Kind::kNull;
    } else if (word("true")) {
      v.kind = Json::Kind::kBool;
      v.b = true;
    } else if (word("false")) {
      v.kind = Json::Kind::kBool;
    } else {
      number(v);
    }
    v.raw = t_.substr(start, p_ - start);
    return v;
  }

  void number(Json& v) {
    size_t start = p_;
    bool isFloat = false;
    if (p_ < t_.size() && t_[p_] == '-') ++p_;
    while (p_ < t_.size()) {
      char c = t_[p_];
      if (c >= '0' && c <= '9') {
        ++p_;
      } else if (c == '.' || c == 'e' || c == 'E' || c == '+' || (c == '-' && p_ > start)) {
        isFloat = true;
        ++p_;
      } else {
        break;
      }
    }
    std::string text = t_.substr(start, p_ - start);
    if (text.empty() || text == "-") fail("bad value");
    errno = 0;
    if (isFloat) {
      v.kind = Json::Kind::kDouble;
      v.d = std::strtod(text.c_str(), nullptr);
    } else if (text[0] == '-') {
      v.kind = Json::Kind::kInt;
      v.i = std::strtoll(text.c_str(), nullptr, 10);
    } else {
      v.u = std::strtoull(text.c_str(), nullptr, 10);
      if (v.u <= static_cast<uint64_t>(INT64_MAX)) {
        v.kind = Json::Kind::kInt;
        v.i = static_cast<int64_t>(v.u);
      } else {
        v.kind = Json::Kind::kUint;
      }
    }
    if (errno == ERANGE) fail("number out of range: " + text);
  }

  static void utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  uint32_t hex4() {
    if (p_ + 4 > t_.size()) fail("short \\u escape");
    uint32_t cp = 0;
    for (int k = 0; k < 4; ++k) {
      char c = t_[p_++];
      cp <<= 4;
      if (c >= '0' && c <= '9')
        cp |= c - '0';
      else if (c >= 'a' && c <= 'f')
        cp |= c - 'a' + 10;
      else if (c >= 'A' && c <= 'F')
        cp |= c - 'A' + 10;
      else
        fail("bad \\u escape");
    }
    return cp;
  }

  std::string string() {
    if (p_ >= t_.size() || t_[p_] != '"') fail("expected a string");
    ++p_;
    std::string out;
    while (true) {
      if (p_ >= t_.size()) fail("unterminated string");
      char c = t_[p_++];
      if (c == '"') break;
      if (c != '\\') {
        out += c;
        continue;
      }
      if (p_ >= t_.size()) fail("unterminated escape");
      char e = t_[p_++];
      switch (e) {
        case '"':
          out += '"';
          break;
        case '\\':
          out += '\\';
          break;
        case '/':
          out += '/';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          uint32_t cp = hex4();
          if (cp >= 0xD800 && cp < 0xDC00 && p_ + 1 < t_.size() && t_[p_] == '\\' &&
              t_[p_ + 1] == 'u') {
            p_ += 2;
            uint32_t lo = hex4();
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          }
          utf8(out, cp);
          break;
        }
        default:
          fail("bad escape");
      }
    }
    return out;
  }

  const std::string& t_;
  size_t p_ = 0;
};

// ---------------------------------------------------------------------------------------------
// JSON output

std::string quote(const char* data, size_t n) {
  std::string out = "\"";
  for (size_t k = 0; k < n; ++k) {
    unsigned char c = static_cast<unsigned char>(data[k]);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20 || c == 0x7F) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);  // UTF-8 passes through (the reader decodes leniently)
        }
    }
  }
  return out + "\"";
}

std::string quote(const std::string& s) { return quote(s.data(), s.size()); }
std::string quote(const char* s) { return s ? quote(s, std::strlen(s)) : "null"; }

std::string fieldJson(const MYSQL_FIELD& f) {
  std::string out = "{\"name\":" + quote(f.name) + ",\"org_name\":" + quote(f.org_name) +
                    ",\"table\":" + quote(f.table) + ",\"org_table\":" + quote(f.org_table) +
                    ",\"db\":" + quote(f.db);
  out += ",\"type\":" + std::to_string(static_cast<int>(f.type));
  out += ",\"length\":" + std::to_string(f.length);
  out += ",\"decimals\":" + std::to_string(f.decimals);
  out += ",\"flags\":" + std::to_string(f.flags);
  out += ",\"charsetnr\":" + std::to_string(f.charsetnr);
  return out + "}";
}

// The column definitions of a statement's result (after prepare: those of the prepare response).
std::string fieldsJson(MYSQL_STMT* st) {
  MYSQL_RES* meta = mysql_stmt_result_metadata(st);
  if (!meta) return "[]";
  std::string out = "[";
  unsigned n = mysql_num_fields(meta);
  MYSQL_FIELD* fields = mysql_fetch_fields(meta);
  for (unsigned k = 0; k < n; ++k) {
    if (k) out += ",";
    out += fieldJson(fields[k]);
  }
  mysql_free_result(meta);
  return out + "]";
}

// ---------------------------------------------------------------------------------------------
// Result columns

struct Column {
  enum_field_types type = MYSQL_TYPE_NULL;  // the column's type (metadata)
  unsigned decimals = 0;
  bool isUnsigned = false;
  bool binaryString = false;  // a string of the binary charset: printed as hex
  MYSQL_BIND bind{};
  // Storage for the bound value.
  union {
    int8_t i8;
    int16_t i16;
    int32_t i32;
    int64_t i64;
    float f;
    double d;
  } num{};
  MYSQL_TIME time{};
  std::vector<char> buffer;
  unsigned long length = 0;
  my_bool isNull = 0;
  my_bool error = 0;
};

bool isStringLike(enum_field_types t) {
  switch (t) {
    case MYSQL_TYPE_TINY:
    case MYSQL_TYPE_SHORT:
    case MYSQL_TYPE_INT24:
    case MYSQL_TYPE_LONG:
    case MYSQL_TYPE_LONGLONG:
    case MYSQL_TYPE_YEAR:
    case MYSQL_TYPE_FLOAT:
    case MYSQL_TYPE_DOUBLE:
    case MYSQL_TYPE_DATE:
    case MYSQL_TYPE_NEWDATE:
    case MYSQL_TYPE_DATETIME:
    case MYSQL_TYPE_TIMESTAMP:
    case MYSQL_TYPE_TIME:
    case MYSQL_TYPE_NULL:
      return false;
    default:
      return true;
  }
}

void setupColumn(Column& c, const MYSQL_FIELD& f) {
  c.type = f.type;
  c.decimals = f.decimals;
  c.isUnsigned = (f.flags & UNSIGNED_FLAG) != 0;
  MYSQL_BIND& b = c.bind;
  std::memset(&b, 0, sizeof b);
  b.is_null = &c.isNull;
  b.length = &c.length;
  b.error = &c.error;
  b.is_unsigned = c.isUnsigned;
  switch (f.type) {
    case MYSQL_TYPE_TINY:
      b.buffer_type = MYSQL_TYPE_TINY;
      b.buffer = &c.num.i8;
      break;
    case MYSQL_TYPE_SHORT:
    case MYSQL_TYPE_YEAR:
      b.buffer_type = MYSQL_TYPE_SHORT;
      b.buffer = &c.num.i16;
      break;
    case MYSQL_TYPE_INT24:
    case MYSQL_TYPE_LONG:
      b.buffer_type = MYSQL_TYPE_LONG;
      b.buffer = &c.num.i32;
      break;
    case MYSQL_TYPE_LONGLONG:
      b.buffer_type = MYSQL_TYPE_LONGLONG;
      b.buffer = &c.num.i64;
      break;
    case MYSQL_TYPE_FLOAT:
      b.buffer_type = MYSQL_TYPE_FLOAT;
      b.buffer = &c.num.f;
      break;
    case MYSQL_TYPE_DOUBLE:
      b.buffer_type = MYSQL_TYPE_DOUBLE;
      b.buffer = &c.num.d;
      break;
    case MYSQL_TYPE_DATE:
    case MYSQL_TYPE_NEWDATE:
    case MYSQL_TYPE_DATETIME:
    case MYSQL_TYPE_TIMESTAMP:
    case MYSQL_TYPE_TIME:
      b.buffer_type = f.type == MYSQL_TYPE_NEWDATE ? MYSQL_TYPE_DATE : f.type;
      b.buffer = &c.time;
      b.buffer_length = sizeof c.time;
      break;
    default:
      // Strings, DECIMALs, BLOBs, BIT, JSON, ...: the bytes as sent. A value longer than the
      // buffer is fetched again with mysql_stmt_fetch_column.
      c.binaryString =
          f.charsetnr == 63 && f.type != MYSQL_TYPE_NEWDECIMAL && f.type != MYSQL_TYPE_DECIMAL;
      b.buffer_type = MYSQL_TYPE_STRING;
      c.buffer.resize(256);
      b.buffer = c.buffer.data();
      b.buffer_length = c.buffer.size();
      break;
  }
}

std::string fraction(unsigned long secondPart, unsigned decimals) {
  if (decimals == 0) return "";
  if (decimals > 6) {  // not a fixed scale (an expression): the digits as needed
    if (secondPart == 0) return "";
    decimals = 6;
  }
  char buf[16];
  std::snprintf(buf, sizeof buf, ".%06lu", secondPart);
  return std::string(buf, 1 + decimals);
}

std::string hex(const char* data, size_t n) {
  static const char* digits = "0123456789ABCDEF";
  std::string out = "0x";
  for (size_t k = 0; k < n; ++k) {
    unsigned char c = static_cast<unsigned char>(data[k]);
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

// The column's current value as a JSON value.
std::string valueJson(MYSQL_STMT* st, Column& c, unsigned index, std::string* problem) {
  if (c.isNull) return "null";
  char buf[64];
  switch (c.bind.buffer_type) {
    case MYSQL_TYPE_TINY:
      if (c.isUnsigned)
        std::snprintf(buf, sizeof buf, "%u", static_cast<uint8_t>(c.num.i8));
      else
        std::snprintf(buf, sizeof buf, "%d", c.num.i8);
      return quote(buf);
    case MYSQL_TYPE_SHORT:
      if (c.isUnsigned)
        std::snprintf(buf, sizeof buf, "%u", static_cast<uint16_t>(c.num.i16));
      else
        std::snprintf(buf, sizeof buf, "%d", c.num.i16);
      return quote(buf);
    case MYSQL_TYPE_LONG:
      if (c.isUnsigned)
        std::snprintf(buf, sizeof buf, "%" PRIu32, static_cast<uint32_t>(c.num.i32));
      else
        std::snprintf(buf, sizeof buf, "%" PRId32, c.num.i32);
      return quote(buf);
    case MYSQL_TYPE_LONGLONG:
      if (c.isUnsigned)
        std::snprintf(buf, sizeof buf, "%" PRIu64, static_cast<uint64_t>(c.num.i64));
      else
        std::snprintf(buf, sizeof buf, "%" PRId64, c.num.i64);
      return quote(buf);
    case MYSQL_TYPE_FLOAT:
      std::snprintf(buf, sizeof buf, "%.9g", static_cast<double>(c.num.f));
      return quote(buf);
    case MYSQL_TYPE_DOUBLE:
      std::snprintf(buf, sizeof buf, "%.17g", c.num.d);
      return quote(buf);
    case MYSQL_TYPE_DATE:
      std::snprintf(buf, sizeof buf, "%04u-%02u-%02u", c.time.year, c.time.month, c.time.day);
      return quote(buf);
    case MYSQL_TYPE_DATETIME:
    case MYSQL_TYPE_TIMESTAMP:
      std::snprintf(buf, sizeof buf, "%04u-%02u-%02u %02u:%02u:%02u", c.time.year, c.time.month,
                    c.time.day, c.time.hour, c.time.minute, c.time.second);
      return quote(std::string(buf) + fraction(c.time.second_part, c.decimals));
    case MYSQL_TYPE_TIME: {
      unsigned long hours = c.time.day * 24UL + c.time.hour;
      std::snprintf(buf, sizeof buf, "%s%02lu:%02u:%02u", c.time.neg ? "-" : "", hours,
                    c.time.minute, c.time.second);
      return quote(std::string(buf) + fraction(c.time.second_part, c.decimals));
    }
    default: {
      std::string value;
      if (c.length <= c.buffer.size()) {
        value.assign(c.buffer.data(), c.length);
      } else {
        std::vector<char> big(c.length);
        MYSQL_BIND b;
        std::memset(&b, 0, sizeof b);
        unsigned long len = 0;
        b.buffer_type = MYSQL_TYPE_STRING;
        b.buffer = big.data();
        b.buffer_length = big.size();
        b.length = &len;
        if (mysql_stmt_fetch_column(st, &b, index, 0) != 0) {
          *problem = std::string("mysql_stmt_fetch_column failed: ") + mysql_stmt_error(st);
          return "null";
        }
        value.assign(big.data(), std::min<unsigned long>(len, big.size()));
      }
      return c.binaryString ? quote(hex(value.data(), value.size())) : quote(value);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Statements

struct Options {
  std::string host = "127.0.0.1";
  std::string user = "app";
  std::string password = "app";
  std::string db = "difftest";
  unsigned port = 0;
};

MYSQL* connect(const Options& o, std::string* error) {
  MYSQL* m = mysql_init(nullptr);
  unsigned timeout = 30;
  mysql_options(m, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
  mysql_options(m, MYSQL_OPT_READ_TIMEOUT, &timeout);
  mysql_options(m, MYSQL_OPT_WRITE_TIMEOUT, &timeout);
  mysql_options(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
  if (!mysql_real_connect(m, o.host.c_str(), o.user.c_str(), o.password.c_str(), o.db.c_str(),
                          o.port, nullptr, 0)) {
    *error = std::to_string(mysql_errno(m)) + " " + mysql_error(m);
    mysql_close(m);
    return nullptr;
  }
  return m;
}

std::string errorJson(const std::string& id, const char* stage, unsigned code,
                      const std::string& sqlstate, const std::string& message) {
  return "{\"id\":" + id + ",\"stage\":" + quote(stage) +
         ",\"error\":{\"code\":" + std::to_string(code) + ",\"sqlstate\":" + quote(sqlstate) +
         ",\"message\":" + quote(message) + "}}";
}

std::string stmtErrorJson(const std::string& id, const char* stage, MYSQL_STMT* st) {
  return errorJson(id, stage, mysql_stmt_errno(st), mysql_stmt_sqlstate(st), mysql_stmt_error(st));
}

bool connectionLost(unsigned code) {
  return code == 2006 || code == 2013 || code == 2055 || code == 2014;
}

struct StmtCloser {
  void operator()(MYSQL_STMT* s) const { mysql_stmt_close(s); }
};

// Runs one request; returns its output line. *lost is set when the connection is gone.
std::string run(MYSQL* m, const std::string& id, const std::string& sql, const JsonArray& params,
                bool* lost) {
  std::unique_ptr<MYSQL_STMT, StmtCloser> holder(mysql_stmt_init(m));
  MYSQL_STMT* st = holder.get();
  if (!st) return errorJson(id, "client", 0, "", "mysql_stmt_init failed");
  if (mysql_stmt_prepare(st, sql.data(), sql.size()) != 0) {
    *lost = connectionLost(mysql_stmt_errno(st));
    return stmtErrorJson(id, "prepare", st);
  }
  unsigned long paramCount = mysql_stmt_param_count(st);
  std::string prepareFields = fieldsJson(st);
  if (paramCount != params.size()) {
    return errorJson(id, "client", 0, "",
                     "the statement has " + std::to_string(paramCount) + " parameters, " +
                         std::to_string(params.size()) + " given");
  }

  // Parameters.
  std::vector<MYSQL_BIND> pb(params.size());
  std::vector<int64_t> ints(params.size());
  std::vector<double> doubles(params.size());
  std::vector<unsigned long> lengths(params.size());
  for (size_t k = 0; k < params.size(); ++k) {
    const Json& p = params[k];
    MYSQL_BIND& b = pb[k];
    std::memset(&b, 0, sizeof b);
    switch (p.kind) {
      case Json::Kind::kNull:
        b.buffer_type = MYSQL_TYPE_NULL;
        break;
      case Json::Kind::kBool:
      case Json::Kind::kInt:
        ints[k] = p.kind == Json::Kind::kBool ? p.b : p.i;
        b.buffer_type = MYSQL_TYPE_LONGLONG;
        b.buffer = &ints[k];
        break;
      case Json::Kind::kUint:
        ints[k] = static_cast<int64_t>(p.u);
        b.buffer_type = MYSQL_TYPE_LONGLONG;
        b.buffer = &ints[k];
        b.is_unsigned = 1;
        break;
      case Json::Kind::kDouble:
        doubles[k] = p.d;
        b.buffer_type = MYSQL_TYPE_DOUBLE;
        b.buffer = &doubles[k];
        break;
      case Json::Kind::kString:
        lengths[k] = p.s.size();
        b.buffer_type = MYSQL_TYPE_STRING;
        b.buffer = const_cast<char*>(p.s.data());
        b.buffer_length = p.s.size();
        b.length = &lengths[k];
        break;
      default:
        return errorJson(
            id, "client", 0, "",
            "parameter " + std::to_string(k) + " is neither null, a number nor a string");
    }
  }
  if (!pb.empty() && mysql_stmt_bind_param(st, pb.data()) != 0) {
    return stmtErrorJson(id, "client", st);
  }

  if (mysql_stmt_execute(st) != 0) {
    *lost = connectionLost(mysql_stmt_errno(st));
    return stmtErrorJson(id, "execute", st);
  }
  if (mysql_stmt_store_result(st) != 0) {
    *lost = connectionLost(mysql_stmt_errno(st));
    return stmtErrorJson(id, "store", st);
  }
  std::string out = "{\"id\":" + id + ",\"param_count\":" + std::to_string(paramCount) +
                    ",\"prepare_fields\":" + prepareFields + ",\"fields\":" + fieldsJson(st);

  MYSQL_RES* meta = mysql_stmt_result_metadata(st);
  if (!meta) return out + ",\"rows\":[]}";
  unsigned n = mysql_num_fields(meta);
  MYSQL_FIELD* fields = mysql_fetch_fields(meta);
  std::vector<Column> columns(n);
  std::vector<MYSQL_BIND> binds(n);
  for (unsigned k = 0; k < n; ++k) {
    setupColumn(columns[k], fields[k]);
    binds[k] = columns[k].bind;
    // The bind array is copied by libmariadb; keep pointers into columns[k].
  }
  mysql_free_result(meta);
  if (n && mysql_stmt_bind_result(st, binds.data()) != 0) {
    return stmtErrorJson(id, "client", st);
  }

  out += ",\"rows\":[";
  bool firstRow = true;
  while (true) {
    int rc = mysql_stmt_fetch(st);
    if (rc == MYSQL_NO_DATA) break;
    if (rc == 1) {
      *lost = connectionLost(mysql_stmt_errno(st));
      return stmtErrorJson(id, "fetch", st);
    }
    // 0, or MYSQL_DATA_TRUNCATED: a string longer than its buffer (fetched again below).
    std::string row = "[";
    for (unsigned k = 0; k < n; ++k) {
      std::string problem;
      if (k) row += ",";
      row += valueJson(st, columns[k], k, &problem);
      if (!problem.empty()) return errorJson(id, "fetch", 0, "", problem);
      if (rc == MYSQL_DATA_TRUNCATED && columns[k].error && !isStringLike(columns[k].type)) {
        return errorJson(id, "fetch", 0, "",
                         "value of column " + std::to_string(k) + " truncated by the conversion");
      }
    }
    out += (firstRow ? "" : ",") + row + "]";
    firstRow = false;
  }
  return out + "]}";
}

int usage() {
  std::fprintf(stderr,
               "usage: diff_client --port P [--host H] [--user U] [--password W] [--db D] "
               "< requests.jsonl\n");
  return 64;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int k = 1; k < argc; ++k) {
    std::string a = argv[k];
    if (k + 1 >= argc) return usage();
    std::string v = argv[++k];
    if (a == "--port")
      o.port = static_cast<unsigned>(std::strtoul(v.c_str(), nullptr, 10));
    else if (a == "--host")
      o.host = v;
    else if (a == "--user")
      o.user = v;
    else if (a == "--password")
      o.password = v;
    else if (a == "--db")
      o.db = v;
    else
      return usage();
  }
  if (o.port == 0) return usage();

  std::string error;
  MYSQL* m = connect(o, &error);
  if (!m) {
    std::fprintf(stderr, "diff_client: cannot connect to %s:%u: %s\n", o.host.c_str(), o.port,
                 error.c_str());
    return 1;
  }
  std::ios::sync_with_stdio(false);
  std::string line;
  while (std::getline(std::cin, line)) {
    if (line.empty()) continue;
    std::string id = "null";
    std::string output;
    try {
      Json request = JsonReader(line).document();
      if (request.kind != Json::Kind::kObject) throw std::runtime_error("not an object");
      auto& obj = *request.object;
      if (obj.count("id")) id = obj["id"].raw;
      if (!obj.count("sql") || obj["sql"].kind != Json::Kind::kString)
        throw std::runtime_error("no \"sql\" string");
      JsonArray params;
      if (obj.count("params") && obj["params"].kind == Json::Kind::kArray)
        params = *obj["params"].array;
      if (!m) {
        m = connect(o, &error);
        if (!m) {
          output = errorJson(id, "client", 2003, "HY000", "cannot reconnect: " + error);
        }
      }
      if (m) {
        bool lost = false;
        output = run(m, id, obj["sql"].s, params, &lost);
        if (lost) {
          mysql_close(m);
          m = nullptr;
        }
      }
    } catch (const std::exception& e) {
      output = errorJson(id, "client", 0, "", e.what());
    }
    std::cout << output << '\n' << std::flush;
  }
  if (m) mysql_close(m);
  return 0;
}
