#pragma once
// GTID positions as servers report them, and the one question read-your-writes asks: has this
// replica applied everything up to that position of its master?
//
//   MariaDB: @@gtid_binlog_pos / @@gtid_slave_pos, "domain-server-seq" per replication domain,
//            comma-separated ("0-1-1042,1-7-33"). Within a domain sequence numbers only grow,
//            so a position covers another when it has every domain at an equal or higher seq.
//   MySQL:   @@gtid_executed, a GTID set "uuid:1-100:105-107,uuid2:1-5" (newlines allowed).
//            It covers another when the other is a subset.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sg::health {

class GtidPosition {
 public:
  // Parses either form; nullopt when the text is neither. An empty text is an empty position.
  static std::optional<GtidPosition> parse(std::string_view text);

  // Every transaction `other` names is in this position. A MariaDB position never covers a MySQL
  // set, nor the reverse.
  bool covers(const GtidPosition& other) const;
  bool empty() const { return domains_.empty() && sets_.empty(); }

 private:
  bool mysql_ = false;
  std::map<uint32_t, uint64_t> domains_;  // MariaDB: domain -> highest seq
  // MySQL: source uuid (lower case) -> sorted, merged closed intervals.
  std::map<std::string, std::vector<std::pair<uint64_t, uint64_t>>> sets_;
};

}  // namespace sg::health
