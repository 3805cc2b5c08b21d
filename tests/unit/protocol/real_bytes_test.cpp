// Bytes that real servers and clients sent, decoded and re-encoded.
//
// MariaDB: captured with a logging TCP relay between the `mariadb` 10.11 command-line client
// (libmariadb 3.3.20) and a throwaway MariaDB 10.11.19 server (Debian 12), whole packets with
// headers. MySQL: the 8.0.32 connection phase dissected byte by byte in "Exploring the MySQL
// protocol" (github.com/KarboniteKream/thoughts, 2024-01-08), and a 5.7.18 greeting from a
// public packet walkthrough.

#include <gtest/gtest.h>

#include "router/protocol/auth.h"
#include "router/protocol/constants.h"
#include "router/protocol/messages.h"
#include "router/protocol/packet.h"
#include "tests/unit/protocol/test_util.h"

namespace sg::protocol {
namespace {

using test::fromHex;
using test::prefix;
using test::toHex;

// Session 1: `mariadb -uroot --skip-ssl -e "select 1 as x; do 1"` (empty password).
const char kMariaDbGreetingPacket[] =
    "640000000a352e352e352d31302e31312e31392d4d6172696144422d302b6465"
    "623132753100030000004e485c776570245f00fef7080200ff81150000000000"
    "001d000000362c783d64623f52606a727e006d7973716c5f6e61746976655f70"
    "617373776f726400";
const char kMariaDbResponsePacket[] =
    "bb00000184a2bf00000010002100000000000000000000000000000000000000"
    "1d000000726f6f7400006d7973716c5f6e61746976655f70617373776f726400"
    "7e035f6f73054c696e75780c5f636c69656e745f6e616d650a6c69626d617269"
    "616462045f70696404343835390f5f636c69656e745f76657273696f6e06332e"
    "332e3230095f706c6174666f726d067838365f36340c70726f6772616d5f6e61"
    "6d65056d7973716c0c5f7365727665725f686f7374093132372e302e302e31";
const char kMariaDbLoginOkPacket[] =
    "07000002"
    "00000002000000";
// Server's answer to "select 1 as x" (text result set with EOF packets), as one TCP read.
const char kMariaDbResultSetStream[] =
    "0200000101011800000203646566000000017800000c3f000100000003810000"
    "000005000003fe0000020002000004013105000005fe00000200";

// Session 2: `mariadb -uroot -pwrong --skip-ssl` (refused).
const char kMariaDbGreeting2Packet[] =
    "640000000a352e352e352d31302e31312e31392d4d6172696144422d302b6465"
    "623132753100040000005057473f4371334600fef7080200ff81150000000000"
    "001d000000497946336a3c2e6d5f734439006d7973716c5f6e61746976655f70"
    "617373776f726400";
const char kMariaDbResponse2Packet[] =
    "cf00000184a2bf00000010002100000000000000000000000000000000000000"
    "1d000000726f6f740014a2dba847be4da1a4e400190048f2472868af99356d79"
    "73716c5f6e61746976655f70617373776f7264007e035f6f73054c696e75780c"
    "5f636c69656e745f6e616d650a6c69626d617269616462045f70696404343935"
    "370f5f636c69656e745f76657273696f6e06332e332e3230095f706c6174666f"
    "726d067838365f36340c70726f6772616d5f6e616d65056d7973716c0c5f7365"
    "727665725f686f7374093132372e302e302e31";
const char kMariaDbAccessDeniedPacket[] =
    "48000002ff15042332383030304163636573732064656e69656420666f722075"
    "7365722027726f6f742740276c6f63616c686f73742720287573696e67207061"
    "7373776f72643a2059455329";

// Session 3: `mariadb -uroot -D mysql -e "set autocommit=0; select * from nonexist"`.
const char kMariaDbResponse3Packet[] =
    "c10000018ca2bf00000010002100000000000000000000000000000000000000"
    "1d000000726f6f7400006d7973716c006d7973716c5f6e61746976655f706173"
    "73776f7264007e035f6f73054c696e75780c5f636c69656e745f6e616d650a6c"
    "69626d617269616462045f70696404353030380f5f636c69656e745f76657273"
    "696f6e06332e332e3230095f706c6174666f726d067838365f36340c70726f67"
    "72616d5f6e616d65056d7973716c0c5f7365727665725f686f7374093132372e"
    "302e302e31";
const char kMariaDbSchemaOkPacket[] =
    "11000002"
    "0000000240000000080106056d7973716c";
const char kMariaDbAutocommitOkPacket[] =
    "1a000001"
    "000000004000000011000f0a6175746f636f6d6d6974034f4646";
const char kMariaDbNoTablePacket[] =
    "2d000001ff7a042334325330325461626c6520276d7973716c2e6e6f6e65786973742720646f65736e2774"
    "206578697374";

// MySQL 8.0.32 (payloads only).
const char kMySql8Greeting[] =
    "0a"
    "382e302e333200"
    "08000000"
    "1c4619465976404b"
    "00"
    "ffff"
    "ff"
    "0200"
    "ffdf"
    "15"
    "00000000000000000000"
    "3f71347153455e5d227a323d00"
    "63616368696e675f736861325f70617373776f726400";
const char kMySql8SslRequest[] =
    "08aa0a00"
    "ffffff00"
    "e0"
    "0000000000000000000000000000000000000000000000";
const char kMySql8Response[] =
    "08aa0a00"
    "ffffff00"
    "e0"
    "0000000000000000000000000000000000000000000000"
    "726f6f7400"
    "20"
    "382494b77530094f7aa0351eeea13eb2e5fe457f1bb4d9407254d3a993daeb55"
    "7465737400"
    "63616368696e675f736861325f70617373776f726400";

// MySQL 5.7.18 greeting (payload only).
const char kMySql57Greeting[] =
    "0a"
    "352e372e31382d6c6f6700"
    "127a2900"
    "33583818445e1648"
    "00"
    "ffff"
    "21"
    "0200"
    "ffc1"
    "15"
    "00000000000000000000"
    "407911302a41615564776e0d00"
    "6d7973716c5f6e61746976655f70617373776f726400";

// De-frames exactly one logical payload from a whole captured packet.
Bytes payloadOf(const char* packetHex, uint8_t expectSeq) {
  PacketAssembler a(1 << 24);
  a.feed(fromHex(packetHex));
  EXPECT_EQ(a.next(expectSeq), PacketAssembler::Status::kReady);
  EXPECT_TRUE(a.pending().empty());
  return a.payload();
}

void expectEveryGreetingTruncationSafe(const Bytes& payload, const Greeting& full) {
  const size_t pluginStart = payload.size() - full.authPlugin.size() - 1;
  for (size_t n = 0; n < payload.size(); ++n) {
    Bytes cut = prefix(payload, n);
    auto g = Greeting::parse(cut);
    if (n < pluginStart) {
      EXPECT_FALSE(g) << n;
    } else {
      ASSERT_TRUE(g) << n;
      EXPECT_EQ(g->authPlugin, full.authPlugin.substr(0, n - pluginStart));
    }
  }
}

TEST(RealBytesTest, MariaDbGreeting) {
  Bytes payload = payloadOf(kMariaDbGreetingPacket, 0);
  auto g = Greeting::parse(payload);
  ASSERT_TRUE(g);
  EXPECT_EQ(g->protocolVersion, 10);
  EXPECT_EQ(g->serverVersion, "5.5.5-10.11.19-MariaDB-0+deb12u1");
  EXPECT_EQ(g->connectionId, 3u);
  EXPECT_EQ(g->authData, "NH\\wep$_6,x=db?R`jr~");
  EXPECT_EQ(g->capabilities, 0x81fff7feu);
  EXPECT_FALSE(g->capabilities & cap::kLongPassword);  // MariaDB announces itself this way
  EXPECT_TRUE(g->capabilities & cap::kPluginAuth);
  EXPECT_EQ(g->collation, 8);  // latin1_swedish_ci
  EXPECT_EQ(g->status, status::kAutocommit);
  EXPECT_EQ(g->mariadbExtCapabilities, 0x1du);
  EXPECT_EQ(g->authPlugin, kNativePlugin);

  Bytes again;
  g->encode(again);
  EXPECT_EQ(toHex(again), toHex(payload));
  expectEveryGreetingTruncationSafe(payload, *g);
}

TEST(RealBytesTest, MariaDbClientResponseWithAttributes) {
  Bytes payload = payloadOf(kMariaDbResponsePacket, 1);
  auto hr = HandshakeResponse::parse(payload);
  ASSERT_TRUE(hr);
  EXPECT_EQ(hr->capabilities, 0x00bfa284u);
  EXPECT_TRUE(hr->capabilities & cap::kPluginAuthLenencData);
  EXPECT_FALSE(hr->capabilities & cap::kConnectWithDb);
  EXPECT_EQ(hr->maxPacketSize, 0x00100000u);
  EXPECT_EQ(hr->collation, 33);
  EXPECT_EQ(hr->mariadbExtCapabilities, 0x1du);
  EXPECT_EQ(hr->user, "root");
  EXPECT_EQ(hr->authResponse, "");
  EXPECT_EQ(hr->authPlugin, kNativePlugin);
  ConnectAttrs expected = {{"_os", "Linux"},
                           {"_client_name", "libmariadb"},
                           {"_pid", "4859"},
                           {"_client_version", "3.3.20"},
                           {"_platform", "x86_64"},
                           {"program_name", "mysql"},
                           {"_server_host", "127.0.0.1"}};
  EXPECT_EQ(hr->attrs, expected);
  EXPECT_FALSE(hr->isSslRequest);

  Bytes again;
  hr->encode(again);
  EXPECT_EQ(toHex(again), toHex(payload));
  for (size_t n = 0; n < payload.size(); ++n) {
    Bytes cut = prefix(payload, n);
    EXPECT_FALSE(HandshakeResponse::parse(cut)) << n;  // attributes last: every cut is refused
  }
}

TEST(RealBytesTest, MariaDbLoginOkAndResultSet) {
  const uint32_t caps = 0x00bfa284;  // the client's
  auto ok = OkPacket::parse(payloadOf(kMariaDbLoginOkPacket, 2), caps);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, status::kAutocommit);
  EXPECT_EQ(ok->affectedRows, 0u);
  EXPECT_EQ(ok->info, "");

