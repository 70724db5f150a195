// Reads and writes of `retort_migrations` on PostgreSQL.
#include "pg_version_table.hpp"

#include <libpq-fe.h>

#include <algorithm>
#include <string_view>

#include "../fingerprint.hpp"
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
  if (with_phases) return rows_of(exec(conn, kReadRows).get());
  std::vector<AppliedRow> rows;
  query_rows(
      conn,
      std::string("SELECT revision, checksum, draft FROM ") + kVersionTable + " ORDER BY revision",
      [&rows](const std::vector<std::string>& r) {
        rows.push_back({r[0], r[1], r[2] == "t", false, {}});
      });
  return rows;
}

std::string fingerprint_comment(std::int32_t value) {
  return "retort fingerprint " + std::to_string(value);
}

}  // namespace

const std::string kReadRows =
    std::string("SELECT revision, checksum, draft, phases_done, reverting, phase_sql FROM ") +
    kVersionTable + " ORDER BY revision";

std::vector<AppliedRow> rows_of(const PGresult* result) {
  std::vector<AppliedRow> rows;
  for (int i = 0; i < PQntuples(result); ++i) {
    rows.push_back({PQgetvalue(result, i, 0),
                    PQgetvalue(result, i, 1),
                    std::string_view(PQgetvalue(result, i, 2)) == "t",
                    false,
                    {}});
    if (!PQgetisnull(result, i, 3)) {
      rows.back().partial = Partial{std::string_view(PQgetvalue(result, i, 4)) == "t",
                                    std::stoi(PQgetvalue(result, i, 3)), value(result, i, 5)};
    }
  }
  return rows;
}

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

std::string record_sql(const Step& step) {
  switch (step.kind) {
    case Step::kApply:
      return insert_row_sql(*step.up);
    case Step::kRevert:
      return delete_row_sql(step.revision);
    case Step::kMarkSealed:
      break;
  }
  return std::string("UPDATE ") + kVersionTable +
         " SET draft = FALSE WHERE revision = " + literal(step.revision);
}

void record(PGconn* conn, const Step& step, const std::vector<std::string>& done) {
  const std::string sql = record_sql(step);
  try {
    exec(conn, sql);
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

std::string fingerprint_sql(const std::vector<AppliedRow>& rows) {
  // A revision under way counts with its phase, so that no program's revisions match it: every
  // start-up then reads the rows and finishes it.
  std::vector<AppliedRow> counted = rows;
  for (AppliedRow& r : counted) {
    if (r.partial) {
      r.checksum += (r.partial->reverting ? " reverting " : " applying ") +
                    std::to_string(r.partial->phases_done);
    }
  }
  return std::string("COMMENT ON TABLE ") + kVersionTable + " IS " +
         literal(fingerprint_comment(fingerprint_of(counted)));
}

void write_fingerprint(PGconn* conn, const std::vector<AppliedRow>& rows) {
  exec(conn, fingerprint_sql(rows));
}

bool fingerprint_at_head(PGconn* conn, const std::vector<Revision>& revisions) {
  // The ids, checksums and drafts of the PostgreSQL revisions; copied only when some revisions
  // come before PostgreSQL's history starts.
  std::int32_t expected = 0;
  if (std::all_of(revisions.begin(), revisions.end(),
                  [](const Revision& r) { return r.sections(kPostgresql) != nullptr; })) {
    expected = fingerprint_of(revisions, revisions.size());
  } else {
    std::vector<AppliedRow> rows;
    for (const Revision& r : revisions) {
      if (r.sections(kPostgresql)) rows.push_back({r.id, r.checksum, r.draft, false, {}});
    }
    expected = fingerprint_of(rows);
  }
  if (expected == 0) return false;
  // A statement prepared once a connection (named retort_at_head), so that each start-up is one
  // round trip without planning; prepared again when the session lost it (DISCARD ALL).
  static const std::string kRead =
      std::string(
          "SELECT description FROM pg_catalog.pg_description WHERE objoid = "
          "pg_catalog.to_regclass(") +
      literal(kVersionTable) +
      ") AND classoid = 'pg_catalog.pg_class'::pg_catalog.regclass AND objsubid = 0";
  constexpr const char* kName = "retort_at_head";
  Result result(PQexecPrepared(conn, kName, 0, nullptr, nullptr, nullptr, 0));
  if (PQresultStatus(result.get()) != PGRES_TUPLES_OK) {
    const char* state = PQresultErrorField(result.get(), PG_DIAG_SQLSTATE);
    if (!state || std::string_view(state) != "26000") return false;  // the slow path names it
    if (PQresultStatus(Result(PQprepare(conn, kName, kRead.c_str(), 0, nullptr)).get()) !=
        PGRES_COMMAND_OK) {
      return false;
    }
    result.reset(PQexecPrepared(conn, kName, 0, nullptr, nullptr, nullptr, 0));
  }
  return PQresultStatus(result.get()) == PGRES_TUPLES_OK && PQntuples(result.get()) == 1 &&
         fingerprint_comment(expected) == PQgetvalue(result.get(), 0, 0);
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
