// Moving rows over libpq's COPY: a table's rows from SQLite into PostgreSQL (text format), and
// the checksum of what PostgreSQL then holds (read back in binary format).
#ifndef RETORT_RUNTIME_TRANSFER_COPY_HPP
#define RETORT_RUNTIME_TRANSFER_COPY_HPP

#include "transfer_plan.hpp"
#include "transfer_scan.hpp"

namespace retort::detail::transfer {

/// COPY of every row of `table` from `from` into `to`, inside the caller's transaction; the
/// values were checked (scan_table()). Returns the rows sent. Throws Error with the server's
/// message (the COPY is ended first, so the transaction can be rolled back).
std::int64_t copy_table(sqlite3* from, PGconn* to, const TablePlan& table, const RowTick& tick);

/// The row count and checksum of `table` as `to` holds it, from its rows read back through
/// COPY ... TO STDOUT in binary format (kOther columns as the server's text). Throws Error.
TableChecksum target_checksum(PGconn* to, const TablePlan& table, const RowTick& tick);

}  // namespace retort::detail::transfer

#endif  // RETORT_RUNTIME_TRANSFER_COPY_HPP
