#pragma once
// The client session class, shared by client_session.cpp (login, command loop, relaying) and
// query_routing.cpp (choosing backends for each statement). Internal to router/net.

#include "router/net/asio_prelude.h"

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "router/exec/group_merge.h"
#include "router/exec/result_rows.h"
#include "router/exec/session_state.h"
#include "router/net/backend_connection.h"
#include "router/net/client_handshake.h"
#include "router/net/kill_statement.h"
#include "router/net/metric_labels.h"
#include "router/net/packet_stream.h"
#include "router/net/proxy_context.h"
#include "router/net/response_tracker.h"
#include "router/net/server_stats.h"
#include "router/plan/plan.h"
#include "router/protocol/prepared.h"
#include "router/sql/statement.h"

namespace sg::net {

// A command packet's payload: the command byte, then its text (SQL, schema name, ...).
inline protocol::Bytes commandPayload(protocol::Command command, std::string_view text) {
  protocol::Bytes out;
  out.reserve(text.size() + 1);
  out.push_back(static_cast<uint8_t>(command));
  out.insert(out.end(), text.begin(), text.end());
  return out;
}

// BEGIN / COMMIT / ROLLBACK / SAVEPOINT / RELEASE SAVEPOINT / ROLLBACK TO SAVEPOINT.
inline bool isTransactionControl(sql::StatementType type) {
  using T = sql::StatementType;
  return type == T::kBegin || type == T::kCommit || type == T::kRollback || type == T::kSavepoint ||
         type == T::kReleaseSavepoint || type == T::kRollbackToSavepoint;
}

// SELECT, SHOW, EXPLAIN: statements a replica may answer.
inline bool isRead(const sql::Statement& stmt) {
  return stmt.type == sql::StatementType::kSelect || stmt.type == sql::StatementType::kShow ||
         stmt.type == sql::StatementType::kExplain;
}

// A COM_QUERY's SQL text.
inline std::string_view sqlOf(const PacketStream::Packet& cmd) {
  return {reinterpret_cast<const char*>(cmd.payload.data()) + 1, cmd.payload.size() - 1};
}

// One client connection: login, the backend connections it uses, and the command loop.
class ClientSession {
 public:
  ClientSession(tcp::socket socket, std::shared_ptr<ProxyContext> ctx)
      : ctx_(std::move(ctx)),
        client_(std::move(socket), ctx_->settings().maxAllowedPacket),
        connectionId_(ctx_->nextConnectionId()) {
    boost::system::error_code ec;
    auto ep = client_.socket().remote_endpoint(ec);
    client_.setPeer(ec ? "?" : ep.address().to_string() + ":" + std::to_string(ep.port()));
  }

  awaitable<void> run();

 private:
  awaitable<bool> connectToDefaultShard(const ClientLogin& login);
  awaitable<bool> commandLoop();
  awaitable<bool> forward(const PacketStream::Packet& cmd);
  awaitable<bool> relayResponse(ResponseKind kind);
  awaitable<bool> relayLocalInfile();
  awaitable<bool> changeUser(const PacketStream::Packet& cmd);
  // The current link failed: it is closed and the client gets ERR 2013 (or, while a read may be
  // retried and nothing reached the client yet, retry_ is marked pending instead). False when
  // the client connection can't go on (part of a packet had reached it).
  awaitable<bool> backendLost(const char* during);
  // KILL [QUERY] n / COM_PROCESS_KILL: n is a shardgate connection id.
  awaitable<bool> kill(const KillStatement& k);
  void registerSession(const std::string& user);

