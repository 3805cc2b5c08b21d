// Loading shardgate.toml: defaults, every key, relative paths, password hashes, and how the
// shard map's own diagnostics come through.

#include <gtest/gtest.h>

#include <filesystem>

#include "tests/unit/config/config_fixture.h"

namespace sg::config {
namespace {

using ConfigLoad = ConfigTest;

TEST_F(ConfigLoad, MinimalConfigGetsDefaults) {
  Config c = parseValid(kMinimal);
  EXPECT_EQ(c.path, configPath());
  EXPECT_EQ(c.shardMapPath, (dir_.path() / "shardmap.toml").string());
  ASSERT_TRUE(c.shardMap);
  EXPECT_EQ(c.shardMap->version(), 4);

  EXPECT_EQ(c.listen.address, "127.0.0.1");
  EXPECT_EQ(c.listen.port, 3307);
  EXPECT_EQ(c.listen.maxConnections, 10000u);
  EXPECT_EQ(c.listen.authPlugin, "caching_sha2_password");
  EXPECT_EQ(c.listen.maxAllowedPacket, 67108864u);
  EXPECT_EQ(c.listen.threads, 0u);
  EXPECT_EQ(c.listen.serverVersion, "");
  EXPECT_EQ(c.listen.rsaPrivateKeyFile, "");

  EXPECT_EQ(c.admin.address, "127.0.0.1");
  EXPECT_EQ(c.admin.port, 9104);
  EXPECT_EQ(c.admin.token, "");

  ASSERT_EQ(c.users.size(), 1u);
  EXPECT_EQ(c.users[0].name, "app");
  EXPECT_EQ(c.users[0].password, "pw");
  EXPECT_EQ(c.users[0].nativeStage2, std::nullopt);

  EXPECT_EQ(c.backend.user, "app");
  EXPECT_EQ(c.backend.password, "");
  EXPECT_EQ(c.backend.connectTimeoutMs, 1000);

  // Monitor credentials default to the backend's.
  EXPECT_EQ(c.monitor.user, "app");
  EXPECT_EQ(c.monitor.password, "");
  EXPECT_EQ(c.monitor.intervalMs, 100);
  EXPECT_EQ(c.monitor.maxLagMs, 1000);
  EXPECT_EQ(c.monitor.failAfter, 3u);
  EXPECT_TRUE(c.monitor.heartbeat);

  EXPECT_FALSE(c.routing.allowScatterWrites);
  EXPECT_EQ(c.routing.maxMergeRows, 1000000);
  EXPECT_EQ(c.routing.staleRead, StaleRead::kMaster);
  EXPECT_EQ(c.routing.readYourWrites, ReadYourWrites::kOff);

  EXPECT_EQ(c.log.level, "info");
}

TEST_F(ConfigLoad, EveryKeyIsRead) {
  dir_.write("keys/server.pem", "-----BEGIN PRIVATE KEY-----\n");
  Config c = parseValid(R"(shard_map = "shardmap.toml"
[listen]
address = "0.0.0.0"
port = 13306
max_connections = 5
auth_plugin = "mysql_native_password"
max_allowed_packet = 1024
threads = 4
server_version = "8.0.36-shardgate"
rsa_private_key = "keys/server.pem"
[admin]
address = "::1"
port = 19104
token = "s3cret"
[[users]]
name = "app"
password = "app"
[[users]]
name = "ro"
password_hash = "*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19"
[[users]]
name = "nopass"
password = ""
[backend]
user = "svc"
password = "svcpw"
connect_timeout_ms = 250
[monitor]
user = "mon"
password = "monpw"
interval_ms = 50
max_lag_ms = 2000
fail_after = 5
heartbeat = false
[routing]
allow_scatter_writes = true
max_merge_rows = 10
stale_read = "error"
read_your_writes = "session"
[log]
level = "debug"
)");
  EXPECT_EQ(c.listen.address, "0.0.0.0");
  EXPECT_EQ(c.listen.port, 13306);
  EXPECT_EQ(c.listen.maxConnections, 5u);
  EXPECT_EQ(c.listen.authPlugin, kMysqlNativePassword);
  EXPECT_EQ(c.listen.maxAllowedPacket, 1024u);
  EXPECT_EQ(c.listen.threads, 4u);
  EXPECT_EQ(c.listen.serverVersion, "8.0.36-shardgate");
  EXPECT_EQ(c.listen.rsaPrivateKeyFile, (dir_.path() / "keys" / "server.pem").string());
  EXPECT_EQ(c.admin.address, "::1");
  EXPECT_EQ(c.admin.port, 19104);
  EXPECT_EQ(c.admin.token, "s3cret");
  ASSERT_EQ(c.users.size(), 3u);
  EXPECT_EQ(c.users[1].name, "ro");
  EXPECT_EQ(c.users[1].password, std::nullopt);
  ASSERT_TRUE(c.users[1].nativeStage2);
  EXPECT_EQ(c.users[1].nativeStage2->size(), 20u);
  EXPECT_EQ(c.users[2].password, "");
  EXPECT_EQ(c.backend.user, "svc");
  EXPECT_EQ(c.backend.password, "svcpw");
  EXPECT_EQ(c.backend.connectTimeoutMs, 250);
  EXPECT_EQ(c.monitor.user, "mon");
  EXPECT_EQ(c.monitor.password, "monpw");
  EXPECT_EQ(c.monitor.intervalMs, 50);
  EXPECT_EQ(c.monitor.maxLagMs, 2000);
  EXPECT_EQ(c.monitor.failAfter, 5u);
  EXPECT_FALSE(c.monitor.heartbeat);
  EXPECT_TRUE(c.routing.allowScatterWrites);
  EXPECT_EQ(c.routing.maxMergeRows, 10);
  EXPECT_EQ(c.routing.staleRead, StaleRead::kError);
  EXPECT_EQ(c.routing.readYourWrites, ReadYourWrites::kSession);
  EXPECT_EQ(c.log.level, "debug");
}

TEST_F(ConfigLoad, ExampleFileLoads) {
  auto result = loadConfig(SG_CONF_DIR "/shardgate.toml");
  ASSERT_TRUE(result.config) << joinAll(result.errors);
  EXPECT_TRUE(result.warnings.empty()) << joinAll(result.warnings);
  const Config& c = *result.config;
  EXPECT_EQ(std::filesystem::path(c.shardMapPath),
            (std::filesystem::path(SG_CONF_DIR) / "shardmap.toml").lexically_normal());
  ASSERT_TRUE(c.shardMap);
  EXPECT_EQ(c.shardMap->defaultShard().name, "s0");
  EXPECT_EQ(c.listen.port, 3307);
  EXPECT_EQ(c.admin.port, 9104);
  ASSERT_EQ(c.users.size(), 1u);
  EXPECT_EQ(c.users[0].password, "app");
  EXPECT_EQ(c.monitor.user, "monitor");
  EXPECT_EQ(c.monitor.maxLagMs, 1000);
}

TEST_F(ConfigLoad, ShardMapPathIsRelativeToTheConfigFile) {
  dir_.write("maps/live.toml", kValidShardMap);
  std::string path =
      dir_.write("etc/shardgate.toml", "shard_map = \"../maps/live.toml\"\n" + kUser + kBackend);
  auto result = loadConfig(path);
  ASSERT_TRUE(result.config) << joinAll(result.errors);
  EXPECT_EQ(result.config->path, path);
  EXPECT_EQ(result.config->shardMapPath, (dir_.path() / "maps" / "live.toml").string());
  EXPECT_TRUE(result.config->shardMap);
}

TEST_F(ConfigLoad, AbsoluteShardMapPathIsKept) {
  std::string map = dir_.write("elsewhere/m.toml", kValidShardMap);
  std::string path =
      dir_.write("etc/shardgate.toml", "shard_map = \"" + map + "\"\n" + kUser + kBackend);
  auto result = loadConfig(path);
  ASSERT_TRUE(result.config) << joinAll(result.errors);
  EXPECT_EQ(result.config->shardMapPath, map);
}

TEST_F(ConfigLoad, RelativeConfigPathGivesRelativeShardMapPath) {
  auto result = parseConfig(kMinimal, "conf.d/shardgate.toml");
  EXPECT_FALSE(result.config);
  ASSERT_EQ(result.errors.size(), 1u) << joinAll(result.errors);
  EXPECT_EQ(result.errors[0],
            "conf.d/shardgate.toml:1: shard_map: conf.d/shardmap.toml: cannot read file: No such "
            "file or directory");
}

TEST_F(ConfigLoad, ShardMapErrorsNameTheShardMapFile) {
  std::string map = dir_.write("shardmap.toml", R"(version = 1
default_shard = "nope"
[shards.s0]
master = "h:1"
)");
  auto result = parse(kShardMapLine + "[listen]\nport = 0\n" + kUser + kBackend);
  EXPECT_FALSE(result.config);
  ASSERT_EQ(result.errors.size(), 2u) << joinAll(result.errors);
  EXPECT_EQ(result.errors[0], configPath() + ":3: listen.port: must be between 1 and 65535, got 0");
  EXPECT_EQ(result.errors[1], map + ":2: default_shard: unknown shard 'nope' (shards: s0)");
}

TEST_F(ConfigLoad, ShardMapWarningsComeThrough) {
  std::string map = dir_.write("shardmap.toml", R"(version = 1
default_shard = "s0"
[sharded_tables]
t = "id"
[shards.s0]
master = "h:1"
)");
  auto result = parse(kMinimal);
  ASSERT_TRUE(result.config) << joinAll(result.errors);
  ASSERT_EQ(result.warnings.size(), 1u);
  EXPECT_EQ(result.warnings[0].rfind(map + ":3: ", 0), 0u) << result.warnings[0];
}

TEST_F(ConfigLoad, ReportsAllErrorsInLineOrder) {
  auto result = parse(R"(shard_map = "shardmap.toml"
typo = 1
[listen]
port = 0
auth_plugin = "x"
[[users]]
name = "a"
[backend]
connect_timeout_ms = 0
)");
  EXPECT_FALSE(result.config);
  std::vector<std::string> expected = {
      configPath() + ":2: unknown key 'typo'",
      configPath() + ":4: listen.port: must be between 1 and 65535, got 0",
      configPath() + ":5: listen.auth_plugin: must be one of",
      configPath() + ":6: users[0]: give exactly one of password or password_hash",
      configPath() + ":8: backend: missing required key 'user'",
      configPath() + ":9: backend.connect_timeout_ms: must be between 1 and",
  };
  ASSERT_EQ(result.errors.size(), expected.size()) << joinAll(result.errors);
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(result.errors[i].rfind(expected[i], 0), 0u) << result.errors[i];
  }
}

TEST_F(ConfigLoad, MissingConfigFile) {
  std::string path = (dir_.path() / "absent.toml").string();
  auto result = loadConfig(path);
  EXPECT_FALSE(result.config);
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0], path + ": cannot read file: No such file or directory");
}

}  // namespace
}  // namespace sg::config
