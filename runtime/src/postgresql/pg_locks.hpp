// Who holds the lock a statement waited for on PostgreSQL, for the error after its last try.
#ifndef RETORT_RUNTIME_PG_LOCKS_HPP
#define RETORT_RUNTIME_PG_LOCKS_HPP

#include <string>

typedef struct pg_conn PGconn;

namespace retort::detail::pg {

/// The other session holding a lock on a table or index `statement` names, the longest in its
/// transaction first ("session 4711 holds AccessShareLock on users (idle in transaction for
/// 3.2 s: SELECT ...)"); else the oldest open transaction of the database; "" when none or when
/// the server cannot tell. Outside a transaction or in an open one, not an aborted one.
std::string lock_holder(PGconn* conn, const std::string& statement);

}  // namespace retort::detail::pg

#endif  // RETORT_RUNTIME_PG_LOCKS_HPP
