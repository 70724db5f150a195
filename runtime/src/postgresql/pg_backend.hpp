// The executor's PostgreSQL: transactions under a polled advisory lock and a lock_timeout,
// statements split as psql splits them, hooks watched through the catalog.
#ifndef RETORT_RUNTIME_PG_BACKEND_HPP
#define RETORT_RUNTIME_PG_BACKEND_HPP

#include "../backend.hpp"
#include "retort/detail/pg.hpp"
#include "retort/postgresql.hpp"

namespace retort::detail::pg {

/// A Backend over an open connection, which it does not own.
std::unique_ptr<Backend> postgresql_backend(PGconn* conn, const PostgresqlOptions& options);

/// The current schema's facts and those `create_sql` makes in a schema of its own, read under a
/// savepoint that is rolled back (inside a transaction); `error` when `create_sql` fails.
struct SchemaPair {
  LiveSchema expected, actual;
  LiveObjects expected_objects, actual_objects;
  std::string error;
};
SchemaPair read_in_savepoint(PGconn* conn, const std::string& create_sql);

/// What tells the current schema apart from the one `create_sql` makes, compared in a schema of
/// its own under a savepoint that is rolled back (inside a transaction).
std::vector<std::string> compared_in_savepoint(PGconn* conn, const std::string& create_sql);

/// The runner lock's keys for the connection's current schema, as "k1, k2" for
/// pg_try_advisory_xact_lock (one lock per schema of a database).
std::string runner_lock_keys(PGconn* conn);

}  // namespace retort::detail::pg

#endif  // RETORT_RUNTIME_PG_BACKEND_HPP
