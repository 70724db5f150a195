// Moves every row of a SQLite database into a PostgreSQL database at the same revision of the
// same migrations (docs/transfer.md). Part of Retort::postgresql.
#ifndef RETORT_TRANSFER_HPP
#define RETORT_TRANSFER_HPP

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "retort/error.hpp"
#include "retort/postgresql.hpp"
#include "retort/revision.hpp"
#include "retort/runtime.hpp"

struct sqlite3;

namespace retort {

/// A value of the SQLite database that its PostgreSQL column cannot hold, found before anything
/// is written.
struct BadValue {
  std::string table;
  std::string key;     ///< the row: "id=7", "post_id=1, tag_id=2", or "rowid=7" without a key
  std::string column;  ///< the column; for a foreign key, its columns joined by ", "
  std::string value;   ///< as SQLite holds it: 42, 1.5, 'text', x'00ff', NULL
  std::string reason;  ///< "text in a BIGINT column", "2 in a BOOLEAN column (...)"
  bool operator==(const BadValue& o) const {
    return table == o.table && key == o.key && column == o.column && value == o.value &&
           reason == o.reason;
  }
};

/// One table of a transfer, in the order it is copied (parents before children).
struct TransferredTable {
  std::string name;
  std::int64_t rows = 0;      ///< rows the SQLite table holds
  std::int64_t bad_rows = 0;  ///< of those, the rows holding at least one BadValue
  /// The checksum of the SQLite rows' canonical text (docs/transfer.md), 16 hex digits.
  std::string checksum;
  /// The same over the rows PostgreSQL holds after the copy; "" when nothing was copied.
  std::string target_checksum;
  /// The sequences (identity or serial) set past the copied keys, "column sequence" each.
  std::vector<std::string> sequences;
  /// The key the proven insert drew from the table's sequence (inside a savepoint rolled
  /// back); std::nullopt when the table has no sequence, or no row to insert a copy of.
  std::optional<std::int64_t> proven_key;
};

/// What a transfer did, or on a dry run would do.
struct TransferReport {
  std::string revision;  ///< the revision both databases are at
  bool dry_run = false;
  /// The target was empty: it was (or would be) upgraded to `revision` through the revisions'
  /// PostgreSQL sections first.
  bool creates_schema = false;
  std::vector<TransferredTable> tables;  ///< in the order of the copy
  std::vector<BadValue> bad_values;      ///< every one, table by table in that order
  /// What is not copied and why (a virtual table, whose rows PostgreSQL keeps otherwise).
  std::vector<std::string> notes;
  std::chrono::milliseconds check_time{0};   ///< reading SQLite: values and checksums
  std::chrono::milliseconds copy_time{0};    ///< the schema (if created), COPY, sequences
  std::chrono::milliseconds verify_time{0};  ///< PostgreSQL's checksums and the proven inserts

  std::int64_t rows() const;
  std::int64_t bad_rows() const;
};

/// Values the target cannot hold: nothing was written. report() lists every one.
class TransferError : public Error {
 public:
  TransferError(std::string message, TransferReport report)
      : Error(std::move(message)), report_(std::move(report)) {}
  const TransferReport& report() const { return report_; }

 private:
  TransferReport report_;
};

/// Where a running transfer is, for a progress display.
struct TransferProgress {
  enum class Phase {
    kChecking,   ///< reading a SQLite table: its values and checksum
    kCreating,   ///< the empty target upgraded: `revision`, step of steps
    kCopying,    ///< COPY of a table
    kVerifying,  ///< PostgreSQL's checksum of a table, then its proven insert
    kDone,       ///< finished, or failed: a display clears its line
  };
  Phase phase = Phase::kChecking;
  std::string table;
  std::string revision;  ///< kCreating: the revision being applied
  std::size_t step = 0;  ///< 1-based table (kCreating: revision) of `steps`
  std::size_t steps = 0;
  std::int64_t rows_done = 0;
  std::int64_t rows_total = 0;
};
/// Called on the transferring thread; it must use neither connection. Throwing from it stops
/// the transfer, which then leaves the target as it was.
using TransferProgressCallback = std::function<void(const TransferProgress&)>;

/// The line `retort transfer` draws for `p`: "retort: [2/5] copying "posts" 41000/100000 rows".
std::string transfer_progress_line(const TransferProgress& p, std::string_view prefix = "retort");

/// That line on stderr, redrawn in place, when stderr is a terminal; an empty callback when not.
TransferProgressCallback terminal_transfer_progress(std::string_view prefix = "retort");

struct TransferOptions {
  /// Check everything and report what would be copied, writing nothing anywhere.
  bool dry_run = false;
  TransferProgressCallback progress = {};
  /// For the upgrade of an empty target.
  PostgresqlOptions postgresql = {};
};

/// Copies every row of `from` into `to` (its current schema). Both must be at the same revision
/// of `revisions` (ids and checksums of their `retort_migrations`); an empty target is first
/// upgraded to it through the PostgreSQL sections. Every value is checked against its target
/// column before anything is written; then, in one transaction: the tables in foreign-key order
/// through COPY, each sequence set past the copied keys (and SQLite's AUTOINCREMENT counter),
/// each table's row count and checksum compared on both sides, and per table an insert without
/// the key proven inside a savepoint. `from` is only read, inside one read transaction.
/// Call it outside a transaction block on both connections.
/// Throws TransferError when values cannot be moved (nothing written; a dry run returns them in
/// its report instead), Error when refused (different revisions, a target holding rows, no
/// PostgreSQL sections, tables that differ) or when the copy or its proof fails; a failure
/// leaves the target as it was (an empty target upgraded by this call is downgraded to base).
TransferReport transfer(sqlite3* from, PGconn* to, const std::vector<Revision>& revisions,
                        const TransferOptions& options = {});

/// transfer() with the revisions embedded by add_migrations().
inline TransferReport transfer(sqlite3* from, PGconn* to, const TransferOptions& options = {}) {
  return transfer(from, to, embedded_revisions(), options);
}

}  // namespace retort

#endif  // RETORT_TRANSFER_HPP