  // The result set arrives as one read: column count, column definition, EOF, row, EOF.
  PacketAssembler a(1 << 24);
  a.feed(fromHex(kMariaDbResultSetStream));
  std::vector<std::string> payloads;
  for (uint8_t seq = 1; seq <= 5; ++seq) {
    ASSERT_EQ(a.next(seq), PacketAssembler::Status::kReady) << int(seq);
    payloads.push_back(toHex(a.payload()));
  }
  EXPECT_EQ(a.next(6), PacketAssembler::Status::kNeedMore);
  EXPECT_EQ(payloads[0], "0101");  // 1 column; MariaDB metadata-follows flag (cache metadata)
  EXPECT_EQ(payloads[3], "0131");  // row: "1"
  for (int i : {2, 4}) {
    auto eof = EofPacket::parse(fromHex(payloads[i]));
    ASSERT_TRUE(eof);
    EXPECT_EQ(eof->warnings, 0);
    EXPECT_EQ(eof->status, status::kAutocommit);
    Bytes again;
    eof->encode(again);
    EXPECT_EQ(toHex(again), payloads[i]);
  }
}

TEST(RealBytesTest, MariaDbNativeResponseAndAccessDenied) {
  auto g = Greeting::parse(payloadOf(kMariaDbGreeting2Packet, 0));
  ASSERT_TRUE(g);
  auto hr = HandshakeResponse::parse(payloadOf(kMariaDbResponse2Packet, 1));
  ASSERT_TRUE(hr);
  EXPECT_EQ(hr->authResponse, nativeScramble("wrong", g->authData));
  EXPECT_TRUE(nativeVerify(hr->authResponse, g->authData, nativeStage2("wrong")));
  EXPECT_FALSE(nativeVerify(hr->authResponse, g->authData, nativeStage2("")));

  Bytes errPayload = payloadOf(kMariaDbAccessDeniedPacket, 2);
  auto e = ErrPacket::parse(errPayload, hr->capabilities);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code, err::kAccessDenied);
  EXPECT_EQ(e->sqlState, "28000");
  EXPECT_EQ(e->message, "Access denied for user 'root'@'localhost' (using password: YES)");
  EXPECT_EQ(toHex(makeErr(e->code, e->sqlState, e->message)), toHex(errPayload));
}

