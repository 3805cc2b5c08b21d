#pragma once
// Follows a server's response to one command packet by packet, without decoding rows, so the
// forwarder knows where the response ends (and when a LOCAL INFILE request hands the turn to the
// client). It only needs each packet's length and its first few payload bytes, which lets result
// packets be forwarded as raw bytes, and packets larger than the buffer be streamed through.

#include <cstddef>
#include <cstdint>

#include "router/protocol/packet.h"

namespace sg::net {

// What a command's response looks like; decided by the command byte.
enum class ResponseKind : uint8_t {
  kNone,         // no response at all (COM_STMT_CLOSE, COM_STMT_SEND_LONG_DATA, COM_QUIT)
  kSingle,       // exactly one packet: OK, ERR, EOF (COM_PING, COM_INIT_DB, COM_SET_OPTION, ...)
  kStatistics,   // one string packet
  kQuery,        // COM_QUERY: OK | ERR | LOCAL INFILE | result set(s), chained by MORE_RESULTS
  kStmtExecute,  // COM_STMT_EXECUTE: like kQuery with binary rows, cursors end after metadata
  kStmtPrepare,  // COM_STMT_PREPARE: OK_prepare + parameter and column definitions, or ERR
  kStmtFetch,    // COM_STMT_FETCH: rows + terminator, or ERR
  kFieldList,    // COM_FIELD_LIST: column definitions + terminator, or ERR
};

ResponseKind responseKindFor(uint8_t command);

class ResponseTracker {
 public:
  // Bytes of payload onPacket() wants to see (fewer if the packet is shorter).
  static constexpr size_t kPeekBytes = 32;

  enum class Step : uint8_t {
    kContinue,     // more packets of this response follow
    kDone,         // this packet ended the response
    kLocalInfile,  // the server asked for a local file: the client talks next, then resume()
    kMalformed,    // the packet makes no sense for this response: the stream can't be trusted
  };

  void start(ResponseKind kind, uint32_t capabilities);
  // `length` is the packet's payload length; `prefix` its first min(length, kPeekBytes) bytes.
  Step onPacket(uint32_t length, protocol::ByteSpan prefix);
  // After the client sent the file contents (ending with an empty packet), the server answers
  // with OK or ERR (possibly followed by more results).
  void resumeAfterLocalInfile();

  // Status flags of the last OK/EOF seen (for transaction state tracking).
  uint16_t lastStatus() const { return lastStatus_; }
  bool lastWasError() const { return lastWasError_; }
  uint16_t lastErrorCode() const { return lastErrorCode_; }  // of that ERR (0 if unknown)

 private:
  enum class State : uint8_t {
    kIdle,
    kResultStart,  // first packet of a (next) result
    kColumns,      // column definitions still to come: remaining_
    kColumnsEof,   // the EOF after column definitions (no DEPRECATE_EOF)
    kRows,         // rows until a terminator
    kPrepareParams,
    kPrepareParamsEof,
    kPrepareColumns,
    kPrepareColumnsEof,
    kSingle,
  };

  Step classify(uint32_t length, protocol::ByteSpan prefix);
  Step endOfResult(uint16_t status);
  Step afterPrepareParams();
  Step afterPrepareColumns();
  bool isTerminator(uint32_t length, protocol::ByteSpan prefix) const;

  ResponseKind kind_ = ResponseKind::kNone;
  State state_ = State::kIdle;
  uint32_t capabilities_ = 0;
  uint64_t remaining_ = 0;
  uint64_t prepareColumns_ = 0;
  bool continuation_ = false;  // the previous packet was 0xFFFFFF long: this one continues it
  bool doneAfterContinuation_ = false;
  uint16_t lastStatus_ = 0;
  bool lastWasError_ = false;
  uint16_t lastErrorCode_ = 0;
  void noteError(protocol::ByteSpan prefix);
};

// Reads the status flags of an OK packet (header 0x00 or 0xFE) from its first bytes; nullopt-like
// false return when the prefix is too short or malformed.
bool okStatusFlags(protocol::ByteSpan prefix, uint16_t& status);

}  // namespace sg::net
