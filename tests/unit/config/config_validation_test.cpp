// Every validation rule of shardgate.toml: the error's line and message, one case a row.

#include <gtest/gtest.h>

#include "tests/unit/config/config_fixture.h"

namespace sg::config {
namespace {

struct ErrorCase {
  const char* name;
  std::string text;
  int line;
  std::string message;  // a substring of the expected "file:line: message"
};

void PrintTo(const ErrorCase& c, std::ostream* os) { *os << c.name; }

class ConfigErrors : public ConfigTest, public ::testing::WithParamInterface<ErrorCase> {};

TEST_P(ConfigErrors, ReportsLineAndMessage) {
  const ErrorCase& c = GetParam();
  auto result = parse(c.text);
  EXPECT_FALSE(result.config.has_value());
  std::string prefix = configPath() + ":" + std::to_string(c.line) + ": ";
  bool found = false;
  for (const auto& e : result.errors) {
    if (e.rfind(prefix, 0) == 0 && e.find(c.message, prefix.size()) != std::string::npos) {
      found = true;
    }
  }
  EXPECT_TRUE(found) << "expected " << prefix << "..." << c.message << "...\ngot:\n"
                     << joinAll(result.errors);
}

// Lines: 1 shard_map, then a [section] at line 2 with the key at line 3, then users and backend.
std::string withSection(const std::string& section) {
  return kShardMapLine + section + kUser + kBackend;
}

INSTANTIATE_TEST_SUITE_P(
    Rules, ConfigErrors,
    ::testing::Values(
        // [listen]
        ErrorCase{"PortZero", withSection("[listen]\nport = 0\n"), 3,
                  "listen.port: must be between 1 and 65535, got 0"},
        ErrorCase{"PortTooBig", withSection("[listen]\nport = 65536\n"), 3,
                  "listen.port: must be between 1 and 65535, got 65536"},
        ErrorCase{"PortString", withSection("[listen]\nport = \"3307\"\n"), 3,
                  "listen.port: expected an integer, got a string"},
        ErrorCase{"MaxConnectionsZero", withSection("[listen]\nmax_connections = 0\n"), 3,
                  "listen.max_connections: must be between 1 and 2147483647, got 0"},
        ErrorCase{"MaxAllowedPacketTooSmall", withSection("[listen]\nmax_allowed_packet = 1023\n"),
                  3, "listen.max_allowed_packet: must be between 1024 and 1073741824, got 1023"},
        ErrorCase{"MaxAllowedPacketTooBig",
                  withSection("[listen]\nmax_allowed_packet = 1073741825\n"), 3,
                  "listen.max_allowed_packet: must be between 1024 and 1073741824"},
        ErrorCase{"AuthPluginUnknown", withSection("[listen]\nauth_plugin = \"sha256_password\"\n"),
                  3,
                  "listen.auth_plugin: must be one of \"caching_sha2_password\", "
                  "\"mysql_native_password\", got \"sha256_password\""},
        ErrorCase{"ThreadsNegative", withSection("[listen]\nthreads = -1\n"), 3,
                  "listen.threads: must be between 0 and 1024, got -1"},
        ErrorCase{"ListenAddressEmpty", withSection("[listen]\naddress = \"\"\n"), 3,
                  "listen.address: must not be empty"},
        ErrorCase{"ServerVersionNotString", withSection("[listen]\nserver_version = 8\n"), 3,
                  "listen.server_version: expected a string, got an integer"},
        ErrorCase{"RsaKeyUnreadable", withSection("[listen]\nrsa_private_key = \"nope.pem\"\n"), 3,
                  "listen.rsa_private_key: cannot read '"},
        ErrorCase{"TlsNotBool", withSection("[listen]\ntls = \"yes\"\n"), 3,
                  "listen.tls: expected a boolean"},
        ErrorCase{"TlsCertUnreadable", withSection("[listen]\ntls_cert = \"nope.crt\"\ntls_key = \"nope.key\"\n"), 3,
                  "listen.tls_cert: cannot read '"},
        ErrorCase{"TlsCertWithoutKey", withSection("[listen]\ntls_cert = \"/dev/null\"\n"), 3,
                  "listen.tls_cert and listen.tls_key must be given together"},
        ErrorCase{"ListenTypo", withSection("[listen]\nmax_conections = 5\n"), 3,
                  "listen: unknown key 'max_conections' (did you mean 'max_connections'?)"},
        ErrorCase{"ListenNotATable", "listen = 5\n" + kMinimal, 1,
                  "listen: expected a table, got an integer"},
        // [admin]
        ErrorCase{"AdminPortZero", withSection("[admin]\nport = 0\n"), 3,
                  "admin.port: must be between 1 and 65535, got 0"},
        ErrorCase{"AdminTokenNotString", withSection("[admin]\ntoken = 1\n"), 3,
                  "admin.token: expected a string, got an integer"},
        ErrorCase{"AdminSameAsListen", withSection("[admin]\nport = 3307\n"), 2,
                  "admin: address and port 127.0.0.1:3307 are the same as [listen]'s"},
        // unknown tables and keys
        ErrorCase{"UnknownTable", withSection("[lisen]\nport = 1\n"), 2,
                  "unknown table [lisen] (did you mean 'listen'?)"},
        ErrorCase{"UnknownArrayTable", withSection("[[user]]\nname = \"x\"\n"), 2,
                  "unknown table [[user]] (did you mean 'users'?)"},
        ErrorCase{"UnknownRootKey", "shardmap = \"x\"\n" + kMinimal, 1,
                  "unknown key 'shardmap' (did you mean 'shard_map'?)"},
        // shard_map
        ErrorCase{"MissingShardMap", kUser + kBackend, 1, "missing required key 'shard_map'"},
        ErrorCase{"EmptyShardMap", "shard_map = \"\"\n" + kUser + kBackend, 1,
                  "shard_map: must name the shard-map file"},
        ErrorCase{"ShardMapNotString", "shard_map = 1\n" + kUser + kBackend, 1,
                  "shard_map: expected a string, got an integer"},
        ErrorCase{"ShardMapFileMissing", "shard_map = \"absent.toml\"\n" + kUser + kBackend, 1,
                  "shard_map: "},
        // [[users]]
        ErrorCase{"NoUsers", kShardMapLine + kBackend, 1, "no users defined"},
        ErrorCase{"UsersEmptyArray", kShardMapLine + "users = []\n" + kBackend, 2,
                  "users: no users defined"},
        ErrorCase{"UsersSingleTable",
                  kShardMapLine + "[users]\nname = \"a\"\npassword = \"b\"\n" + kBackend, 2,
                  "users: expected [[users]] tables, got table"},
        ErrorCase{"UserWithoutName", kShardMapLine + "[[users]]\npassword = \"x\"\n" + kBackend, 2,
                  "users[0]: missing required key 'name'"},
        ErrorCase{"UserEmptyName",
                  kShardMapLine + "[[users]]\nname = \"\"\npassword = \"x\"\n" + kBackend, 3,
                  "users[0].name: must not be empty"},
        ErrorCase{"UserWithoutPassword", kShardMapLine + "[[users]]\nname = \"a\"\n" + kBackend, 2,
                  "users[0]: give exactly one of password or password_hash"},
        ErrorCase{"UserWithBothPasswords",
                  kShardMapLine +
                      "[[users]]\nname = \"a\"\npassword = \"x\"\n"
                      "password_hash = \"*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19\"\n" +
                      kBackend,
                  2, "users[0]: give exactly one of password or password_hash"},
        ErrorCase{"PasswordHashWithoutStar",
                  kShardMapLine +
                      "[[users]]\nname = \"a\"\n"
                      "password_hash = \"2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19\"\n" +
                      kBackend,
                  4, "users[0].password_hash: expected \"*\" followed by 40 hex digits"},
        ErrorCase{"PasswordHashTooShort",
                  kShardMapLine + "[[users]]\nname = \"a\"\npassword_hash = \"*2470\"\n" + kBackend,
                  4, "users[0].password_hash: expected \"*\" followed by 40 hex digits"},
        ErrorCase{"PasswordHashNotHex",
                  kShardMapLine +
                      "[[users]]\nname = \"a\"\n"
                      "password_hash = \"*2470C0C06DEE42FD1618BB99005ADCA2EC9D1EZZ\"\n" +
                      kBackend,
                  4, "users[0].password_hash: expected \"*\" followed by 40 hex digits"},
        ErrorCase{"PasswordNotString",
                  kShardMapLine + "[[users]]\nname = \"a\"\npassword = 123\n" + kBackend, 4,
                  "users[0].password: expected a string, got an integer"},
        ErrorCase{"DuplicateUser", kMinimal + kUser, 8,
                  "users[1].name: duplicate user 'app' (first defined at line 3)"},
        ErrorCase{"UserTypo",
                  kShardMapLine + "[[users]]\nname = \"a\"\npasswd = \"x\"\n" + kBackend, 4,
                  "users[0]: unknown key 'passwd' (did you mean 'password'?)"},
        // [backend]
        ErrorCase{"MissingBackend", kShardMapLine + kUser, 1, "missing required table [backend]"},
        ErrorCase{"MissingBackendUser", kShardMapLine + kUser + "[backend]\npassword = \"x\"\n", 5,
                  "backend: missing required key 'user'"},
        ErrorCase{"EmptyBackendUser", kShardMapLine + kUser + "[backend]\nuser = \"\"\n", 6,
                  "backend.user: must not be empty"},
        ErrorCase{"ConnectTimeoutZero", kMinimal + "connect_timeout_ms = 0\n", 7,
                  "backend.connect_timeout_ms: must be between 1 and 2147483647, got 0"},
        ErrorCase{"BackendTypo", kMinimal + "pasword = \"x\"\n", 7,
                  "backend: unknown key 'pasword' (did you mean 'password'?)"},
        // [monitor]
        ErrorCase{"IntervalZero", withSection("[monitor]\ninterval_ms = 0\n"), 3,
                  "monitor.interval_ms: must be between 1 and 2147483647, got 0"},
        ErrorCase{"MaxLagZero", withSection("[monitor]\nmax_lag_ms = 0\n"), 3,
                  "monitor.max_lag_ms: must be at least 1, got 0"},
        ErrorCase{"FailAfterZero", withSection("[monitor]\nfail_after = 0\n"), 3,
                  "monitor.fail_after: must be between 1 and 2147483647, got 0"},
        ErrorCase{"HeartbeatNotBool", withSection("[monitor]\nheartbeat = \"yes\"\n"), 3,
                  "monitor.heartbeat: expected a boolean, got a string"},
        ErrorCase{"MonitorUserEmpty", withSection("[monitor]\nuser = \"\"\n"), 3,
                  "monitor.user: must not be empty"},
        // [routing]
        ErrorCase{"AllowScatterWritesNotBool", withSection("[routing]\nallow_scatter_writes = 1\n"),
                  3, "routing.allow_scatter_writes: expected a boolean, got an integer"},
        ErrorCase{"MaxMergeRowsZero", withSection("[routing]\nmax_merge_rows = 0\n"), 3,
                  "routing.max_merge_rows: must be at least 1, got 0"},
        ErrorCase{"StaleReadUnknown", withSection("[routing]\nstale_read = \"replica\"\n"), 3,
                  "routing.stale_read: must be one of \"master\", \"error\", got \"replica\""},
        ErrorCase{"ReadYourWritesUnknown", withSection("[routing]\nread_your_writes = \"on\"\n"), 3,
                  "routing.read_your_writes: must be one of \"off\", \"session\", got \"on\""},
        // [log]
        ErrorCase{"LogLevelUnknown", withSection("[log]\nlevel = \"warning\"\n"), 3,
                  "log.level: must be one of \"trace\", \"debug\", \"info\", \"warn\", \"error\", "
                  "got \"warning\""},
        // TOML syntax
        ErrorCase{"SyntaxError", kShardMapLine + "[listen\n", 2, "TOML syntax error"},
        ErrorCase{"DuplicateKeyIsSyntaxError", withSection("[listen]\nport = 1\nport = 2\n"), 4,
                  "TOML syntax error"}),
    [](const ::testing::TestParamInfo<ErrorCase>& info) { return info.param.name; });

}  // namespace
}  // namespace sg::config
