#include "shardmap/shard_map_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "shardmap/shard_map_loader.h"

namespace sg::shardmap {

namespace {

using Kind = ApplyResult::Kind;

std::string errnoText(int err) { return std::strerror(err); }

// Reads a whole file; on failure returns nullopt and sets `error` to strerror's text.
std::optional<std::string> readFile(const std::string& path, std::string& error) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    error = errnoText(errno);
    return std::nullopt;
  }
  std::string text;
  char buffer[65536];
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      error = errnoText(errno);
      ::close(fd);
      return std::nullopt;
    }
    if (n == 0) break;
    text.append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  return text;
}

bool writeAll(int fd, std::string_view text) {
  while (!text.empty()) {
    ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    text.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

}  // namespace

std::string_view kindName(ApplyResult::Kind kind) {
  switch (kind) {
    case Kind::kOk:
      return "ok";
    case Kind::kUnchanged:
      return "unchanged";
    case Kind::kInvalid:
      return "invalid";
    case Kind::kStale:
      return "stale";
    case Kind::kWriteFailed:
      return "write_failed";
  }
  return "unknown";
}

AtomicWrite writeFileAtomically(const std::string& path, std::string_view text) {
  namespace fs = std::filesystem;
  AtomicWrite result;
  fs::path target = path;
  std::error_code ec;
  if (fs::is_symlink(fs::symlink_status(target, ec))) {
    fs::path resolved = fs::canonical(target, ec);
    if (!ec) target = resolved;  // a dangling link is replaced like a file
  }
  fs::path dir = target.parent_path();
  if (dir.empty()) dir = ".";

  std::string tempName = ".";
  tempName += target.filename().string();
  tempName += ".tmp-XXXXXX";
  std::string temp = (dir / tempName).string();
  int fd = ::mkostemp(temp.data(), O_CLOEXEC);
  if (fd < 0) {
    result.error = "cannot create a temporary file in " + dir.string() + ": " + errnoText(errno);
    return result;
  }
  auto fail = [&](const std::string& what) {
    int err = errno;
    if (fd >= 0) ::close(fd);
    ::unlink(temp.c_str());
    result.error = what + ": " + errnoText(err);
    return result;
  };

  struct stat old {};
  mode_t mode = ::stat(target.c_str(), &old) == 0 ? (old.st_mode & 07777) : 0644;
  if (::fchmod(fd, mode) != 0) return fail("cannot set the mode of " + temp);
  if (!writeAll(fd, text)) return fail("cannot write " + temp);
  if (::fsync(fd) != 0) return fail("cannot fsync " + temp);
  int closed = ::close(fd);
  fd = -1;
  if (closed != 0) return fail("cannot close " + temp);
  if (::rename(temp.c_str(), target.c_str()) != 0) {
    return fail("cannot rename " + temp + " to " + target.string());
  }
  result.replaced = true;

  // The rename is durable only once the directory entry is.
  int dirFd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dirFd < 0 || ::fsync(dirFd) != 0) {
    result.error = "cannot fsync directory " + dir.string() + ": " + errnoText(errno);
  }
  if (dirFd >= 0) ::close(dirFd);
  return result;
}

ShardMapStore::ShardMapStore(std::string path, std::shared_ptr<const ShardMap> initial,
                             Listener onSwap)
    : path_(std::move(path)), onSwap_(std::move(onSwap)), map_(std::move(initial)) {
  if (map_ == nullptr) throw std::invalid_argument("ShardMapStore: the initial map is null");
}

std::shared_ptr<const ShardMap> ShardMapStore::current() const {
  std::lock_guard lock(mapMutex_);
  return map_;
}

ApplyResult ShardMapStore::apply(std::string text, Source source) {
  std::lock_guard applyLock(applyMutex_);
  std::shared_ptr<const ShardMap> old = current();

  ApplyResult result;
  result.map = old;
  LoadResult parsed = parseShardMap(text, path_);
  result.warnings = std::move(parsed.warnings);
  if (!parsed.ok()) {
    result.kind = Kind::kInvalid;
    result.errors = std::move(parsed.errors);
    result.message = path_ + ": " + std::to_string(result.errors.size()) +
                     " error(s); the shard map is unchanged";
    return result;
  }

  const int64_t oldVersion = old->version();
  const int64_t newVersion = parsed.map->version();
  if (source == Source::kFile && newVersion == oldVersion && text == old->sourceText()) {
    result.kind = Kind::kUnchanged;
    result.message = path_ + ": version " + std::to_string(oldVersion) + " is already current";
    return result;
  }
  if (newVersion <= oldVersion) {
    result.kind = Kind::kStale;
    result.message = path_ + ": version " + std::to_string(newVersion) +
                     " is not above the current version " + std::to_string(oldVersion) +
                     "; the shard map is unchanged (raise version to apply a new map)";
    return result;
  }

  if (source == Source::kApi) {
    AtomicWrite written = writeFileAtomically(path_, text);
    if (!written.replaced) {
      result.kind = Kind::kWriteFailed;
      result.message = path_ + ": cannot write: " + written.error + "; the shard map is unchanged";
      return result;
    }
    if (!written.error.empty()) {
      // The file already holds the new text: swap so that the file and the live map agree.
      result.warnings.push_back(
          {path_, 0, "written, but may not survive a crash: " + written.error});
    }
  }

  {
    std::lock_guard mapLock(mapMutex_);
    map_ = parsed.map;
  }
  result.kind = Kind::kOk;
  result.map = parsed.map;
  result.diff = diffMaps(*old, *parsed.map);
  result.message = path_ + ": version " + std::to_string(newVersion) + " applied (was " +
                   std::to_string(oldVersion) + ")";
  if (onSwap_) onSwap_(parsed.map);
  return result;
}

ApplyResult ShardMapStore::reloadFromFile() {
  std::string error;
  std::optional<std::string> text = readFile(path_, error);
  if (!text) {
    ApplyResult result;
    result.kind = Kind::kInvalid;
    result.map = current();
    result.errors.push_back({path_, 0, "cannot read: " + error});
    result.message = result.errors.back().str() + "; the shard map is unchanged";
    return result;
  }
  return apply(std::move(*text), Source::kFile);
}

}  // namespace sg::shardmap
