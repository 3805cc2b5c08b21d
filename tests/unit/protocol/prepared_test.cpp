// Prepared-statement codecs: COM_STMT_PREPARE_OK, COM_STMT_EXECUTE decoding for every binary
// parameter type (with sent and remembered types, NULLs, long data), integer extraction,
// re-encoding for another backend, statement-id patching, every truncation, and a captured
// sysbench/libmariadb exchange.

#include "router/protocol/prepared.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>

#include "router/protocol/constants.h"
#include "tests/unit/protocol/test_util.h"

namespace sg::protocol {
namespace {

namespace ft = field_type;
using test::fromHex;
using test::prefix;
using test::toHex;

// ---------------------------------------------------------------------------------------------
// Building COM_STMT_EXECUTE payloads

// One bound parameter: its type and its value bytes as they go on the wire (length prefix
// included); `null` parameters are flagged in the bitmap and send nothing.
struct Param {
  ParamType type;
  Bytes wire;
  bool null = false;
  bool longData = false;
};

Bytes le(uint64_t v, size_t width) {
  Bytes b;
  for (size_t i = 0; i < width; ++i) b.push_back(static_cast<uint8_t>(v >> (8 * i)));
  return b;
}

Param fixed(uint8_t type, uint64_t bits, size_t width, bool isUnsigned = false) {
  return {{type, isUnsigned}, le(bits, width)};
}
Param tiny(int8_t v) { return fixed(ft::kTiny, static_cast<uint8_t>(v), 1); }
Param utiny(uint8_t v) { return fixed(ft::kTiny, v, 1, true); }
Param shortP(int16_t v) { return fixed(ft::kShort, static_cast<uint16_t>(v), 2); }
Param ushortP(uint16_t v) { return fixed(ft::kShort, v, 2, true); }
Param year(uint16_t v) { return fixed(ft::kYear, v, 2, true); }
Param longP(int32_t v) { return fixed(ft::kLong, static_cast<uint32_t>(v), 4); }
Param ulongP(uint32_t v) { return fixed(ft::kLong, v, 4, true); }
Param int24(int32_t v) { return fixed(ft::kInt24, static_cast<uint32_t>(v), 4); }
Param longlong(int64_t v) { return fixed(ft::kLongLong, static_cast<uint64_t>(v), 8); }
Param ulonglong(uint64_t v) { return fixed(ft::kLongLong, v, 8, true); }
Param floatP(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, 4);
  return fixed(ft::kFloat, bits, 4);
}
Param doubleP(double d) {
  uint64_t bits;
  std::memcpy(&bits, &d, 8);
  return fixed(ft::kDouble, bits, 8);
}
Param nullType() { return {{ft::kNull, false}, {}, true}; }
Param nullOf(uint8_t type) { return {{type, false}, {}, true}; }

Bytes lenencBytes(uint64_t n) {
  Bytes b;
  PayloadWriter(b).lenenc(n);
  return b;
}
Param lenenc(uint8_t type, std::string_view s) {
  Param p{{type, false}, lenencBytes(s.size())};
  p.wire.insert(p.wire.end(), s.begin(), s.end());
  return p;
}
Param str(std::string_view s) { return lenenc(ft::kVarString, s); }
Param blob(size_t n, uint8_t type = ft::kBlob) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>(i * 7 + 1);
  return lenenc(type, s);
}
// DATE/DATETIME/TIMESTAMP/TIME: a 1-byte length, then that many bytes.
Param temporal(uint8_t type, Bytes body) {
  Param p{{type, false}, {}};
  p.wire.reserve(body.size() + 1);
  p.wire.push_back(static_cast<uint8_t>(body.size()));
  p.wire.insert(p.wire.end(), body.begin(), body.end());
  return p;
}
Param date() { return temporal(ft::kDate, fromHex("e507 0c 1f")); }  // 2021-12-31
Param datetime() { return temporal(ft::kDateTime, fromHex("e507 0c 1f 17 3b 3a")); }
Param datetimeMicros() { return temporal(ft::kTimestamp, fromHex("e507 0c 1f 17 3b 3a 40420f00")); }
Param datetimeZero() { return temporal(ft::kDateTime, {}); }
Param time8() { return temporal(ft::kTime, fromHex("01 02000000 03 04 05")); }  // -2d 03:04:05
Param time12() { return temporal(ft::kTime, fromHex("00 00000000 0a 0b 0c 01000000")); }
Param timeZero() { return temporal(ft::kTime, {}); }

// The value bytes without the length prefix, as paramBytes() should return them.
Bytes content(const Param& p) {
  if (p.null || p.longData) return {};
  switch (p.type.type) {
    case ft::kDate:
    case ft::kDateTime:
    case ft::kTimestamp:
    case ft::kTime:
      return Bytes(p.wire.begin() + 1, p.wire.end());
    case ft::kTiny:
    case ft::kShort:
    case ft::kYear:
    case ft::kLong:
    case ft::kInt24:
    case ft::kFloat:
    case ft::kLongLong:
    case ft::kDouble:
    case ft::kNull:
      return p.wire;
    default: {
      PayloadReader r(p.wire);
      r.lenenc();
      return Bytes(p.wire.begin() + static_cast<ptrdiff_t>(r.position()), p.wire.end());
    }
  }
}

