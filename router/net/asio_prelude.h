#pragma once
// Included first by every networking file (and used as the precompiled header of sg_net).
// Boost 1.74's awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include <boost/asio.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace sg::net {
namespace asio = boost::asio;
using asio::awaitable;
using tcp = asio::ip::tcp;
}  // namespace sg::net
