#pragma once
// What a client session has set up that every backend connection it uses must share: the
// current schema and the session-scoped SET statements (character set, sql_mode, time_zone,
// autocommit, isolation level, user variables ...). A backend connection opened later in the
// session logs in with the schema and replays the SETs, in the order the client ran them, before
// its first statement.

#include <string>
#include <string_view>
#include <vector>

#include "router/sql/statement.h"

namespace sg::exec {

class SessionState {
 public:
  const std::string& schema() const { return schema_; }
  void setSchema(std::string schema) { schema_ = std::move(schema); }

  // Records a SET the session's first backend accepted. Returns false (nothing recorded) for a
  // SET that must not be replayed: global variables, `SET TRANSACTION` without SESSION (it
  // only concerns the next transaction), SET PASSWORD / ROLE / STATEMENT ... FOR.
  bool recordSet(const sql::Statement& stmt, std::string_view sqlText);

  // The statements to replay on a new backend connection, oldest first. A later SET of the same
  // variables replaces the earlier one, so the list stays as short as the session's settings.
  std::vector<std::string> replay() const;

  // COM_RESET_CONNECTION / COM_CHANGE_USER: the server forgets everything.
  void reset(std::string schema);

 private:
  struct Entry {
    std::string key;  // the variable names it sets, sorted and joined
    std::string sql;
  };
  std::string schema_;
  std::vector<Entry> sets_;
};

}  // namespace sg::exec
