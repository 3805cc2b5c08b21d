// Reading shardgate.toml section by section into a Config (see config.h).

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <limits>
#include <map>
#include <sstream>

#include "router/config/config.h"
#include "router/protocol/auth.h"
#include "shardmap/shard_map_loader.h"
#include "shardmap/toml_reader.h"

namespace sg::config {

namespace {

using shardmap::Diagnostics;
using shardmap::Need;
using shardmap::TableReader;

constexpr int64_t kMaxInt32 = 0x7FFFFFFF;
constexpr size_t kStage2Size = 20;  // SHA1(SHA1(password))
constexpr int64_t kMaxInt64 = std::numeric_limits<int64_t>::max();

// Reads shardgate.toml's sections into `config`, recording diagnostics.
class ConfigReader {
 public:
  ConfigReader(const toml::table& root, const std::string& path, Diagnostics& diags)
      : root_(root, "", diags, 1), path_(path), diags_(diags) {}

  void read(Config& config) {
    readShardMapPath(config);
    if (auto* t = section("listen")) readListen(*t, config.listen);
    if (auto* t = section("admin")) readAdmin(*t, config.admin);
    readUsers(config.users);
    readBackend(config.backend);
    // Monitor credentials default to the backend's.
    config.monitor.user = config.backend.user;
    config.monitor.password = config.backend.password;
    if (auto* t = section("monitor")) readMonitor(*t, config.monitor);
    if (auto* t = section("routing")) readRouting(*t, config.routing);
    if (auto* t = section("log")) readLog(*t, config.log);
    root_.reportUnknownKeys();
    if (config.listen.address == config.admin.address && config.listen.port == config.admin.port) {
      diags_.error(root_.lineOf("admin"), "admin: address and port " + config.admin.address + ":" +
                                              std::to_string(config.admin.port) +
                                              " are the same as [listen]'s");
    }
  }

  // The line of the shard_map key (where a missing shard-map file is reported).
  int shardMapLine() const { return shardMapLine_; }

 private:
  // An optional [name] table, type-checked.
  const toml::table* section(std::string_view name) { return root_.table(name); }

  // A path value resolved against the config file's directory.
  std::string resolve(const std::string& value) const {
    std::filesystem::path p(value);
    if (p.is_relative()) p = std::filesystem::path(path_).parent_path() / p;
    return p.lexically_normal().string();
  }

  // One of `choices`; returns its index.
  std::optional<size_t> choice(TableReader& reader, std::string_view key,
                               std::initializer_list<std::string_view> choices) {
    auto value = reader.string(key);
    if (!value) return std::nullopt;
    size_t index = 0;
    std::string list;
    for (std::string_view c : choices) {
      if (*value == c) return index;
      list += (list.empty() ? "\"" : ", \"") + std::string(c) + "\"";
      ++index;
    }
    diags_.error(reader.lineOf(key),
                 reader.pathOf(key) + ": must be one of " + list + ", got \"" + *value + "\"");
    return std::nullopt;
  }

  template <typename T>
  void setInt(TableReader& reader, std::string_view key, int64_t min, int64_t max, T& out) {
    if (auto v = reader.integer(key, min, max)) out = static_cast<T>(*v);
  }

  void setString(TableReader& reader, std::string_view key, std::string& out, bool nonEmpty) {
    auto v = reader.string(key);
    if (!v) return;
    if (nonEmpty && v->empty()) {
      diags_.error(reader.lineOf(key), reader.pathOf(key) + ": must not be empty");
      return;
    }
    out = *v;
  }

  void readShardMapPath(Config& config) {
    auto value = root_.string("shard_map", Need::kRequired);
    if (!value) return;
    if (value->empty()) {
      diags_.error(root_.lineOf("shard_map"), "shard_map: must name the shard-map file");
      return;
    }
    config.shardMapPath = resolve(*value);
    shardMapLine_ = root_.lineOf("shard_map");
  }

  // A file path key: resolved against the config file's directory and checked readable.
  void setReadablePath(TableReader& r, std::string_view key, std::string& out) {
    auto value = r.string(key);
    if (!value || value->empty()) return;
    out = resolve(*value);
    if (!std::ifstream(out)) {
      diags_.error(r.lineOf(key), r.pathOf(key) + ": cannot read '" + out + "': " +
                                      std::strerror(errno));
    }
  }

