#pragma once
// The live shard map of a running proxy and the one way to replace it: apply() validates new
// TOML text exactly as the file would be, refuses versions that do not go up, writes text that came
// through the admin API back to the shard-map file (atomically), and only then swaps the map in.
// Used by the admin API (PUT /shardmap), SIGHUP and the file watcher. No networking, no asio.

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "shardmap/diagnostic.h"
#include "shardmap/shard_map.h"
#include "shardmap/shard_map_diff.h"

namespace sg::shardmap {

struct ApplyResult {
  enum class Kind {
    kOk,           // the new map is current; `diff` says what changed
    kUnchanged,    // Source::kFile text identical to the current map's (the watcher seeing our
                   // own write-back, or SIGHUP with no edit): nothing to do, not a failure
    kInvalid,      // the text has errors (listed in `errors`) or the file could not be read
    kStale,        // version not above the current one; `message` names both versions
    kWriteFailed,  // valid, but writing it to the shard-map file failed (`message` has errno text)
  };

  Kind kind = Kind::kInvalid;
  // One line for logs and HTTP replies, e.g. "conf/shardmap.toml: version 4 applied (was 3)".
  std::string message;
  std::vector<Diagnostic> errors;       // kInvalid: each "path:line: message"
  std::vector<Diagnostic> warnings;     // of the parsed text, also on kOk
  std::optional<MapDiff> diff;          // kOk only: current map before -> new map
  std::shared_ptr<const ShardMap> map;  // the current map after the call (new on kOk, else old)

  // kOk and kUnchanged are successes; everything else leaves the old map and counts as a failed
  // reload.
  bool ok() const { return kind == Kind::kOk || kind == Kind::kUnchanged; }
};

std::string_view kindName(ApplyResult::Kind kind);  // "ok", "unchanged", "invalid", ...

class ShardMapStore {
 public:
  // Where new text comes from. kApi text is written back to the file before the swap; kFile
  // text was read from the file, which therefore already holds it.
  enum class Source { kApi, kFile };

  // Called after every successful swap (kOk) with the new map, so the proxy can publish it
  // (e.g. ProxyContext::setShardMap). It runs on the thread that called apply(), while apply()
  // still holds the store's lock, so publications happen in swap order; it must not call apply()
  // or reloadFromFile() (current() is fine) and must not throw.
  using Listener = std::function<void(const std::shared_ptr<const ShardMap>&)>;

  // `path` is the shard-map file (as named in shardgate.toml) and `initial` the map loaded from
  // it at start (non-null, else std::invalid_argument). The listener is not called for `initial`.
  ShardMapStore(std::string path, std::shared_ptr<const ShardMap> initial, Listener onSwap = {});

  ShardMapStore(const ShardMapStore&) = delete;
  ShardMapStore& operator=(const ShardMapStore&) = delete;

  // The current map; safe from any thread.
  std::shared_ptr<const ShardMap> current() const;
  const std::string& path() const { return path_; }

  // Validates `text` as the contents of path() (errors read "path:line: message"), checks that its
  // version is above the current one, writes it back for Source::kApi, then swaps and notifies.
  // Concurrent calls are serialised: of two texts with the same new version, only one wins.
  ApplyResult apply(std::string text, Source source);

  // Reads path() and applies it as Source::kFile (SIGHUP, file watcher). An unreadable file is
  // kInvalid with the error "path: cannot read: <strerror>".
  ApplyResult reloadFromFile();

 private:
  std::string path_;
  Listener onSwap_;
  std::mutex applyMutex_;        // one apply() at a time, across check, write-back and swap
  mutable std::mutex mapMutex_;  // guards map_ only, so current() never waits for a write
  std::shared_ptr<const ShardMap> map_;
};

// What writeFileAtomically did.
struct AtomicWrite {
  bool replaced = false;  // the file now holds the new text
  std::string error;      // "" when all went well, else what failed, with its errno text
};

// Replaces the file at `path` with `text` atomically: writes a temporary file
// ".NAME.tmp-XXXXXX" in the same directory, fsyncs it, renames it over `path`, then fsyncs the
// directory. Readers see the old or the new content, never a mix. The new file keeps the old one's
// permission bits (0644 if there was no file); a symlink at `path` is followed, so the link stays
// and its target is replaced. The temporary file never outlives the call. When only the final
// directory fsync fails, `replaced` is true and `error` says so.
AtomicWrite writeFileAtomically(const std::string& path, std::string_view text);

}  // namespace sg::shardmap