  std::shared_ptr<ProxyContext> ctx_;
  PacketStream client_;
  // The session's backend connections, at most one per server, opened on first use; the
  // default shard's master (primary_) is opened at login.
  struct Link {
    std::unique_ptr<PacketStream> stream;
    std::string key;   // "127.0.0.1:33061", as in the shard map
    std::string name;  // "shard s0 master 127.0.0.1:33061"
    std::string shard;
    bool master = false;
    std::string host;
    uint16_t port = 0;
    uint32_t threadId = 0;
    std::string scramble;
    std::string plugin;
    uint64_t epoch = 0;  // which connection to that server (a reconnect gets a new one)
    std::shared_ptr<ServerStats> stats;
    CountedConnection counted;
    ServerStats::Clock::time_point openedAt{};
    admin::ServerSeries* series = nullptr;  // its queries_total / query_duration counters
  };
  struct LinkResult {
    Link* link = nullptr;
    std::optional<protocol::ErrPacket> serverError;
    std::string failure;
  };
  awaitable<LinkResult> openLink(const shardmap::Shard& shard, const shardmap::Endpoint& server,
                                 bool master, const std::string& database);
  awaitable<Link*> linkFor(const shardmap::Shard& shard, bool master);
  const shardmap::Endpoint* freshReplica(const shardmap::Shard& shard,
                                         const health::HealthSnapshot* health);
  std::shared_ptr<ServerStats>& statsFor(const std::string& key);
  bool failing(const health::HealthSnapshot* health, const std::string& key);
  int64_t lagBound(const shardmap::Shard& shard) const;
  // A read that may be tried again elsewhere if its server fails before answering.
  bool mayRetryRead(const sql::Statement& stmt, const plan::Plan& p) const;
  // Read-your-writes: whether `replica` has applied what this session wrote on `shard`.
  bool readsOwnWrites(const shardmap::Shard& shard, const std::string& replica,
                      const health::HealthSnapshot& health);
  // Read-your-writes: the session may just have written on `shard`'s master.
  void noteWrite(const std::string& shard);
  // The connection for a single-shard plan (the transaction's, or the shard's master/replica);
  // nullptr after sending the client an error.
  awaitable<Link*> linkForSingle(const plan::Plan& p, const shardmap::ShardMap& map);
  plan::PlanContext planContext() const;
  PacketStream& backend() { return *current_->stream; }
  void use(Link* link);
  // use(link), reopening it first when it was closed (a lost server, a reload that removed it)
  // and no transaction holds it: the same server, or — for the primary connection, whose
  // server left the shard map — the default shard's master. False after sending an error.
  awaitable<bool> useOpen(Link* link);
  // After a shard-map reload: connections to servers no longer in the map are closed (the
  // primary's is reopened on next use), except those an open transaction holds, which are
  // closed at a later command once it has ended.
  void followShardMap();
  int64_t mapVersion_ = -1;  // the shard-map version the session's connections follow
  void closeSecondaryLinks();
  using Links = std::map<std::string, Link>;  // by "host:port"
  // The session's prepared statements (and split-INSERT pieces) on server `key` are gone.
  void forgetPrepared(const std::string& key);
  // Closes and removes a connection; the next one along.
  Links::iterator dropLink(Links::iterator it);

