// Transactions that span shards. BEGIN is answered by shardgate and starts lazily on the first
// server the transaction uses: that participant runs a plain transaction and is the coordinator.
// Every further server joins with XA START. COMMIT with one participant is that server's COMMIT;
// with several it is a two-phase commit whose decision is the coordinator's own COMMIT, which
// also commits a row in its shardgate.xa_log table:
//
//   1. coordinator:  INSERT INTO shardgate.xa_log (gtrid, decision) VALUES (g, 'commit')
//   2. the others:   XA END g; XA PREPARE g
//   3. coordinator:  COMMIT                      <- decision point (durable with the log row)
//   4. the others:   XA COMMIT g
//   5. coordinator:  DELETE FROM shardgate.xa_log WHERE gtrid = g
//
// A failure before 3 rolls every participant back. After a crash, recovery (xa_recovery.cpp)
// finds prepared branches and fences the coordinator's log with an 'abort' row: a branch whose
// gtrid has a committed 'commit' row is committed, every other one rolled back. Step 1 holds the
// log row's lock until 3, so the fence never overtakes a commit in flight.

#include <algorithm>
#include <cctype>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <random>

#include <spdlog/spdlog.h>

#include "router/net/client_session_impl.h"
#include "router/net/xa_recovery.h"
#include "router/sql/literal.h"

namespace sg::net {

using protocol::Bytes;
using protocol::Command;

namespace {

// SHARDGATE_CRASH_POINT=xa-prepared|xa-decided: the process kills itself there (tests of recovery).
void crashPoint(const char* name) {
  static const char* wanted = std::getenv("SHARDGATE_CRASH_POINT");
  if (wanted && std::string_view(wanted) == name) {
    spdlog::critical("SHARDGATE_CRASH_POINT={}: killing the process", name);
    spdlog::default_logger()->flush();
    std::raise(SIGKILL);
  }
}

bool equalsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// A participant's connection went away (and maybe came back, without the transaction): what it
// did is gone, so the whole transaction is.
protocol::ErrPacket lostTransaction() {
  return protocol::ErrPacket{protocol::err::kXaRollback, "XA100",
                             "shardgate: a connection of this transaction was lost; the "
                             "transaction was rolled back"};
}

constexpr uint16_t kNoDatabaseSelected = 1046;
constexpr uint16_t kUnknownDatabase = 1049;
constexpr uint16_t kNoSuchTable = 1146;
constexpr uint16_t kLockDeadlock = 1213;
constexpr uint16_t kXaRbRollback = 1402;  // XA_RBROLLBACK
constexpr uint16_t kXaRbTimeout = 1613;
constexpr uint16_t kXaRbDeadlock = 1614;

}  // namespace

std::string ClientSession::xid(size_t branch) const {
  return sql::quoteString(txn_.gtrid) + "," + sql::quoteString(std::to_string(branch)) + "," +
         std::to_string(kXaFormatId);
}

awaitable<ClientSession::Silent> ClientSession::runSilently(Link& link, std::string sql) {
  Silent out;
  if (!link.stream->isOpen() ||
      !co_await link.stream->writePacket(commandPayload(Command::kQuery, sql), 0)) {
    out.lost = true;
    co_return out;
  }
  Drained d = co_await drain(*link.stream, ResponseKind::kQuery);
  if (!d.intact) {
    link.stream->close();
    out.lost = true;
    co_return out;
  }
  if (d.error) {
    out.error = protocol::ErrPacket::parse(d.last, caps_);
    if (!out.error) out.error = protocol::ErrPacket{};
  }
  co_return out;
}

bool ClientSession::isParticipant(const Link& link) const {
  for (const auto& p : txn_.participants) {
    if (p.link == &link && p.epoch == link.epoch) return true;
  }
  return false;
}

bool ClientSession::participantLost() const {
  for (const auto& p : txn_.participants) {
    if (!p.link->stream->isOpen() || p.link->epoch != p.epoch) return true;
  }
  return false;
}

awaitable<bool> ClientSession::joinTransaction(Link& link) {
  if (!inTransaction() || isParticipant(link)) co_return true;
  if (participantLost()) {
    co_await rollbackParticipants();
    const protocol::ErrPacket err = lostTransaction();
    co_await sendError(client_, 1, caps_, err.code, err.sqlState, err.message);
    co_return false;
  }
  std::string begin;
  if (txn_.participants.empty()) {
    // The coordinator: a plain transaction (started by the server itself under autocommit=0).
    if (txn_.explicitOpen) begin = txn_.beginSql.empty() ? "BEGIN" : txn_.beginSql;
  } else {
    if (txn_.gtrid.empty()) {
      txn_.gtrid = newGtrid(txn_.participants.front().link->key);
      if (txn_.gtrid.size() > 64) {
        co_await sendError(client_, 1, caps_, plan::kErrNotSupported, "42000",
                           "shardgate: a cross-shard transaction needs a coordinator address "
                           "shorter than 40 characters (" +
                               txn_.participants.front().link->key + ")");
        co_return false;
      }
    }
    begin = "XA START " + xid(txn_.participants.size());
  }
  if (!begin.empty()) {
    Silent r = co_await runSilently(link, begin);
    if (r.lost || r.error) {
      std::string why = r.lost ? "lost connection" : r.error->message;
      co_await sendError(client_, 1, caps_, r.lost ? protocol::err::kServerLost : r.error->code,
                         r.lost ? "HY000" : r.error->sqlState,
                         "shardgate: " + link.name + " cannot join the transaction: " + why);
      co_return false;
    }
  }
  txn_.participants.push_back({&link, link.epoch, false});
  // Savepoints taken before this server joined mark its empty start.
  for (const std::string& name : txn_.savepoints) {
    Silent r = co_await runSilently(link, "SAVEPOINT `" + name + "`");
    if (r.lost || r.error) {
      co_await sendError(client_, 1, caps_, protocol::err::kServerLost, "HY000",
                         "shardgate: cannot set savepoint " + name + " on " + link.name);
      co_return false;
    }
  }
  co_return true;
}

std::string ClientSession::newGtrid(const std::string& coordinatorKey) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(rng()));
  return std::string(kXaGtridPrefix) + coordinatorKey + "/" + hex;
}

