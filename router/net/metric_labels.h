#pragma once
// How the data path's events map onto the metrics' fixed label sets (router/admin/metrics.h).

#include "router/admin/metrics.h"
#include "router/plan/plan.h"
#include "router/sql/statement.h"

namespace sg::net {

inline admin::StatementKind statementKindOf(sql::StatementType type) {
  using T = sql::StatementType;
  switch (type) {
    case T::kSelect:
      return admin::StatementKind::kSelect;
    case T::kInsert:
    case T::kReplace:
      return admin::StatementKind::kInsert;
    case T::kUpdate:
      return admin::StatementKind::kUpdate;
    case T::kDelete:
      return admin::StatementKind::kDelete;
    default:
      return admin::StatementKind::kOther;
  }
}

inline admin::Route routeOf(plan::RouteKind kind) {
  switch (kind) {
    case plan::RouteKind::kSingle:
      return admin::Route::kSingle;
    case plan::RouteKind::kMulti:
      return admin::Route::kMulti;
    case plan::RouteKind::kScatter:
      return admin::Route::kScatter;
    case plan::RouteKind::kBroadcast:
      return admin::Route::kBroadcast;
    case plan::RouteKind::kReject:
      break;
  }
  return admin::Route::kRejected;
}

// An ERR shardgate itself sent a client, by its code: login refused (auth), a client breaking
// the protocol, a server unreachable or lost (backend), a timeout, or a statement shardgate
// would not route (everything else it says no to: 1235, 1064, 1175, 1526, 1105, 1402, ...).
inline admin::ErrorKind errorKindOf(uint16_t code, bool timedOut) {
  if (timedOut) return admin::ErrorKind::kTimeout;
  switch (code) {
    case 1040:  // too many connections: the login is refused
    case 1044:  // access denied to a database
    case 1045:  // access denied
    case 1251:  // auth mode not supported
      return admin::ErrorKind::kAuth;
    case 1047:  // unknown command
    case 1153:  // packet too large
    case 1156:  // packets out of order
    case 1158:  // read error
    case 1160:  // write error
    case 1243:  // unknown prepared statement
    case 1835:  // malformed packet
      return admin::ErrorKind::kProtocol;
    case 2003:  // server unavailable
    case 2006:  // server gone
    case 2013:  // lost connection
      return admin::ErrorKind::kBackend;
    default:
      return admin::ErrorKind::kRouting;
  }
}

}  // namespace sg::net
