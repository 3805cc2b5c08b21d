#pragma once
// shardgate's own configuration (conf/shardgate.toml): where to listen, who may log in, how to
// reach the MySQL servers, and the shard map file it points to. Loading validates everything and
// reports all problems with file:line; a Config exists only when there were none, so a reload
// with a bad file keeps the running one.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "shardmap/shard_map.h"

namespace sg::config {

inline constexpr const char* kCachingSha2Password = "caching_sha2_password";
inline constexpr const char* kMysqlNativePassword = "mysql_native_password";

// The client-facing MySQL listener.
struct ListenConfig {
  std::string address = "127.0.0.1";
  uint16_t port = 3307;
  uint32_t maxConnections = 10000;
  // Plugin offered in the greeting: kCachingSha2Password or kMysqlNativePassword (wire names).
  std::string authPlugin = kCachingSha2Password;
  uint32_t maxAllowedPacket = 67108864;
  uint32_t threads = 0;       // 0 = one per core
  // Time a client has from connecting to being logged in (MySQL's connect_timeout).
  int64_t loginTimeoutMs = 10000;
  std::string serverVersion;  // "" = learn it from the default shard's master
  // PEM private key for caching_sha2_password's RSA exchange, resolved against the config
  // file's directory; "" = generate a key at start.
  std::string rsaPrivateKeyFile;
  // TLS offered to clients (CLIENT_SSL). With no cert/key, a self-signed certificate is made at
  // start, as MySQL 8 does.
  bool tls = true;
  std::string tlsCertFile;
  std::string tlsKeyFile;
};

// The HTTP endpoint for /metrics and the admin API.
struct AdminConfig {
  std::string address = "127.0.0.1";
  uint16_t port = 9104;
  std::string token;  // "" = mutating admin endpoints disabled
};

// An account clients log in with; exactly one of password / nativeStage2 is set.
struct UserEntry {
  std::string name;
  std::optional<std::string> password;
  // SHA1(SHA1(password)) as 20 raw bytes, from password_hash = "*<40 hex>".
  std::optional<std::string> nativeStage2;
};

// How shardgate logs in to every MySQL server.
struct BackendConfig {
  std::string user;
  std::string password;
  int64_t connectTimeoutMs = 1000;
};

// Health and replication-lag checks. user/password default to the backend's.
struct MonitorConfig {
  std::string user;
  std::string password;
  int64_t intervalMs = 100;
  int64_t maxLagMs = 1000;
  uint32_t failAfter = 3;  // consecutive failed checks before a server is marked down
  bool heartbeat = true;
};

// What to do with a read when no replica is fresh enough.
enum class StaleRead { kMaster, kError };
// Whether a session reads its own writes (by reading from the master after writing).
enum class ReadYourWrites { kOff, kSession };

struct RoutingConfig {
  bool allowScatterWrites = false;
  int64_t maxMergeRows = 1000000;
  StaleRead staleRead = StaleRead::kMaster;
  ReadYourWrites readYourWrites = ReadYourWrites::kOff;
};

struct LogConfig {
  std::string level = "info";  // spdlog names: trace, debug, info, warn, error
};

struct Config {
  std::string path;          // the config file, as given
  std::string shardMapPath;  // shard_map resolved against the config file's directory
  ListenConfig listen;
  AdminConfig admin;
  std::vector<UserEntry> users;
  BackendConfig backend;
  MonitorConfig monitor;
  RoutingConfig routing;
  LogConfig log;
  std::shared_ptr<const sg::shardmap::ShardMap> shardMap;
};

struct LoadResult {
  std::optional<Config> config;       // set iff errors is empty
  std::vector<std::string> errors;    // "file:line: message"; shard-map errors name that file
  std::vector<std::string> warnings;  // same form
};

// Reads and validates the config file at `path` and the shard map it names.
LoadResult loadConfig(const std::string& path);

// Same, from text already read; `path` names the file in messages and anchors relative paths.
LoadResult parseConfig(std::string_view text, const std::string& path);

}  // namespace sg::config
