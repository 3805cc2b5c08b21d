#include "router/net/packet_stream.h"

#include <sys/socket.h>

#include <cerrno>

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
  tls_ = std::make_unique<asio::ssl::stream<tcp::socket&>>(socket_, context);
  boost::system::error_code ec;
  // The client may have sent its ClientHello right behind the SSLRequest, in the same segment:
  // those bytes are the start of the handshake.
  auto early = asio::buffer(data(), available());
  co_await tls_->async_handshake(asio::ssl::stream_base::server, early,
                                 asio::redirect_error(asio::use_awaitable, ec));
  consume(available());
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
  size_t n;
  if (tls_) {
    n = co_await tls_->async_read_some(space, asio::redirect_error(asio::use_awaitable, ec));
  } else {
    n = co_await socket_.async_read_some(space, asio::redirect_error(asio::use_awaitable, ec));
  }
  if (ec || n == 0) co_return false;
  end_ += n;
  co_return true;
}

awaitable<PacketStream::ReadStatus> PacketStream::readPacket(Packet& out) {
  for (;;) {
    protocol::ByteSpan buffered(data(), available());
    protocol::Frame f = protocol::scanFrame(buffered, maxPayload_);
    switch (f.status) {
      case protocol::Frame::Status::kTooLarge:
        co_return ReadStatus::kTooLarge;
      case protocol::Frame::Status::kOutOfOrder:
        co_return ReadStatus::kOutOfOrder;
      case protocol::Frame::Status::kNeedMore:
        if (!co_await fill(f.wanted)) co_return ReadStatus::kClosed;
        continue;
      case protocol::Frame::Status::kReady:
        break;
    }
    // The bytes stay in place until the next read, so a single packet is returned uncopied.
    out.payload = protocol::framePayload(buffered, f, assembled_);
    out.raw = f.packets == 1 ? buffered.first(f.consumed) : protocol::ByteSpan();
    out.seq = f.firstSeq;
    out.lastSeq = f.lastSeq;
    consume(f.consumed);
    co_return ReadStatus::kOk;
  }
}

bool PacketStream::peerGone() {
  if (!isOpen() || available() > 0) return false;
  uint8_t byte;
  const ssize_t n = ::recv(socket_.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n < 0) return errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR;
  return true;  // EOF, or bytes nobody asked for (a shutdown notice)
}

awaitable<bool> PacketStream::write(protocol::ByteSpan bytes) {
  written_ += bytes.size();
  if (capture_) {
    capture_->insert(capture_->end(), bytes.begin(), bytes.end());
    co_return true;
  }
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