Bytes buildExecute(uint32_t stmtId, const std::vector<Param>& params, bool sendTypes,
                   uint8_t flags = 0, uint32_t iterations = 1) {
  Bytes out;
  PayloadWriter w(out);
  w.u8(static_cast<uint8_t>(Command::kStmtExecute));
  w.u32(stmtId);
  w.u8(flags);
  w.u32(iterations);
  if (params.empty()) return out;
  Bytes bitmap((params.size() + 7) / 8, 0);
  for (size_t i = 0; i < params.size(); ++i) {
    if (params[i].null) bitmap[i / 8] |= static_cast<uint8_t>(1u << (i % 8));
  }
  w.bytes(ByteSpan(bitmap));
  w.u8(sendTypes ? 1 : 0);
  if (sendTypes) {
    for (const Param& p : params) {
      w.u8(p.type.type);
      w.u8(p.type.isUnsigned ? kParamFlagUnsigned : 0);
    }
  }
  for (const Param& p : params) {
    if (!p.null && !p.longData) w.bytes(ByteSpan(p.wire));
  }
  return out;
}

std::vector<ParamType> typesOf(const std::vector<Param>& params) {
  std::vector<ParamType> t;
  for (const Param& p : params) t.push_back(p.type);
  return t;
}

std::vector<bool> longDataOf(const std::vector<Param>& params) {
  std::vector<bool> l;
  for (const Param& p : params) l.push_back(p.longData);
  return l;
}

// Checks a parsed request against the parameters it was built from.
void expectDecoded(const ExecuteRequest& req, const Bytes& payload, uint32_t stmtId,
                   const std::vector<Param>& params) {
  EXPECT_EQ(req.statementId, stmtId);
  ASSERT_EQ(req.params.size(), params.size());
  EXPECT_EQ(req.types, typesOf(params));
  for (size_t i = 0; i < params.size(); ++i) {
    SCOPED_TRACE("param " + std::to_string(i));
    const bool null = params[i].null || (params[i].type.type == ft::kNull && !params[i].longData);
    EXPECT_EQ(isNullParam(req, payload, i), null);
    if (params[i].longData) {
      EXPECT_EQ(req.params[i].state, ParamValue::State::kLongData);
    }
    ByteSpan got = paramBytes(req, payload, i);
    EXPECT_EQ(toHex(got), toHex(ByteSpan(content(params[i]))));
    if (!got.empty()) {
      // A view into the payload, never a copy.
      EXPECT_GE(got.data(), payload.data());
      EXPECT_LE(got.data() + got.size(), payload.data() + payload.size());
    }
  }
}

// ---------------------------------------------------------------------------------------------
// COM_STMT_PREPARE_OK

TEST(PrepareOkTest, ParsesWhatMariaDbSends) {
  // stmt 1, 2 columns, 1 param, warnings 0 (MariaDB 10.11 bytes)
  Bytes p = fromHex("00 01000000 0200 0100 00 0000");
  auto ok = PrepareOk::parse(p);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->statementId, 1u);
  EXPECT_EQ(ok->columns, 2);
  EXPECT_EQ(ok->params, 1);
  EXPECT_EQ(ok->warnings, 0);
  EXPECT_FALSE(ok->metadataFollows);
  Bytes out;
  ok->encode(out);
  EXPECT_EQ(toHex(out), toHex(p));
}

TEST(PrepareOkTest, RoundTripsWideValuesAndMetadataFlag) {
  PrepareOk ok{0xFEDCBA98, 0xFFFF, 0xFFFE, 0x1234, std::nullopt};
  Bytes out;
  ok.encode(out);
  EXPECT_EQ(toHex(out),
            "00"
            "98badcfe"
            "ffff"
            "feff"
            "00"
            "3412");
  EXPECT_EQ(PrepareOk::parse(out), ok);

  ok.metadataFollows = 1;
  out.clear();
  ok.encode(out);
  EXPECT_EQ(out.size(), 13u);
  EXPECT_EQ(PrepareOk::parse(out), ok);
}

TEST(PrepareOkTest, ShortFormHasNoWarnings) {
  auto ok = PrepareOk::parse(fromHex("00 07000000 0000 0300 00"));
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->statementId, 7u);
  EXPECT_EQ(ok->params, 3);
  EXPECT_EQ(ok->warnings, 0);
}

TEST(PrepareOkTest, RefusesOtherShapes) {
  EXPECT_FALSE(PrepareOk::parse(fromHex("ff 01000000 0200 0100 00 0000")));        // ERR marker
  EXPECT_FALSE(PrepareOk::parse(fromHex("00 01000000 0200 0100 00 00")));          // 11 bytes
  EXPECT_FALSE(PrepareOk::parse(fromHex("00 01000000 0200 0100 00 0000 01 02")));  // 14 bytes
}

