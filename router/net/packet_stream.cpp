#include "router/net/packet_stream.h"

#include <algorithm>
#include <cstring>

namespace sg::net {

namespace {
constexpr size_t kInitialBuffer = 64 * 1024;
constexpr size_t kIdleBufferLimit = 256 * 1024;
}  // namespace

PacketStream::PacketStream(tcp::socket socket, size_t maxPayload)
    : socket_(std::move(socket)), maxPayload_(maxPayload), buf_(kInitialBuffer) {
  if (socket_.is_open()) setNoDelay();
}

void PacketStream::setNoDelay() {
  boost::system::error_code ec;
  socket_.set_option(tcp::no_delay(true), ec);
}

awaitable<bool> PacketStream::startServerTls(asio::ssl::context& context) {
  if (available() > 0) co_return false;  // the client must not send before the TLS handshake
  tls_ = std::make_unique<asio::ssl::stream<tcp::socket&>>(socket_, context);
  boost::system::error_code ec;
  co_await tls_->async_handshake(asio::ssl::stream_base::server,
                                 asio::redirect_error(asio::use_awaitable, ec));
  co_return !ec;
}

void PacketStream::close() {
  boost::system::error_code ec;
  socket_.shutdown(tcp::socket::shutdown_both, ec);
  socket_.close(ec);
}

void PacketStream::makeRoom(size_t want) {
  size_t unread = end_ - start_;
  if (start_ > 0 && (unread == 0 || buf_.size() - end_ < std::max<size_t>(want, 4096))) {
    if (unread > 0) std::memmove(buf_.data(), buf_.data() + start_, unread);
    start_ = 0;
    end_ = unread;
  }
  if (want > buf_.size()) buf_.resize(want);
  if (end_ == buf_.size()) buf_.resize(buf_.size() * 2);
}

void PacketStream::shrinkIfIdle() {
  if (start_ == end_ && buf_.size() > kIdleBufferLimit) {
    buf_.resize(kInitialBuffer);
    buf_.shrink_to_fit();
    start_ = end_ = 0;
  }
  if (assembled_.capacity() > kIdleBufferLimit) {
    assembled_.clear();
    assembled_.shrink_to_fit();
  }
}

awaitable<bool> PacketStream::fill(size_t want) {
  makeRoom(want);
  boost::system::error_code ec;
  auto space = asio::buffer(buf_.data() + end_, buf_.size() - end_);
  size_t n = tls_ ? co_await tls_->async_read_some(space, asio::redirect_error(asio::use_awaitable, ec))
                  : co_await socket_.async_read_some(space, asio::redirect_error(asio::use_awaitable, ec));
  if (ec || n == 0) co_return false;
  end_ += n;
  co_return true;
}

awaitable<PacketStream::ReadStatus> PacketStream::readPacket(Packet& out) {
  bool split = false;
  assembled_.clear();
  for (;;) {
    while (available() < protocol::kHeaderSize) {
      if (!co_await fill(protocol::kHeaderSize)) co_return ReadStatus::kClosed;
    }
    protocol::PacketHeader h = protocol::parseHeader(data());
    size_t total = protocol::kHeaderSize + h.length;
    size_t logical = assembled_.size() + h.length;
    if (logical > maxPayload_) co_return ReadStatus::kTooLarge;
    while (available() < total) {
      if (!co_await fill(total)) co_return ReadStatus::kClosed;
    }
    const uint8_t* p = data();
    if (!split) out.seq = h.seq;
    out.lastSeq = h.seq;
    if (!split && h.length < protocol::kMaxPacketPayload) {
      out.payload = protocol::ByteSpan(p + protocol::kHeaderSize, h.length);
      out.raw = protocol::ByteSpan(p, total);
      consume(total);  // bytes stay in place until the next read
      co_return ReadStatus::kOk;
    }
    split = true;
    assembled_.insert(assembled_.end(), p + protocol::kHeaderSize, p + total);
    consume(total);
    if (h.length < protocol::kMaxPacketPayload) break;
  }
  out.payload = protocol::ByteSpan(assembled_);
  out.raw = {};
  co_return ReadStatus::kOk;
}

awaitable<bool> PacketStream::write(protocol::ByteSpan bytes) {
  boost::system::error_code ec;
  auto data = asio::buffer(bytes.data(), bytes.size());
  if (tls_) {
    co_await asio::async_write(*tls_, data, asio::redirect_error(asio::use_awaitable, ec));
  } else {
    co_await asio::async_write(socket_, data, asio::redirect_error(asio::use_awaitable, ec));
  }
  co_return !ec;
}

awaitable<bool> PacketStream::writePacket(protocol::ByteSpan payload, uint8_t seq) {
  protocol::Bytes framed;
  framed.reserve(payload.size() + protocol::kHeaderSize);
  protocol::appendPackets(framed, payload, seq);
  co_return co_await write(framed);
}

}  // namespace sg::net