TEST(RealBytesTest, MariaDbSessionTrackingOks) {
  auto hr = HandshakeResponse::parse(payloadOf(kMariaDbResponse3Packet, 1));
  ASSERT_TRUE(hr);
  EXPECT_EQ(hr->database, "mysql");
  const uint32_t caps = hr->capabilities;
  ASSERT_TRUE(caps & cap::kSessionTrack);

  Bytes schemaPayload = payloadOf(kMariaDbSchemaOkPacket, 2);
  auto schemaOk = OkPacket::parse(schemaPayload, caps);
  ASSERT_TRUE(schemaOk);
  EXPECT_EQ(schemaOk->status, status::kAutocommit | status::kSessionStateChanged);
  EXPECT_EQ(schemaOk->info, "");
  EXPECT_EQ(toHex(schemaOk->sessionState), "0106056d7973716c");  // SESSION_TRACK_SCHEMA "mysql"

  Bytes acPayload = payloadOf(kMariaDbAutocommitOkPacket, 1);
  auto acOk = OkPacket::parse(acPayload, caps);
  ASSERT_TRUE(acOk);
  EXPECT_EQ(acOk->status, status::kSessionStateChanged);  // autocommit now off
  EXPECT_EQ(acOk->sessionState, std::string("\x00\x0f\x0a"
                                            "autocommit"
                                            "\x03"
                                            "OFF",
                                            17));

  std::vector<std::pair<Bytes, OkPacket>> pairs = {{schemaPayload, *schemaOk}, {acPayload, *acOk}};
  for (const auto& [payload, parsed] : pairs) {
    Bytes again;
    parsed.encode(again, caps);
    EXPECT_EQ(toHex(again), toHex(payload));
  }

  auto e = ErrPacket::parse(payloadOf(kMariaDbNoTablePacket, 1), caps);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code, 1146);
  EXPECT_EQ(e->sqlState, "42S02");
  EXPECT_EQ(e->message, "Table 'mysql.nonexist' doesn't exist");
}

