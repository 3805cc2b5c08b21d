// AdminConnection: see admin_connection.h.

#include "router/net/admin_connection.h"

#include <cstdlib>

#include "router/exec/result_rows.h"
#include "router/net/backend_connection.h"
#include "router/net/client_handshake.h"

namespace sg::net {

using protocol::Bytes;
using protocol::ByteSpan;

std::string QueryResult::errorText() const {
  if (lost) return "lost connection";
  if (error) return error->message;
  return {};
}

QueryResult& AdminConnection::lost(QueryResult& out) {
  out.lost = true;
  stream_->close();
  return out;
}

awaitable<bool> AdminConnection::ping() {
  const uint8_t payload[] = {static_cast<uint8_t>(protocol::Command::kPing)};
  if (!co_await stream_->writePacket(payload, 0)) co_return false;
  PacketStream::Packet pkt;
  if (co_await stream_->readPacket(pkt) != PacketStream::ReadStatus::kOk || pkt.payload.empty()) {
    stream_->close();
    co_return false;
  }
  co_return pkt.payload[0] == 0x00;
}

awaitable<QueryResult> AdminConnection::query(std::string sql) {
  QueryResult out;
  Bytes payload;
  payload.reserve(sql.size() + 1);
  payload.push_back(static_cast<uint8_t>(protocol::Command::kQuery));
  payload.insert(payload.end(), sql.begin(), sql.end());
  if (!co_await stream_->writePacket(payload, 0)) co_return lost(out);
  PacketStream::Packet pkt;
  if (co_await stream_->readPacket(pkt) != PacketStream::ReadStatus::kOk || pkt.payload.empty()) {
    co_return lost(out);
  }
  if (pkt.payload[0] == 0xFF) {
    out.error = protocol::ErrPacket::parse(pkt.payload, caps_);
    if (!out.error) out.error = protocol::ErrPacket{};
    co_return out;
  }
  if (pkt.payload[0] == 0x00) co_return out;
  protocol::PayloadReader r(pkt.payload);
  const uint64_t columns = r.lenenc();
  if (!r.ok() || columns == 0 || columns > 4096) co_return lost(out);
  const bool deprecateEof = caps_ & cap::kDeprecateEof;
  out.columns.reserve(columns);
  for (uint64_t i = 0; i < columns + (deprecateEof ? 0 : 1); ++i) {
    if (co_await stream_->readPacket(pkt) != PacketStream::ReadStatus::kOk) co_return lost(out);
    if (i < columns) {
      auto info = exec::ColumnInfo::parse(pkt.payload);
      out.columns.push_back(info ? info->name : std::string());
    }
  }
  for (;;) {
    if (co_await stream_->readPacket(pkt) != PacketStream::ReadStatus::kOk) co_return lost(out);
    ByteSpan p = pkt.payload;
    if (!p.empty() && p[0] == 0xFF) {
      out.error = protocol::ErrPacket::parse(p, caps_);
      if (!out.error) out.error = protocol::ErrPacket{};
      co_return out;
    }
    if (!p.empty() && protocol::endsRows(p.size(), p[0], deprecateEof)) co_return out;
    protocol::PayloadReader row(p);
    std::vector<std::optional<std::string>> values;
    values.reserve(columns);
    for (uint64_t c = 0; c < columns; ++c) {
      if (row.peekNull()) {
        row.u8();
        values.emplace_back(std::nullopt);
      } else {
        values.emplace_back(std::string(row.lenencString()));
      }
    }
    if (!row.ok()) co_return lost(out);
    out.rows.push_back(std::move(values));
  }
}

awaitable<std::unique_ptr<AdminConnection>> connectAdmin(std::string host, uint16_t port,
                                                         std::string user, std::string password,
                                                         std::chrono::milliseconds timeout,
                                                         std::string* failure) {
  BackendLogin login;
  login.host = std::move(host);
  login.port = port;
  login.user = std::move(user);
  login.password = std::move(password);
  login.capabilities = kSupportedCapabilities & ~(cap::kSsl | cap::kSessionTrack | cap::kNoSchema |
                                                  cap::kMultiStatements | cap::kLocalFiles);
  login.timeout = timeout;
  BackendConnectResult r = co_await connectBackend(login);
  if (!r.stream) {
    if (failure) *failure = r.serverError ? r.serverError->message : r.failure;
    co_return nullptr;
  }
  co_return std::make_unique<AdminConnection>(std::move(r.stream), r.capabilities);
}

}  // namespace sg::net
