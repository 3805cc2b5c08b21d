// MapReloader: see map_reload.h.

#include "router/net/map_reload.h"

#include <sys/inotify.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include <spdlog/spdlog.h>

namespace sg::net {

namespace {

// Every (shard, role) gets its query series at 0 as soon as the map names it, so rate() works
// from the first scrape.
void registerSeries(admin::Metrics& metrics, const shardmap::ShardMap& map) {
  for (const auto& shard : map.shards()) {
    metrics.series(shard.name, admin::Role::kMaster);
    if (!shard.replicas.empty()) metrics.series(shard.name, admin::Role::kReplica);
  }
}

// Editors save in several steps (truncate + write, or write a temporary file + rename): act on
// the last event of a burst.
constexpr std::chrono::milliseconds kSettle{100};

}  // namespace

MapReloader::MapReloader(std::shared_ptr<ProxyContext> ctx, std::string path)
    : ctx_(ctx),
      store_(std::move(path), ctx->shardMap(),
             [ctx](const std::shared_ptr<const shardmap::ShardMap>& map) {
               registerSeries(ctx->metrics(), *map);
               ctx->setShardMap(map);
             }) {
  registerSeries(ctx_->metrics(), *ctx_->shardMap());
}

shardmap::ApplyResult MapReloader::apply(std::string text, Source source, std::string_view via) {
  return record(store_.apply(std::move(text), source), via);
}

shardmap::ApplyResult MapReloader::reloadFromFile(std::string_view via) {
  return record(store_.reloadFromFile(), via);
}

shardmap::ApplyResult MapReloader::record(shardmap::ApplyResult r, std::string_view via) {
  using Kind = shardmap::ApplyResult::Kind;
  admin::Metrics& metrics = ctx_->metrics();
  switch (r.kind) {
    case Kind::kOk: {
      metrics.countReload(admin::ReloadResult::kOk);
      std::string changes = r.diff ? shardmap::diffToText(*r.diff) : std::string();
      while (!changes.empty() && changes.back() == '\n') changes.pop_back();
      for (auto& c : changes) c = c == '\n' ? ';' : c;
      spdlog::info("shard map ({}): {}: {}", via, r.message, changes);
      break;
    }
    case Kind::kUnchanged:
      // The watcher sees every write-back of a PUT; an operator's SIGHUP deserves an answer.
      if (via == "SIGHUP") {
        spdlog::info("shard map ({}): {}", via, r.message);
      } else {
        spdlog::debug("shard map ({}): {}", via, r.message);
      }
      break;
    case Kind::kStale:
      metrics.countReload(admin::ReloadResult::kStale);
      spdlog::warn("shard map ({}) rejected, version {} keeps serving: {}", via,
                   r.map ? r.map->version() : 0, r.message);
      break;
    case Kind::kInvalid:
    case Kind::kWriteFailed:
      metrics.countReload(admin::ReloadResult::kInvalid);
      spdlog::error("shard map ({}) rejected, version {} keeps serving: {}", via,
                    r.map ? r.map->version() : 0, r.message);
      for (const auto& e : r.errors) spdlog::error("  {}", e.str());
      break;
  }
  for (const auto& w : r.warnings) spdlog::warn("shard map ({}): {}", via, w.str());
  return r;
}

awaitable<void> MapReloader::watch() {
  auto ex = co_await asio::this_coro::executor;
  const std::filesystem::path file(store_.path());
  const std::string name = file.filename().string();
  const std::string dir = file.has_parent_path() ? file.parent_path().string() : std::string(".");
  const int fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) {
    spdlog::warn("shard map: cannot watch {} ({}); reload with SIGHUP or PUT /shardmap",
                 store_.path(), std::strerror(errno));
    co_return;
  }
  asio::posix::stream_descriptor events(ex, fd);
  if (::inotify_add_watch(fd, dir.c_str(),
                          IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE_SELF) < 0) {
    spdlog::warn("shard map: cannot watch {} ({}); reload with SIGHUP or PUT /shardmap", dir,
                 std::strerror(errno));
    co_return;
  }
  spdlog::info("shard map: watching {} for changes", store_.path());
  alignas(inotify_event) std::array<char, 16 * 1024> buf;
  asio::steady_timer settle(ex);
  for (;;) {
    boost::system::error_code ec;
    size_t n = co_await events.async_read_some(asio::buffer(buf),
                                                asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;  // closed at shutdown
    bool ours = false;
    for (size_t off = 0; off + sizeof(inotify_event) <= n;) {
      const auto* e = reinterpret_cast<const inotify_event*>(buf.data() + off);
      const std::string_view changed = e->len ? std::string_view(e->name) : std::string_view();
      // The file itself, or Kubernetes' ConfigMap swap of the "..data" link it points through.
      if (changed == name || changed == "..data") ours = true;
      off += sizeof(inotify_event) + e->len;
    }
    if (!ours) continue;
    // Events of the rest of the burst wait in the descriptor; they find the file unchanged.
    settle.expires_after(kSettle);
    co_await settle.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    reloadFromFile("file change");
  }
}

}  // namespace sg::net
