// The response tracker must find the end of every response shape, whatever the capabilities,
// so that the relay never stops early (client hangs) or late (next response swallowed).

#include "router/net/response_tracker.h"

#include <gtest/gtest.h>

#include <vector>

#include "router/protocol/constants.h"
#include "router/protocol/messages.h"

namespace sg::net {
namespace {

using protocol::Bytes;
namespace cap = protocol::cap;
namespace status = protocol::status;
using Step = ResponseTracker::Step;

constexpr uint32_t kClassic = cap::kProtocol41 | cap::kMultiResults | cap::kPsMultiResults;
constexpr uint32_t kDeprecate = kClassic | cap::kDeprecateEof;

Bytes ok(uint16_t st, uint8_t header = 0x00) {
  protocol::OkPacket p;
  p.status = st;
  Bytes out;
  p.encode(out, kClassic, header);
  return out;
}
Bytes eof(uint16_t st) {
  protocol::EofPacket p;
  p.status = st;
  Bytes out;
  p.encode(out);
  return out;
}
Bytes err() { return protocol::makeErr(1064, "42000", "syntax"); }
Bytes columnCount(uint64_t n) {
  Bytes out;
  protocol::PayloadWriter(out).lenenc(n);
  return out;
}
Bytes columnDef() {
  Bytes out;
  protocol::PayloadWriter w(out);
  w.lenencString("def");
  w.lenencString("db");
  w.lenencString("t");
  w.lenencString("t");
  w.lenencString("c");
  w.lenencString("c");
  w.lenenc(0x0c);
  w.u16(45);
  w.u32(11);
  w.u8(3);
  w.u16(0);
  w.u8(0);
  w.u16(0);
  return out;
}
Bytes textRow(std::string_view v) {
  Bytes out;
  protocol::PayloadWriter(out).lenencString(v);
  return out;
}

// Feeds packets; returns the step of each.
std::vector<Step> feed(ResponseTracker& t, const std::vector<Bytes>& packets) {
  std::vector<Step> steps;
  for (const auto& p : packets) {
    size_t peek = std::min(p.size(), ResponseTracker::kPeekBytes);
    steps.push_back(t.onPacket(static_cast<uint32_t>(p.size()), protocol::ByteSpan(p.data(), peek)));
  }
  return steps;
}

std::vector<Step> expectDoneAtEnd(size_t n) {
  std::vector<Step> s(n, Step::kContinue);
  s.back() = Step::kDone;
  return s;
}

struct ShapeCase {
  const char* name;
  ResponseKind kind;
  uint32_t caps;
  std::vector<Bytes> packets;
};

class ResponseShapes : public ::testing::TestWithParam<ShapeCase> {};

TEST_P(ResponseShapes, EndsExactlyAtTheLastPacket) {
  const auto& c = GetParam();
  ResponseTracker t;
  t.start(c.kind, c.caps);
  EXPECT_EQ(feed(t, c.packets), expectDoneAtEnd(c.packets.size()));
}

std::vector<ShapeCase> shapes() {
  return {
      {"ok", ResponseKind::kQuery, kClassic, {ok(status::kAutocommit)}},
      {"err", ResponseKind::kQuery, kClassic, {err()}},
      {"resultset_classic", ResponseKind::kQuery, kClassic,
       {columnCount(2), columnDef(), columnDef(), eof(0), textRow("a"), textRow("b"), eof(0)}},
      {"resultset_deprecate_eof", ResponseKind::kQuery, kDeprecate,
       {columnCount(1), columnDef(), textRow("a"), ok(0, 0xFE)}},
      {"empty_resultset_deprecate_eof", ResponseKind::kQuery, kDeprecate,
       {columnCount(1), columnDef(), ok(0, 0xFE)}},
      {"error_mid_rows", ResponseKind::kQuery, kClassic,
       {columnCount(1), columnDef(), eof(0), textRow("a"), err()}},
      {"multi_results_classic", ResponseKind::kQuery, kClassic,
       {columnCount(1), columnDef(), eof(0), textRow("a"), eof(status::kMoreResultsExist),
        ok(status::kMoreResultsExist), columnCount(1), columnDef(), eof(0), eof(0)}},
      {"multi_results_deprecate", ResponseKind::kQuery, kDeprecate,
       {columnCount(1), columnDef(), textRow("a"), ok(status::kMoreResultsExist, 0xFE),
        ok(0)}},
      {"row_starting_with_fb_null", ResponseKind::kQuery, kClassic,
       {columnCount(1), columnDef(), eof(0), Bytes{0xFB}, eof(0)}},
      {"execute_cursor_classic", ResponseKind::kStmtExecute, kClassic,
       {columnCount(1), columnDef(), eof(status::kCursorExists)}},
      {"execute_cursor_deprecate", ResponseKind::kStmtExecute, kDeprecate,
       {columnCount(1), columnDef(), ok(status::kCursorExists, 0xFE)}},
      {"execute_binary_rows", ResponseKind::kStmtExecute, kClassic,
       {columnCount(1), columnDef(), eof(0), Bytes{0x00, 0x00, 0x01}, eof(0)}},
      {"fetch", ResponseKind::kStmtFetch, kClassic,
       {Bytes{0x00, 0x00, 0x01}, Bytes{0x00, 0x00, 0x02}, eof(status::kLastRowSent)}},
      {"fetch_err", ResponseKind::kStmtFetch, kClassic, {err()}},
      {"field_list", ResponseKind::kFieldList, kClassic, {columnDef(), columnDef(), eof(0)}},
      {"single", ResponseKind::kSingle, kClassic, {ok(0)}},
      {"statistics", ResponseKind::kStatistics, kClassic, {textRow("Uptime: 1")}},
  };
}

INSTANTIATE_TEST_SUITE_P(Shapes, ResponseShapes, ::testing::ValuesIn(shapes()),
                         [](const auto& info) { return std::string(info.param.name); });

Bytes prepareOk(uint16_t columns, uint16_t params) {
  Bytes out;
  protocol::PayloadWriter w(out);
  w.u8(0);
  w.u32(7);
  w.u16(columns);
  w.u16(params);
  w.u8(0);
  w.u16(0);
  return out;
}

TEST(ResponseTracker, PrepareWithParamsAndColumns) {
  for (uint32_t caps : {kClassic, kDeprecate}) {
    ResponseTracker t;
    t.start(ResponseKind::kStmtPrepare, caps);
    std::vector<Bytes> p{prepareOk(2, 1), columnDef()};
    if (!(caps & cap::kDeprecateEof)) p.push_back(eof(0));
    p.push_back(columnDef());
    p.push_back(columnDef());
    if (!(caps & cap::kDeprecateEof)) p.push_back(eof(0));
    EXPECT_EQ(feed(t, p), expectDoneAtEnd(p.size())) << caps;
  }
}

TEST(ResponseTracker, PrepareWithoutParamsOrColumnsIsOnePacket) {
  ResponseTracker t;
  t.start(ResponseKind::kStmtPrepare, kClassic);
  EXPECT_EQ(feed(t, {prepareOk(0, 0)}), expectDoneAtEnd(1));
}

TEST(ResponseTracker, LocalInfileHandsTheTurnToTheClient) {
  ResponseTracker t;
  t.start(ResponseKind::kQuery, kClassic);
  Bytes request{0xFB, '/', 't', 'm', 'p'};
  EXPECT_EQ(feed(t, {request}), std::vector<Step>{Step::kLocalInfile});
  t.resumeAfterLocalInfile();
  EXPECT_EQ(feed(t, {ok(0)}), expectDoneAtEnd(1));
}

TEST(ResponseTracker, SplitRowIsNotMistakenForATerminator) {
  // A row of 0xFFFFFF bytes whose continuation starts with 0xFE must not end the result.
  ResponseTracker t;
  t.start(ResponseKind::kQuery, kDeprecate);
  feed(t, {columnCount(1), columnDef()});
  Bytes prefix{0xFE, 0, 0, 0, 1, 0, 0, 0, 0};
  EXPECT_EQ(t.onPacket(protocol::kMaxPacketPayload, prefix), Step::kContinue);
  Bytes cont{0xFE, 0, 0, 0, 0};
  EXPECT_EQ(t.onPacket(5, cont), Step::kContinue);  // the row's last piece, not an EOF
  EXPECT_EQ(feed(t, {ok(0, 0xFE)}), expectDoneAtEnd(1));
}

TEST(ResponseTracker, ExactMultipleOfMaxPayloadEndsWithEmptyPacket) {
  ResponseTracker t;
  t.start(ResponseKind::kQuery, kClassic);
  feed(t, {columnCount(1), columnDef(), eof(0)});
  Bytes prefix{0xFC, 0xFF, 0xFF};
  EXPECT_EQ(t.onPacket(protocol::kMaxPacketPayload, prefix), Step::kContinue);
  EXPECT_EQ(t.onPacket(0, {}), Step::kContinue);
  EXPECT_EQ(feed(t, {eof(0)}), expectDoneAtEnd(1));
}

TEST(ResponseTracker, GarbageIsReportedMalformed) {
  ResponseTracker t;
  t.start(ResponseKind::kQuery, kClassic);
  EXPECT_EQ(t.onPacket(0, {}), Step::kMalformed);
  t.start(ResponseKind::kStmtPrepare, kClassic);
  Bytes notOk{0x05};
  EXPECT_EQ(t.onPacket(1, notOk), Step::kMalformed);
  t.start(ResponseKind::kQuery, kClassic);
  feed(t, {columnCount(1), columnDef()});
  EXPECT_EQ(feed(t, {textRow("not an eof")}), std::vector<Step>{Step::kMalformed});
}

TEST(ResponseTracker, ReportsStatusOfLastTerminator) {
  ResponseTracker t;
  t.start(ResponseKind::kQuery, kClassic);
  feed(t, {ok(status::kInTrans | status::kAutocommit)});
  EXPECT_EQ(t.lastStatus(), status::kInTrans | status::kAutocommit);
}

}  // namespace
}  // namespace sg::net
