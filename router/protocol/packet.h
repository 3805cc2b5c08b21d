#pragma once
// Framing and primitive field codecs of the MySQL protocol, with no sockets involved.
// A packet is a 4-byte header (3-byte little-endian payload length, 1-byte sequence id) and a
// payload; payloads of 0xFFFFFF bytes or more are split over several packets, the last one shorter
// than 0xFFFFFF (possibly empty). Readers never throw: a read past the end marks the reader failed.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sg::protocol {

inline constexpr size_t kHeaderSize = 4;
inline constexpr uint32_t kMaxPacketPayload = 0xFFFFFF;

using Bytes = std::vector<uint8_t>;
using ByteSpan = std::span<const uint8_t>;

struct PacketHeader {
  uint32_t length = 0;
  uint8_t seq = 0;
};

inline PacketHeader parseHeader(const uint8_t* p) {
  return {static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) |
              (static_cast<uint32_t>(p[2]) << 16),
          p[3]};
}
inline void writeHeader(uint8_t* p, uint32_t length, uint8_t seq) {
  p[0] = static_cast<uint8_t>(length);
  p[1] = static_cast<uint8_t>(length >> 8);
  p[2] = static_cast<uint8_t>(length >> 16);
  p[3] = seq;
}

// Number of bytes a length-encoded integer with this value takes.
size_t lenencSize(uint64_t value);

// Bounds-checked cursor over one payload. Once any read fails, ok() stays false and every further
// read returns an empty/zero value, so a decoder can read all fields and check ok() once.
class PayloadReader {
 public:
  explicit PayloadReader(ByteSpan data) : data_(data) {}
  explicit PayloadReader(std::string_view data)
      : data_(reinterpret_cast<const uint8_t*>(data.data()), data.size()) {}

  bool ok() const { return ok_; }
  size_t remaining() const { return ok_ ? data_.size() - pos_ : 0; }
  bool atEnd() const { return remaining() == 0; }
  size_t position() const { return pos_; }

  uint8_t u8();
  uint16_t u16();
  uint32_t u24();
  uint32_t u32();
  uint64_t u64();
  // Length-encoded integer. 0xFB (NULL in rows) and 0xFF are invalid here and fail the reader.
  uint64_t lenenc();
  // Peeks whether the next byte is 0xFB (a NULL column value in a text row).
  bool peekNull() const;
  std::string_view bytes(size_t n);
  std::string_view nulString();  // up to (excluding) the next 0x00, which is consumed
  // Like nulString(), but a missing terminator means "the rest of the payload" (servers and
  // clients that omit the final NUL of a trailing string).
  std::string_view nulStringOrRest();
  std::string_view lenencString();  // lenenc length then that many bytes
  std::string_view rest();          // everything left (may be empty)
  void skip(size_t n) { bytes(n); }
  void fail() { ok_ = false; }

 private:
  bool need(size_t n);
  ByteSpan data_;
  size_t pos_ = 0;
  bool ok_ = true;
};

// Appends fields to a payload buffer.
class PayloadWriter {
 public:
  explicit PayloadWriter(Bytes& out) : out_(out) {}
  void u8(uint8_t v) { out_.push_back(v); }
  void u16(uint16_t v);
  void u24(uint32_t v);
  void u32(uint32_t v);
  void u64(uint64_t v);
  void lenenc(uint64_t v);
  void bytes(std::string_view s);
  void bytes(ByteSpan s);
  void zeros(size_t n) { out_.insert(out_.end(), n, 0); }
  void nulString(std::string_view s);
  void lenencString(std::string_view s);
  Bytes& buffer() { return out_; }

 private:
  Bytes& out_;
};

// Frames `payload` as one or more packets appended to `out`, starting with sequence id `seq`.
// Returns the sequence id the next packet must carry.
uint8_t appendPackets(Bytes& out, ByteSpan payload, uint8_t seq);
inline uint8_t appendPackets(Bytes& out, std::string_view payload, uint8_t seq) {
  return appendPackets(
      out, ByteSpan(reinterpret_cast<const uint8_t*>(payload.data()), payload.size()), seq);
}

// Where the first logical payload (one packet, or split packets up to the one shorter than
// 0xFFFFFF) lies in a buffer of received bytes. Only headers are read; nothing is copied.
struct Frame {
  enum class Status { kNeedMore, kReady, kOutOfOrder, kTooLarge };
  Status status = Status::kNeedMore;
  size_t consumed = 0;     // kReady: header and payload bytes of all its packets
  size_t wanted = 0;       // kNeedMore: buffered bytes needed to get further (at least)
  size_t packets = 0;      // kReady: number of physical packets
  size_t payloadSize = 0;  // kReady: logical payload length
  uint8_t firstSeq = 0;
  uint8_t lastSeq = 0;
};
// Sequence ids must be consecutive within the frame (wrapping 255 -> 0) and the first must equal
// `expectSeq` when given; a logical payload over `maxPayload` is kTooLarge as soon as a header
// announces it.
Frame scanFrame(ByteSpan buffered, size_t maxPayload, std::optional<uint8_t> expectSeq = {});
// The payload of a kReady frame: a view into `buffered` for a single packet, else the pieces
// copied into `scratch`.
ByteSpan framePayload(ByteSpan buffered, const Frame& frame, Bytes& scratch);

// Incremental de-framer for a byte stream: feed bytes, take whole logical payloads (the
// concatenation of split packets), for code that holds no socket (tests, tools). The socket
// layer (router/net/packet_stream) uses scanFrame directly on its read buffer.
class PacketAssembler {
 public:
  enum class Status { kNeedMore, kReady, kOutOfOrder, kTooLarge };

  explicit PacketAssembler(size_t maxPayload) : maxPayload_(maxPayload) {}

  // Bytes not yet consumed are kept; call with each chunk received.
  void feed(ByteSpan data) { buf_.insert(buf_.end(), data.begin(), data.end()); }
  // Tries to complete the next logical payload. On kReady, payload() holds it and
  // firstSeq()/lastSeq() the sequence ids of its first and last physical packet. When `expectSeq`
  // is set, a first packet with another sequence id yields kOutOfOrder.
  Status next(std::optional<uint8_t> expectSeq = std::nullopt);
  const Bytes& payload() const { return payload_; }
  uint8_t firstSeq() const { return firstSeq_; }
  uint8_t lastSeq() const { return lastSeq_; }
  // Raw bytes received but not yet assembled (for handing the stream to a forwarder).
  ByteSpan pending() const { return ByteSpan(buf_).subspan(consumed_); }
  void clearPending() {
    buf_.clear();
    consumed_ = 0;
  }

 private:
  size_t maxPayload_;
  Bytes buf_;
  size_t consumed_ = 0;
  Bytes payload_;
  uint8_t firstSeq_ = 0;
  uint8_t lastSeq_ = 0;
};

}  // namespace sg::protocol
