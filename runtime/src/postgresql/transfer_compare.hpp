// Whether a SQLite database and a PostgreSQL database hold the same rows: per table, the row
// count and checksum of the transfer's canonical text on both sides (docs/transfer.md).
#ifndef RETORT_RUNTIME_TRANSFER_COMPARE_HPP
#define RETORT_RUNTIME_TRANSFER_COMPARE_HPP

#include <string>
#include <vector>

struct sqlite3;
typedef struct pg_conn PGconn;

namespace retort::detail::transfer {

/// Readable differences between the rows of `sqlite` and of `postgresql` (its current schema),
/// table by table, compared as the transfer compares them ("table 'posts': SQLite holds 3 rows
/// (checksum ...), PostgreSQL 2 (checksum ...)"); tables or columns that only one side has, and
/// SQLite values PostgreSQL's columns cannot hold, are differences too. Reads both inside
/// transactions it rolls back; writes nothing. Throws Error when a database cannot be read.
std::vector<std::string> compare_rows(sqlite3* sqlite, PGconn* postgresql);

}  // namespace retort::detail::transfer

#endif  // RETORT_RUNTIME_TRANSFER_COMPARE_HPP