  // Routing (query_routing.cpp).
  awaitable<bool> routeQuery(const PacketStream::Packet& cmd);
  awaitable<bool> runSessionStatement(const PacketStream::Packet& cmd, const sql::Statement& stmt,
                                      std::string_view sql);
  awaitable<bool> runOnMasters(const plan::Plan& plan, std::string_view sql, bool transactional);
  awaitable<bool> relayMerged(const plan::Plan& plan, const PacketStream::Packet& cmd);
  awaitable<bool> relayMergedOnce(const plan::Plan& plan, const PacketStream::Packet& cmd);
  // Multi-statement queries spanning shards (multi_statements.cpp).
  awaitable<bool> runMultiStatements(const std::vector<std::string_view>& pieces);
  void markMoreResults(protocol::Bytes& terminator) const;
  struct Work {  // one server's command of a multi-shard statement
    Link* link;
    protocol::Bytes payload;
  };
  awaitable<bool> writeOnEach(std::vector<Work>& work, ResponseKind kind, bool transactional);
  // Cross-shard reads (scatter_gather.cpp).
  struct ScatterOptions {
    const plan::MergeSpec* spec = nullptr;  // nullptr: concatenate, every column visible
    exec::RowFormat format = exec::RowFormat::kText;
    ResponseKind kind = ResponseKind::kQuery;
    exec::MergeBounds bounds;
    std::vector<plan::MergeExpr> params;  // a prepared statement's bound values (HAVING ?)
  };
  struct ShardResponse;
  struct RowEmitter;
  awaitable<bool> scatterRead(std::vector<Work>& work, ScatterOptions opts);
  awaitable<bool> readHead(ShardResponse& r, bool deprecateEof);
  awaitable<bool> nextRow(ShardResponse& r, protocol::ByteSpan& row, bool deprecateEof);
  awaitable<bool> nextHead(ShardResponse& r, std::optional<exec::Row>& head, exec::RowFormat format,
                           RowEmitter& emit, bool deprecateEof);
  awaitable<void> finishResponses(std::vector<ShardResponse>& responses, ResponseKind kind,
                                  bool deprecateEof);
  awaitable<bool> streamRows(std::vector<ShardResponse>& responses, const plan::MergeSpec* spec,
                             const ScatterOptions& opts, RowEmitter& emit, bool deprecateEof);
  awaitable<bool> groupRows(std::vector<ShardResponse>& responses, const plan::MergeSpec& spec,
                            const ScatterOptions& opts, RowEmitter& emit, bool deprecateEof);
  protocol::Bytes shardError(const ShardResponse& r) const;
  protocol::Bytes malformedRow(const ShardResponse& r) const;
  // Prepared statements (prepared_routing.cpp).
  struct BackendStatement {
    uint32_t id = 0;
    bool typesSent = false;  // that server has seen the parameter types
  };
  struct PreparedStatement {
    std::string sql;
    sql::Statement stmt;
    uint16_t params = 0;
    std::vector<protocol::ParamType> types;       // remembered from the last execute that sent them
    std::vector<bool> longData;                   // params sent with COM_STMT_SEND_LONG_DATA
    std::vector<protocol::Bytes> longDataChunks;  // replayed where the execute runs
    std::map<std::string, BackendStatement> onServer;  // by "host:port"
    // The pieces of a split multi-row INSERT, prepared per server: "host:port" -> sql -> id.
    std::map<std::string, std::map<std::string, uint32_t>> pieces;
    std::string lastServer;  // where the last execute ran (for FETCH)
  };
  // Reads a whole response into memory. Past `keepAtMost` packets the rest is read and dropped
  // (only the last packet is kept) and `overflow` is set.
  awaitable<std::optional<std::vector<protocol::Bytes>>> readWhole(PacketStream& stream,
                                                                   ResponseKind kind,
                                                                   size_t keepAtMost = SIZE_MAX,
                                                                   bool* overflow = nullptr);
  // COM_STMT_PREPARE of `sql` on `link`: the response's packets when it is PREPARE_OK. Else
  // nullopt: the server's ERR went to the client, or the server was lost (`lost`).
  awaitable<std::optional<std::vector<protocol::Bytes>>> prepareOn(Link& link, std::string_view sql,
                                                                   bool& lost);
  awaitable<bool> ensurePrepared(PreparedStatement& ps, Link& link, bool replyToClient,
                                 uint32_t clientId);
  awaitable<bool> executeSplitInsert(PreparedStatement& ps, const protocol::ExecuteRequest& req,
                                     const PacketStream::Packet& cmd, const plan::Plan& p);
  awaitable<bool> stmtPrepare(const PacketStream::Packet& cmd);
  awaitable<bool> stmtExecute(const PacketStream::Packet& cmd);
  awaitable<std::optional<protocol::Bytes>> executeFor(PreparedStatement& ps,
                                                       const protocol::ExecuteRequest& req,
                                                       protocol::ByteSpan payload, Link& link,
                                                       uint32_t clientId);
  awaitable<bool> executeOnShards(PreparedStatement& ps, const protocol::ExecuteRequest& req,
                                  const PacketStream::Packet& cmd, const plan::Plan& p,
                                  uint32_t clientId);
  awaitable<bool> executeOnShardsOnce(PreparedStatement& ps, const protocol::ExecuteRequest& req,
                                  const PacketStream::Packet& cmd, const plan::Plan& p,
                                  uint32_t clientId);
  awaitable<bool> stmtCommand(const PacketStream::Packet& cmd);
  awaitable<std::optional<uint32_t>> preparePiece(PreparedStatement& ps, Link& link,
                                                  const std::string& sql, bool& lost);
  static plan::MergeExpr boundLiteral(const protocol::ExecuteRequest& req,
                                      protocol::ByteSpan payload, size_t index);
  std::map<uint32_t, PreparedStatement> prepared_;
  uint32_t nextStatementId_ = 1;
  uint64_t linkEpochs_ = 0;
  uint32_t lastPrepared_ = 0;
  awaitable<bool> initDb(const PacketStream::Packet& cmd);
  struct Drained {
    bool intact = false;  // the whole response was read
    bool error = false;   // it ended with ERR
    uint16_t status = 0;
    protocol::Bytes last;  // payload of its final packet (OK or ERR)
  };
  awaitable<Drained> drain(PacketStream& stream, ResponseKind kind);
  // Transactions across shards (transactions.cpp).
  struct Participant {
    Link* link = nullptr;
    uint64_t epoch = 0;     // the connection that joined (a reconnect is not a participant)
    bool prepared = false;  // XA PREPARE succeeded
  };
  struct Transaction {
    bool explicitOpen = false;  // BEGIN seen (the client is in a transaction until it ends)
    std::string beginSql;       // the client's BEGIN, started on the first participant
    // [0] is the coordinator (a plain transaction); the others joined with XA START.
    std::vector<Participant> participants;
    std::string gtrid;                    // set when a second participant joins
    std::vector<std::string> savepoints;  // open savepoints, oldest first
  };
  struct Silent {  // a statement run for shardgate's own purposes
    bool lost = false;
    std::optional<protocol::ErrPacket> error;
    // "lost <link>" or "<link>: <server's message>", for logs and errors.
    std::string describe(const Link& link) const {
      return lost ? "lost " + link.name : link.name + ": " + (error ? error->message : "");
    }
  };
  awaitable<Silent> runSilently(Link& link, std::string sql);
  bool isParticipant(const Link& link) const;
  bool participantLost() const;
  // Makes `link` part of the open transaction (no-op outside one); false after sending an ERR.
  awaitable<bool> joinTransaction(Link& link);
  awaitable<void> rollbackParticipants();
  awaitable<std::optional<protocol::ErrPacket>> commitParticipants();
  awaitable<std::optional<protocol::ErrPacket>> finishCommit();
  // BEGIN, COMMIT, ROLLBACK and savepoints (text or prepared), answered by shardgate.
  awaitable<bool> transactionControl(std::string_view sql, const sql::Statement& stmt);
  awaitable<bool> abortAfterPartialWrite(protocol::ErrPacket err);
  awaitable<void> afterStatementError(uint16_t code);
  awaitable<bool> replyLocalOk();
  void endTransaction(bool chain);
  uint16_t localStatus() const;
  // The client is in a transaction: BEGIN seen, autocommit=0, or shardgate's own transaction
  // of a multi-shard write (statements go to masters and join it).
  bool inTransaction() const {
    return txn_.explicitOpen || !autocommit_ || !txn_.participants.empty();
  }
  std::string xid(size_t branch) const;
  static std::string newGtrid(const std::string& coordinatorKey);
  void noteStatus(uint16_t status);