TEST(RealBytesTest, MySql8Greeting) {
  Bytes payload = fromHex(kMySql8Greeting);
  auto g = Greeting::parse(payload);
  ASSERT_TRUE(g);
  EXPECT_EQ(g->serverVersion, "8.0.32");
  EXPECT_EQ(g->connectionId, 8u);
  EXPECT_EQ(toHex(g->authData),
            "1c4619465976404b"
            "3f71347153455e5d227a323d");
  EXPECT_EQ(g->authData.size(), 20u);
  EXPECT_EQ(g->capabilities, 0xdfffffffu);
  EXPECT_EQ(g->collation, 255);  // utf8mb4_0900_ai_ci
  EXPECT_EQ(g->status, status::kAutocommit);
  EXPECT_EQ(g->mariadbExtCapabilities, 0u);
  EXPECT_EQ(g->authPlugin, kCachingSha2Plugin);

  Bytes again;
  g->encode(again);
  EXPECT_EQ(toHex(again), toHex(payload));  // byte-identical to what MySQL 8 sends
  expectEveryGreetingTruncationSafe(payload, *g);

  // A greeting shardgate builds itself has the same shape.
  Greeting ours = *g;
  ours.authData = makeScramble();
  ours.serverVersion = "8.0.32-shardgate";
  Bytes built;
  ours.encode(built);
  auto back = Greeting::parse(built);
  ASSERT_TRUE(back);
  EXPECT_TRUE(*back == ours);
}

