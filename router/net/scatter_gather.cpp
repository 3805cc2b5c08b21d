// Cross-shard reads: the statement goes to every target shard at once, and the shards' results
// become one result set as they stream in. Concatenation forwards each shard's rows in turn; an
// ORDER BY merges the shards' sorted streams holding one row per shard; grouped and DISTINCT
// merges buffer (bounded by [routing] max_merge_rows) in exec::GroupMerge. Hidden columns the
// merge added never reach the client. An error on any shard fails the whole statement with an ERR
// naming the shard; every other shard's response is read to its end so its connection stays
// usable.

#include <spdlog/spdlog.h>

#include "router/exec/group_merge.h"
#include "router/exec/value_order.h"
#include "router/net/client_session_impl.h"

namespace sg::net {

using protocol::Bytes;
using protocol::ByteSpan;

namespace {

// A packet in the rows phase of a result set.
enum class RowPacket : uint8_t { kRow, kEnd, kError };

RowPacket classifyRowPacket(ByteSpan payload, bool deprecateEof) {
  if (payload.empty()) return RowPacket::kRow;
  if (payload[0] == 0xFF) return RowPacket::kError;
  if (protocol::endsRows(payload.size(), payload[0], deprecateEof)) return RowPacket::kEnd;
  return RowPacket::kRow;
}

}  // namespace

// One shard's response while it is being read.
struct ClientSession::ShardResponse {
  Link* link = nullptr;
  enum class Phase : uint8_t { kHead, kRows, kDone } phase = Phase::kHead;
  std::vector<Bytes> head;  // column count, column definitions, EOF (without DEPRECATE_EOF)
  size_t columns = 0;
  bool resultSet = false;
  bool lost = false;
  std::optional<Bytes> error;  // the shard's ERR payload
  Bytes terminator;            // OK / EOF that ended it (or the OK of a statement without rows)
};

awaitable<bool> ClientSession::readHead(ShardResponse& r, bool deprecateEof) {
  PacketStream& s = *r.link->stream;
  PacketStream::Packet pkt;
  if (co_await s.readPacket(pkt) != PacketStream::ReadStatus::kOk || pkt.payload.empty()) {
    r.lost = true;
    co_return false;
  }
  const uint8_t first = pkt.payload[0];
  if (first == 0xFF) {
    r.error = Bytes(pkt.payload.begin(), pkt.payload.end());
    r.phase = ShardResponse::Phase::kDone;
    co_return true;
  }
  if (first == 0x00 || first == 0xFB) {  // OK (no result set); LOCAL INFILE is not a read
    r.terminator.assign(pkt.payload.begin(), pkt.payload.end());
    r.phase = ShardResponse::Phase::kDone;
    if (first == 0xFB) r.lost = true;
    co_return first == 0x00;
  }
  protocol::PayloadReader reader(pkt.payload);
  r.columns = reader.lenenc();
  if (!reader.ok() || r.columns == 0 || r.columns > 4096) {
    r.lost = true;
    co_return false;
  }
  r.resultSet = true;
  r.head.emplace_back(pkt.payload.begin(), pkt.payload.end());
  const size_t packets = r.columns + (deprecateEof ? 0 : 1);
  for (size_t i = 0; i < packets; ++i) {
    if (co_await s.readPacket(pkt) != PacketStream::ReadStatus::kOk) {
      r.lost = true;
      co_return false;
    }
    r.head.emplace_back(pkt.payload.begin(), pkt.payload.end());
  }
  r.phase = ShardResponse::Phase::kRows;
  co_return true;
}

// The next row of `r` into `row` (its payload, valid until the next read on that stream).
// false at the end of the rows (terminator or error recorded in `r`) or when the link is lost.
awaitable<bool> ClientSession::nextRow(ShardResponse& r, ByteSpan& row, bool deprecateEof) {
  if (r.phase != ShardResponse::Phase::kRows) co_return false;
  PacketStream::Packet pkt;
  if (co_await r.link->stream->readPacket(pkt) != PacketStream::ReadStatus::kOk) {
    r.lost = true;
    r.phase = ShardResponse::Phase::kDone;
    co_return false;
  }
  switch (classifyRowPacket(pkt.payload, deprecateEof)) {
    case RowPacket::kRow:
      row = pkt.payload;
      co_return true;
    case RowPacket::kError:
      r.error = Bytes(pkt.payload.begin(), pkt.payload.end());
      break;
    case RowPacket::kEnd:
      r.terminator.assign(pkt.payload.begin(), pkt.payload.end());
      break;
  }
  r.phase = ShardResponse::Phase::kDone;
  co_return false;
}

// Reads what is left of every response so each connection is ready for its next command; a
// connection whose response can't be read to its end is closed.
awaitable<void> ClientSession::finishResponses(std::vector<ShardResponse>& responses,
                                               ResponseKind kind, bool deprecateEof) {
  for (ShardResponse& r : responses) {
    if (r.lost) {
      r.link->stream->close();
      continue;
    }
    if (r.phase == ShardResponse::Phase::kHead) {
      Drained d = co_await drain(*r.link->stream, kind);
      if (!d.intact) r.link->stream->close();
      r.phase = ShardResponse::Phase::kDone;
      continue;
    }
    ByteSpan row;
    while (co_await nextRow(r, row, deprecateEof)) {
    }
    if (r.lost) r.link->stream->close();
  }
}

// The ERR the client gets when one shard failed: the shard's own error, naming the shard.
Bytes ClientSession::shardError(const ShardResponse& r) const {
  if (r.lost || !r.error) {
    return protocol::makeErr(
        protocol::err::kServerLost, "HY000",
        "shardgate: lost connection to " + r.link->name + " during a cross-shard query", caps_);
  }
  auto err = protocol::ErrPacket::parse(*r.error, caps_);
  if (!err) return *r.error;
  err->message = "shard " + r.link->shard + ": " + err->message;
  Bytes out;
  err->encode(out, caps_);
  return out;
}

// Appends result rows for the client, re-encoding them without the hidden columns when there are
// some, and flushing to the client as the buffer grows.
struct ClientSession::RowEmitter {
  ClientSession& session;
  Bytes& out;
  uint8_t seq;
  const std::vector<exec::ColumnInfo>& columns;
  size_t visible;
  exec::RowFormat format;
  bool reencode;
  std::optional<Bytes> error;  // set when the statement failed after the header was built
  bool flushed = false;        // part of the result already reached the client
  Bytes scratch;