awaitable<void> ClientSession::rollbackParticipants() {
  for (size_t i = 0; i < txn_.participants.size(); ++i) {
    Link& link = *txn_.participants[i].link;
    if (!link.stream->isOpen() || link.epoch != txn_.participants[i].epoch) continue;
    if (i == 0) {
      co_await runSilently(link, "ROLLBACK");
      continue;
    }
    // XA END fails when the branch is already idle or prepared; XA ROLLBACK takes both.
    if (!txn_.participants[i].prepared) co_await runSilently(link, "XA END " + xid(i));
    Silent r = co_await runSilently(link, "XA ROLLBACK " + xid(i));
    if (r.lost || r.error) {
      spdlog::warn("client {}: XA ROLLBACK on {} failed ({}); recovery will roll it back",
                   client_.peer(), link.name, r.lost ? "lost" : r.error->message);
    }
  }
  endTransaction(false);
}

// Several participants, all still connected (finishCommit checked).
awaitable<std::optional<protocol::ErrPacket>> ClientSession::commitParticipants() {
  auto rolledBack = [](const Link& link, const std::string& why) {
    return protocol::ErrPacket{
        protocol::err::kXaRollback, "XA100",
        "shardgate: the cross-shard transaction was rolled back: " + link.name + ": " + why};
  };
  Link& coordinator = *txn_.participants.front().link;
  // 1. The decision row, inside the coordinator's transaction (locked until it commits).
  const std::string decisionRow = std::string("INSERT INTO ") + kXaLogTable +
                                  " (gtrid, decision) VALUES (" + sql::quoteString(txn_.gtrid) +
                                  ", 'commit')";
  Silent r = co_await runSilently(coordinator, decisionRow);
  if (r.error && (r.error->code == kNoSuchTable || r.error->code == kUnknownDatabase ||
                  r.error->code == kNoDatabaseSelected)) {
    // A server recovery has not reached yet: create the log (own connection) and go on.
    if (auto failure = co_await ensureXaLogTable(*ctx_, coordinator.host, coordinator.port)) {
      spdlog::warn("cannot create {} on {}: {}", kXaLogTable, coordinator.name, *failure);
    }
    r = co_await runSilently(coordinator, decisionRow);
  }
  if (r.lost || r.error) {
    auto err = rolledBack(coordinator, r.lost ? "lost connection" : r.error->message);
    co_await rollbackParticipants();
    co_return err;
  }
  // 2. Every other participant prepares.
  for (size_t i = 1; i < txn_.participants.size(); ++i) {
    Link& link = *txn_.participants[i].link;
    r = co_await runSilently(link, "XA END " + xid(i));
    if (!r.lost && !r.error) {
      r = co_await runSilently(link, "XA PREPARE " + xid(i));
      txn_.participants[i].prepared = !r.lost && !r.error;
    }
    if (r.lost || r.error) {
      auto err = rolledBack(link, r.lost ? "lost connection" : r.error->message);
      co_await rollbackParticipants();
      co_return err;
    }
  }
  crashPoint("xa-prepared");
  // 3. The decision.
  r = co_await runSilently(coordinator, "COMMIT");
  if (r.lost) {
    // Unknown outcome: the branches stay prepared until recovery reads the coordinator's log.
    std::string gtrid = txn_.gtrid;
    txnOutcome_ = TxnOutcome::kUnknown;
    endTransaction(false);
    co_return protocol::ErrPacket{protocol::err::kServerLost, "HY000",
                                  "shardgate: lost " + coordinator.name +
                                      " while committing cross-shard transaction " + gtrid +
                                      "; its outcome is in that server's " + kXaLogTable +
                                      " and recovery completes it on every shard"};
  }
  if (r.error) {
    auto err = rolledBack(coordinator, r.error->message);
    co_await rollbackParticipants();
    co_return err;
  }
  crashPoint("xa-decided");
  txnOutcome_ = TxnOutcome::kCommitted;
  // 4. Committed: every branch follows; one that can't now is completed by recovery.
  bool all = true;
  for (size_t i = 1; i < txn_.participants.size(); ++i) {
    Link& link = *txn_.participants[i].link;
    r = co_await runSilently(link, "XA COMMIT " + xid(i));
    if (r.lost || r.error) {
      all = false;
      spdlog::warn("client {}: XA COMMIT of {} on {} failed ({}); recovery will commit it",
                   client_.peer(), txn_.gtrid, link.name, r.lost ? "lost" : r.error->message);
    }
  }
  // 5. The log row is only needed while a branch may still be prepared.
  if (all) {
    r = co_await runSilently(coordinator, std::string("DELETE FROM ") + kXaLogTable +
                                              " WHERE gtrid = " + sql::quoteString(txn_.gtrid));
    // Under autocommit=0 the DELETE opened the coordinator's next transaction: end it.
    if (!r.lost && !r.error && !autocommit_) r = co_await runSilently(coordinator, "COMMIT");
    if (r.lost || r.error) {
      spdlog::warn("client {}: cannot delete {} from {} on {}", client_.peer(), txn_.gtrid,
                   kXaLogTable, coordinator.name);
    }
  }
  endTransaction(false);
  co_return std::nullopt;
}

