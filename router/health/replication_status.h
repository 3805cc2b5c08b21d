#pragma once
// Reads a replica's replication state from one row of SHOW SLAVE STATUS (MariaDB and MySQL
// 5.7), SHOW ALL SLAVES STATUS (MariaDB multi-source: one row per connection) or SHOW REPLICA
// STATUS (MySQL 8 column names). Pure: rows come in as column name → value (NULL = nullopt).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sg::health {

using StatusRow = std::map<std::string, std::optional<std::string>>;

struct ReplicationStatus {
  std::string connectionName;            // MariaDB multi-source; empty: the default one
  bool ioRunning = false;                // Slave_IO_Running / Replica_IO_Running is "Yes"
  bool sqlRunning = false;               // Slave_SQL_Running / Replica_SQL_Running is "Yes"
  std::string ioState;                   // the IO thread's Yes / No / Connecting / Preparing
  std::string lastError;                 // Last_IO_Error, else Last_SQL_Error, else Last_Error
  std::optional<int64_t> secondsBehind;  // Seconds_Behind_Master / _Source; nullopt = NULL

  bool running() const { return ioRunning && sqlRunning; }
};

// The status in one row; nullopt when the row has no IO/SQL thread columns.
std::optional<ReplicationStatus> parseReplicationStatus(const StatusRow& row);

// The status of the default connection (Connection_name empty) among the rows of one of the
// statements above, else of the first row; nullopt when there is no row (not a replica).
std::optional<ReplicationStatus> pickReplicationStatus(const std::vector<StatusRow>& rows);

}  // namespace sg::health
