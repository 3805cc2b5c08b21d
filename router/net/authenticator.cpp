#include "router/net/authenticator.h"

#include <openssl/crypto.h>

#include "router/protocol/constants.h"

namespace sg::net {

Authenticator::Authenticator(std::vector<Account> accounts, std::string defaultPlugin,
                             std::unique_ptr<protocol::RsaKey> key)
    : defaultPlugin_(std::move(defaultPlugin)), key_(std::move(key)) {
  for (auto& a : accounts) {
    std::string name = a.name;
    accounts_.emplace(std::move(name), std::move(a));
  }
}

const Account* Authenticator::find(const std::string& user) const {
  auto it = accounts_.find(user);
  return it == accounts_.end() ? nullptr : &it->second;
}

std::string Authenticator::pluginFor(const Account* account) const {
  if (account && !account->password && defaultPlugin_ == protocol::kCachingSha2Plugin) {
    return protocol::kNativePlugin;  // only the native hash is known
  }
  return defaultPlugin_;
}

bool Authenticator::verifyNative(const Account& a, const std::string& response,
                                 const std::string& scramble) const {
  std::string stage2 = a.nativeStage2 ? *a.nativeStage2 : protocol::nativeStage2(*a.password);
  if (a.password && a.password->empty()) return response.empty();
  if (response.empty()) return false;
  return protocol::nativeVerify(response, scramble.substr(0, 20), stage2);
}

bool Authenticator::verifySha2Scramble(const Account& a, const std::string& response,
                                       const std::string& scramble) const {
  if (!a.password) return false;
  if (a.password->empty()) return response.empty();
  return protocol::cachingSha2Verify(response, scramble.substr(0, 20), *a.password);
}

bool Authenticator::verifyPlaintext(const Account& a, const std::string& password) const {
  if (!a.password) return false;
  return a.password->size() == password.size() &&
         CRYPTO_memcmp(a.password->data(), password.data(), password.size()) == 0;
}

bool Authenticator::fastAuthCached(const std::string& user) const {
  std::lock_guard lock(cacheMutex_);
  return fastAuthCache_.count(user) > 0;
}

void Authenticator::rememberFastAuth(const std::string& user) {
  std::lock_guard lock(cacheMutex_);
  fastAuthCache_.insert(user);
}

}  // namespace sg::net
