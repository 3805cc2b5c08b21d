// ShardMapStore: swaps, refusals (invalid, stale, write failure) that keep the old map, the
// file write-back, reloads from the file, and concurrent applies.

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <filesystem>
#include <latch>
#include <thread>

#include "shardmap/shard_map_loader.h"
#include "shardmap/shard_map_store.h"
#include "tests/unit/shardmap/cli_runner.h"
#include "tests/unit/shardmap/temp_dir.h"

namespace sg::shardmap {
namespace {

using Kind = ApplyResult::Kind;
using Source = ShardMapStore::Source;
using sg::testing::slurp;
using sg::testing::TempDir;

// A valid map; `master` varies the content at the same version.
std::string mapText(int64_t version, const std::string& master = "h:1") {
  return "version = " + std::to_string(version) +
         "\n"
         "default_shard = \"s0\"\n"
         "[sharded_tables]\n"
         "users = \"id\"\n"
         "[shards.s0]\n"
         "master = \"" +
         master +
         "\"\n"
         "[[ranges]]\n"
         "start = 0\n"
         "shard = \"s0\"\n";
}

std::vector<std::string> filesIn(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

class ShardMapStoreTest : public ::testing::Test {
 protected:
  // A store over conf/shardmap.toml in a private directory, holding version 1.
  void SetUp() override {
    path_ = dir_.write("conf/shardmap.toml", mapText(1));
    auto loaded = loadShardMapFile(path_);
    ASSERT_TRUE(loaded.ok());
    store_ = std::make_unique<ShardMapStore>(
        path_, loaded.map,
        [this](const std::shared_ptr<const ShardMap>& map) { published_.push_back(map); });
  }

  TempDir dir_;
  std::string path_;
  std::vector<std::shared_ptr<const ShardMap>> published_;
  std::unique_ptr<ShardMapStore> store_;
};

TEST_F(ShardMapStoreTest, ValidApiTextIsWrittenBackThenSwappedAndPublished) {
  auto old = store_->current();
  std::string text = mapText(2, "h:2");
  ApplyResult r = store_->apply(text, Source::kApi);
  ASSERT_EQ(r.kind, Kind::kOk) << r.message;
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.message, path_ + ": version 2 applied (was 1)");
  EXPECT_EQ(store_->current()->version(), 2);
  EXPECT_EQ(store_->current(), r.map);
  EXPECT_EQ(r.map->sourceText(), text);
  ASSERT_EQ(published_.size(), 1u);
  EXPECT_EQ(published_[0], r.map);
  ASSERT_TRUE(r.diff.has_value());
  EXPECT_EQ(diffToText(*r.diff), "version 1 -> 2\nshard s0: master h:1 -> h:2\n");
  EXPECT_EQ(slurp(path_), text);
  EXPECT_EQ(old->version(), 1);  // a holder of the old snapshot still has it
}

TEST_F(ShardMapStoreTest, InvalidTextNamesFileAndLineAndChangesNothing) {
  auto old = store_->current();
  ApplyResult r = store_->apply(
      "version = 2\ndefault_shard = \"nope\"\n[shards.s0]\nmaster = \"h\"\n", Source::kApi);
  EXPECT_EQ(r.kind, Kind::kInvalid);
  EXPECT_FALSE(r.ok());
  ASSERT_EQ(r.errors.size(), 2u);
  EXPECT_EQ(r.errors[0].str(), path_ + ":2: default_shard: unknown shard 'nope' (shards: s0)");
  EXPECT_EQ(r.errors[1].str().rfind(path_ + ":4: shards.s0.master: bad address 'h'", 0), 0u)
      << r.errors[1].str();
  EXPECT_EQ(r.message, path_ + ": 2 error(s); the shard map is unchanged");
  EXPECT_EQ(store_->current(), old);
  EXPECT_EQ(r.map, old);
  EXPECT_FALSE(r.diff.has_value());
  EXPECT_TRUE(published_.empty());
  EXPECT_EQ(slurp(path_), mapText(1));
}

TEST_F(ShardMapStoreTest, TomlSyntaxErrorNamesFileAndLine) {
  ApplyResult r = store_->apply("version = 2\n[shards\n", Source::kFile);
  EXPECT_EQ(r.kind, Kind::kInvalid);
  ASSERT_FALSE(r.errors.empty());
  EXPECT_EQ(r.errors[0].str().rfind(path_ + ":2: TOML syntax error", 0), 0u) << r.errors[0].str();
}

TEST_F(ShardMapStoreTest, VersionNotAboveCurrentIsStale) {
  ASSERT_EQ(store_->apply(mapText(5), Source::kApi).kind, Kind::kOk);
  auto current = store_->current();
  struct Case {
    std::string text;
    Source source;
    std::string message;
  };
  const Case cases[] = {
      {mapText(4, "h:9"), Source::kApi, "version 4 is not above the current version 5"},
      {mapText(5, "h:9"), Source::kApi, "version 5 is not above the current version 5"},
      {mapText(3), Source::kFile, "version 3 is not above the current version 5"},
      // The file edited without raising the version.
      {mapText(5, "h:9"), Source::kFile, "version 5 is not above the current version 5"},
      // The same text again through the API is a new PUT, not the watcher's echo.
      {mapText(5), Source::kApi, "version 5 is not above the current version 5"},
  };
  for (const auto& c : cases) {
    ApplyResult r = store_->apply(c.text, c.source);
    EXPECT_EQ(r.kind, Kind::kStale) << c.text;
    EXPECT_EQ(kindName(r.kind), "stale");
    EXPECT_FALSE(r.ok());
    EXPECT_NE(r.message.find(c.message), std::string::npos) << r.message;
    EXPECT_EQ(r.message.rfind(path_ + ": ", 0), 0u) << r.message;
    EXPECT_EQ(store_->current(), current);
  }
  EXPECT_EQ(published_.size(), 1u);
  EXPECT_EQ(slurp(path_), mapText(5));
}

TEST_F(ShardMapStoreTest, SameVersionSameTextFromFileIsUnchanged) {
  auto current = store_->current();
  ApplyResult r = store_->apply(mapText(1), Source::kFile);
  EXPECT_EQ(r.kind, Kind::kUnchanged) << r.message;
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(store_->current(), current);
  EXPECT_TRUE(published_.empty());
  EXPECT_EQ(store_->reloadFromFile().kind, Kind::kUnchanged);  // SIGHUP with no edit
}

TEST_F(ShardMapStoreTest, WatcherSeeingOurOwnWriteBackIsUnchanged) {
  ASSERT_EQ(store_->apply(mapText(2), Source::kApi).kind, Kind::kOk);
  ApplyResult r = store_->reloadFromFile();
  EXPECT_EQ(r.kind, Kind::kUnchanged) << r.message;
  EXPECT_EQ(published_.size(), 1u);
}

TEST_F(ShardMapStoreTest, WriteBackIsAtomicAndKeepsTheFileMode) {
  ASSERT_EQ(::chmod(path_.c_str(), 0640), 0);
  std::string text = mapText(2, "h:2");
  ASSERT_EQ(store_->apply(text, Source::kApi).kind, Kind::kOk);
  EXPECT_EQ(slurp(path_), text);
  // The temporary file was renamed over the map: nothing else is left in the directory.
  EXPECT_EQ(filesIn(dir_.path() / "conf"), std::vector<std::string>{"shardmap.toml"});
  struct stat st {};
  ASSERT_EQ(::stat(path_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0640u);
}

TEST_F(ShardMapStoreTest, FileSourceIsNotWrittenBack) {
  // The file watcher read this text from the file; the store must not write it again.
  std::string text = mapText(2, "h:2");
  dir_.write("conf/shardmap.toml", text);
  struct stat before {};
  ASSERT_EQ(::stat(path_.c_str(), &before), 0);
  ApplyResult r = store_->reloadFromFile();
  ASSERT_EQ(r.kind, Kind::kOk) << r.message;
  EXPECT_EQ(store_->current()->version(), 2);
  struct stat after {};
  ASSERT_EQ(::stat(path_.c_str(), &after), 0);
  EXPECT_EQ(after.st_ino, before.st_ino);  // a write-back would have renamed a new file in
  EXPECT_EQ(filesIn(dir_.path() / "conf"), std::vector<std::string>{"shardmap.toml"});
  ASSERT_EQ(published_.size(), 1u);
}

TEST(ShardMapStore, WriteFailureKeepsTheOldMap) {
  // A directory that does not exist (chmod would not stop a test running as root).
  TempDir dir;
  std::string path = (dir.path() / "missing" / "shardmap.toml").string();
  auto initial = parseShardMap(mapText(1), path).map;
  ASSERT_TRUE(initial);
  int published = 0;
  ShardMapStore store(path, initial, [&](const auto&) { ++published; });
  ApplyResult r = store.apply(mapText(2), Source::kApi);
  EXPECT_EQ(r.kind, Kind::kWriteFailed);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.message.rfind(path + ": cannot write: ", 0), 0u) << r.message;
  EXPECT_NE(r.message.find("No such file or directory"), std::string::npos) << r.message;
  EXPECT_EQ(store.current(), initial);
  EXPECT_EQ(r.map, initial);
  EXPECT_EQ(published, 0);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "missing"));
}

