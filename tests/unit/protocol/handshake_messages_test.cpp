// Connection-phase messages (Greeting, HandshakeResponse/SSLRequest, COM_CHANGE_USER): round
// trips with and without the capability-dependent fields, and a parse of every truncated prefix.

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
// Greeting

constexpr uint32_t kMySqlServerCaps =
    cap::kLongPassword | cap::kFoundRows | cap::kLongFlag | cap::kConnectWithDb | cap::kProtocol41 |
    cap::kSsl | cap::kTransactions | cap::kSecureConnection | cap::kMultiStatements |
    cap::kMultiResults | cap::kPluginAuth | cap::kConnectAttrs | cap::kPluginAuthLenencData |
    cap::kSessionTrack | cap::kDeprecateEof;

Greeting mySqlGreeting() {
  Greeting g;
  g.serverVersion = "8.0.36";
  g.connectionId = 0x01020304;
  g.authData = kScramble20;
  g.capabilities = kMySqlServerCaps;
  g.collation = 255;
  g.status = status::kAutocommit;
  g.authPlugin = kCachingSha2Plugin;
  return g;
}

Greeting mariaDbGreeting() {
  Greeting g = mySqlGreeting();
  g.serverVersion = "5.5.5-10.11.6-MariaDB";
  g.capabilities &= ~cap::kLongPassword;
  g.mariadbExtCapabilities = 0x1d;
  g.authPlugin = kNativePlugin;
  g.collation = 8;
  return g;
}

// A greeting whose plugin name is its last field: prefixes that cut into the name are read as a
// name without its NUL (servers that omit it); everything shorter is refused.
std::function<std::optional<Greeting>(size_t)> greetingPrefixRule(const Greeting& g,
                                                                  size_t fullSize) {
  size_t pluginStart = fullSize - g.authPlugin.size() - 1;
  return [g, pluginStart](size_t n) -> std::optional<Greeting> {
    if (n < pluginStart) return std::nullopt;
    Greeting shorter = g;
    shorter.authPlugin = g.authPlugin.substr(0, n - pluginStart);
    return shorter;
  };
}

TEST(GreetingTest, MySqlLayoutRoundTrip) {
  Greeting g = mySqlGreeting();
  Bytes out;
  g.encode(out);
  // 1 + "8.0.36\0" + 4 + 8 + 1 + 2 + 1 + 2 + 2 + 1 + 10 + 13 + "caching_sha2_password\0"
  ASSERT_EQ(out.size(), 1 + 7 + 4 + 8 + 1 + 2 + 1 + 2 + 2 + 1 + 10 + 13 + 22u);
  EXPECT_EQ(out[0], 10);
  EXPECT_EQ(toHex(ByteSpan(out).subspan(8, 4)), "04030201");
  EXPECT_EQ(out[12 + 8], 0);       // filler after part 1
  EXPECT_EQ(out[12 + 8 + 8], 21);  // 20-byte scramble + NUL
  EXPECT_EQ(toHex(ByteSpan(out).subspan(29, 10)), "00000000000000000000");
  EXPECT_EQ(std::string(out.begin() + 39, out.begin() + 52), std::string("ij0123456789\0", 13));
  EXPECT_EQ(out[51], 0);
  EXPECT_EQ(out.back(), 0);

  auto parsed = Greeting::parse(out);
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(*parsed == g);
  EXPECT_EQ(parsed->authData, kScramble20);
  EXPECT_EQ(parsed->mariadbExtCapabilities, 0u);
}

TEST(GreetingTest, MariaDbExtendedCapabilitiesRoundTrip) {
  Greeting g = mariaDbGreeting();
  Bytes out;
  g.encode(out);
  // The 4 bytes after the 6 reserved ones carry the extended capabilities.
  size_t reserved = 1 + g.serverVersion.size() + 1 + 4 + 8 + 1 + 2 + 1 + 2 + 2 + 1;
  EXPECT_EQ(toHex(ByteSpan(out).subspan(reserved, 10)), "0000000000001d000000");
  auto parsed = Greeting::parse(out);
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(*parsed == g);
}