  awaitable<bool> raw(ByteSpan payload) {
    seq = protocol::appendPackets(out, payload, seq);
    co_return co_await flushIfLarge();
  }
  awaitable<bool> row(const exec::Row& r) {
    scratch.clear();
    exec::encodeRow(r, visible, format, columns, scratch);
    seq = protocol::appendPackets(out, scratch, seq);
    co_return co_await flushIfLarge();
  }
  awaitable<bool> flushIfLarge() {
    if (out.size() < 256 * 1024) co_return true;
    bool ok = co_await session.client_.write(out);
    out.clear();
    flushed = true;
    co_return ok;
  }
};

awaitable<bool> ClientSession::scatterRead(std::vector<Work>& work, ScatterOptions opts) {
  const bool deprecateEof = caps_ & cap::kDeprecateEof;
  std::vector<ShardResponse> responses(work.size());
  for (size_t i = 0; i < work.size(); ++i) {
    responses[i].link = work[i].link;
    if (!co_await work[i].link->stream->writePacket(work[i].payload, 0)) {
      responses[i].lost = true;
      responses[i].phase = ShardResponse::Phase::kDone;
    }
  }
  // Every shard's column definitions (or its error) first: a statement that fails anywhere fails
  // before anything reaches the client.
  const ShardResponse* failed = nullptr;
  for (ShardResponse& r : responses) {
    if (r.phase == ShardResponse::Phase::kHead) co_await readHead(r, deprecateEof);
    if (!failed && (r.lost || r.error)) failed = &r;
  }
  if (!failed) {
    for (const ShardResponse& r : responses) {
      if (r.resultSet != responses[0].resultSet || r.columns != responses[0].columns) {
        failed = &r;  // shards disagree on the result's shape (schemas differ between shards)
        break;
      }
    }
    if (failed) {
      Bytes err =
          protocol::makeErr(plan::kErrNotSupported, "42000",
                            "unsupported in a cross-shard query: shard " + failed->link->shard +
                                " returns a different result shape than shard " +
                                responses[0].link->shard + " (do the shards have the same schema?)",
                            caps_);
      co_await finishResponses(responses, opts.kind, deprecateEof);
      co_return co_await client_.writePacket(err, 1);
    }
  } else if (failed->lost && retry_.armed && client_.bytesWritten() == retry_.clientBytes) {
    // Nothing reached the client yet: the caller runs the read again without that server.
    spdlog::info("client {}: lost {} during a cross-shard read; trying the read again",
                 client_.peer(), failed->link->name);
    if (failed->link->stats) failed->link->stats->markFailed();
    co_await finishResponses(responses, opts.kind, deprecateEof);
    retry_.armed = false;
    retry_.pending = true;
    co_return true;
  } else {
    Bytes err = shardError(*failed);
    if (failed->error) co_await afterStatementError(protocol::errorCodeOf(*failed->error));
    spdlog::debug("client {}: cross-shard read failed on {}", client_.peer(), failed->link->name);
    co_await finishResponses(responses, opts.kind, deprecateEof);
    co_return co_await client_.writePacket(err, 1);
  }
  if (!responses[0].resultSet) {
    // Not a result set (an OK): the first shard's answer stands for all.
    co_return co_await client_.writePacket(responses[0].terminator, 1);
  }

  // The merge recipe, with `*` resolved now that the column count is known.
  std::optional<plan::MergeSpec> spec;
  if (opts.spec) {
    spec = opts.spec->resolved(responses[0].columns);
    if (!spec) {
      co_await finishResponses(responses, opts.kind, deprecateEof);
      co_return co_await sendError(client_, 1, caps_, plan::kErrNotSupported, "42000",
                                   "unsupported in a cross-shard query: unexpected column count");
    }
  }
  std::vector<exec::ColumnInfo> columns;
  for (size_t c = 0; c < responses[0].columns; ++c) {
    auto info = exec::ColumnInfo::parse(responses[0].head[1 + c]);
    if (!info) {
      co_await finishResponses(responses, opts.kind, deprecateEof);
      co_return co_await sendError(
          client_, 1, caps_, protocol::err::kMalformedPacket, "HY000",
          "shardgate: malformed column definition from " + responses[0].link->name);
    }
    columns.push_back(std::move(*info));
  }
  const size_t visible = spec ? spec->visibleColumns : columns.size();
  if (spec) {
    // The server sorts ENUM and SET by their members' numbers, which the result does not carry.
    std::vector<plan::MergeKey> sortKeys = spec->orderBy;
    if (sortKeys.empty() && spec->sortGroups) sortKeys = spec->groupBy;
    for (const plan::MergeKey& key : sortKeys) {
      if (key.column < columns.size() &&
          (columns[key.column].flags & (exec::colflag::kEnum | exec::colflag::kSet))) {
        co_await finishResponses(responses, opts.kind, deprecateEof);
        co_return co_await sendError(
            client_, 1, caps_, plan::kErrNotSupported, "42000",
            "unsupported in a cross-shard query: ORDER BY the ENUM/SET column " +
                columns[key.column].name + " (the server sorts it by member number)");
      }
    }
  }

  // Header: the visible columns' definitions, as the first shard sent them.
  Bytes out;
  uint8_t seq = 1;
  {
    Bytes count;
    protocol::PayloadWriter(count).lenenc(visible);
    seq = protocol::appendPackets(out, count, seq);
  }
  for (size_t c = 0; c < visible; ++c)
    seq = protocol::appendPackets(out, responses[0].head[1 + c], seq);
  if (!deprecateEof) seq = protocol::appendPackets(out, responses[0].head.back(), seq);

  RowEmitter emit{*this, out, seq, columns, visible, opts.format, spec && spec->hasHiddenColumns()};
  bool ok = true;
  if (!spec || spec->streaming()) {
    ok = co_await streamRows(responses, spec ? &*spec : nullptr, opts, emit, deprecateEof);
  } else {
    ok = co_await groupRows(responses, *spec, opts, emit, deprecateEof);
  }
  co_await finishResponses(responses, opts.kind, deprecateEof);
  if (!ok) co_return false;  // the client is gone
  if (emit.error) {
    co_await afterStatementError(protocol::errorCodeOf(*emit.error));
    if (!emit.flushed) {  // nothing reached the client yet: the error alone answers
      co_return co_await client_.writePacket(*emit.error, 1);
    }
    protocol::appendPackets(out, *emit.error, emit.seq);
    co_return co_await client_.write(out);
  }
  // The shards' terminators become one: warnings summed, the first shard's status.
  uint16_t warnings = 0;
  uint16_t status = 0;
  for (size_t i = 0; i < responses.size(); ++i) {
    uint16_t w = 0;
    uint16_t st = 0;
    if (deprecateEof) {
      if (auto okp = protocol::OkPacket::parse(responses[i].terminator, caps_)) {
        w = okp->warnings;
        st = okp->status;
      }
    } else if (auto eof = protocol::EofPacket::parse(responses[i].terminator)) {
      w = eof->warnings;
      st = eof->status;
    }
    warnings = static_cast<uint16_t>(std::min<uint32_t>(0xFFFF, uint32_t{warnings} + w));
    if (i == 0) status = st;
  }
  status &= static_cast<uint16_t>(~protocol::status::kMoreResultsExist);
  Bytes end;
  if (deprecateEof) {
    protocol::OkPacket okp;
    okp.status = status;
    okp.warnings = warnings;
    okp.encode(end, caps_ & ~cap::kSessionTrack, 0xFE);
  } else {
    protocol::EofPacket{warnings, status}.encode(end);
  }
  protocol::appendPackets(out, end, emit.seq);
  co_return co_await client_.write(out);
}

awaitable<bool> ClientSession::streamRows(std::vector<ShardResponse>& responses,
                                          const plan::MergeSpec* spec, const ScatterOptions& opts,
                                          RowEmitter& emit, bool deprecateEof) {
  uint64_t skip = opts.bounds.offset;
  std::optional<uint64_t> left = opts.bounds.limit;
  ByteSpan payload;
  if (!spec || spec->orderBy.empty()) {
    // Concatenation: each shard's rows in turn, passed through untouched unless hidden columns
    // must go.
    for (ShardResponse& r : responses) {
      while ((!left || *left > 0) && co_await nextRow(r, payload, deprecateEof)) {
        if (skip > 0) {
          --skip;
          continue;
        }
        if (left) --*left;
        if (!emit.reencode) {
          if (!co_await emit.raw(payload)) co_return false;
          continue;
        }
        auto row = exec::decodeRow(payload, opts.format, emit.columns);
        if (!row) {
          emit.error = malformedRow(r);
          co_return true;
        }
        if (!co_await emit.row(*row)) co_return false;
      }
      if (r.lost || r.error) {
        emit.error = shardError(r);
        co_return true;
      }
    }
    co_return true;
  }
  // ORDER BY: every shard sends its rows sorted; the smallest head row goes next.
  std::vector<std::optional<exec::Row>> heads(responses.size());
  for (size_t i = 0; i < responses.size(); ++i) {
    if (!co_await nextHead(responses[i], heads[i], opts.format, emit, deprecateEof)) co_return true;
  }
  while (!left || *left > 0) {
    std::optional<size_t> best;
    for (size_t i = 0; i < heads.size(); ++i) {
      if (!heads[i]) continue;
      if (!best || exec::compareRows(*heads[i], *heads[*best], spec->orderBy, emit.columns,
                                     opts.format) < 0) {
        best = i;
      }
    }
    if (!best) break;
    if (skip > 0) {
      --skip;
    } else {
      if (left) --*left;
      if (!co_await emit.row(*heads[*best])) co_return false;
    }
    if (!co_await nextHead(responses[*best], heads[*best], opts.format, emit, deprecateEof)) {
      co_return true;
    }
  }
  co_return true;
}

// The next row of one shard of an ordered merge, decoded; false (emit.error set) when the shard
// failed.
awaitable<bool> ClientSession::nextHead(ShardResponse& r, std::optional<exec::Row>& head,
                                        exec::RowFormat format, RowEmitter& emit,
                                        bool deprecateEof) {
  head.reset();
  ByteSpan payload;
  if (co_await nextRow(r, payload, deprecateEof)) {
    head = exec::decodeRow(payload, format, emit.columns);
    if (head) co_return true;
    emit.error = malformedRow(r);
    co_return false;
  }
  if (r.lost || r.error) {
    emit.error = shardError(r);
    co_return false;
  }
  co_return true;
}

awaitable<bool> ClientSession::groupRows(std::vector<ShardResponse>& responses,
                                         const plan::MergeSpec& spec, const ScatterOptions& opts,
                                         RowEmitter& emit, bool deprecateEof) {
  exec::GroupMerge merge(spec, emit.columns, opts.format, ctx_->settings().maxMergeRows,
                         opts.bounds, opts.params);
  ByteSpan payload;
  for (ShardResponse& r : responses) {
    while (co_await nextRow(r, payload, deprecateEof)) {
      auto row = exec::decodeRow(payload, opts.format, emit.columns);
      if (!row) {
        emit.error = malformedRow(r);
        co_return true;
      }
      if (!merge.add(std::move(*row))) {
        emit.error = protocol::makeErr(plan::kErrNotSupported, "42000",
                                       "unsupported in a cross-shard query: " + merge.error() +
                                           "; narrow it with a shard-key condition",
                                       caps_);
        co_return true;
      }
    }
    if (r.lost || r.error) {
      emit.error = shardError(r);
      co_return true;
    }
  }
  for (const exec::Row& row : merge.finish()) {
    if (!co_await emit.row(row)) co_return false;
  }
  co_return true;
}

Bytes ClientSession::malformedRow(const ShardResponse& r) const {
  return protocol::makeErr(protocol::err::kMalformedPacket, "HY000",
                           "shardgate: malformed result row from " + r.link->name, caps_);
}

}  // namespace sg::net
