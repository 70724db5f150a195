// compare_rows(): the transfer's checksums of two databases, without a transfer.
#include "transfer_compare.hpp"

#include "retort/detail/pg.hpp"
#include "retort/detail/sqlite.hpp"
#include "transfer_copy.hpp"
#include "transfer_scan.hpp"

namespace retort::detail::transfer {

std::vector<std::string> compare_rows(sqlite3* sqlite, PGconn* postgresql) {
  std::vector<std::string> out;
  detail::exec(sqlite, "BEGIN");
  pg::exec(postgresql, "BEGIN");
  try {
    pg::exec(postgresql, "SET LOCAL client_encoding = 'UTF8'");
    const Plan plan = plan_tables(sqlite, postgresql, &out);
    for (const TablePlan& table : plan.tables) {
      std::vector<BadValue> bad;
      const Scanned source = scan_table(sqlite, postgresql, table, bad, {});
      for (const BadValue& b : bad) {
        out.push_back("table '" + b.table + "', row " + b.key + ", column '" + b.column +
                      "': " + b.value + " (" + b.reason + ")");
      }
      const TableChecksum target = target_checksum(postgresql, table, {});
      if (source.checksum.rows() != target.rows() || source.checksum.hex() != target.hex()) {
        out.push_back("table '" + table.name + "': SQLite holds " +
                      std::to_string(source.checksum.rows()) + " rows (checksum " +
                      source.checksum.hex() + "), PostgreSQL " + std::to_string(target.rows()) +
                      " (checksum " + target.hex() + ")");
      }
    }
  } catch (...) {
    pg::try_exec(postgresql, "ROLLBACK");
    detail::try_exec(sqlite, "ROLLBACK");
    throw;
  }
  pg::try_exec(postgresql, "ROLLBACK");
  detail::try_exec(sqlite, "ROLLBACK");
  return out;
}

}  // namespace retort::detail::transfer