TEST(GreetingTest, ExtendedCapabilitiesIgnoredForMySqlServers) {
  Greeting g = mySqlGreeting();
  g.mariadbExtCapabilities = 0xFFFF;  // not encodable when kLongPassword is set
  Bytes out;
  g.encode(out);
  auto parsed = Greeting::parse(out);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->mariadbExtCapabilities, 0u);
}

TEST(GreetingTest, EveryTruncation) {
  for (const Greeting& g : {mySqlGreeting(), mariaDbGreeting()}) {
    Bytes out;
    g.encode(out);
    checkEveryTruncation<Greeting>(out, Greeting::parse, greetingPrefixRule(g, out.size()));
  }
}

TEST(GreetingTest, WithoutPluginAuth) {
  Greeting g = mySqlGreeting();
  g.capabilities &= ~(cap::kPluginAuth | cap::kPluginAuthLenencData);
  g.authPlugin.clear();
  Bytes out;
  g.encode(out);
  size_t lenByte = 1 + g.serverVersion.size() + 1 + 4 + 8 + 1 + 2 + 1 + 2 + 2;
  EXPECT_EQ(out[lenByte], 0);
  EXPECT_EQ(out.size(), lenByte + 1 + 10 + 13);
  auto parsed = Greeting::parse(out);
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(*parsed == g);
  checkEveryTruncation<Greeting>(out, Greeting::parse, none<Greeting>);
}

TEST(GreetingTest, WithoutSecureConnection) {
  Greeting g = mySqlGreeting();
  g.capabilities &= ~(cap::kPluginAuth | cap::kPluginAuthLenencData | cap::kSecureConnection);
  g.authPlugin.clear();
  g.authData = "12345678";
  Bytes out;
  g.encode(out);
  EXPECT_EQ(out.size(), 1 + g.serverVersion.size() + 1 + 4 + 8 + 1 + 2 + 1 + 2 + 2 + 1 + 10);
  auto parsed = Greeting::parse(out);
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(*parsed == g);
  checkEveryTruncation<Greeting>(out, Greeting::parse, none<Greeting>);
}

TEST(GreetingTest, LongScrambleRoundTrip) {
  Greeting g = mySqlGreeting();
  g.authData = std::string(32, 'z') + "0123";
  Bytes out;
  g.encode(out);
  size_t lenByte = 1 + g.serverVersion.size() + 1 + 4 + 8 + 1 + 2 + 1 + 2 + 2;
  EXPECT_EQ(out[lenByte], 37);
  auto parsed = Greeting::parse(out);
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(*parsed == g);
  checkEveryTruncation<Greeting>(out, Greeting::parse, greetingPrefixRule(g, out.size()));
}

TEST(GreetingTest, ShortScrambleIsPaddedLikeMySql) {
  Greeting g = mySqlGreeting();
  g.authData = "short";
  Bytes out;
  g.encode(out);
  auto parsed = Greeting::parse(out);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->authData, std::string("short") + std::string(15, '\0'));
  EXPECT_EQ(parsed->authPlugin, g.authPlugin);
}

TEST(GreetingTest, PluginNameWithoutFinalNul) {
  Greeting g = mySqlGreeting();
  Bytes out;
  g.encode(out);
  out.pop_back();
  auto parsed = Greeting::parse(out);
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(*parsed == g);
}

TEST(GreetingTest, RefusesOtherProtocolVersionsAndErrPackets) {
  Greeting g = mySqlGreeting();
  g.protocolVersion = 9;
  Bytes out;
  g.encode(out);
  EXPECT_FALSE(Greeting::parse(out));
  EXPECT_FALSE(Greeting::parse(makeErr(err::kConCount, "08004", "Too many connections")));
  EXPECT_FALSE(Greeting::parse(Bytes{}));
}

// ---------------------------------------------------------------------------------------------
// HandshakeResponse

constexpr uint32_t kModernClientCaps =
    cap::kLongPassword | cap::kLongFlag | cap::kProtocol41 | cap::kTransactions |
    cap::kSecureConnection | cap::kMultiStatements | cap::kMultiResults | cap::kPluginAuth |
    cap::kPluginAuthLenencData | cap::kSessionTrack | cap::kDeprecateEof;