void ClientSession::endTransaction(bool chain) {
  for (const auto& p : txn_.participants) noteWrite(p.link->shard);
  if (txn_.participants.size() == 1) {
    ctx_->metrics().countTransaction(admin::TransactionKind::kSingle);
  } else if (txn_.participants.size() > 1 && txnOutcome_ != TxnOutcome::kUnknown) {
    ctx_->metrics().countTransaction(txnOutcome_ == TxnOutcome::kCommitted
                                         ? admin::TransactionKind::kXaCommit
                                         : admin::TransactionKind::kXaRollback);
  }
  txnOutcome_ = TxnOutcome::kRolledBack;
  txn_.participants.clear();
  txn_.gtrid.clear();
  txn_.savepoints.clear();
  txn_.explicitOpen = chain;
  if (!chain) txn_.beginSql.clear();
}

uint16_t ClientSession::localStatus() const {
  uint16_t status = autocommit_ ? protocol::status::kAutocommit : 0;
  if (txn_.explicitOpen || !txn_.participants.empty()) status |= protocol::status::kInTrans;
  return status;
}

awaitable<bool> ClientSession::replyLocalOk() {
  co_return co_await client_.writePacket(protocol::makeOk(caps_, localStatus()), 1);
}

awaitable<bool> ClientSession::transactionControl(std::string_view sql,
                                                  const sql::Statement& stmt) {
  using T = sql::StatementType;
  switch (stmt.type) {
    case T::kBegin: {
      // BEGIN inside a transaction commits it first, as on a server.
      if (!txn_.participants.empty()) {
        if (auto err = co_await finishCommit()) {
          co_return co_await sendError(client_, 1, caps_, err->code, err->sqlState, err->message);
        }
      }
      endTransaction(true);
      txn_.beginSql = std::string(sql);
      co_return co_await replyLocalOk();
    }
    case T::kCommit: {
      auto err = co_await finishCommit();
      endTransaction(stmt.chain);
      if (err)
        co_return co_await sendError(client_, 1, caps_, err->code, err->sqlState, err->message);
      bool ok = co_await replyLocalOk();
      co_return ok && !stmt.release;
    }
    case T::kRollback: {
      if (txn_.participants.size() == 1 && !participantLost()) {
        // One server: its own ROLLBACK, whose failure the client hears of.
        Link& link = *txn_.participants.front().link;
        Silent r = co_await runSilently(link, "ROLLBACK");
        endTransaction(stmt.chain);
        if (r.lost) {
          co_return co_await sendError(client_, 1, caps_, protocol::err::kServerLost, "HY000",
                                       "shardgate: lost " + link.name + " during ROLLBACK");
        }
        if (r.error) {
          co_return co_await sendError(client_, 1, caps_, r.error->code, r.error->sqlState,
                                       r.error->message);
        }
      } else {
        co_await rollbackParticipants();
        endTransaction(stmt.chain);
      }
      bool ok = co_await replyLocalOk();
      co_return ok && !stmt.release;
    }
    case T::kSavepoint:
    case T::kRollbackToSavepoint:
    case T::kReleaseSavepoint: {
      std::string name = stmt.savepoint;
      auto found = std::find_if(txn_.savepoints.begin(), txn_.savepoints.end(),
                                [&](const std::string& s) { return equalsNoCase(s, name); });
      if (stmt.type != T::kSavepoint && found == txn_.savepoints.end() &&
          !txn_.participants.empty()) {
        co_return co_await sendError(client_, 1, caps_, protocol::err::kSpDoesNotExist, "42000",
                                     "SAVEPOINT " + name + " does not exist");
      }
      if (!inTransaction()) co_return co_await replyLocalOk();  // a server ignores it too
      for (const auto& p : txn_.participants) {
        Silent r = co_await runSilently(*p.link, std::string(sql));
        if (r.lost || r.error) {
          co_return co_await sendError(
              client_, 1, caps_, r.lost ? protocol::err::kServerLost : r.error->code,
              r.lost ? "HY000" : r.error->sqlState,
              "shard " + p.link->shard + ": " + (r.lost ? "lost connection" : r.error->message));
        }
      }
      if (stmt.type == T::kSavepoint) {
        if (found != txn_.savepoints.end()) txn_.savepoints.erase(found);
        txn_.savepoints.push_back(name);
      } else if (found != txn_.savepoints.end()) {
        // ROLLBACK TO keeps the savepoint, RELEASE drops it; both drop the later ones.
        txn_.savepoints.erase(stmt.type == T::kReleaseSavepoint ? found : found + 1,
                              txn_.savepoints.end());
      }
      co_return co_await replyLocalOk();
    }
    default:
      co_return co_await sendError(client_, 1, caps_, plan::kErrNotSupported, "42000",
                                   "unsupported transaction statement");
  }
}

