// Generic responses and the authentication exchange (OK, ERR, EOF, AuthSwitchRequest,
// AuthMoreData): round trips, exact bytes, and a parse of every truncated prefix.

#include "router/protocol/messages.h"

#include <gtest/gtest.h>

#include "router/protocol/constants.h"
#include "tests/unit/protocol/test_util.h"

namespace sg::protocol {
namespace {

using test::checkEveryTruncation;
using test::fromHex;
using test::hexString;
using test::none;
using test::toHex;

const std::string kScramble20 = "abcdefghij0123456789";

// ---------------------------------------------------------------------------------------------
// OK

struct OkCase {
  const char* name;
  uint32_t caps;
  OkPacket ok;
  uint8_t header;
};

OkPacket ok(uint64_t affected, uint64_t id, uint16_t st, uint16_t warnings, std::string info,
            std::string state = "") {
  OkPacket p;
  p.affectedRows = affected;
  p.lastInsertId = id;
  p.status = st;
  p.warnings = warnings;
  p.info = std::move(info);
  p.sessionState = std::move(state);
  return p;
}

const std::string kSchemaState = hexString("01 06 05 6d7973716c");  // SESSION_TRACK_SCHEMA "mysql"

std::vector<OkCase> okCases() {
  const uint32_t p41 = cap::kProtocol41;
  const uint32_t track = cap::kProtocol41 | cap::kSessionTrack;
  return {
      {"plain", p41, ok(1, 0, status::kAutocommit, 0, "Rows matched: 1  Changed: 1  Warnings: 0"),
       0x00},
      {"plainNoInfo", p41, ok(0, 0, status::kAutocommit, 0, ""), 0x00},
      {"bigCounters", p41, ok(1ull << 40, 251, status::kInTrans, 3, "x"), 0x00},
      {"trackNothing", track, ok(0, 0, status::kAutocommit, 0, ""), 0x00},
      {"trackInfo", track, ok(2, 7, status::kAutocommit, 1, "Records: 2  Duplicates: 0"), 0x00},
      {"trackState", track,
       ok(0, 0, status::kAutocommit | status::kSessionStateChanged, 0, "", kSchemaState), 0x00},
      {"trackInfoAndState", track,
       ok(0, 0, status::kSessionStateChanged, 0, "changed", kSchemaState), 0x00},
      {"endOfResultSet", track | cap::kDeprecateEof, ok(0, 0, status::kAutocommit, 0, ""), 0xFE},
      {"transactionsOnly", cap::kTransactions, ok(5, 6, status::kInTrans, 0, "info"), 0x00},
      {"protocol40", 0, ok(5, 6, 0, 0, "info"), 0x00},
  };
}

void PrintTo(const OkCase& c, std::ostream* os) { *os << c.name; }

class OkPacketTest : public ::testing::TestWithParam<OkCase> {};

TEST_P(OkPacketTest, RoundTrip) {
  const OkCase& c = GetParam();
  Bytes out;
  c.ok.encode(out, c.caps, c.header);
  EXPECT_EQ(out[0], c.header);
  auto parsed = OkPacket::parse(out, c.caps);
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(*parsed == c.ok) << toHex(out);
}

TEST_P(OkPacketTest, EveryTruncation) {
  const OkCase& c = GetParam();
  Bytes out;
  c.ok.encode(out, c.caps, c.header);
  size_t fixedEnd = 1 + lenencSize(c.ok.affectedRows) + lenencSize(c.ok.lastInsertId) +
                    ((c.caps & cap::kProtocol41)     ? 4
                     : (c.caps & cap::kTransactions) ? 2
                                                     : 0);
  checkEveryTruncation<OkPacket>(
      out, [&](ByteSpan p) { return OkPacket::parse(p, c.caps); },
      [&](size_t n) -> std::optional<OkPacket> {
        if (n < fixedEnd) return std::nullopt;
        OkPacket shorter = c.ok;
        if (c.caps & cap::kSessionTrack) {
          // Info and state are length-encoded: either absent as a whole or complete.
          if (n > fixedEnd) return std::nullopt;
          shorter.info.clear();
          shorter.sessionState.clear();
          return shorter;
        }
        shorter.info = c.ok.info.substr(0, n - fixedEnd);  // info is "the rest of the packet"
        return shorter;
      });
}

INSTANTIATE_TEST_SUITE_P(Cases, OkPacketTest, ::testing::ValuesIn(okCases()),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(OkPacketMiscTest, ExactBytesAndRefusals) {
  EXPECT_EQ(toHex(makeOk(cap::kProtocol41, status::kAutocommit)), "00000002000000");
  EXPECT_EQ(toHex(makeOk(cap::kProtocol41, status::kAutocommit, 300, 5, 1)), "00fc2c010502000100");
  EXPECT_EQ(toHex(makeOk(cap::kProtocol41 | cap::kSessionTrack, 0)), "00000000000000");
  EXPECT_FALSE(OkPacket::parse(Bytes{}, cap::kProtocol41));
  EXPECT_FALSE(OkPacket::parse(fromHex("01000002000000"), cap::kProtocol41));
  EXPECT_FALSE(OkPacket::parse(fromHex("ff000002000000"), cap::kProtocol41));
  EXPECT_FALSE(OkPacket::parse(fromHex("00fb0002000000"), cap::kProtocol41));  // NULL count
}

// ---------------------------------------------------------------------------------------------
// ERR

TEST(ErrPacketTest, Protocol41RoundTripAndExactBytes) {
  Bytes out = makeErr(err::kAccessDenied, "28000", "Access denied");
  EXPECT_EQ(toHex(out),
            "ff1504"
            "23"
            "3238303030" +
                toHex(std::string_view("Access denied")));
  auto parsed = ErrPacket::parse(out, cap::kProtocol41);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->code, err::kAccessDenied);
  EXPECT_EQ(parsed->sqlState, "28000");
  EXPECT_EQ(parsed->message, "Access denied");
}

TEST(ErrPacketTest, Protocol41EveryTruncation) {
  ErrPacket e;
  e.code = err::kBadDb;
  e.sqlState = "42000";
  e.message = "Unknown database 'x'";
  Bytes out;
  e.encode(out, cap::kProtocol41);
  checkEveryTruncation<ErrPacket>(
      out, [](ByteSpan p) { return ErrPacket::parse(p, cap::kProtocol41); },
      [&](size_t n) -> std::optional<ErrPacket> {
        if (n < 3) return std::nullopt;
        ErrPacket shorter;
        shorter.code = e.code;
        if (n == 3) return shorter;      // no marker: read as an early-handshake ERR, "HY000"
        if (n < 9) return std::nullopt;  // '#' with a cut SQLSTATE
        shorter.sqlState = e.sqlState;
        shorter.message = e.message.substr(0, n - 9);
        return shorter;
      });
}

TEST(ErrPacketTest, WithoutMarkerDuringHandshake) {
  Bytes raw = fromHex("ff6a04");  // 1130, "Host ... is not allowed to connect"
  std::string msg = "Host '10.0.0.1' is not allowed to connect to this MariaDB server";
  raw.insert(raw.end(), msg.begin(), msg.end());
  for (uint32_t caps : {0u, cap::kProtocol41}) {
    auto parsed = ErrPacket::parse(raw, caps);
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->code, 1130);
    EXPECT_EQ(parsed->sqlState, "HY000");
    EXPECT_EQ(parsed->message, msg);
  }
}

TEST(ErrPacketTest, Protocol40RoundTripAndTruncation) {
  ErrPacket e;
  e.code = 1234;
  e.message = "#not a state";
  Bytes out;
  e.encode(out, 0);
  EXPECT_EQ(toHex(ByteSpan(out).first(3)), "ffd204");
  auto parsed = ErrPacket::parse(out, 0);
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(*parsed == e);
  checkEveryTruncation<ErrPacket>(
      out, [](ByteSpan p) { return ErrPacket::parse(p, 0); },
      [&](size_t n) -> std::optional<ErrPacket> {
        if (n < 3) return std::nullopt;
        ErrPacket shorter = e;
        shorter.message = e.message.substr(0, n - 3);
        return shorter;
      });
}

TEST(ErrPacketTest, BadSqlStateIsReplaced) {
  Bytes out = makeErr(1, "XYZ", "m");
  EXPECT_EQ(toHex(out),
            "ff0100"
            "23" +
                toHex(std::string_view("HY000")) + "6d");
  EXPECT_FALSE(ErrPacket::parse(fromHex("00010023"), cap::kProtocol41));
}

// ---------------------------------------------------------------------------------------------
// EOF

TEST(EofPacketTest, RoundTripAndTruncation) {
  EofPacket eof{3, status::kAutocommit | status::kMoreResultsExist};
  Bytes out;
  eof.encode(out);
  EXPECT_EQ(toHex(out), "fe03000a00");
  auto parsed = EofPacket::parse(out);
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(*parsed == eof);
  checkEveryTruncation<EofPacket>(out, EofPacket::parse, none<EofPacket>);
}

TEST(EofPacketTest, SizeRules) {
  EXPECT_TRUE(EofPacket::parse(fromHex("fe0000020000")));         // 6 bytes: still < 9
  EXPECT_FALSE(EofPacket::parse(fromHex("fe0000020000000000")));  // 9 bytes: an OK/row
  EXPECT_FALSE(EofPacket::parse(fromHex("000000020000")));
}

// ---------------------------------------------------------------------------------------------
// AuthSwitchRequest / AuthMoreData

TEST(AuthSwitchRequestTest, RoundTripAndTruncation) {
  AuthSwitchRequest req{kNativePlugin, kScramble20};
  Bytes out;
  req.encode(out);
  EXPECT_EQ(out.size(), 1 + 22 + 21u);
  EXPECT_EQ(out[0], 0xFE);
  EXPECT_EQ(out.back(), 0);
  auto parsed = AuthSwitchRequest::parse(out);
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(*parsed == req);

  const size_t dataStart = 1 + req.plugin.size() + 1;
  checkEveryTruncation<AuthSwitchRequest>(
      out, AuthSwitchRequest::parse, [&](size_t n) -> std::optional<AuthSwitchRequest> {
        if (n < dataStart) return std::nullopt;  // plugin name needs its NUL
        AuthSwitchRequest shorter = req;
        shorter.data = req.data.substr(0, n - dataStart);  // cut NUL: same data
        return shorter;
      });
}

TEST(AuthSwitchRequestTest, EmptyDataAndMissingNul) {
  AuthSwitchRequest req{kClearPlugin, ""};
  Bytes out;
  req.encode(out);
  EXPECT_EQ(toHex(out), "fe" + toHex(std::string_view(kClearPlugin)) +
                            "00"
                            "00");
  EXPECT_TRUE(*AuthSwitchRequest::parse(out) == req);

  Bytes noNul = fromHex("fe 6100 7879");  // plugin "a", data "xy" without NUL
  auto parsed = AuthSwitchRequest::parse(noNul);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->data, "xy");
  EXPECT_FALSE(AuthSwitchRequest::parse(fromHex("fe")));  // old-password switch
  EXPECT_FALSE(AuthSwitchRequest::parse(fromHex("00 6100")));
}

TEST(AuthMoreDataTest, RoundTripAndTruncation) {
  for (std::string data : {std::string("\x04"), std::string("\x03"), std::string(""),
                           std::string("-----BEGIN PUBLIC KEY-----\nMIIB...\n")}) {
    AuthMoreData more{data};
    Bytes out;
    more.encode(out);
    EXPECT_EQ(out[0], 0x01);
    auto parsed = AuthMoreData::parse(out);
    ASSERT_TRUE(parsed);
    EXPECT_TRUE(*parsed == more);
    checkEveryTruncation<AuthMoreData>(out, AuthMoreData::parse,
                                       [&](size_t n) -> std::optional<AuthMoreData> {
                                         if (n == 0) return std::nullopt;
                                         return AuthMoreData{data.substr(0, n - 1)};
                                       });
  }
  EXPECT_FALSE(AuthMoreData::parse(fromHex("0204")));
}

}  // namespace
}  // namespace sg::protocol
