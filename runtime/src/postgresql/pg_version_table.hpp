// The version table `retort_migrations` on PostgreSQL: its only definition there, and every
// read and write of it.
#ifndef RETORT_RUNTIME_PG_VERSION_TABLE_HPP
#define RETORT_RUNTIME_PG_VERSION_TABLE_HPP

#include <string>
#include <vector>

#include "../plan.hpp"

typedef struct pg_conn PGconn;
typedef struct pg_result PGresult;

namespace retort::detail::pg {

/// CREATE TABLE IF NOT EXISTS retort_migrations (...) in the current schema.
extern const std::string kVersionTableDdl;
/// Adds the columns of revisions applied in part (phases_done, reverting, phase_sql) to a table
/// made without them; nothing (and no lock) when it has them.
extern const std::string kVersionTableColumns;

/// The applied revisions, oldest first; none when the table does not exist yet (outside a
/// transaction only: inside one, create the table first). Throws Error.
std::vector<AppliedRow> read_applied(PGconn* conn);

/// The statement that reads the rows of a table with the phase columns, and its result's rows:
/// a step's transaction reads them in the round trip that begins it.
extern const std::string kReadRows;
std::vector<AppliedRow> rows_of(const PGresult* result);

/// The statement that records what `step` did; record() runs it. Throws MigrationError naming
/// the step's revision.
std::string record_sql(const Step& step);
void record(PGconn* conn, const Step& step, const std::vector<std::string>& done);

/// Records that `phases_done` of the `phases` of `sql`, the section `step` runs, are done: the
/// row of a revision under way (phases_done, reverting, phase_sql), or the row of a revision
/// wholly applied (the phase columns NULL), or none once reverted. Throws MigrationError.
void record_phases(PGconn* conn, const Step& step, const std::string& sql, int phases_done,
                   int phases, const std::vector<std::string>& done);

/// The start-up fingerprint (fingerprint.hpp) of `rows`, kept as the version table's comment:
/// `COMMENT ON TABLE retort_migrations IS 'retort fingerprint N'`, written in the transaction
/// that changes the rows, so that an up-to-date start-up reads one catalog field. A revision
/// applied or reverted in part makes one that matches no program's revisions.
std::string fingerprint_sql(const std::vector<AppliedRow>& rows);
void write_fingerprint(PGconn* conn, const std::vector<AppliedRow>& rows);

/// Whether the database holds exactly the PostgreSQL revisions of `revisions` (all of them, the
/// ones before PostgreSQL's history starts left out), read from the fingerprint in one round
/// trip with the simple query protocol. False when the comment is missing or differs: the
/// caller reads the rows then. Throws Error.
bool fingerprint_at_head(PGconn* conn, const std::vector<Revision>& revisions);

/// The down script recorded when `revision` was applied. Throws MigrationError.
std::string stored_down_sql(PGconn* conn, const std::string& revision,
                            const std::vector<std::string>& done);

/// The rows of an offline script (psql): the insert of applied revision `r`, the delete of a
/// reverted one.
std::string insert_row_sql(const Revision& r);
std::string delete_row_sql(const std::string& revision);

}  // namespace retort::detail::pg

#endif  // RETORT_RUNTIME_PG_VERSION_TABLE_HPP