HandshakeResponse fullResponse() {
  HandshakeResponse hr;
  hr.capabilities = kModernClientCaps | cap::kConnectWithDb | cap::kConnectAttrs;
  hr.maxPacketSize = 0x01000000;
  hr.collation = 45;
  hr.user = "app";
  hr.authResponse = std::string("\x00\x01\xfe\xff", 4) + std::string(28, 'k');  // binary, 32 bytes
  hr.database = "shop";
  hr.authPlugin = kCachingSha2Plugin;
  hr.attrs = {
      {"_client_name", "libmysql"}, {"_pid", "4242"}, {"", ""}, {"k", std::string(300, 'v')}};
  return hr;
}

TEST(HandshakeResponseTest, FullRoundTrip) {
  HandshakeResponse hr = fullResponse();
  Bytes out;
  hr.encode(out);
  EXPECT_EQ(toHex(ByteSpan(out).first(9)), toHex(ByteSpan(fromHex("0da2bb01000000012d"))));
  auto parsed = HandshakeResponse::parse(out);
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(*parsed == hr);
  EXPECT_FALSE(parsed->isSslRequest);
}

TEST(HandshakeResponseTest, FullEveryTruncationIsRefused) {
  // Attributes are the last field and are required when announced: no prefix is acceptable.
  Bytes out;
  fullResponse().encode(out);
  checkEveryTruncation<HandshakeResponse>(out, HandshakeResponse::parse, none<HandshakeResponse>);
}

TEST(HandshakeResponseTest, OneByteAuthLengthAndPluginLastAfterTls) {
  HandshakeResponse hr;
  hr.capabilities = cap::kProtocol41 | cap::kSecureConnection | cap::kPluginAuth | cap::kSsl;
  hr.maxPacketSize = 0xFFFFFF;
  hr.collation = 33;
  hr.user = "root";
  hr.authResponse = std::string(20, '\0');
  hr.authPlugin = kNativePlugin;
  Bytes out;
  hr.encode(out);
  EXPECT_EQ(out[32 + 5], 20);  // after "root\0"
  auto parsed = HandshakeResponse::parse(out);
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(*parsed == hr);

  const size_t pluginStart = out.size() - hr.authPlugin.size() - 1;
  checkEveryTruncation<HandshakeResponse>(
      out, HandshakeResponse::parse, [&](size_t n) -> std::optional<HandshakeResponse> {
        if (n == 32) {  // the fixed part alone, with kSsl: exactly an SSLRequest
          HandshakeResponse ssl;
          ssl.capabilities = hr.capabilities;
          ssl.maxPacketSize = hr.maxPacketSize;
          ssl.collation = hr.collation;
          ssl.isSslRequest = true;
          return ssl;
        }
        if (n < pluginStart) return std::nullopt;
        HandshakeResponse shorter = hr;  // plugin name without its NUL
        shorter.authPlugin = hr.authPlugin.substr(0, n - pluginStart);
        return shorter;
      });
}

TEST(HandshakeResponseTest, NulTerminatedAuthWithoutSecureConnection) {
  HandshakeResponse hr;
  hr.capabilities = cap::kProtocol41 | cap::kConnectWithDb;
  hr.user = "old";
  hr.authResponse = "secret";
  hr.database = "db";
  Bytes out;
  hr.encode(out);
  EXPECT_EQ(std::string(out.begin() + 32, out.end()), std::string("old\0secret\0db\0", 14));
  auto parsed = HandshakeResponse::parse(out);
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(*parsed == hr);
  checkEveryTruncation<HandshakeResponse>(out, HandshakeResponse::parse, none<HandshakeResponse>);
}

TEST(HandshakeResponseTest, MariaDbExtendedCapabilities) {
  HandshakeResponse hr = fullResponse();
  hr.capabilities &= ~cap::kLongPassword;
  hr.mariadbExtCapabilities = 0x1d;
  Bytes out;
  hr.encode(out);
  EXPECT_EQ(toHex(ByteSpan(out).subspan(9, 23)),
            "00000000000000000000000000000000000000"
            "1d000000");
  auto parsed = HandshakeResponse::parse(out);
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(*parsed == hr);
}

