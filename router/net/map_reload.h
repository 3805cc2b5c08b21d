#pragma once
// Live shard-map reloads, whichever way they come: PUT /shardmap (admin API), SIGHUP, or the
// shard-map file changing on disk (inotify). Each is validated like the file at start; a good map
// is published to every session at once (ProxyContext::setShardMap), a bad one leaves the old map
// serving, and every outcome is logged and counted (shardgate_shardmap_reloads_total).

#include "router/net/asio_prelude.h"

#include <memory>
#include <string>
#include <string_view>

#include "router/net/proxy_context.h"
#include "shardmap/shard_map_store.h"

namespace sg::net {

class MapReloader {
 public:
  using Source = shardmap::ShardMapStore::Source;

  // `path`: the shard-map file; the context's current map is the one loaded from it.
  MapReloader(std::shared_ptr<ProxyContext> ctx, std::string path);

  // Applies `text` (from the admin API: written back to the file first). `via` names the way
  // it came in logs ("PUT /shardmap", "SIGHUP", "file change").
  shardmap::ApplyResult apply(std::string text, Source source, std::string_view via);
  shardmap::ApplyResult reloadFromFile(std::string_view via);

  // Watches the file's directory and reloads when the file is written or replaced (a rename
  // over it, as editors and ConfigMap updates do). Runs until its executor stops; logs and gives
  // up only when inotify itself is unavailable.
  awaitable<void> watch();

  const std::string& path() const { return store_.path(); }

 private:
  shardmap::ApplyResult record(shardmap::ApplyResult r, std::string_view via);

  std::shared_ptr<ProxyContext> ctx_;
  shardmap::ShardMapStore store_;
};

}  // namespace sg::net
