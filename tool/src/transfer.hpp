// `retort transfer`: a SQLite database's rows into a PostgreSQL database, through the runtime's
// transfer(), with what it found and did printed.
#ifndef RETORT_TOOL_TRANSFER_HPP
#define RETORT_TOOL_TRANSFER_HPP

#include <iosfwd>
#include <string>

#include "retort/transfer.hpp"

namespace retort {

struct TransferRequest {
  std::string from;  ///< the SQLite file
  std::string to;    ///< a libpq connection string
  std::string dir = "migrations";
  bool dry_run = false;
};

/// Runs the transfer `request` names with the repository's revisions: prints each bad value
/// and each table's rows and checksums to `out`. Throws Error (exit 1) when refused, when a
/// value cannot be moved (a dry run too, after listing them all) or when the copy fails.
void run_transfer(const TransferRequest& request, std::ostream& out,
                  const TransferProgressCallback& progress);

}  // namespace retort

#endif  // RETORT_TOOL_TRANSFER_HPP