  void readListen(const toml::table& table, ListenConfig& listen) {
    TableReader r(table, "listen", diags_);
    setString(r, "address", listen.address, true);
    setInt(r, "port", 1, 65535, listen.port);
    setInt(r, "max_connections", 1, kMaxInt32, listen.maxConnections);
    if (auto i = choice(r, "auth_plugin", {kCachingSha2Password, kMysqlNativePassword})) {
      listen.authPlugin = *i == 0 ? kCachingSha2Password : kMysqlNativePassword;
    }
    setInt(r, "max_allowed_packet", 1024, 1073741824, listen.maxAllowedPacket);
    setInt(r, "threads", 0, 1024, listen.threads);
    setInt(r, "login_timeout_ms", 1, kMaxInt32, listen.loginTimeoutMs);
    setString(r, "server_version", listen.serverVersion, false);
    setReadablePath(r, "rsa_private_key", listen.rsaPrivateKeyFile);
    if (auto v = r.boolean("tls")) listen.tls = *v;
    setReadablePath(r, "tls_cert", listen.tlsCertFile);
    setReadablePath(r, "tls_key", listen.tlsKeyFile);
    if (listen.tlsCertFile.empty() != listen.tlsKeyFile.empty()) {
      diags_.error(r.lineOf(listen.tlsCertFile.empty() ? "tls_key" : "tls_cert"),
                   "listen.tls_cert and listen.tls_key must be given together");
    }
    r.reportUnknownKeys();
  }

  void readAdmin(const toml::table& table, AdminConfig& admin) {
    TableReader r(table, "admin", diags_);
    setString(r, "address", admin.address, true);
    setInt(r, "port", 1, 65535, admin.port);
    setString(r, "token", admin.token, false);
    r.reportUnknownKeys();
  }

  void readUsers(std::vector<UserEntry>& users) {
    const toml::node* node = root_.node("users");
    if (node == nullptr) {
      diags_.error(1, "no users defined: add at least one [[users]] table with name and password");
      return;
    }
    const toml::array* array = node->as_array();
    if (array != nullptr && array->empty()) {
      diags_.error(root_.lineOf("users"),
                   "users: no users defined: add at least one [[users]] table");
      return;
    }
    if (array == nullptr || !array->is_array_of_tables()) {
      diags_.error(root_.lineOf("users"), "users: expected [[users]] tables, got " +
                                              std::string(shardmap::typeName(*node)));
      return;
    }
    std::map<std::string, int, std::less<>> seen;  // name -> line
    for (size_t i = 0; i < array->size(); ++i) {
      const toml::table& table = *array->get(i)->as_table();
      std::string path = "users[" + std::to_string(i) + "]";
      TableReader r(table, path, diags_);
      UserEntry user;
      auto name = r.string("name", Need::kRequired);
      user.password = r.string("password");
      auto hash = r.string("password_hash");
      r.reportUnknownKeys();
      bool hasPassword = table.contains("password");
      bool hasHash = table.contains("password_hash");
      if (hasPassword == hasHash) {
        diags_.error(r.line(), path + ": give exactly one of password or password_hash");
      }
      if (hash) {
        // An empty hash would mean "no password"; that must be said with password = "".
        if (!hash->empty()) user.nativeStage2 = sg::protocol::parseNativeHash(*hash);
        if (!user.nativeStage2 || user.nativeStage2->size() != kStage2Size) {
          user.nativeStage2.reset();
          diags_.error(r.lineOf("password_hash"),
                       path +
                           ".password_hash: expected \"*\" followed by 40 hex digits "
                           "(the form of SELECT PASSWORD('...'))");
        }
      }
      if (!name) continue;
      if (name->empty()) {
        diags_.error(r.lineOf("name"), path + ".name: must not be empty");
        continue;
      }
      if (auto [it, inserted] = seen.try_emplace(*name, r.lineOf("name")); !inserted) {
        diags_.error(r.lineOf("name"), path + ".name: duplicate user '" + *name +
                                           "' (first defined at line " +
                                           std::to_string(it->second) + ")");
        continue;
      }
      user.name = *name;
      users.push_back(std::move(user));
    }
  }

