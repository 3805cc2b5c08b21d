#pragma once
// A TCP socket with a read buffer that speaks MySQL packets: reads whole logical payloads
// (re-assembling split packets, zero-copy when the payload is a single packet) for the places
// that must understand a message, and exposes the raw buffer to the forwarder, which passes
// result packets through without copying them into messages.

#include "router/net/asio_prelude.h"

#include <cstdint>
#include <memory>
#include <string>

#include "router/protocol/packet.h"

namespace sg::net {

class PacketStream {
 public:
  enum class ReadStatus : uint8_t { kOk, kClosed, kTooLarge, kOutOfOrder };

  struct Packet {
    protocol::ByteSpan payload;  // valid until the next read on this stream
    protocol::ByteSpan raw;      // header + payload as received, when not split (else empty)
    uint8_t seq = 0;             // sequence id of the first packet
    uint8_t lastSeq = 0;         // of the last packet (== seq unless split)
  };

  PacketStream(tcp::socket socket, size_t maxPayload);

  tcp::socket& socket() { return socket_; }
  bool isOpen() const { return socket_.is_open(); }
  // An idle connection the peer has closed (or sent something unasked on): a non-blocking peek,
  // one system call. False while bytes are buffered or the socket is closed.
  bool peerGone();
  void close();
  void setNoDelay();
  // Switches the connection to TLS as its server (after a client's SSLRequest); false on failure.
  awaitable<bool> startServerTls(asio::ssl::context& context);
  bool isTls() const { return tls_ != nullptr; }
  void setMaxPayload(size_t n) { maxPayload_ = n; }
  const std::string& peer() const { return peer_; }
  void setPeer(std::string p) { peer_ = std::move(p); }

  // Reads the next logical payload into `out`.
  awaitable<ReadStatus> readPacket(Packet& out);
  // Writes all bytes; false if the peer is gone.
  awaitable<bool> write(protocol::ByteSpan bytes);
  // ERR packets shardgate itself sent on this stream (sendError), and the last one's code and
  // whether it reported a timeout: what the error metrics count.
  void noteErrorSent(uint16_t code, bool timedOut) {
    ++errorsSent_;
    lastErrorCode_ = code;
    lastErrorTimedOut_ = timedOut;
  }
  uint64_t errorsSent() const { return errorsSent_; }
  uint16_t lastErrorCode() const { return lastErrorCode_; }
  bool lastErrorTimedOut() const { return lastErrorTimedOut_; }
  // Bytes handed to write() so far (sent or captured).
  uint64_t bytesWritten() const { return written_; }
  // Frames `payload` with sequence id `seq` and writes it; returns false on error.
  awaitable<bool> writePacket(protocol::ByteSpan payload, uint8_t seq);

  // Raw access for the forwarder: the unread bytes in the buffer.
  const uint8_t* data() const { return buf_.data() + start_; }
  size_t available() const { return end_ - start_; }
  void consume(size_t n) { start_ += n; }
  // Reads at least one more byte into the buffer (making room, growing it to hold `want` unread
  // bytes if needed); false on EOF or error.
  awaitable<bool> fill(size_t want = 0);
  // Releases memory a large packet made the buffer grow to, once nothing is buffered.
  void shrinkIfIdle();
  // While set, write() appends to `sink` instead of sending (the bytes of one statement of a
  // multi-statement query, renumbered before they are sent).
  void captureWrites(protocol::Bytes* sink) { capture_ = sink; }

 private:
  void makeRoom(size_t want);

  tcp::socket socket_;
  std::unique_ptr<asio::ssl::stream<tcp::socket&>> tls_;
  size_t maxPayload_;
  std::string peer_;
  protocol::Bytes buf_;
  size_t start_ = 0;
  size_t end_ = 0;
  protocol::Bytes assembled_;  // a split payload, put together
  protocol::Bytes* capture_ = nullptr;
  uint64_t written_ = 0;
  uint64_t errorsSent_ = 0;
  uint16_t lastErrorCode_ = 0;
  bool lastErrorTimedOut_ = false;
};

}  // namespace sg::net