TEST(ShardMapStore, UnreadableFileIsInvalid) {
  TempDir dir;
  std::string path = (dir.path() / "absent.toml").string();
  auto initial = parseShardMap(mapText(1), path).map;
  ASSERT_TRUE(initial);
  ShardMapStore store(path, initial);
  ApplyResult r = store.reloadFromFile();
  EXPECT_EQ(r.kind, Kind::kInvalid);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].str(), path + ": cannot read: No such file or directory");
  EXPECT_EQ(store.current(), initial);
}

TEST(ShardMapStore, NullInitialMapIsRejected) {
  EXPECT_THROW(ShardMapStore("x.toml", nullptr), std::invalid_argument);
}

TEST_F(ShardMapStoreTest, OfTwoConcurrentSameVersionPutsExactlyOneWins) {
  for (int round = 0; round < 50; ++round) {
    int64_t version = store_->current()->version() + 1;
    const std::string texts[2] = {mapText(version, "a:1"), mapText(version, "b:1")};
    ApplyResult results[2];
    std::latch start(2);
    std::thread threads[2];
    for (int i = 0; i < 2; ++i) {
      threads[i] = std::thread([&, i] {
        start.arrive_and_wait();
        results[i] = store_->apply(texts[i], Source::kApi);
      });
    }
    for (auto& t : threads) t.join();
    int winners = 0;
    for (int i = 0; i < 2; ++i) {
      if (results[i].kind == Kind::kOk) {
        ++winners;
        EXPECT_EQ(store_->current()->sourceText(), texts[i]);
        EXPECT_EQ(slurp(path_), texts[i]);
      } else {
        EXPECT_EQ(results[i].kind, Kind::kStale) << results[i].message;
      }
    }
    ASSERT_EQ(winners, 1) << "round " << round;
  }
  EXPECT_EQ(published_.size(), 50u);
}

