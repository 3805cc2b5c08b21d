#include "router/protocol/packet.h"

#include <algorithm>
#include <cstring>

namespace sg::protocol {

size_t lenencSize(uint64_t value) {
  if (value < 251) return 1;
  if (value <= 0xFFFF) return 3;
  if (value <= 0xFFFFFF) return 4;
  return 9;
}

// ---------------------------------------------------------------------------------------------
// PayloadReader

bool PayloadReader::need(size_t n) {
  if (!ok_) return false;
  if (n > data_.size() - pos_) {
    ok_ = false;
    return false;
  }
  return true;
}

uint8_t PayloadReader::u8() {
  if (!need(1)) return 0;
  return data_[pos_++];
}

uint16_t PayloadReader::u16() {
  if (!need(2)) return 0;
  const uint8_t* p = data_.data() + pos_;
  pos_ += 2;
  return static_cast<uint16_t>(p[0] | (p[1] << 8));
}

uint32_t PayloadReader::u24() {
  if (!need(3)) return 0;
  const uint8_t* p = data_.data() + pos_;
  pos_ += 3;
  return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) |
         (static_cast<uint32_t>(p[2]) << 16);
}

uint32_t PayloadReader::u32() {
  if (!need(4)) return 0;
  const uint8_t* p = data_.data() + pos_;
  pos_ += 4;
  return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) |
         (static_cast<uint32_t>(p[2]) << 16) | (static_cast<uint32_t>(p[3]) << 24);
}