  Links links_;
  Link* primary_ = nullptr;
  Link* current_ = nullptr;
  Transaction txn_;
  bool autocommit_ = true;  // as the servers last reported it
  exec::SessionState state_;
  std::map<std::string, uint64_t> replicaTurn_;  // round-robin position per shard
  std::map<std::string, std::shared_ptr<ServerStats>, std::less<>> stats_;  // by "host:port"
  struct ReadRetry {
    bool armed = false;        // a server failure now is noted quietly, for a retry
    bool pending = false;      // one was: the caller tries again
    uint64_t clientBytes = 0;  // client_.bytesWritten() when the attempt began
    void arm(bool on, uint64_t bytes) {
      armed = on;
      pending = false;
      clientBytes = bytes;
    }
    void disarm() { armed = pending = false; }
    bool takePending() {
      const bool p = pending;
      pending = false;
      return p;
    }
  };
  ReadRetry retry_;
  // Metrics: the kind of the statement being relayed (shardgate_queries_total's `statement`),
  // and the time a command was sent.
  admin::StatementKind statementKind_ = admin::StatementKind::kOther;
  void countQuery(Link& link, ServerStats::Clock::time_point sent) const {
    if (link.series) link.series->countQuery(statementKind_, ServerStats::Clock::now() - sent);
  }
  // A command on the servers of `work`: in flight on each while it lives, then counted in their
  // query metrics with its duration.
  class RunningOn {
   public:
    RunningOn(const ClientSession& session, const std::vector<Work>& work)
        : session_(session), work_(work), start_(ServerStats::Clock::now()) {
      for (const Work& w : work) busy_.emplace_back(w.link->stats.get());
    }
    RunningOn(const RunningOn&) = delete;
    RunningOn& operator=(const RunningOn&) = delete;
    ~RunningOn() {
      for (const Work& w : work_) session_.countQuery(*w.link, start_);
    }

   private:
    const ClientSession& session_;
    const std::vector<Work>& work_;
    ServerStats::Clock::time_point start_;
    std::deque<InFlight> busy_;
  };
  // What a command's outcome adds to the metrics: an ERR shardgate itself sent.
  void countErrors(uint64_t errorsBefore);
  // How the transaction being ended ended, for shardgate_transactions_total.
  enum class TxnOutcome : uint8_t { kRolledBack, kCommitted, kUnknown };
  TxnOutcome txnOutcome_ = TxnOutcome::kRolledBack;
  // Read-your-writes: per shard, when the session last wrote there and, once the monitor read it,
  // the master's GTID position at a time after that write.
  struct OwnWrite {
    ServerStats::Clock::time_point at;
    std::optional<health::GtidPosition> position;
  };
  std::map<std::string, OwnWrite, std::less<>> ownWrites_;
  std::optional<int64_t> readLagBound_;          // the current statement's max_lag_ms hint
  uint8_t collation_ = 0;
  protocol::ConnectAttrs attrs_;
  uint32_t connectionId_;
  uint32_t caps_ = 0;
  std::string scramble_;
  std::string user_;
  // Shared with the registry's close callback, which runs on this session's executor.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  uint8_t lastSeq_ = 0;     // sequence id of the last packet relayed to the client
  bool midPacket_ = false;  // part of a packet has reached the client
  ResponseTracker tracker_;
};

}  // namespace sg::net