TEST(PrepareOkTest, EveryTruncation) {
  PrepareOk ok{42, 3, 2, 1, uint8_t{1}};
  Bytes full;
  ok.encode(full);
  for (size_t n = 0; n < full.size(); ++n) {
    auto got = PrepareOk::parse(prefix(full, n));
    if (n == 10 || n == 12) {
      ASSERT_TRUE(got) << n;
      EXPECT_EQ(got->statementId, 42u);
      EXPECT_EQ(got->warnings, n == 12 ? 1 : 0);
      EXPECT_FALSE(got->metadataFollows);
    } else {
      EXPECT_FALSE(got) << n;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// COM_STMT_EXECUTE: every type, one at a time

struct TypeCase {
  const char* name;
  Param param;
  std::optional<int64_t> integer;
};

std::vector<TypeCase> typeCases() {
  const int64_t kMax = std::numeric_limits<int64_t>::max();
  const int64_t kMin = std::numeric_limits<int64_t>::min();
  return {
      {"tinyPositive", tiny(100), 100},
      {"tinyNegative", tiny(-7), -7},
      {"tinyMin", tiny(-128), -128},
      {"utiny255", utiny(255), 255},
      {"shortNegative", shortP(-300), -300},
      {"shortMin", shortP(-32768), -32768},
      {"ushortMax", ushortP(65535), 65535},
      {"year", year(2024), 2024},
      {"longNegative", longP(-70000), -70000},
      {"longMin", longP(std::numeric_limits<int32_t>::min()), std::numeric_limits<int32_t>::min()},
      {"ulongMax", ulongP(0xFFFFFFFFu), 0xFFFFFFFFll},
      {"int24", int24(-5), -5},
      {"longlong", longlong(1234567890123), 1234567890123},
      {"longlongMinusOne", longlong(-1), -1},
      {"longlongMin", longlong(kMin), kMin},
      {"ulonglongMax63", ulonglong(static_cast<uint64_t>(kMax)), kMax},
      {"ulonglongOver63", ulonglong(static_cast<uint64_t>(kMax) + 1), std::nullopt},
      {"ulonglongAllOnes", ulonglong(~uint64_t{0}), std::nullopt},
      {"float", floatP(4.0f), std::nullopt},
      {"double", doubleP(42.0), std::nullopt},
      {"string123", str("123"), 123},
      {"stringMinus5", str("-5"), -5},
      {"stringPlus7", str("+7"), 7},
      {"string12a", str("12a"), std::nullopt},
      {"stringEmpty", str(""), std::nullopt},
      {"stringSignOnly", str("-"), std::nullopt},
      {"stringDecimalPoint", str("4.0"), std::nullopt},
      {"stringExponent", str("4e1"), std::nullopt},
      {"stringLeadingSpace", str(" 4"), std::nullopt},
      {"stringTrailingSpace", str("4 "), std::nullopt},
      {"stringInt64Max", str("9223372036854775807"), kMax},
      {"stringInt64MaxPlus1", str("9223372036854775808"), std::nullopt},
      {"stringInt64Min", str("-9223372036854775808"), kMin},
      {"stringInt64MinMinus1", str("-9223372036854775809"), std::nullopt},
      {"stringHuge", str("123456789012345678901234567890"), std::nullopt},
      {"stringLeadingZeros", str("0042"), 42},
      {"varchar", lenenc(ft::kVarchar, "77"), 77},
      {"fixedString", lenenc(ft::kString, "78"), 78},
      {"decimal10", lenenc(ft::kNewDecimal, "10"), 10},
      {"decimal10_5", lenenc(ft::kNewDecimal, "10.5"), std::nullopt},
      {"oldDecimal", lenenc(ft::kDecimal, "-3"), -3},
      {"enum", lenenc(ft::kEnum, "5"), 5},
      {"set", lenenc(ft::kSet, "a,b"), std::nullopt},
      {"blobDigits", lenenc(ft::kBlob, "99"), 99},
      {"tinyBlob", lenenc(ft::kTinyBlob, "x"), std::nullopt},
      {"mediumBlob", lenenc(ft::kMediumBlob, "1"), 1},
      {"longBlob", lenenc(ft::kLongBlob, ""), std::nullopt},
      {"bit", lenenc(ft::kBit, std::string("\x05", 1)), std::nullopt},
      {"bitDigitsStillNotAnInteger", lenenc(ft::kBit, "5"), std::nullopt},
      {"json", lenenc(ft::kJson, "42"), std::nullopt},
      {"geometry", lenenc(ft::kGeometry, std::string(25, '\x01')), std::nullopt},
      {"date", date(), std::nullopt},
      {"datetime", datetime(), std::nullopt},
      {"timestampMicros", datetimeMicros(), std::nullopt},
      {"datetimeZero", datetimeZero(), std::nullopt},
      {"datetimeWithZone", temporal(ft::kDateTime, fromHex("e5070c1f173b3a 00000000 3c00")),
       std::nullopt},
      {"time8", time8(), std::nullopt},
      {"time12", time12(), std::nullopt},
      {"timeZero", timeZero(), std::nullopt},
      {"nullBitmap", nullOf(ft::kLongLong), std::nullopt},
      {"nullType", nullType(), std::nullopt},
      {"blob0", blob(0), std::nullopt},
      {"blob250", blob(250), std::nullopt},
      {"blob251", blob(251), std::nullopt},
      {"blob65535", blob(65535), std::nullopt},
      {"blob65536", blob(65536), std::nullopt},
  };
}

class ExecuteTypeTest : public testing::TestWithParam<TypeCase> {};

TEST_P(ExecuteTypeTest, DecodesWithSentTypes) {
  const TypeCase& c = GetParam();
  std::vector<Param> params{c.param};
  Bytes payload = buildExecute(9, params, true);
  auto req = ExecuteRequest::parse(payload, 1, nullptr);
  ASSERT_TRUE(req);
  EXPECT_TRUE(req->typesSent);
  expectDecoded(*req, payload, 9, params);
  EXPECT_EQ(integerParam(*req, payload, 0), c.integer);
}

TEST_P(ExecuteTypeTest, DecodesWithRememberedTypes) {
  const TypeCase& c = GetParam();
  std::vector<Param> params{c.param};
  Bytes payload = buildExecute(9, params, false);
  auto remembered = typesOf(params);
  auto req = ExecuteRequest::parse(payload, 1, &remembered);
  ASSERT_TRUE(req);
  EXPECT_FALSE(req->typesSent);
  expectDecoded(*req, payload, 9, params);
  EXPECT_EQ(integerParam(*req, payload, 0), c.integer);
  EXPECT_FALSE(ExecuteRequest::parse(payload, 1, nullptr)) << "no types known";
}

TEST_P(ExecuteTypeTest, BetweenOtherParams) {
  // The value must be framed right for the parameters after it to be read right.
  const TypeCase& c = GetParam();
  std::vector<Param> params{longlong(-11), c.param, str("after"), tiny(3)};
  Bytes payload = buildExecute(1, params, true);
  auto req = ExecuteRequest::parse(payload, 4, nullptr);
  ASSERT_TRUE(req);
  expectDecoded(*req, payload, 1, params);
  EXPECT_EQ(integerParam(*req, payload, 0), -11);
  EXPECT_EQ(integerParam(*req, payload, 1), c.integer);
  EXPECT_EQ(stringParam(*req, payload, 2), "after");
  EXPECT_EQ(integerParam(*req, payload, 3), 3);
}

TEST_P(ExecuteTypeTest, ReencodesForAnotherBackend) {
  const TypeCase& c = GetParam();
  std::vector<Param> params{c.param, ulonglong(5)};
  auto remembered = typesOf(params);
  for (bool sent : {true, false}) {
    Bytes payload = buildExecute(3, params, sent);
    auto req = ExecuteRequest::parse(payload, 2, &remembered);
    ASSERT_TRUE(req);
    for (bool include : {true, false}) {
      SCOPED_TRACE(std::string("sent=") + (sent ? "1" : "0") + " include=" + (include ? "1" : "0"));
      Bytes again = reencode(*req, payload, 0xA1B2C3D4, include);
      EXPECT_EQ(statementIdOf(again), 0xA1B2C3D4u);
      const bool typesThere = sent || include;
      // Parsed without remembered types when they are in the packet.
      auto req2 = ExecuteRequest::parse(again, 2, typesThere ? nullptr : &remembered);
      ASSERT_TRUE(req2);
      EXPECT_EQ(req2->typesSent, typesThere);
      expectDecoded(*req2, again, 0xA1B2C3D4, params);
      EXPECT_EQ(integerParam(*req2, again, 0), c.integer);
      EXPECT_EQ(integerParam(*req2, again, 1), 5);
      // Same bytes as what a client would have sent with (or without) the types.
      EXPECT_EQ(toHex(again), toHex(buildExecute(0xA1B2C3D4, params, typesThere)));
    }
  }
}

TEST_P(ExecuteTypeTest, EveryTruncationIsRefused) {
  const TypeCase& c = GetParam();
  std::vector<Param> params{c.param, str("z")};
  auto remembered = typesOf(params);
  for (bool sent : {true, false}) {
    Bytes full = buildExecute(1, params, sent);
    ASSERT_TRUE(ExecuteRequest::parse(full, 2, &remembered));
    for (size_t n = 0; n < full.size(); ++n) {
      // For long values: every cut in the header, the length prefix and the start of the value,
      // and near the end (the middle of a long value is no different).
      if (n > 64 && n + 64 < full.size()) n = full.size() - 64;
      EXPECT_FALSE(ExecuteRequest::parse(prefix(full, n), 2, &remembered))
          << "prefix " << n << "/" << full.size() << " sent=" << sent;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(AllTypes, ExecuteTypeTest, testing::ValuesIn(typeCases()),
                         [](const testing::TestParamInfo<TypeCase>& i) { return i.param.name; });

// ---------------------------------------------------------------------------------------------
// COM_STMT_EXECUTE: whole statements

std::vector<Param> mixedParams() {
  std::vector<Param> ps;
  for (const TypeCase& c : typeCases()) {
    if (c.param.wire.size() <= 300) ps.push_back(c.param);
  }
  return ps;
}

TEST(ExecuteTest, ManyParamsWithNullsAcrossBitmapBytes) {
  std::vector<Param> params = mixedParams();
  ASSERT_GT(params.size(), 16u);
  params[0] = nullOf(ft::kLong);
  params[8] = nullOf(ft::kVarString);
  params[params.size() - 1] = nullOf(ft::kDouble);
  const auto n = static_cast<uint16_t>(params.size());
  Bytes payload = buildExecute(77, params, true, /*flags=*/1);
  auto req = ExecuteRequest::parse(payload, n, nullptr);
  ASSERT_TRUE(req);
  EXPECT_EQ(req->flags, 1);
  EXPECT_EQ(req->iterations, 1u);
  EXPECT_EQ(req->nullBitmapOffset, 10u);
  expectDecoded(*req, payload, 77, params);
  EXPECT_TRUE(isNullParam(*req, payload, 0));
  EXPECT_TRUE(isNullParam(*req, payload, 8));
  EXPECT_TRUE(isNullParam(*req, payload, n - 1));
  EXPECT_FALSE(isNullParam(*req, payload, 1));
  EXPECT_FALSE(isNullParam(*req, payload, n));  // out of range
  EXPECT_FALSE(integerParam(*req, payload, 0));
  EXPECT_FALSE(integerParam(*req, payload, n));
  EXPECT_TRUE(paramBytes(*req, payload, n).empty());

  auto remembered = typesOf(params);
  Bytes noTypes = buildExecute(77, params, false, 1);
  auto req2 = ExecuteRequest::parse(noTypes, n, &remembered);
  ASSERT_TRUE(req2);
  expectDecoded(*req2, noTypes, 77, params);
  for (size_t i = 0; i < n; ++i) {
    EXPECT_EQ(integerParam(*req, payload, i), integerParam(*req2, noTypes, i)) << i;
  }
}

TEST(ExecuteTest, EveryTruncationOfAMixedStatement) {
  std::vector<Param> params = mixedParams();
  params[3].null = true;
  params[3].wire.clear();
  const auto n = static_cast<uint16_t>(params.size());
  auto remembered = typesOf(params);
  for (bool sent : {true, false}) {
    Bytes full = buildExecute(5, params, sent);
    ASSERT_TRUE(ExecuteRequest::parse(full, n, &remembered));
    for (size_t cut = 0; cut < full.size(); ++cut) {
      ASSERT_FALSE(ExecuteRequest::parse(prefix(full, cut), n, &remembered))
          << "prefix " << cut << "/" << full.size();
    }
  }
}

TEST(ExecuteTest, LongBlobsKeepTheirLenencBoundaries) {
  // 2^16 - 1 (0xFC + 2 bytes), 2^16 (0xFD + 3 bytes), 2^24 (0xFE + 8 bytes).
  for (size_t size : {size_t{65535}, size_t{65536}, size_t{1} << 24}) {
    SCOPED_TRACE(size);
    std::vector<Param> params{blob(size, ft::kLongBlob), longP(8)};
    Bytes payload = buildExecute(2, params, true);
    auto req = ExecuteRequest::parse(payload, 2, nullptr);
    ASSERT_TRUE(req);
    EXPECT_EQ(req->params[0].length, size);
    EXPECT_EQ(req->params[0].offset, req->valuesOffset + lenencSize(size));
    EXPECT_EQ(integerParam(*req, payload, 1), 8);
    Bytes again = reencode(*req, payload, 3, true);
    EXPECT_EQ(again.size(), payload.size());
    // Cutting anywhere inside the long value is refused too.
    EXPECT_FALSE(ExecuteRequest::parse(prefix(payload, payload.size() - 5), 2, nullptr));
    EXPECT_FALSE(ExecuteRequest::parse(prefix(payload, req->params[0].offset + 1), 2, nullptr));
  }
}

TEST(ExecuteTest, NoParameters) {
  Bytes payload = buildExecute(0x01020304, {}, true);
  ASSERT_EQ(payload.size(), 10u);
  auto req = ExecuteRequest::parse(payload, 0, nullptr);
  ASSERT_TRUE(req);
  EXPECT_EQ(req->statementId, 0x01020304u);
  EXPECT_TRUE(req->params.empty());
  EXPECT_TRUE(req->types.empty());
  EXPECT_FALSE(req->typesSent);
  EXPECT_FALSE(integerParam(*req, payload, 0));
  Bytes again = reencode(*req, payload, 9, true);
  EXPECT_EQ(toHex(again), toHex(buildExecute(9, {}, true)));
  for (size_t n = 0; n < payload.size(); ++n) {
    EXPECT_FALSE(ExecuteRequest::parse(prefix(payload, n), 0, nullptr)) << n;
  }
}

TEST(ExecuteTest, CursorFlagsAndZeroIterationsAreKept) {
  std::vector<Param> params{longP(1)};
  Bytes payload = buildExecute(4, params, true, /*flags=*/0x04, /*iterations=*/0);
  auto req = ExecuteRequest::parse(payload, 1, nullptr);
  ASSERT_TRUE(req);
  EXPECT_EQ(req->flags, 0x04);
  EXPECT_EQ(req->iterations, 0u);
  Bytes again = reencode(*req, payload, 5, false);
  EXPECT_EQ(toHex(again), toHex(buildExecute(5, params, true, 0x04, 0)));
}

TEST(ExecuteTest, RefusesBulkAndForeignPayloads) {
  std::vector<Param> params{longP(1)};
  EXPECT_FALSE(ExecuteRequest::parse(buildExecute(1, params, true, 0, 2), 1, nullptr));
  Bytes wrongCommand = buildExecute(1, params, true);
  wrongCommand[0] = static_cast<uint8_t>(Command::kStmtFetch);
  EXPECT_FALSE(ExecuteRequest::parse(wrongCommand, 1, nullptr));
  Bytes bulk = buildExecute(1, params, true);
  bulk[0] = 0xFA;  // MariaDB COM_STMT_BULK_EXECUTE
  EXPECT_FALSE(ExecuteRequest::parse(bulk, 1, nullptr));
  EXPECT_FALSE(ExecuteRequest::parse(ByteSpan(), 1, nullptr));
}

TEST(ExecuteTest, RefusesTrailingBytesAndParamCountMismatch) {
  std::vector<Param> params{longP(1), str("ab")};
  Bytes payload = buildExecute(1, params, true);
  ASSERT_TRUE(ExecuteRequest::parse(payload, 2, nullptr));
  Bytes longer = payload;
  longer.push_back(0);
  EXPECT_FALSE(ExecuteRequest::parse(longer, 2, nullptr));
  // The statement really has 1 or 3 parameters: the framing can't work out.
  EXPECT_FALSE(ExecuteRequest::parse(payload, 1, nullptr));
  EXPECT_FALSE(ExecuteRequest::parse(payload, 3, nullptr));
}

TEST(ExecuteTest, RememberedTypesMustMatchTheCount) {
  std::vector<Param> params{longP(1), longP(2)};
  Bytes payload = buildExecute(1, params, false);
  std::vector<ParamType> one{{ft::kLong, false}};
  std::vector<ParamType> three(3, ParamType{ft::kLong, false});
  EXPECT_FALSE(ExecuteRequest::parse(payload, 2, &one));
  EXPECT_FALSE(ExecuteRequest::parse(payload, 2, &three));
  std::vector<ParamType> empty;
  EXPECT_FALSE(ExecuteRequest::parse(payload, 2, &empty));
}

TEST(ExecuteTest, SentTypesWinOverRememberedOnes) {
  std::vector<Param> params{str("15")};
  Bytes payload = buildExecute(1, params, true);
  std::vector<ParamType> stale{{ft::kLongLong, true}};
  auto req = ExecuteRequest::parse(payload, 1, &stale);
  ASSERT_TRUE(req);
  EXPECT_EQ(req->types, typesOf(params));
  EXPECT_EQ(integerParam(*req, payload, 0), 15);
}

TEST(ExecuteTest, RefusesTypesThatClientsCannotBind) {
  // NEWDATE, TIMESTAMP2, DATETIME2, TIME2, TYPED_ARRAY, VECTOR, unassigned codes.
  for (uint8_t type : {0x0e, 0x11, 0x12, 0x13, 0x14, 0x20, 0xf2, 0xf3, 0xf4}) {
    std::vector<Param> params{{{type, false}, lenencBytes(0)}};
    EXPECT_FALSE(ExecuteRequest::parse(buildExecute(1, params, true), 1, nullptr)) << int(type);
    // Even as NULL: the types block itself is malformed.
    params[0].null = true;
    params[0].wire.clear();
    EXPECT_FALSE(ExecuteRequest::parse(buildExecute(1, params, true), 1, nullptr)) << int(type);
  }
}

TEST(ExecuteTest, RefusesBadTemporalLengths) {
  for (uint8_t len : {1, 2, 3, 5, 6, 8, 9, 10, 12, 14}) {
    Bytes body(len, 1);
    EXPECT_FALSE(
        ExecuteRequest::parse(buildExecute(1, {temporal(ft::kDate, body)}, true), 1, nullptr))
        << int(len);
  }
  for (uint8_t len : {1, 4, 7, 9, 11, 13}) {
    Bytes body(len, 1);
    EXPECT_FALSE(
        ExecuteRequest::parse(buildExecute(1, {temporal(ft::kTime, body)}, true), 1, nullptr))
        << int(len);
  }
}

TEST(ExecuteTest, RefusesBadLenencPrefixes) {
  // 0xFB (NULL marker) and 0xFF are not lengths; an 8-byte length past the end.
  for (const char* hex : {"fb", "ff", "fe ffffffffffffff7f 00", "fc 0500 6162"}) {
    std::vector<Param> params{{{ft::kVarString, false}, fromHex(hex)}};
    EXPECT_FALSE(ExecuteRequest::parse(buildExecute(1, params, true), 1, nullptr)) << hex;
  }
}

TEST(ExecuteTest, UnsignedFlagIsTheHighBit) {
  // Flag bytes with other bits set keep only "unsigned" (0x80) as meaning.
  Bytes payload = fromHex("17 01000000 00 01000000 00 01 01 81 ff");
  auto req = ExecuteRequest::parse(payload, 1, nullptr);
  ASSERT_TRUE(req);
  EXPECT_EQ(req->types[0], (ParamType{ft::kTiny, true}));
  EXPECT_EQ(integerParam(*req, payload, 0), 255);
  // Re-encoding keeps the client's bytes.
  EXPECT_EQ(toHex(reencode(*req, payload, 2, true)),
            "17020000000001000000000101"
            "81ff");
}

TEST(ExecuteTest, LongDataParamsSendNoValue) {
  std::vector<Param> params{longP(10), str("ignored"), longP(30)};
  params[1].longData = true;
  std::vector<bool> longData = longDataOf(params);
  Bytes payload = buildExecute(6, params, true);
  auto req = ExecuteRequest::parse(payload, 3, nullptr, &longData);
  ASSERT_TRUE(req);
  expectDecoded(*req, payload, 6, params);
  EXPECT_EQ(integerParam(*req, payload, 0), 10);
  EXPECT_FALSE(integerParam(*req, payload, 1));
  EXPECT_FALSE(stringParam(*req, payload, 1));
  EXPECT_EQ(integerParam(*req, payload, 2), 30);
  // Without knowing about the long data, the packet is one value short.
  EXPECT_FALSE(ExecuteRequest::parse(payload, 3, nullptr));
  std::vector<bool> wrongSize{false, true};
  EXPECT_FALSE(ExecuteRequest::parse(payload, 3, nullptr, &wrongSize));
  Bytes again = reencode(*req, payload, 8, true);
  auto req2 = ExecuteRequest::parse(again, 3, nullptr, &longData);
  ASSERT_TRUE(req2);
  expectDecoded(*req2, again, 8, params);
}

TEST(ExecuteTest, ReencodeWithoutTypesIsAPatchedCopy) {
  std::vector<Param> params = mixedParams();
  const auto n = static_cast<uint16_t>(params.size());
  for (bool sent : {true, false}) {
    auto remembered = typesOf(params);
    Bytes payload = buildExecute(0xFFFFFFFF, params, sent);
    auto req = ExecuteRequest::parse(payload, n, &remembered);
    ASSERT_TRUE(req);
    Bytes patched = payload;
    ASSERT_TRUE(patchStatementId(patched, 12));
    EXPECT_EQ(toHex(reencode(*req, payload, 12, false)), toHex(patched));
    Bytes appended = fromHex("aabb");
    appendReencoded(*req, payload, 12, false, appended);
    EXPECT_EQ(toHex(appended), "aabb" + toHex(patched));
  }
}

// A parameter list that random mutation of the types block can turn into anything.
TEST(ExecuteTest, RandomMutationsNeverCrash) {
  std::vector<Param> params = mixedParams();
  const auto n = static_cast<uint16_t>(params.size());
  auto remembered = typesOf(params);
  std::vector<bool> longData(n, false);
  longData[2] = true;
  const Bytes base = buildExecute(1, params, true);
  std::mt19937 rng(20240611);
  size_t parsed = 0;
  for (int iter = 0; iter < 20000; ++iter) {
    Bytes p = base;
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      size_t at = rng() % p.size();
      switch (rng() % 3) {
        case 0:
          p[at] = static_cast<uint8_t>(rng());
          break;
        case 1:
          p.erase(p.begin() + static_cast<ptrdiff_t>(at));
          break;
        default:
          p.insert(p.begin() + static_cast<ptrdiff_t>(at), static_cast<uint8_t>(rng()));
      }
      if (p.empty()) p.push_back(0x17);
    }
    const uint16_t count = (iter % 7 == 0) ? static_cast<uint16_t>(rng() % 70) : n;
    for (int variant = 0; variant < 2; ++variant) {
      auto req = ExecuteRequest::parse(p, count, count == n ? &remembered : nullptr,
                                       variant == 1 && count == n ? &longData : nullptr);
      if (!req) continue;
      ++parsed;
      for (size_t i = 0; i <= req->params.size(); ++i) {
        (void)integerParam(*req, p, i);
        (void)isNullParam(*req, p, i);
        (void)stringParam(*req, p, i);
      }
      Bytes again = reencode(*req, p, 99, true);
      auto req2 = ExecuteRequest::parse(again, count, nullptr,
                                        variant == 1 && count == n ? &longData : nullptr);
      ASSERT_TRUE(req2);
      for (size_t i = 0; i < req->params.size(); ++i) {
        ASSERT_EQ(integerParam(*req, p, i), integerParam(*req2, again, i));
        ASSERT_EQ(toHex(paramBytes(*req, p, i)), toHex(paramBytes(*req2, again, i)));
      }
    }
  }
  EXPECT_GT(parsed, 0u);
}

// ---------------------------------------------------------------------------------------------
// Real bytes: sysbench 1.0.20 (libmariadb 3.3) `oltp_point_select --db-ps-mode=auto` against
// MariaDB 10.11.19, captured with a logging TCP relay (whole packets, headers included).
// The statement is "SELECT c FROM sbtest1 WHERE id=?"; sysbench binds the id as LONGLONG and
// sends the types only on the first execute.

const char kCapturedPrepareOk[] = "0c000001 00 02000000 0100 0100 00 0000";
const char kCapturedExecuteWithTypes[] =
    "16000000 17 02000000 00 01000000 00 01 0800 0b00000000000000";
const char kCapturedExecuteNoTypes[] = "14000000 17 02000000 00 01000000 00 00 0b00000000000000";
const char kCapturedClose[] = "05000000 19 02000000";

Bytes payloadOf(const char* packetHex) {
  Bytes packet = fromHex(packetHex);
  PacketHeader h = parseHeader(packet.data());
  EXPECT_EQ(h.length, packet.size() - kHeaderSize);
  return Bytes(packet.begin() + kHeaderSize, packet.end());
}

TEST(CapturedPreparedTest, SysbenchPointSelect) {
  auto ok = PrepareOk::parse(payloadOf(kCapturedPrepareOk));
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->statementId, 2u);
  EXPECT_EQ(ok->columns, 1);
  EXPECT_EQ(ok->params, 1);
  Bytes okAgain;
  ok->encode(okAgain);
  EXPECT_EQ(toHex(okAgain), toHex(payloadOf(kCapturedPrepareOk)));

  Bytes first = payloadOf(kCapturedExecuteWithTypes);
  auto req = ExecuteRequest::parse(first, ok->params, nullptr);
  ASSERT_TRUE(req);
  EXPECT_EQ(req->statementId, 2u);
  EXPECT_TRUE(req->typesSent);
  ASSERT_EQ(req->types.size(), 1u);
  EXPECT_EQ(req->types[0], (ParamType{ft::kLongLong, false}));
  EXPECT_EQ(integerParam(*req, first, 0), 11);
  const std::vector<ParamType> remembered = req->types;

  Bytes second = payloadOf(kCapturedExecuteNoTypes);
  EXPECT_FALSE(ExecuteRequest::parse(second, ok->params, nullptr));
  auto req2 = ExecuteRequest::parse(second, ok->params, &remembered);
  ASSERT_TRUE(req2);
  EXPECT_FALSE(req2->typesSent);
  EXPECT_EQ(integerParam(*req2, second, 0), 11);

  // To a backend that prepared the statement as id 7 and never saw the types.
  Bytes routed = reencode(*req2, second, 7, true);
  EXPECT_EQ(toHex(routed), "17070000000001000000000108000b00000000000000");
  // To one that did: only the id changes.
  EXPECT_EQ(toHex(reencode(*req2, second, 7, false)), "1707000000000100000000000b00000000000000");

  Bytes close = payloadOf(kCapturedClose);
  EXPECT_EQ(statementIdOf(close), 2u);
  ASSERT_TRUE(patchStatementId(close, 7));
  EXPECT_EQ(toHex(close), "1907000000");
}

// ---------------------------------------------------------------------------------------------
// Statement ids of the other commands

TEST(StatementIdTest, ReadsAndPatchesEveryStatementCommand) {
  const std::vector<std::pair<Command, const char*>> cases = {
      {Command::kStmtExecute, "17 2a000000 00 01000000"},
      {Command::kStmtFetch, "1c 2a000000 64000000"},
      {Command::kStmtClose, "19 2a000000"},
      {Command::kStmtReset, "1a 2a000000"},
      {Command::kStmtSendLongData, "18 2a000000 0100 68656c6c6f"},
  };
  for (const auto& [cmd, hex] : cases) {
    SCOPED_TRACE(hex);
    Bytes p = fromHex(hex);
    EXPECT_EQ(statementIdOf(p), 42u);
    Bytes expected = p;
    expected[1] = 0x78;
    expected[2] = 0x56;
    expected[3] = 0x34;
    expected[4] = 0x12;
    ASSERT_TRUE(patchStatementId(p, 0x12345678));
    EXPECT_EQ(toHex(p), toHex(expected));
    EXPECT_EQ(statementIdOf(p), 0x12345678u);
    // Every shorter prefix has no statement id and is left alone.
    for (size_t n = 0; n < 5; ++n) {
      Bytes cut = prefix(p, n);
      EXPECT_FALSE(statementIdOf(cut));
      EXPECT_FALSE(patchStatementId(cut, 1));
      EXPECT_EQ(toHex(cut), toHex(prefix(p, n)));
    }
  }
}

TEST(StatementIdTest, OtherCommandsHaveNone) {
  for (uint8_t cmd : {0x03, 0x16, 0x0e, 0x01, 0xfa, 0x00}) {
    Bytes p = {cmd, 1, 0, 0, 0, 0};
    EXPECT_FALSE(statementIdOf(p)) << int(cmd);
    EXPECT_FALSE(patchStatementId(p, 7)) << int(cmd);
    EXPECT_EQ(p[1], 1);
  }
}

TEST(LongDataTest, Parses) {
  Bytes p = fromHex("18 05000000 0200 616263");
  auto d = LongData::parse(p);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->statementId, 5u);
  EXPECT_EQ(d->param, 2);
  EXPECT_EQ(toHex(d->data), "616263");
  auto empty = LongData::parse(prefix(p, 7));
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->data.empty());
  for (size_t n = 0; n < 7; ++n) EXPECT_FALSE(LongData::parse(prefix(p, n))) << n;
  p[0] = 0x17;
  EXPECT_FALSE(LongData::parse(p));
}

}  // namespace
}  // namespace sg::protocol

namespace sg::protocol {
namespace {

// The piece of a split multi-row INSERT binds a subset of the parameters, in a new order.
TEST(ExecuteSubset, BindsTheChosenParametersWithTheirTypesAndNullBits) {
  std::vector<Param> all{longlong(5), nullOf(ft::kVarString), str("ab"), datetime(), blob(300)};
  Bytes payload = buildExecute(7, all, true);
  auto req = ExecuteRequest::parse(payload, 5, nullptr);
  ASSERT_TRUE(req);
  for (const std::vector<uint32_t>& pick :
       std::vector<std::vector<uint32_t>>{{2, 0}, {1}, {4, 3, 2, 1, 0}, {}}) {
    auto piece = executeSubset(*req, payload, 42, pick);
    ASSERT_TRUE(piece);
    std::vector<Param> expected;
    for (uint32_t i : pick) expected.push_back(all[i]);
    EXPECT_EQ(*piece, buildExecute(42, expected, true)) << pick.size();
    auto back = ExecuteRequest::parse(*piece, static_cast<uint16_t>(pick.size()), nullptr);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->statementId, 42u);
  }
  EXPECT_FALSE(executeSubset(*req, payload, 42, {5}));  // no such parameter
}

}  // namespace
}  // namespace sg::protocol