uint64_t PayloadReader::u64() {
  if (!need(8)) return 0;
  const uint8_t* p = data_.data() + pos_;
  pos_ += 8;
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

uint64_t PayloadReader::lenenc() {
  uint8_t first = u8();
  if (!ok_) return 0;
  if (first < 0xFB) return first;
  switch (first) {
    case 0xFC:
      return u16();
    case 0xFD:
      return u24();
    case 0xFE:
      return u64();
    default:  // 0xFB (NULL) and 0xFF (ERR marker) are not integers
      ok_ = false;
      return 0;
  }
}

bool PayloadReader::peekNull() const { return ok_ && pos_ < data_.size() && data_[pos_] == 0xFB; }

std::string_view PayloadReader::bytes(size_t n) {
  if (!need(n)) return {};
  std::string_view out(reinterpret_cast<const char*>(data_.data()) + pos_, n);
  pos_ += n;
  return out;
}

std::string_view PayloadReader::nulString() {
  if (!need(1)) return {};  // at least the terminator
  const uint8_t* begin = data_.data() + pos_;
  const void* nul = std::memchr(begin, 0, data_.size() - pos_);
  if (nul == nullptr) {
    ok_ = false;
    return {};
  }
  size_t len = static_cast<const uint8_t*>(nul) - begin;
  std::string_view out(reinterpret_cast<const char*>(begin), len);
  pos_ += len + 1;
  return out;
}

std::string_view PayloadReader::nulStringOrRest() {
  if (!ok_ || pos_ == data_.size()) return {};
  const uint8_t* begin = data_.data() + pos_;
  const void* nul = std::memchr(begin, 0, data_.size() - pos_);
  if (nul == nullptr) return rest();
  return nulString();
}

std::string_view PayloadReader::lenencString() {
  uint64_t n = lenenc();
  if (!ok_) return {};
  if (n > data_.size() - pos_) {
    ok_ = false;
    return {};
  }
  return bytes(static_cast<size_t>(n));
}

std::string_view PayloadReader::rest() {
  if (!ok_) return {};
  return bytes(data_.size() - pos_);
}

// ---------------------------------------------------------------------------------------------
// PayloadWriter

void PayloadWriter::u16(uint16_t v) {
  out_.push_back(static_cast<uint8_t>(v));
  out_.push_back(static_cast<uint8_t>(v >> 8));
}

void PayloadWriter::u24(uint32_t v) {
  out_.push_back(static_cast<uint8_t>(v));
  out_.push_back(static_cast<uint8_t>(v >> 8));
  out_.push_back(static_cast<uint8_t>(v >> 16));
}

void PayloadWriter::u32(uint32_t v) {
  for (int i = 0; i < 4; ++i) out_.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

void PayloadWriter::u64(uint64_t v) {
  for (int i = 0; i < 8; ++i) out_.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

void PayloadWriter::lenenc(uint64_t v) {
  if (v < 251) {
    u8(static_cast<uint8_t>(v));
  } else if (v <= 0xFFFF) {
    u8(0xFC);
    u16(static_cast<uint16_t>(v));
  } else if (v <= 0xFFFFFF) {
    u8(0xFD);
    u24(static_cast<uint32_t>(v));
  } else {
    u8(0xFE);
    u64(v);
  }
}

void PayloadWriter::bytes(std::string_view s) { out_.insert(out_.end(), s.begin(), s.end()); }

void PayloadWriter::bytes(ByteSpan s) { out_.insert(out_.end(), s.begin(), s.end()); }

void PayloadWriter::nulString(std::string_view s) {
  bytes(s);
  out_.push_back(0);
}

void PayloadWriter::lenencString(std::string_view s) {
  lenenc(s.size());
  bytes(s);
}

// ---------------------------------------------------------------------------------------------
// Framing

uint8_t appendPackets(Bytes& out, ByteSpan payload, uint8_t seq) {
  size_t packets = payload.size() / kMaxPacketPayload + 1;
  size_t needed = out.size() + payload.size() + packets * kHeaderSize;
  // Grow geometrically: an exact reserve per call would make repeated appends quadratic.
  if (out.capacity() < needed) out.reserve(std::max(needed, 2 * out.capacity()));
  size_t pos = 0;
  for (;;) {
    size_t chunk = std::min<size_t>(payload.size() - pos, kMaxPacketPayload);
    size_t at = out.size();
    out.resize(at + kHeaderSize);
    writeHeader(out.data() + at, static_cast<uint32_t>(chunk), seq++);
    out.insert(out.end(), payload.begin() + pos, payload.begin() + pos + chunk);
    pos += chunk;
    // A full-size packet announces a continuation, so one always follows (maybe empty).
    if (chunk < kMaxPacketPayload) break;
  }
  return seq;
}

Frame scanFrame(ByteSpan buffered, size_t maxPayload, std::optional<uint8_t> expectSeq) {
  Frame f;
  size_t pos = 0;
  size_t total = 0;
  for (;;) {
    if (buffered.size() - pos < kHeaderSize) {
      f.wanted = pos + kHeaderSize;
      return f;
    }
    PacketHeader h = parseHeader(buffered.data() + pos);
    if (f.packets == 0) {
      if (expectSeq && h.seq != *expectSeq) {
        f.status = Frame::Status::kOutOfOrder;
        return f;
      }
      f.firstSeq = h.seq;
    } else if (h.seq != static_cast<uint8_t>(f.lastSeq + 1)) {
      f.status = Frame::Status::kOutOfOrder;
      return f;
    }
    f.lastSeq = h.seq;
    ++f.packets;
    total += h.length;
    if (total > maxPayload) {
      f.status = Frame::Status::kTooLarge;
      return f;
    }
    if (buffered.size() - pos - kHeaderSize < h.length) {
      f.wanted = pos + kHeaderSize + h.length;
      return f;
    }
    pos += kHeaderSize + h.length;
    if (h.length < kMaxPacketPayload) break;
  }
  f.status = Frame::Status::kReady;
  f.consumed = pos;
  f.payloadSize = total;
  return f;
}

ByteSpan framePayload(ByteSpan buffered, const Frame& frame, Bytes& scratch) {
  if (frame.packets == 1) return buffered.subspan(kHeaderSize, frame.payloadSize);
  scratch.clear();
  scratch.reserve(frame.payloadSize);
  size_t at = 0;
  for (size_t i = 0; i < frame.packets; ++i) {
    PacketHeader h = parseHeader(buffered.data() + at);
    const uint8_t* body = buffered.data() + at + kHeaderSize;
    scratch.insert(scratch.end(), body, body + h.length);
    at += kHeaderSize + h.length;
  }
  return scratch;
}

PacketAssembler::Status PacketAssembler::next(std::optional<uint8_t> expectSeq) {
  // Drop consumed bytes lazily: only once they outweigh the unconsumed tail, so each byte is
  // moved O(1) times on average.
  if (consumed_ > 0 && consumed_ >= buf_.size() - consumed_) {
    buf_.erase(buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(consumed_));
    consumed_ = 0;
  }
  ByteSpan pending = ByteSpan(buf_).subspan(consumed_);
  Frame f = scanFrame(pending, maxPayload_, expectSeq);
  switch (f.status) {
    case Frame::Status::kNeedMore:
      return Status::kNeedMore;
    case Frame::Status::kOutOfOrder:
      return Status::kOutOfOrder;
    case Frame::Status::kTooLarge:
      return Status::kTooLarge;
    case Frame::Status::kReady:
      break;
  }
  ByteSpan payload = framePayload(pending, f, payload_);
  if (f.packets == 1) payload_.assign(payload.begin(), payload.end());
  firstSeq_ = f.firstSeq;
  lastSeq_ = f.lastSeq;
  consumed_ += f.consumed;
  return Status::kReady;
}

}  // namespace sg::protocol
