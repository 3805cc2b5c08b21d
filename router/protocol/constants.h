#pragma once
// Numbers of the MySQL client/server protocol that shardgate speaks on both sides:
// capability flags, command bytes, server status flags and the error codes it sends itself.

#include <cstdint>

namespace sg::protocol {

namespace cap {
inline constexpr uint32_t kLongPassword = 1u << 0;  // MariaDB: set = "plain MySQL client"
inline constexpr uint32_t kFoundRows = 1u << 1;
inline constexpr uint32_t kLongFlag = 1u << 2;
inline constexpr uint32_t kConnectWithDb = 1u << 3;
inline constexpr uint32_t kNoSchema = 1u << 4;
inline constexpr uint32_t kCompress = 1u << 5;
inline constexpr uint32_t kOdbc = 1u << 6;
inline constexpr uint32_t kLocalFiles = 1u << 7;
inline constexpr uint32_t kIgnoreSpace = 1u << 8;
inline constexpr uint32_t kProtocol41 = 1u << 9;
inline constexpr uint32_t kInteractive = 1u << 10;
inline constexpr uint32_t kSsl = 1u << 11;
inline constexpr uint32_t kIgnoreSigpipe = 1u << 12;
inline constexpr uint32_t kTransactions = 1u << 13;
inline constexpr uint32_t kReserved = 1u << 14;
inline constexpr uint32_t kSecureConnection = 1u << 15;
inline constexpr uint32_t kMultiStatements = 1u << 16;
inline constexpr uint32_t kMultiResults = 1u << 17;
inline constexpr uint32_t kPsMultiResults = 1u << 18;
inline constexpr uint32_t kPluginAuth = 1u << 19;
inline constexpr uint32_t kConnectAttrs = 1u << 20;
inline constexpr uint32_t kPluginAuthLenencData = 1u << 21;
inline constexpr uint32_t kCanHandleExpiredPasswords = 1u << 22;
inline constexpr uint32_t kSessionTrack = 1u << 23;
inline constexpr uint32_t kDeprecateEof = 1u << 24;
inline constexpr uint32_t kOptionalResultsetMetadata = 1u << 25;
inline constexpr uint32_t kQueryAttributes = 1u << 27;
}  // namespace cap

enum class Command : uint8_t {
  kSleep = 0x00,
  kQuit = 0x01,
  kInitDb = 0x02,
  kQuery = 0x03,
  kFieldList = 0x04,
  kCreateDb = 0x05,
  kDropDb = 0x06,
  kRefresh = 0x07,
  kShutdown = 0x08,
  kStatistics = 0x09,
  kProcessInfo = 0x0a,
  kConnect = 0x0b,
  kProcessKill = 0x0c,
  kDebug = 0x0d,
  kPing = 0x0e,
  kTime = 0x0f,
  kDelayedInsert = 0x10,
  kChangeUser = 0x11,
  kBinlogDump = 0x12,
  kTableDump = 0x13,
  kConnectOut = 0x14,
  kRegisterSlave = 0x15,
  kStmtPrepare = 0x16,
  kStmtExecute = 0x17,
  kStmtSendLongData = 0x18,
  kStmtClose = 0x19,
  kStmtReset = 0x1a,
  kSetOption = 0x1b,
  kStmtFetch = 0x1c,
  kDaemon = 0x1d,
  kBinlogDumpGtid = 0x1e,
  kResetConnection = 0x1f,
};

namespace status {
inline constexpr uint16_t kInTrans = 0x0001;
inline constexpr uint16_t kAutocommit = 0x0002;
inline constexpr uint16_t kMoreResultsExist = 0x0008;
inline constexpr uint16_t kNoGoodIndexUsed = 0x0010;
inline constexpr uint16_t kNoIndexUsed = 0x0020;
inline constexpr uint16_t kCursorExists = 0x0040;
inline constexpr uint16_t kLastRowSent = 0x0080;
inline constexpr uint16_t kDbDropped = 0x0100;
inline constexpr uint16_t kNoBackslashEscapes = 0x0200;
inline constexpr uint16_t kMetadataChanged = 0x0400;
inline constexpr uint16_t kQueryWasSlow = 0x0800;
inline constexpr uint16_t kPsOutParams = 0x1000;
inline constexpr uint16_t kInTransReadonly = 0x2000;
inline constexpr uint16_t kSessionStateChanged = 0x4000;
}  // namespace status

// Error codes shardgate produces itself (server error numbers from MySQL's errmsg list).
namespace err {
inline constexpr uint16_t kConCount = 1040;          // 08004 Too many connections
inline constexpr uint16_t kHandshake = 1043;         // 08S01 Bad handshake
inline constexpr uint16_t kAccessDenied = 1045;      // 28000
inline constexpr uint16_t kNoDb = 1046;              // 3D000
inline constexpr uint16_t kUnknownCom = 1047;        // 08S01
inline constexpr uint16_t kBadDb = 1049;             // 42000
inline constexpr uint16_t kNoSuchThread = 1094;      // HY000 Unknown thread id
inline constexpr uint16_t kKillDenied = 1095;        // HY000 You are not owner of thread
inline constexpr uint16_t kNetPacketTooLarge = 1153; // 08S01
inline constexpr uint16_t kNetReadError = 1158;      // 08S01
inline constexpr uint16_t kNetPacketsOutOfOrder = 1156; // 08S01
inline constexpr uint16_t kNetErrorOnWrite = 1160;   // 08S01
inline constexpr uint16_t kUnknownError = 1105;     // HY000 Unknown error
inline constexpr uint16_t kWrongArguments = 1210;    // HY000 Incorrect arguments to ...
inline constexpr uint16_t kNotSupportedYet = 1235;   // 42000
inline constexpr uint16_t kUnknownStmtHandler = 1243; // HY000
inline constexpr uint16_t kSpDoesNotExist = 1305;    // 42000 SAVEPOINT %s does not exist
inline constexpr uint16_t kXaRollback = 1402;        // XA100 XA_RBROLLBACK: branch rolled back
inline constexpr uint16_t kNotSupportedAuthMode = 1251; // 08004
inline constexpr uint16_t kMalformedPacket = 1835;   // HY000
inline constexpr uint16_t kConnectToBackend = 2003;  // HY000 Can't connect to MySQL server
inline constexpr uint16_t kServerLost = 2013;        // HY000 Lost connection during query
}  // namespace err

// Character set id sent in the greeting: utf8mb4_general_ci.
inline constexpr uint8_t kDefaultCollation = 45;

inline constexpr char kNativePlugin[] = "mysql_native_password";
inline constexpr char kCachingSha2Plugin[] = "caching_sha2_password";
inline constexpr char kClearPlugin[] = "mysql_clear_password";

}  // namespace sg::protocol