  void readBackend(BackendConfig& backend) {
    const toml::table* table = section("backend");
    if (table == nullptr) {
      if (!root_.node("backend")) {
        diags_.error(1,
                     "missing required table [backend] (user and password shardgate logs in "
                     "to MySQL with)");
      }
      return;
    }
    TableReader r(*table, "backend", diags_);
    if (auto user = r.string("user", Need::kRequired)) {
      if (user->empty()) {
        diags_.error(r.lineOf("user"), "backend.user: must not be empty");
      } else {
        backend.user = *user;
      }
    }
    setString(r, "password", backend.password, false);
    setInt(r, "connect_timeout_ms", 1, kMaxInt32, backend.connectTimeoutMs);
    r.reportUnknownKeys();
  }

  void readMonitor(const toml::table& table, MonitorConfig& monitor) {
    TableReader r(table, "monitor", diags_);
    setString(r, "user", monitor.user, true);
    setString(r, "password", monitor.password, false);
    setInt(r, "interval_ms", 1, kMaxInt32, monitor.intervalMs);
    setInt(r, "max_lag_ms", 1, kMaxInt64, monitor.maxLagMs);
    setInt(r, "fail_after", 1, kMaxInt32, monitor.failAfter);
    if (auto v = r.boolean("heartbeat")) monitor.heartbeat = *v;
    r.reportUnknownKeys();
  }

  void readRouting(const toml::table& table, RoutingConfig& routing) {
    TableReader r(table, "routing", diags_);
    if (auto v = r.boolean("allow_scatter_writes")) routing.allowScatterWrites = *v;
    setInt(r, "max_merge_rows", 1, kMaxInt64, routing.maxMergeRows);
    if (auto i = choice(r, "stale_read", {"master", "error"})) {
      routing.staleRead = *i == 0 ? StaleRead::kMaster : StaleRead::kError;
    }
    if (auto i = choice(r, "read_your_writes", {"off", "session"})) {
      routing.readYourWrites = *i == 0 ? ReadYourWrites::kOff : ReadYourWrites::kSession;
    }
    r.reportUnknownKeys();
  }

  void readLog(const toml::table& table, LogConfig& log) {
    TableReader r(table, "log", diags_);
    constexpr std::string_view kLevels[] = {"trace", "debug", "info", "warn", "error"};
    if (auto i = choice(r, "level", {kLevels[0], kLevels[1], kLevels[2], kLevels[3], kLevels[4]})) {
      log.level = std::string(kLevels[*i]);
    }
    r.reportUnknownKeys();
  }

  TableReader root_;
  std::string path_;
  Diagnostics& diags_;
  int shardMapLine_ = 0;
};

void appendAll(std::vector<std::string>& out, const std::vector<shardmap::Diagnostic>& in) {
  for (const auto& d : in) out.push_back(d.str());
}

}  // namespace

LoadResult parseConfig(std::string_view text, const std::string& path) {
  Diagnostics diags(path);
  LoadResult result;
  toml::table root;
  try {
    root = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    diags.error(static_cast<int>(e.source().begin.line),
                "TOML syntax error: " + std::string(e.description()));
    appendAll(result.errors, diags.errors());
    return result;
  }

  Config config;
  config.path = path;
  ConfigReader reader(root, path, diags);
  reader.read(config);
  diags.sortByLine();
  appendAll(result.errors, diags.errors());
  appendAll(result.warnings, diags.warnings());

  if (!config.shardMapPath.empty()) {
    auto map = shardmap::loadShardMapFile(config.shardMapPath);
    if (!map.ok() && map.errors.size() == 1 && map.errors[0].line == 0) {
      // The file itself is missing: point at the shard_map line of this file.
      result.errors.push_back(path + ":" + std::to_string(reader.shardMapLine()) +
                              ": shard_map: " + map.errors[0].str());
    } else {
      appendAll(result.errors, map.errors);
    }
    appendAll(result.warnings, map.warnings);
    config.shardMap = map.map;
  }

  if (result.errors.empty()) result.config = std::move(config);
  return result;
}

LoadResult loadConfig(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return LoadResult{std::nullopt, {path + ": cannot read file: " + std::strerror(errno)}, {}};
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parseConfig(text.str(), path);
}

}  // namespace sg::config
