// [[users]] password_hash: the mysql_native_password stored form "*<40 hex>" becomes the 20 raw
// bytes of SHA1(SHA1(password)); anything else is an error on its line.

#include <gtest/gtest.h>

#include "tests/unit/config/config_fixture.h"

namespace sg::config {
namespace {

// SHA1(SHA1("password")), i.e. PASSWORD('password') in MySQL 5.7 / MariaDB.
const std::string kPasswordStage2(
    "\x24\x70\xC0\xC0\x6D\xEE\x42\xFD\x16\x18\xBB\x99\x00\x5A\xDC\xA2\xEC\x9D\x1E\x19", 20);

// Lines: 1 shard_map, 2 [[users]], 3 name, 4 password_hash.
std::string withHash(std::string_view hash) {
  return kShardMapLine + "[[users]]\nname = \"u\"\npassword_hash = \"" + std::string(hash) +
         "\"\n" + kBackend;
}

using PasswordHash = ConfigTest;

TEST_F(PasswordHash, ParsesUpperAndLowerCaseHex) {
  const std::pair<std::string_view, std::string> cases[] = {
      {"*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19", kPasswordStage2},
      {"*2470c0c06dee42fd1618bb99005adca2ec9d1e19", kPasswordStage2},
      {"*0000000000000000000000000000000000000000", std::string(20, '\0')},
  };
  for (const auto& [hash, stage2] : cases) {
    Config c = parseValid(withHash(hash));
    ASSERT_EQ(c.users.size(), 1u) << hash;
    EXPECT_EQ(c.users[0].nativeStage2, stage2) << hash;
    EXPECT_EQ(c.users[0].password, std::nullopt) << hash;
  }
}

TEST_F(PasswordHash, RejectsMalformed) {
  const std::string_view cases[] = {
      "",                                            // not "no password": use password = ""
      "*",                                           //
      "2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19",    // no star
      "*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E1",    // 39 digits
      "*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E190",  // 41 digits
      "*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E1G",   // not hex
      "*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E1 ",   // trailing space
      "#2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19",   // wrong prefix
      "$A$005$abc",                                  // caching_sha2_password's form
  };
  for (auto hash : cases) {
    auto result = parse(withHash(hash));
    EXPECT_FALSE(result.config) << hash;
    ASSERT_EQ(result.errors.size(), 1u) << hash << "\n" << joinAll(result.errors);
    EXPECT_EQ(
        result.errors[0].rfind(configPath() + ":4: users[0].password_hash: expected \"*\" followed "
                                              "by 40 hex digits",
                               0),
        0u)
        << result.errors[0];
  }
}

}  // namespace
}  // namespace sg::config
