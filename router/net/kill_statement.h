#pragma once
// Recognises `KILL [HARD | SOFT] [CONNECTION | QUERY] <id>`: the id is one of shardgate's
// connection ids (the client saw it in the greeting and CONNECTION_ID() is the backend's), so
// shardgate carries the statement out itself instead of forwarding it.

#include <cstdint>
#include <optional>
#include <string_view>

namespace sg::net {

struct KillStatement {
  bool queryOnly = false;  // KILL QUERY: stop the running statement, keep the connection
  uint64_t id = 0;
};

enum class KillParse : uint8_t {
  kNotKill,      // some other statement
  kKill,         // a KILL shardgate handles
  kUnsupported,  // KILL USER ..., KILL QUERY ID ..., or an id that is an expression
};

KillParse parseKill(std::string_view sql, KillStatement& out);

}  // namespace sg::net
