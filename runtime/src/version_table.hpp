// The version table `retort_migrations`: its only definition, and every read and write of it.
#ifndef RETORT_RUNTIME_VERSION_TABLE_HPP
#define RETORT_RUNTIME_VERSION_TABLE_HPP

#include <string>
#include <vector>

#include "plan.hpp"

struct sqlite3;

namespace retort::detail {

/// CREATE TABLE IF NOT EXISTS retort_migrations (...): the table's only definition on SQLite.
extern const std::string kVersionTableDdl;

/// The applied revisions, oldest first; none when the table does not exist yet. The down
/// scripts, the bulk of the table, are left out: start-up reads them only to revert. Throws Error.
std::vector<AppliedRow> read_applied(sqlite3* db);

/// Records what `step` did: inserts the applied revision's row, deletes a reverted one's, or
/// marks an applied draft sealed. Throws MigrationError naming the step's revision.
void record(sqlite3* db, const Step& step, const std::vector<std::string>& done);

/// The down script recorded when `revision` was applied. Throws MigrationError.
std::string stored_down_sql(sqlite3* db, const std::string& revision,
                            const std::vector<std::string>& done);

/// record() as literal SQL for an offline script: the row of applied revision `r`...
std::string insert_row_sql(const Revision& r);
/// ... and the removal of a reverted revision's row.
std::string delete_row_sql(const std::string& revision);

/// `retort stamp`: replaces every row with those of the first `count` of `revisions`, as if
/// they had been applied, in one transaction (the start-up fingerprint follows). Throws Error.
void rewrite_applied(sqlite3* db, const std::vector<Revision>& revisions, std::size_t count);

}  // namespace retort::detail

#endif  // RETORT_RUNTIME_VERSION_TABLE_HPP