TEST(HandshakeResponseTest, LongLenencAuthResponse) {
  HandshakeResponse hr = fullResponse();
  hr.authResponse = std::string(300, 'r');  // e.g. an RSA-encrypted password
  Bytes out;
  hr.encode(out);
  EXPECT_EQ(toHex(ByteSpan(out).subspan(36, 3)), "fc2c01");
  auto parsed = HandshakeResponse::parse(out);
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(*parsed == hr);
}

TEST(HandshakeResponseTest, EmptyFields) {
  HandshakeResponse hr;
  hr.capabilities = kModernClientCaps | cap::kConnectWithDb | cap::kConnectAttrs;
  Bytes out;
  hr.encode(out);
  EXPECT_EQ(toHex(ByteSpan(out).subspan(32)),
            "00"
            "00"
            "00"
            "00"
            "00");
  auto parsed = HandshakeResponse::parse(out);
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(*parsed == hr);
}

TEST(HandshakeResponseTest, SslRequest) {
  HandshakeResponse ssl;
  ssl.capabilities = kModernClientCaps | cap::kSsl;
  ssl.maxPacketSize = 0xFFFFFF;
  ssl.collation = 224;
  ssl.isSslRequest = true;
  ssl.user = "ignored";  // not encoded
  Bytes out;
  ssl.encode(out);
  ASSERT_EQ(out.size(), 32u);
  auto parsed = HandshakeResponse::parse(out);
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(parsed->isSslRequest);
  EXPECT_EQ(parsed->capabilities, ssl.capabilities);
  EXPECT_EQ(parsed->maxPacketSize, ssl.maxPacketSize);
  EXPECT_EQ(parsed->collation, ssl.collation);
  EXPECT_TRUE(parsed->user.empty());
  checkEveryTruncation<HandshakeResponse>(out, HandshakeResponse::parse, none<HandshakeResponse>);

  // 32 bytes without kSsl is neither an SSLRequest nor a whole response.
  out[1] &= ~static_cast<uint8_t>(cap::kSsl >> 8);
  EXPECT_FALSE(HandshakeResponse::parse(out));
}

TEST(HandshakeResponseTest, RefusesProtocol320) {
  HandshakeResponse hr = fullResponse();
  hr.capabilities &= ~cap::kProtocol41;
  Bytes out;
  hr.encode(out);
  EXPECT_FALSE(HandshakeResponse::parse(out));
}

TEST(HandshakeResponseTest, MalformedAttributes) {
  HandshakeResponse hr;
  hr.capabilities = cap::kProtocol41 | cap::kSecureConnection | cap::kConnectAttrs;
  hr.user = "u";
  Bytes good;
  hr.encode(good);  // ... "u\0" 00(auth) 00(attrs)
  ASSERT_TRUE(HandshakeResponse::parse(good));

  Bytes base(good.begin(), good.end() - 1);
  auto withAttrs = [&](std::string_view hex) {
    Bytes b = base;
    Bytes tail = fromHex(hex);
    b.insert(b.end(), tail.begin(), tail.end());
    return HandshakeResponse::parse(b);
  };
  EXPECT_TRUE(withAttrs("04 01 61 01 62"));           // {"a": "b"}
  EXPECT_FALSE(withAttrs("05 01 61 01 62"));          // block longer than the payload
  EXPECT_FALSE(withAttrs("03 01 61 01 62"));          // pair crosses the block's end
  EXPECT_FALSE(withAttrs("02 01 61"));                // key without value
  EXPECT_FALSE(withAttrs("04 01 61 fb 62"));          // NULL marker is no length
  EXPECT_FALSE(withAttrs("fe ffffffffffffffff 00"));  // absurd length
  auto parsed = withAttrs("04 01 61 01 62");
  ASSERT_EQ(parsed->attrs.size(), 1u);
  EXPECT_EQ(parsed->attrs[0].first, "a");
  EXPECT_EQ(parsed->attrs[0].second, "b");
}