// Commits whatever the transaction holds: nothing, one server's COMMIT, or the two-phase commit.
// The error for the client when it did not commit (every participant is rolled back then).
awaitable<std::optional<protocol::ErrPacket>> ClientSession::finishCommit() {
  if (participantLost()) {
    co_await rollbackParticipants();
    co_return lostTransaction();
  }
  if (txn_.participants.empty()) {
    endTransaction(false);
    co_return std::nullopt;
  }
  if (txn_.participants.size() == 1) {
    Link& link = *txn_.participants.front().link;
    Silent r = co_await runSilently(link, "COMMIT");
    endTransaction(false);
    if (r.lost) {
      co_return protocol::ErrPacket{protocol::err::kServerLost, "HY000",
                                    "shardgate: lost " + link.name + " during COMMIT"};
    }
    co_return r.error;
  }
  co_return co_await commitParticipants();
}

// A deadlock (or an XA branch rolled back by its server) ends the whole transaction on that
// server, as it would on one server; the other participants must follow, or a later COMMIT
// would commit their part alone.
awaitable<void> ClientSession::afterStatementError(uint16_t code) {
  const bool serverRolledBack = code == kLockDeadlock || code == kXaRbRollback ||
                                code == kXaRbTimeout || code == kXaRbDeadlock;
  if (!serverRolledBack || txn_.participants.empty()) co_return;
  co_await rollbackParticipants();
}

// A statement that failed on some shards of a multi-shard transaction after others applied it
// can't be undone alone: the whole transaction rolls back, and the client is told.
awaitable<bool> ClientSession::abortAfterPartialWrite(protocol::ErrPacket err) {
  co_await rollbackParticipants();
  err.message += " (the cross-shard transaction was rolled back)";
  Bytes out;
  err.encode(out, caps_);
  co_return co_await client_.writePacket(out, 1);
}

}  // namespace sg::net