TEST(RealBytesTest, MySql8SslRequestAndResponse) {
  auto ssl = HandshakeResponse::parse(fromHex(kMySql8SslRequest));
  ASSERT_TRUE(ssl);
  EXPECT_TRUE(ssl->isSslRequest);
  EXPECT_EQ(ssl->capabilities, 0x000aaa08u);
  EXPECT_EQ(ssl->maxPacketSize, 0xFFFFFFu);
  EXPECT_EQ(ssl->collation, 224);

  Bytes payload = fromHex(kMySql8Response);
  auto hr = HandshakeResponse::parse(payload);
  ASSERT_TRUE(hr);
  EXPECT_FALSE(hr->isSslRequest);
  EXPECT_FALSE(hr->capabilities & cap::kPluginAuthLenencData);  // 1-byte auth length
  EXPECT_EQ(hr->user, "root");
  EXPECT_EQ(toHex(hr->authResponse),
            "382494b77530094f7aa0351eeea13eb2e5fe457f1bb4d9407254d3a993daeb55");
  EXPECT_EQ(hr->database, "test");
  EXPECT_EQ(hr->authPlugin, kCachingSha2Plugin);
  EXPECT_TRUE(hr->attrs.empty());
  Bytes again;
  hr->encode(again);
  EXPECT_EQ(toHex(again), toHex(payload));

  // Cut at 32 bytes it is the SSLRequest again; inside the plugin name, a name without NUL.
  const size_t pluginStart = payload.size() - hr->authPlugin.size() - 1;
  for (size_t n = 0; n < payload.size(); ++n) {
    Bytes cut = prefix(payload, n);
    auto p = HandshakeResponse::parse(cut);
    if (n == 32) {
      ASSERT_TRUE(p);
      EXPECT_TRUE(p->isSslRequest);
    } else if (n >= pluginStart) {
      ASSERT_TRUE(p) << n;
      EXPECT_EQ(p->authPlugin, hr->authPlugin.substr(0, n - pluginStart));
    } else {
      EXPECT_FALSE(p) << n;
    }
  }

  auto more = AuthMoreData::parse(fromHex("0104"));  // "perform full authentication"
  ASSERT_TRUE(more);
  EXPECT_EQ(more->data, "\x04");
  auto ok = OkPacket::parse(fromHex("00000002000000"), hr->capabilities);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, status::kAutocommit);
}

TEST(RealBytesTest, MySql57Greeting) {
  Bytes payload = fromHex(kMySql57Greeting);
  auto g = Greeting::parse(payload);
  ASSERT_TRUE(g);
  EXPECT_EQ(g->serverVersion, "5.7.18-log");
  EXPECT_EQ(g->connectionId, 0x297a12u);
  EXPECT_EQ(g->capabilities, 0xc1ffffffu);
  EXPECT_EQ(g->collation, 0x21);
  EXPECT_EQ(g->authData.size(), 20u);
  EXPECT_EQ(g->authPlugin, kNativePlugin);
  Bytes again;
  g->encode(again);
  EXPECT_EQ(toHex(again), toHex(payload));
}

}  // namespace
}  // namespace sg::protocol