TEST(HandshakeResponseTest, TrailingCompressionLevelIsIgnored) {
  HandshakeResponse hr = fullResponse();
  Bytes out;
  hr.encode(out);
  out.push_back(3);  // MySQL 8's zstd level after the attributes
  auto parsed = HandshakeResponse::parse(out);
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(*parsed == hr);
}

// ---------------------------------------------------------------------------------------------
// COM_CHANGE_USER

ChangeUser changeUser() {
  ChangeUser cu;
  cu.user = "app";
  cu.authResponse = std::string("\x00\x10\x20", 3) + std::string(17, 's');
  cu.database = "shop";
  cu.collation = 45;
  cu.authPlugin = kNativePlugin;
  cu.attrs = {{"_client_name", "libmariadb"}, {"_os", "Linux"}};
  return cu;
}

size_t changeUserDbEnd(const ChangeUser& cu, uint32_t caps) {
  size_t authLen =
      (caps & cap::kSecureConnection) ? 1 + cu.authResponse.size() : cu.authResponse.size() + 1;
  return 1 + cu.user.size() + 1 + authLen + cu.database.size() + 1;
}

TEST(ChangeUserTest, FullRoundTripAndTruncation) {
  const uint32_t caps =
      cap::kProtocol41 | cap::kSecureConnection | cap::kPluginAuth | cap::kConnectAttrs;
  ChangeUser cu = changeUser();
  Bytes out;
  cu.encode(out, caps);
  EXPECT_EQ(out[0], 0x11);
  auto parsed = ChangeUser::parse(out, caps);
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(*parsed == cu);

  const size_t dbEnd = changeUserDbEnd(cu, caps);
  checkEveryTruncation<ChangeUser>(
      out, [&](ByteSpan p) { return ChangeUser::parse(p, caps); },
      [&](size_t n) -> std::optional<ChangeUser> {
        if (n != dbEnd) return std::nullopt;  // attributes, when announced, must be complete
        ChangeUser shorter;  // nothing after the schema: the optional tail is absent as a whole
        shorter.user = cu.user;
        shorter.authResponse = cu.authResponse;
        shorter.database = cu.database;
        return shorter;
      });
}

TEST(ChangeUserTest, PluginLastTruncation) {
  const uint32_t caps = cap::kProtocol41 | cap::kSecureConnection | cap::kPluginAuth;
  ChangeUser cu = changeUser();
  cu.attrs.clear();
  Bytes out;
  cu.encode(out, caps);
  EXPECT_TRUE(*ChangeUser::parse(out, caps) == cu);

  const size_t dbEnd = changeUserDbEnd(cu, caps);
  checkEveryTruncation<ChangeUser>(
      out, [&](ByteSpan p) { return ChangeUser::parse(p, caps); },
      [&](size_t n) -> std::optional<ChangeUser> {
        if (n < dbEnd || n == dbEnd + 1) return std::nullopt;  // half a collation is refused
        ChangeUser shorter = cu;
        if (n == dbEnd) {
          shorter.collation = 0;
          shorter.authPlugin.clear();
        } else {
          shorter.authPlugin = cu.authPlugin.substr(0, n - dbEnd - 2);
        }
        return shorter;
      });
}

TEST(ChangeUserTest, NulTerminatedAuthWithoutSecureConnection) {
  const uint32_t caps = cap::kProtocol41;
  ChangeUser cu;
  cu.user = "u";
  cu.authResponse = "pw";
  cu.database = "";
  cu.collation = 8;
  Bytes out;
  cu.encode(out, caps);
  EXPECT_EQ(toHex(out),
            "11"
            "7500"
            "707700"
            "00"
            "0800");
  EXPECT_TRUE(*ChangeUser::parse(out, caps) == cu);
}

TEST(ChangeUserTest, Refusals) {
  EXPECT_FALSE(ChangeUser::parse(fromHex("03 7500 00 00"), cap::kProtocol41));
  EXPECT_FALSE(ChangeUser::parse(fromHex("11 7500 05 6161 00"),
                                 cap::kProtocol41 | cap::kSecureConnection));  // auth too short
}

}  // namespace
}  // namespace sg::protocol
