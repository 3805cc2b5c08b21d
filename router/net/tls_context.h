#pragma once
// The TLS context for client connections. Like MySQL 8, shardgate offers TLS on its MySQL port:
// with the configured certificate and key, or with a self-signed certificate it generates at
// start when none is configured.

#include <memory>
#include <string>

namespace boost::asio::ssl {
class context;
}

namespace sg::net {

// With certFile/keyFile empty, a self-signed certificate is made for `key` (an EVP_PKEY*, e.g.
// RsaKey::nativeHandle(): the caching_sha2_password key serves TLS too). Returns nullptr and sets
// `error` when the files cannot be used.
std::shared_ptr<boost::asio::ssl::context> makeServerTlsContext(const std::string& certFile,
                                                                const std::string& keyFile,
                                                                void* key, std::string& error);

}  // namespace sg::net
