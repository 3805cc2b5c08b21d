#include "router/net/response_tracker.h"

#include "router/protocol/constants.h"
#include "router/protocol/messages.h"

namespace sg::net {

using protocol::ByteSpan;
using protocol::Command;
namespace cap = protocol::cap;
namespace status = protocol::status;

ResponseKind responseKindFor(uint8_t command) {
  switch (static_cast<Command>(command)) {
    case Command::kQuit:
    case Command::kStmtClose:
    case Command::kStmtSendLongData:
      return ResponseKind::kNone;
    case Command::kQuery:
    case Command::kProcessInfo:  // a result set, like SHOW PROCESSLIST
      return ResponseKind::kQuery;
    case Command::kStmtExecute:
      return ResponseKind::kStmtExecute;
    case Command::kStmtPrepare:
      return ResponseKind::kStmtPrepare;
    case Command::kStmtFetch:
      return ResponseKind::kStmtFetch;
    case Command::kFieldList:
      return ResponseKind::kFieldList;
    case Command::kStatistics:
      return ResponseKind::kStatistics;
    default:
      return ResponseKind::kSingle;
  }
}

bool okStatusFlags(ByteSpan prefix, uint16_t& statusOut) {
  protocol::PayloadReader r(prefix);
  r.u8();  // header
  r.lenenc();
  r.lenenc();
  uint16_t s = r.u16();
  if (!r.ok()) return false;
  statusOut = s;
  return true;
}

void ResponseTracker::start(ResponseKind kind, uint32_t capabilities) {
  kind_ = kind;
  capabilities_ = capabilities;
  continuation_ = false;
  doneAfterContinuation_ = false;
  remaining_ = 0;
  lastWasError_ = false;
  lastErrorCode_ = 0;
  switch (kind) {
    case ResponseKind::kQuery:
    case ResponseKind::kStmtExecute:
    case ResponseKind::kStmtPrepare:
      state_ = State::kResultStart;
      break;
    case ResponseKind::kStmtFetch:
    case ResponseKind::kFieldList:
      state_ = State::kRows;
      break;
    case ResponseKind::kSingle:
    case ResponseKind::kStatistics:
      state_ = State::kSingle;
      break;
    case ResponseKind::kNone:
      state_ = State::kIdle;
      break;
  }
}

void ResponseTracker::noteError(protocol::ByteSpan prefix) {
  lastWasError_ = true;
  lastErrorCode_ = protocol::errorCodeOf(prefix);
}

void ResponseTracker::resumeAfterLocalInfile() {
  state_ = State::kResultStart;
  continuation_ = false;
}

bool ResponseTracker::isTerminator(uint32_t length, ByteSpan prefix) const {
  return !prefix.empty() &&
         protocol::endsRows(length, prefix[0], capabilities_ & cap::kDeprecateEof);
}

ResponseTracker::Step ResponseTracker::endOfResult(uint16_t s) {
  lastStatus_ = s;
  if ((s & status::kMoreResultsExist) &&
      (kind_ == ResponseKind::kQuery || kind_ == ResponseKind::kStmtExecute)) {
    state_ = State::kResultStart;
    return Step::kContinue;
  }
  state_ = State::kIdle;
  return Step::kDone;
}

ResponseTracker::Step ResponseTracker::afterPrepareParams() {
  if (prepareColumns_ > 0) {
    remaining_ = prepareColumns_;
    state_ = State::kPrepareColumns;
    return Step::kContinue;
  }
  state_ = State::kIdle;
  return Step::kDone;
}

ResponseTracker::Step ResponseTracker::afterPrepareColumns() {
  state_ = State::kIdle;
  return Step::kDone;
}

ResponseTracker::Step ResponseTracker::onPacket(uint32_t length, ByteSpan prefix) {
  if (continuation_) {
    // Body of a split logical packet: carries no framing information.
    continuation_ = (length == protocol::kMaxPacketPayload);
    if (!continuation_ && doneAfterContinuation_) {
      doneAfterContinuation_ = false;
      return Step::kDone;
    }
    return Step::kContinue;
  }
  continuation_ = (length == protocol::kMaxPacketPayload);
  Step step = classify(length, prefix);
  if (step == Step::kDone && continuation_) {
    // The packet that ends the response is split: it ends with its last piece.
    doneAfterContinuation_ = true;
    return Step::kContinue;
  }
  return step;
}

ResponseTracker::Step ResponseTracker::classify(uint32_t length, ByteSpan prefix) {
  const bool deprecateEof = capabilities_ & cap::kDeprecateEof;
  const uint8_t first = prefix.empty() ? 0 : prefix[0];

  switch (state_) {
    case State::kIdle:
      return Step::kMalformed;

    case State::kSingle:
      state_ = State::kIdle;
      if (first == 0xFF) noteError(prefix);
      if (first == 0x00 && !prefix.empty()) {
        uint16_t s;
        if (okStatusFlags(prefix, s)) lastStatus_ = s;
      }
      return Step::kDone;

    case State::kResultStart: {
      if (prefix.empty()) return Step::kMalformed;
      if (first == 0xFF) {
        noteError(prefix);
        state_ = State::kIdle;
        return Step::kDone;
      }
      if (kind_ == ResponseKind::kStmtPrepare) {
        if (first != 0x00) return Step::kMalformed;
        protocol::PayloadReader r(prefix);
        r.u8();
        r.u32();  // statement id
        uint16_t columns = r.u16();
        uint16_t params = r.u16();
        if (!r.ok()) return Step::kMalformed;
        prepareColumns_ = columns;
        if (params > 0) {
          remaining_ = params;
          state_ = State::kPrepareParams;
          return Step::kContinue;
        }
        return afterPrepareParams();
      }
      if (first == 0x00) {
        uint16_t s;
        if (!okStatusFlags(prefix, s)) return Step::kMalformed;
        return endOfResult(s);
      }
      if (first == 0xFB && kind_ == ResponseKind::kQuery) {
        state_ = State::kIdle;
        return Step::kLocalInfile;
      }
      protocol::PayloadReader r(prefix);
      uint64_t columns = r.lenenc();
      if (!r.ok() || columns == 0) return Step::kMalformed;
      remaining_ = columns;
      state_ = State::kColumns;
      return Step::kContinue;
    }

    case State::kColumns:
      if (first == 0xFF) {  // cannot start a column definition ("def" catalog): an error
        noteError(prefix);
        state_ = State::kIdle;
        return Step::kDone;
      }
      if (--remaining_ == 0) state_ = deprecateEof ? State::kRows : State::kColumnsEof;
      return Step::kContinue;

    case State::kColumnsEof: {
      if (first == 0xFF) {
        noteError(prefix);
        state_ = State::kIdle;
        return Step::kDone;
      }
      if (!isTerminator(length, prefix)) return Step::kMalformed;
      protocol::PayloadReader r(prefix);
      r.u8();
      r.u16();
      uint16_t s = r.u16();
      if (!r.ok()) return Step::kMalformed;
      lastStatus_ = s;
      if (s & status::kCursorExists) {  // rows come later through COM_STMT_FETCH
        state_ = State::kIdle;
        return Step::kDone;
      }
      state_ = State::kRows;
      return Step::kContinue;
    }

    case State::kRows: {
      if (first == 0xFF && length < protocol::kMaxPacketPayload) {
        noteError(prefix);
        state_ = State::kIdle;
        return Step::kDone;
      }
      if (!isTerminator(length, prefix)) return Step::kContinue;  // a row
      uint16_t s = 0;
      if (deprecateEof) {
        if (!okStatusFlags(prefix, s)) return Step::kMalformed;
      } else {
        protocol::PayloadReader r(prefix);
        r.u8();
        r.u16();
        s = r.u16();
        if (!r.ok()) return Step::kMalformed;
      }
      return endOfResult(s);
    }

    case State::kPrepareParams:
      if (--remaining_ == 0) {
        if (!deprecateEof) {
          state_ = State::kPrepareParamsEof;
          return Step::kContinue;
        }
        return afterPrepareParams();
      }
      return Step::kContinue;

    case State::kPrepareParamsEof:
      if (!isTerminator(length, prefix)) return Step::kMalformed;
      return afterPrepareParams();

    case State::kPrepareColumns:
      if (--remaining_ == 0) {
        if (!deprecateEof) {
          state_ = State::kPrepareColumnsEof;
          return Step::kContinue;
        }
        return afterPrepareColumns();
      }
      return Step::kContinue;

    case State::kPrepareColumnsEof:
      if (!isTerminator(length, prefix)) return Step::kMalformed;
      return afterPrepareColumns();
  }
  return Step::kMalformed;
}

}  // namespace sg::net
