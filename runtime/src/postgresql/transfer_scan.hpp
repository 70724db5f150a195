// The check before anything is written: every SQLite row read once, each value against its
// target column, each foreign key against its parent; the row count and checksum of SQLite's
// side on the way.
#ifndef RETORT_RUNTIME_TRANSFER_SCAN_HPP
#define RETORT_RUNTIME_TRANSFER_SCAN_HPP

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "retort/transfer.hpp"
#include "transfer_plan.hpp"

namespace retort::detail::transfer {

/// Called with the rows read so far; may throw to stop.
using RowTick = std::function<void(std::int64_t rows_done)>;

/// What the check found in one table.
struct Scanned {
  TableChecksum checksum;
  std::set<std::string> bad_rows;  ///< the keys of rows holding a bad value
};

/// Reads every row of `table` from `from`: its values that the target cannot hold go to `bad`,
/// its canonical text to the checksum. Values of kOther columns are read by the server (`to`,
/// inside a transaction the caller rolls back; each batch under a savepoint). Throws Error.
Scanned scan_table(sqlite3* from, PGconn* to, const TablePlan& table, std::vector<BadValue>& bad,
                   const RowTick& tick);

/// The rows of `table` whose foreign key names no row of its parent (SQLite enforces foreign
/// keys only where the application turns them on), each a BadValue; their keys to `bad_rows`.
void scan_orphans(sqlite3* from, const TablePlan& table, std::vector<BadValue>& bad,
                  std::set<std::string>& bad_rows);

}  // namespace retort::detail::transfer

#endif  // RETORT_RUNTIME_TRANSFER_SCAN_HPP
