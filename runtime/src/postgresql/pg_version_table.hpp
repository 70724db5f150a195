// The version table `retort_migrations` on PostgreSQL: its only definition there, and every
// read and write of it.
#ifndef RETORT_RUNTIME_PG_VERSION_TABLE_HPP
#define RETORT_RUNTIME_PG_VERSION_TABLE_HPP

#include <string>
#include <vector>

#include "../plan.hpp"

typedef struct pg_conn PGconn;

namespace retort::detail::pg {

/// CREATE TABLE IF NOT EXISTS retort_migrations (...) in the current schema.
extern const std::string kVersionTableDdl;
/// Adds the columns of revisions applied in part (phases_done, reverting, phase_sql) to a table
/// made without them; nothing (and no lock) when it has them.
extern const std::string kVersionTableColumns;

/// The applied revisions, oldest first; none when the table does not exist yet (outside a
/// transaction only: inside one, create the table first). Throws Error.
std::vector<AppliedRow> read_applied(PGconn* conn);

/// Records what `step` did. Throws MigrationError naming the step's revision.
void record(PGconn* conn, const Step& step, const std::vector<std::string>& done);

/// Records that `phases_done` of the `phases` of `sql`, the section `step` runs, are done: the
/// row of a revision under way (phases_done, reverting, phase_sql), or the row of a revision
/// wholly applied (the phase columns NULL), or none once reverted. Throws MigrationError.
void record_phases(PGconn* conn, const Step& step, const std::string& sql, int phases_done,
                   int phases, const std::vector<std::string>& done);

/// The down script recorded when `revision` was applied. Throws MigrationError.
std::string stored_down_sql(PGconn* conn, const std::string& revision,
                            const std::vector<std::string>& done);

/// The rows of an offline script (psql): the insert of applied revision `r`, the delete of a
/// reverted one.
std::string insert_row_sql(const Revision& r);
std::string delete_row_sql(const std::string& revision);

}  // namespace retort::detail::pg

#endif  // RETORT_RUNTIME_PG_VERSION_TABLE_HPP
