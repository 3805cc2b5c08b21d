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

// Returns nullptr and sets `error` when the files cannot be used.
std::shared_ptr<boost::asio::ssl::context> makeServerTlsContext(const std::string& certFile,
                                                                const std::string& keyFile,
                                                                std::string& error);

}  // namespace sg::net
