// Several statements in one COM_QUERY whose statements go to different shards: each statement is
// routed on its own (single shard, merge, transaction, ...) with its answer captured, and the
// answers become one multi-result response: sequence ids continue from one result to the next,
// every result but the last says SERVER_MORE_RESULTS_EXISTS, and the first error ends it, as a
// server does. Each statement's answer is held until it is complete (multi-statement queries
// carry small results in practice); LOAD DATA LOCAL, which needs the client mid-answer, is
// refused in such a query.

#include "router/net/client_session_impl.h"
#include "router/sql/lexer.h"

namespace sg::net {

using protocol::Bytes;
using protocol::ByteSpan;

namespace {

// The logical payloads of captured frames (split packets joined).
std::vector<Bytes> payloadsOf(const Bytes& frames) {
  std::vector<Bytes> out;
  size_t pos = 0;
  bool continuing = false;
  while (pos + protocol::kHeaderSize <= frames.size()) {
    protocol::PacketHeader h = protocol::parseHeader(frames.data() + pos);
    pos += protocol::kHeaderSize;
    size_t n = std::min<size_t>(h.length, frames.size() - pos);
    if (!continuing) out.emplace_back();
    out.back().insert(out.back().end(), frames.begin() + static_cast<ptrdiff_t>(pos),
                      frames.begin() + static_cast<ptrdiff_t>(pos + n));
    pos += n;
    continuing = h.length == protocol::kMaxPacketPayload;
  }
  return out;
}

bool isLoadDataLocal(std::string_view sql) {
  sql::Lexer lexer(sql);
  sql::Token first = lexer.next();
  if (first.kind != sql::TokenKind::kWord || first.text.size() != 4 ||
      (first.text[0] | 0x20) != 'l') {
    return false;
  }
  for (int i = 0; i < 4; ++i) {
    sql::Token t = lexer.next();
    if (t.kind == sql::TokenKind::kEnd) return false;
    std::string word(t.text);
    for (auto& c : word) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (word == "local") return true;
  }
  return false;
}

}  // namespace

// Sets SERVER_MORE_RESULTS_EXISTS in a result's final OK or EOF.
void ClientSession::markMoreResults(Bytes& terminator) const {
  if (terminator.empty()) return;
  if (terminator[0] == 0xFE && terminator.size() < 9 && terminator.size() >= 5) {
    terminator[3] |= static_cast<uint8_t>(protocol::status::kMoreResultsExist);  // EOF
    return;
  }
  uint8_t header = terminator[0];
  if (header != 0x00 && header != 0xFE) return;
  auto ok = protocol::OkPacket::parse(terminator, caps_);
  if (!ok) return;
  ok->status |= protocol::status::kMoreResultsExist;
  terminator.clear();
  ok->encode(terminator, caps_, header);
}

awaitable<bool> ClientSession::runMultiStatements(const std::vector<std::string_view>& pieces) {
  for (std::string_view piece : pieces) {
    if (isLoadDataLocal(piece)) {
      co_return co_await sendError(client_, 1, caps_, plan::kErrNotSupported, "42000",
                                   "unsupported: LOAD DATA LOCAL in a multi-statement query "
                                   "whose statements go to different shards");
    }
  }
  Bytes out;
  uint8_t seq = 1;
  bool alive = true;
  for (size_t i = 0; i < pieces.size() && alive; ++i) {
    Bytes captured;
    Bytes payload = commandPayload(protocol::Command::kQuery, pieces[i]);
    PacketStream::Packet one;
    one.payload = payload;
    client_.captureWrites(&captured);
    alive = co_await routeQuery(one);
    client_.captureWrites(nullptr);
    std::vector<Bytes> answer = payloadsOf(captured);
    if (answer.empty()) {
      if (!alive) co_return false;
      continue;
    }
    const bool error = !answer.back().empty() && answer.back()[0] == 0xFF;
    if (!error && i + 1 < pieces.size()) markMoreResults(answer.back());
    for (const Bytes& p : answer) seq = protocol::appendPackets(out, p, seq);
    if (error) break;
    if (out.size() > 256 * 1024) {
      if (!co_await client_.write(out)) co_return false;
      out.clear();
    }
  }
  if (!out.empty() && !co_await client_.write(out)) co_return false;
  co_return alive;
}

}  // namespace sg::net
