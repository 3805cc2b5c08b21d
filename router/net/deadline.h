#pragma once
// A time limit on a series of socket operations: when it passes, the socket is closed, which
// fails whatever operation is pending. Used for backend logins (connect_timeout_ms) and client
// logins (login_timeout_ms).

#include "router/net/asio_prelude.h"

#include <chrono>
#include <memory>

namespace sg::net {

// Closes the socket when the deadline passes, which fails whatever operation is pending.
class Deadline {
 public:
  Deadline(asio::any_io_executor ex, std::chrono::milliseconds after, tcp::socket& socket)
      : timer_(ex), state_(std::make_shared<State>()) {
    timer_.expires_after(after);
    timer_.async_wait([&socket, state = state_](const boost::system::error_code& ec) {
      if (ec || !state->armed) return;  // cancelled, or the work finished in time
      state->expired = true;
      boost::system::error_code ignored;
      socket.close(ignored);
    });
  }
  ~Deadline() {
    state_->armed = false;
    timer_.cancel();
  }
  bool expired() const { return state_->expired; }

 private:
  struct State {
    bool armed = true;
    bool expired = false;
  };
  asio::steady_timer timer_;
  std::shared_ptr<State> state_;
};

}  // namespace sg::net
