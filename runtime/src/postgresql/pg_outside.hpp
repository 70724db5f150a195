// Statements that run outside a transaction on PostgreSQL (CREATE and DROP INDEX CONCURRENTLY):
// what one has left in the database, and running one under the session's lock_timeout.
#ifndef RETORT_RUNTIME_PG_OUTSIDE_HPP
#define RETORT_RUNTIME_PG_OUTSIDE_HPP

#include <chrono>
#include <string>

#include "../backend.hpp"

typedef struct pg_conn PGconn;

namespace retort::detail::pg {

/// A concurrent index statement read from its text: which it is and the index it names.
struct IndexStatement {
  enum class Kind { kOther, kCreate, kDrop };
  Kind kind = Kind::kOther;
  std::string index;  ///< as PostgreSQL folds it (a bare name in lower case)
};

/// `CREATE [UNIQUE] INDEX CONCURRENTLY [IF NOT EXISTS] name ...` or
/// `DROP INDEX CONCURRENTLY [IF EXISTS] name`; kOther for any other statement.
IndexStatement index_statement(const std::string& statement);

/// Inside a transaction: whether `statement` is done (a created index is there and valid, a
/// dropped one gone), to be run (an INVALID index a failed build left counts as not built), or
/// unknown (any other statement). Throws Failure.
OutsideState outside_state(PGconn* conn, const std::string& statement);

/// Runs `statement` by itself outside any transaction, with the session's lock_timeout set to
/// `lock_timeout` and client_connection_check_interval to one second (so that a build whose
/// client died stops rather than goes on alone), both put back afterwards. First drops the
/// INVALID index a failed build of it left; drops the one its own failure leaves. Throws
/// Failure.
void run_outside(PGconn* conn, const std::string& statement,
                 std::chrono::milliseconds lock_timeout);

/// Whether the connection reaches the server through a pooler (PgBouncer): the server process
/// that answers is not the one libpq was told of when it connected. Throws Failure.
bool through_pooler(PGconn* conn);

}  // namespace retort::detail::pg

#endif  // RETORT_RUNTIME_PG_OUTSIDE_HPP