TEST(ShardMapStore, ConcurrentAppliesPublishInVersionOrder) {
  TempDir dir;
  std::string path = dir.write("shardmap.toml", mapText(0));
  auto initial = loadShardMapFile(path).map;
  ASSERT_TRUE(initial);
  std::vector<int64_t> published;  // appended under the store's lock
  ShardMapStore store(path, initial, [&](const auto& map) { published.push_back(map->version()); });
  constexpr int kThreads = 4;
  constexpr int kPerThread = 25;
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      start.arrive_and_wait();
      for (int i = 1; i <= kPerThread; ++i) {
        store.apply(mapText(i * kThreads + t), t % 2 == 0 ? Source::kApi : Source::kFile);
        (void)store.current()->version();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(store.current()->version(), kPerThread * kThreads + kThreads - 1);
  ASSERT_FALSE(published.empty());
  EXPECT_TRUE(std::is_sorted(published.begin(), published.end()));
  EXPECT_EQ(std::adjacent_find(published.begin(), published.end()), published.end());
  EXPECT_EQ(published.back(), store.current()->version());
}

TEST(WriteFileAtomically, FollowsASymlinkAndKeepsIt) {
  TempDir dir;
  std::string target = dir.write("real/shardmap.toml", "old");
  std::filesystem::path link = dir.path() / "shardmap.toml";
  std::filesystem::create_symlink(target, link);
  AtomicWrite w = writeFileAtomically(link.string(), "new");
  EXPECT_TRUE(w.replaced);
  EXPECT_EQ(w.error, "");
  EXPECT_TRUE(std::filesystem::is_symlink(link));
  EXPECT_EQ(slurp(target), "new");
  EXPECT_EQ(filesIn(dir.path() / "real"), std::vector<std::string>{"shardmap.toml"});
}

TEST(WriteFileAtomically, CreatesAMissingFileWithMode0644) {
  TempDir dir;
  std::string path = (dir.path() / "new.toml").string();
  AtomicWrite w = writeFileAtomically(path, "text");
  EXPECT_TRUE(w.replaced);
  EXPECT_EQ(w.error, "");
  EXPECT_EQ(slurp(path), "text");
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0644u);
}

}  // namespace
}  // namespace sg::shardmap
