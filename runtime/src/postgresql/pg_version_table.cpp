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
                                     "  down_sql TEXT NOT NULL\n"
                                     ")";

namespace {

const std::string kInsert = std::string("INSERT INTO ") + kVersionTable +
                            " (revision, parent, checksum, draft, down_sql) VALUES ";

constexpr const char* kUndefinedTable = "42P01";

}  // namespace

std::vector<AppliedRow> read_applied(PGconn* conn) {
  std::vector<AppliedRow> rows;
  try {
    query_rows(conn,
               std::string("SELECT revision, checksum, draft FROM ") + kVersionTable +
                   " ORDER BY revision",
               [&rows](const std::vector<std::string>& r) {
                 rows.push_back({r[0], r[1], r[2] == "t", false, {}});
               });
  } catch (const Failure& f) {
    if (f.sqlstate() == kUndefinedTable) return {};
    throw Error(std::string("cannot read ") + kVersionTable + ": " + f.what());
  }
  return rows;
}

void record(PGconn* conn, const Step& step, const std::vector<std::string>& done) {
  std::string sql;
  std::vector<std::optional<std::string>> params = {step.revision};
  switch (step.kind) {
    case Step::kApply:
      sql = kInsert + "($1, $2, $3, $4, $5)";
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
         ", " + (r.draft ? "TRUE" : "FALSE") + ", " + literal(r.down_sql) + ")";
}

std::string delete_row_sql(const std::string& revision) {
  return std::string("DELETE FROM ") + kVersionTable + " WHERE revision = " + literal(revision);
}

}  // namespace retort::detail::pg
