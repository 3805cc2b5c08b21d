// shardgate: a MySQL-protocol sharding proxy. `shardgate --config FILE` loads and validates the
// configuration (exit 2 with file:line messages when it is wrong), then serves MySQL clients.

#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include <spdlog/spdlog.h>

#include "router/admin/admin_server.h"
#include "router/config/config.h"
#include "router/net/map_reload.h"
#include "router/net/proxy_admin.h"
#include "router/net/server.h"
#include "router/net/tls_context.h"
#include "router/protocol/auth.h"

namespace {

constexpr int kExitUsage = 64;
constexpr int kExitConfig = 2;

void usage(std::ostream& out) {
  out << "usage: shardgate --config FILE [--check]\n"
         "  --config FILE  shardgate.toml to run with\n"
         "  --check        validate the configuration and exit\n"
         "  --version      print the version\n";
}

std::unique_ptr<sg::protocol::RsaKey> loadOrGenerateKey(const std::string& path, std::string& err) {
  if (path.empty()) {
    auto key = sg::protocol::RsaKey::generate(2048);
    if (!key) err = "cannot generate an RSA key";
    return key;
  }
  std::ifstream in(path);
  if (!in) {
    err = path + ": cannot read rsa_private_key";
    return nullptr;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  auto key = sg::protocol::RsaKey::fromPrivatePem(ss.str());
  if (!key) err = path + ": not a PEM RSA private key";
  return key;
}

}  // namespace

int main(int argc, char** argv) {
  std::string configPath;
  bool checkOnly = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--config" && i + 1 < argc) {
      configPath = argv[++i];
    } else if (arg.rfind("--config=", 0) == 0) {
      configPath = arg.substr(9);
    } else if (arg == "--check") {
      checkOnly = true;
    } else if (arg == "--version") {
      std::cout << "shardgate 0.1.0\n";
      return 0;
    } else if (arg == "--help" || arg == "-h") {
      usage(std::cout);
      return 0;
    } else {
      std::cerr << "shardgate: unknown argument '" << arg << "'\n";
      usage(std::cerr);
      return kExitUsage;
    }
  }
  if (configPath.empty()) {
    usage(std::cerr);
    return kExitUsage;
  }

  sg::config::LoadResult loaded = sg::config::loadConfig(configPath);
  for (const auto& w : loaded.warnings) std::cerr << "warning: " << w << "\n";
  if (!loaded.config) {
    for (const auto& e : loaded.errors) std::cerr << "error: " << e << "\n";
    return kExitConfig;
  }
  const sg::config::Config& cfg = *loaded.config;
  if (checkOnly) {
    std::cout << configPath << ": ok\n";
    return 0;
  }

  spdlog::set_level(spdlog::level::from_str(cfg.log.level));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");

  std::string keyError;
  auto key = loadOrGenerateKey(cfg.listen.rsaPrivateKeyFile, keyError);
  if (!key) {
    std::cerr << "error: " << keyError << "\n";
    return kExitConfig;
  }

  void* keyHandle = key->nativeHandle();
  std::vector<sg::net::Account> accounts;
  for (const auto& u : cfg.users) accounts.push_back({u.name, u.password, u.nativeStage2});
  auto auth = std::make_shared<sg::net::Authenticator>(std::move(accounts), cfg.listen.authPlugin,
                                                       std::move(key));

  sg::net::ProxySettings settings;
  settings.maxConnections = cfg.listen.maxConnections;
  settings.maxAllowedPacket = cfg.listen.maxAllowedPacket;
  settings.serverVersion = cfg.listen.serverVersion;
  settings.backendUser = cfg.backend.user;
  settings.backendPassword = cfg.backend.password;
  settings.connectTimeout = std::chrono::milliseconds(cfg.backend.connectTimeoutMs);
  settings.loginTimeout = std::chrono::milliseconds(cfg.listen.loginTimeoutMs);
  settings.allowScatterWrites = cfg.routing.allowScatterWrites;
  settings.maxMergeRows = static_cast<size_t>(cfg.routing.maxMergeRows);
  settings.staleReadError = cfg.routing.staleRead == sg::config::StaleRead::kError;
  settings.readYourWrites = cfg.routing.readYourWrites == sg::config::ReadYourWrites::kSession;
  settings.monitorUser = cfg.monitor.user;
  settings.monitorPassword = cfg.monitor.password;
  settings.monitorInterval = std::chrono::milliseconds(cfg.monitor.intervalMs);
  settings.monitorMaxLagMs = cfg.monitor.maxLagMs;
  settings.monitorFailAfter = cfg.monitor.failAfter;
  settings.monitorHeartbeat = cfg.monitor.heartbeat;
  std::shared_ptr<boost::asio::ssl::context> tls;
  if (cfg.listen.tls) {
    std::string tlsError;
    tls = sg::net::makeServerTlsContext(cfg.listen.tlsCertFile, cfg.listen.tlsKeyFile,
                                         keyHandle, tlsError);
    if (!tls) {
      std::cerr << "error: " << tlsError << "\n";
      return kExitConfig;
    }
  }
  auto ctx = std::make_shared<sg::net::ProxyContext>(std::move(settings), auth, cfg.shardMap,
                                                     std::move(tls));

  sg::net::Server server(ctx, cfg.listen.threads);
  std::string error;
  if (!server.listen(cfg.listen.address, cfg.listen.port, error)) {
    spdlog::critical("{}", error);
    return 1;
  }
  // Live shard-map reloads: PUT /shardmap, SIGHUP, and edits of the file itself.
  auto reloader = std::make_shared<sg::net::MapReloader>(ctx, cfg.shardMapPath);
  server.onHangup([reloader] { reloader->reloadFromFile("SIGHUP"); });
  boost::asio::co_spawn(server.mainContext(), reloader->watch(), boost::asio::detached);
  sg::admin::AdminServer admin(server.mainContext().get_executor(), cfg.admin.address,
                               cfg.admin.port, cfg.admin.token,
                               std::make_shared<sg::net::ProxyAdmin>(ctx, reloader));
  if (!admin.start(error)) {
    spdlog::critical("admin API: {}", error);
    return 1;
  }
  spdlog::info("shardgate listening on {}:{} (shard map version {}, default shard {}); admin API "
               "on {}:{}{}",
               cfg.listen.address, cfg.listen.port, cfg.shardMap->version(),
               cfg.shardMap->defaultShard().name, cfg.admin.address, admin.port(),
               cfg.admin.token.empty() ? " (read-only: no [admin] token)" : "");
  server.run();
  admin.stop();
  spdlog::info("shardgate stopped");
  return 0;
}
