// Untrusted bytes never crash a decoder: random payloads and random mutations of valid ones go
// through every parser (run this under -fsanitize=address,undefined to make it mean something).
// Deterministic seeds, so a failure reproduces.

#include <gtest/gtest.h>

#include <random>

#include "router/protocol/constants.h"
#include "router/protocol/messages.h"
#include "router/protocol/packet.h"

namespace sg::protocol {
namespace {

// Parses `p` with everything; whatever parses must re-encode without trouble.
void parseAll(const Bytes& p, uint32_t caps) {
  if (auto g = Greeting::parse(p)) {
    Bytes out;
    g->encode(out);
    EXPECT_TRUE(Greeting::parse(out));
  }
  if (auto hr = HandshakeResponse::parse(p)) {
    Bytes out;
    hr->encode(out);
  }
  if (auto ok = OkPacket::parse(p, caps)) {
    Bytes out;
    ok->encode(out, caps);
  }
  if (auto e = ErrPacket::parse(p, caps)) {
    Bytes out;
    e->encode(out, caps);
  }
  if (auto eof = EofPacket::parse(p)) {
    Bytes out;
    eof->encode(out);
  }
  if (auto sw = AuthSwitchRequest::parse(p)) {
    Bytes out;
    sw->encode(out);
  }
  if (auto more = AuthMoreData::parse(p)) {
    Bytes out;
    more->encode(out);
  }
  if (auto cu = ChangeUser::parse(p, caps)) {
    Bytes out;
    cu->encode(out, caps);
  }
  PayloadReader r(p);
  while (r.ok() && !r.atEnd()) {
    r.lenencString();
    r.nulStringOrRest();
  }
}

std::vector<Bytes> seeds() {
  std::vector<Bytes> out;
  Greeting g;
  g.serverVersion = "8.0.36";
  g.authData = "abcdefghij0123456789";
  g.capabilities = 0xdfffffff;
  g.authPlugin = kCachingSha2Plugin;
  out.emplace_back();
  g.encode(out.back());

  HandshakeResponse hr;
  hr.capabilities = 0x00bfa28c | cap::kConnectAttrs;
  hr.user = "app";
  hr.authResponse = std::string(32, 'x');
  hr.database = "db";
  hr.authPlugin = kNativePlugin;
  hr.attrs = {{"_os", "Linux"}, {"k", "v"}};
  out.emplace_back();
  hr.encode(out.back());

  OkPacket ok;
  ok.status = status::kSessionStateChanged;
  ok.info = "info";
  ok.sessionState = "\x01\x03\x02xy";
  out.emplace_back();
  ok.encode(out.back(), cap::kProtocol41 | cap::kSessionTrack);

  out.push_back(makeErr(1045, "28000", "Access denied"));

  ChangeUser cu;
  cu.user = "u";
  cu.authResponse = std::string(20, 'a');
  cu.database = "d";
  cu.authPlugin = kNativePlugin;
  cu.attrs = {{"a", "b"}};
  out.emplace_back();
  cu.encode(out.back(), 0xffffffff);

  AuthSwitchRequest sw{kCachingSha2Plugin, "abcdefghij0123456789"};
  out.emplace_back();
  sw.encode(out.back());
  return out;
}

TEST(FuzzSmokeTest, RandomPayloads) {
  std::mt19937 rng(12345);
  const uint8_t interesting[] = {0x00, 0x01, 0x0a, 0x11, 0xfb, 0xfc, 0xfd, 0xfe, 0xff, '#'};
  for (int i = 0; i < 20000; ++i) {
    Bytes p(rng() % 64);
    for (auto& b : p) {
      b = (rng() % 3 == 0) ? interesting[rng() % sizeof(interesting)] : static_cast<uint8_t>(rng());
    }
    parseAll(p, rng() % 2 ? 0xffffffffu : static_cast<uint32_t>(rng()));
  }
}

TEST(FuzzSmokeTest, MutatedValidPayloads) {
  std::mt19937 rng(54321);
  const std::vector<Bytes> base = seeds();
  for (int i = 0; i < 20000; ++i) {
    Bytes p = base[rng() % base.size()];
    int edits = 1 + rng() % 4;
    for (int e = 0; e < edits && !p.empty(); ++e) {
      size_t at = rng() % p.size();
      switch (rng() % 4) {
        case 0:
          p[at] = static_cast<uint8_t>(rng());
          break;
        case 1:
          p[at] = 0xfe;  // the widest lenenc prefix
          break;
        case 2:
          p.resize(at);  // truncate
          break;
        default:
          p.insert(p.begin() + static_cast<std::ptrdiff_t>(at), static_cast<uint8_t>(rng()));
      }
    }
    parseAll(p, rng() % 2 ? 0xffffffffu : static_cast<uint32_t>(rng()));
  }
}

TEST(FuzzSmokeTest, RandomStreamsIntoAssembler) {
  std::mt19937 rng(777);
  for (int i = 0; i < 2000; ++i) {
    PacketAssembler a(1 + rng() % 300);
    for (int chunk = 0; chunk < 20; ++chunk) {
      Bytes c(rng() % 40);
      for (auto& b : c) b = static_cast<uint8_t>(rng() % 4 == 0 ? 0xff : rng() % 32);
      a.feed(c);
      for (;;) {
        auto st = a.next(rng() % 2 ? std::optional<uint8_t>() : std::optional<uint8_t>(rng() % 4));
        if (st != PacketAssembler::Status::kReady) break;
        EXPECT_LE(a.payload().size(), 300u);
      }
    }
  }
}

}  // namespace
}  // namespace sg::protocol
