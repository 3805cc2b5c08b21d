#pragma once
// Decides whether a client may log in: the accounts from `[[users]]`, which plugin each uses,
// the caching_sha2_password fast-auth cache (as in MySQL, an account's first login after start
// goes through full authentication, later ones take the fast path), and the RSA key for full
// authentication over plain TCP. Shared by all threads; no networking here.

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "router/protocol/auth.h"

namespace sg::net {

struct Account {
  std::string name;
  std::optional<std::string> password;     // plaintext: works with both plugins
  std::optional<std::string> nativeStage2; // SHA1(SHA1(pw)): mysql_native_password only
};

class Authenticator {
 public:
  Authenticator(std::vector<Account> accounts, std::string defaultPlugin,
                std::unique_ptr<protocol::RsaKey> key);

  const Account* find(const std::string& user) const;
  // The plugin the server asks this account to use (caching_sha2 needs the plaintext password).
  std::string pluginFor(const Account* account) const;
  const std::string& defaultPlugin() const { return defaultPlugin_; }
  const protocol::RsaKey& rsaKey() const { return *key_; }

  bool verifyNative(const Account& a, const std::string& response, const std::string& scramble) const;
  bool verifySha2Scramble(const Account& a, const std::string& response,
                          const std::string& scramble) const;
  bool verifyPlaintext(const Account& a, const std::string& password) const;

  bool fastAuthCached(const std::string& user) const;
  void rememberFastAuth(const std::string& user);

 private:
  std::unordered_map<std::string, Account> accounts_;
  std::string defaultPlugin_;
  std::unique_ptr<protocol::RsaKey> key_;
  mutable std::mutex cacheMutex_;
  std::unordered_set<std::string> fastAuthCache_;
};

}  // namespace sg::net
