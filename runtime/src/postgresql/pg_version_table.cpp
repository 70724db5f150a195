// Reads and writes of `retort_migrations` on PostgreSQL.
#include "pg_version_table.hpp"

#include <libpq-fe.h>

#include "retort/detail/pg.hpp"

namespace retort::detail::pg {

const std::string kVersionTableDdl = std::string("CREATE TABLE IF NOT EXISTS ") + kVersionTable +
                                     " (\n"
                                     "  revision TEXT NOT NULL PRIMARY KEY,\n"
                                     "  parent TEXT,\n"
                                     "  checksum TEXT NOT NULL,\n"
                                     "  draft BOOLEAN NOT NULL DEFAULT FALSE,\n"
                                     "  applied_at TIMESTAMPTZ NOT NULL DEFAULT now(),\n"
                                     "  down_sql TEXT NOT NULL,\n"
                                     "  phases_done INTEGER,\n"
                                     "  reverting BOOLEAN NOT NULL DEFAULT FALSE,\n"
                                     "  phase_sql TEXT\n"
                                     ")";

// A table created before revisions had phases gets their columns; the lock is taken only then.
const std::string kVersionTableColumns =
    std::string("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = '") +
    kVersionTable + "'::regclass AND attname = 'phases_done') THEN ALTER TABLE " + kVersionTable +
    " ADD COLUMN phases_done INTEGER, ADD COLUMN reverting BOOLEAN NOT NULL DEFAULT FALSE, "
    "ADD COLUMN phase_sql TEXT; END IF; END $$";

namespace {

const std::string kInsert = std::string("INSERT INTO ") + kVersionTable +
                            " (revision, parent, checksum, draft, down_sql, phases_done, "
                            "reverting, phase_sql) VALUES ";

constexpr const char* kUndefinedTable = "42P01";
constexpr const char* kUndefinedColumn = "42703";

// The rows, with what a revision applied in part left (phases_done is NULL once it is whole).
std::vector<AppliedRow> read_rows(PGconn* conn, bool with_phases) {
  std::vector<AppliedRow> rows;
  const std::string phases = with_phases ? ", phases_done, reverting, phase_sql" : "";
  query_rows(
      conn,
      "SELECT revision, checksum, draft" + phases + " FROM " + kVersionTable + " ORDER BY revision",
      [&rows, with_phases](const std::vector<std::string>& r) {
        rows.push_back({r[0], r[1], r[2] == "t", false, {}});
        if (with_phases && r[3] != "NULL") {
          rows.back().partial = Partial{r[4] == "t", std::stoi(r[3]), r[5]};
        }
      });
  return rows;
}

}  // namespace

std::vector<AppliedRow> read_applied(PGconn* conn) {
  try {
    try {
      return read_rows(conn, true);
    } catch (const Failure& f) {
      if (f.sqlstate() != kUndefinedColumn) throw;
      return read_rows(conn, false);  // made before phases; the next migration adds them
    }
  } catch (const Failure& f) {
    if (f.sqlstate() == kUndefinedTable) return {};
    throw Error(std::string("cannot read ") + kVersionTable + ": " + f.what());
  }
}

void record(PGconn* conn, const Step& step, const std::vector<std::string>& done) {
  std::string sql;
  std::vector<std::optional<std::string>> params = {step.revision};
  switch (step.kind) {
    case Step::kApply:
      sql = kInsert + "($1, $2, $3, $4, $5, NULL, FALSE, NULL)";
      params.push_back(step.up->parent);
      params.push_back(step.up->checksum);
      params.push_back(step.up->draft ? "true" : "false");
      params.push_back(step.up->down_sql);
      break;
    case Step::kRevert:
      sql = std::string("DELETE FROM ") + kVersionTable + " WHERE revision = $1";
      break;
    case Step::kMarkSealed:
      sql = std::string("UPDATE ") + kVersionTable + " SET draft = FALSE WHERE revision = $1";
      break;
  }
  try {
    exec(conn, sql, params);
  } catch (const Failure& f) {
    throw MigrationError(step.revision, sql, f.what(), done);
  }
}

void record_phases(PGconn* conn, const Step& step, const std::string& sql, int phases_done,
                   int phases, const std::vector<std::string>& done) {
  const bool whole = phases_done == phases;
  std::string statement;
  std::vector<std::optional<std::string>> params = {step.revision};
  if (step.kind == Step::kRevert) {
    statement = whole ? "DELETE FROM " + std::string(kVersionTable) + " WHERE revision = $1"
                      : "UPDATE " + std::string(kVersionTable) +
                            " SET reverting = TRUE, phases_done = $2, phase_sql = $3 "
                            "WHERE revision = $1";
    if (!whole) params.insert(params.end(), {std::to_string(phases_done), sql});
  } else {
    // The row goes in with the first phase and stays: the others update it.
    statement = kInsert +
                "($1, $2, $3, $4, $5, $6, FALSE, $7) ON CONFLICT (revision) DO UPDATE SET "
                "phases_done = EXCLUDED.phases_done, phase_sql = EXCLUDED.phase_sql";
    params.insert(params.end(), {step.up->parent, step.up->checksum,
                                 step.up->draft ? "true" : "false", step.up->down_sql});
    params.push_back(whole ? std::nullopt
                           : std::optional<std::string>(std::to_string(phases_done)));
    params.push_back(whole ? std::nullopt : std::optional<std::string>(sql));
  }
  try {
    exec(conn, statement, params);
  } catch (const Failure& f) {
    throw MigrationError(step.revision, statement, f.what(), done);
  }
}

std::string stored_down_sql(PGconn* conn, const std::string& revision,
                            const std::vector<std::string>& done) {
  const std::string sql =
      std::string("SELECT down_sql FROM ") + kVersionTable + " WHERE revision = $1";
  try {
    const Result result = exec(conn, sql, {revision});
    if (PQntuples(result.get()) == 0) {
      throw MigrationError(revision, sql, "no recorded down script", done);
    }
    return value(result.get(), 0, 0);
  } catch (const Failure& f) {
    throw MigrationError(revision, sql, f.what(), done);
  }
}

std::string insert_row_sql(const Revision& r) {
  return kInsert + "(" + literal(r.id) + ", " + literal(r.parent) + ", " + literal(r.checksum) +
         ", " + (r.draft ? "TRUE" : "FALSE") + ", " + literal(r.down_sql) + ", NULL, FALSE, NULL)";
}

std::string delete_row_sql(const std::string& revision) {
  return std::string("DELETE FROM ") + kVersionTable + " WHERE revision = " + literal(revision);
}

}  // namespace retort::detail::pg
