#pragma once
// A plain text-protocol connection of shardgate's own to one backend, for background work (XA
// recovery, the health monitor): runs one statement at a time and returns its rows as strings.
// Not for the data path: results are held whole. Logins never send CLIENT_NO_SCHEMA, so
// `db.table` names keep their schema.

#include "router/net/asio_prelude.h"

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "router/net/packet_stream.h"
#include "router/protocol/messages.h"

namespace sg::net {

// A text-protocol result, enough for the few statements background work runs.
struct QueryResult {
  bool lost = false;  // the connection failed (it is closed then)
  std::optional<protocol::ErrPacket> error;
  std::vector<std::string> columns;  // column names, for result sets
  std::vector<std::vector<std::optional<std::string>>> rows;
  bool ok() const { return !lost && !error; }
  // "lost connection" or the server's error message; empty when ok.
  std::string errorText() const;
};

class AdminConnection {
 public:
  AdminConnection(std::unique_ptr<PacketStream> stream, uint32_t caps)
      : stream_(std::move(stream)), caps_(caps) {}

  awaitable<QueryResult> query(std::string sql);
  // COM_PING; false when the server did not answer OK.
  awaitable<bool> ping();
  void close() { stream_->close(); }
  bool isOpen() const { return stream_->isOpen(); }
  // For a Deadline over a series of statements.
  tcp::socket& socket() { return stream_->socket(); }

 private:
  QueryResult& lost(QueryResult& out);

  std::unique_ptr<PacketStream> stream_;
  uint32_t caps_;
};

// Connects and logs in to host:port as user/password within `timeout`; nullptr on failure, with
// the reason in *failure when given.
awaitable<std::unique_ptr<AdminConnection>> connectAdmin(std::string host, uint16_t port,
                                                         std::string user, std::string password,
                                                         std::chrono::milliseconds timeout,
                                                         std::string* failure = nullptr);

}  // namespace sg::net
