// The executor's SQLite: BEGIN IMMEDIATE transactions, foreign keys switched around rebuilds,
// copy progress, the start-up fingerprint in PRAGMA user_version.
#ifndef RETORT_RUNTIME_SQLITE_BACKEND_HPP
#define RETORT_RUNTIME_SQLITE_BACKEND_HPP

#include "backend.hpp"

struct sqlite3;

namespace retort::detail {

/// Long enough for another process's rebuild of a large table.
constexpr int kBusyTimeoutMs = 60000;

/// A Backend over an open connection, which it does not own. Sets a busy timeout of
/// kBusyTimeoutMs on it, so that a process waits for another that is migrating.
std::unique_ptr<Backend> sqlite_backend(sqlite3* db);

/// BEGIN IMMEDIATE takes the write lock at once, so a second process waits (busy timeout)
/// instead of failing when it would upgrade a read lock. Rolled back unless committed.
std::unique_ptr<Held> begin_immediate(sqlite3* db);

}  // namespace retort::detail

#endif  // RETORT_RUNTIME_SQLITE_BACKEND_HPP
