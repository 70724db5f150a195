// Reads and writes of `retort_migrations`.
#include "version_table.hpp"

#include <sqlite3.h>

#include "retort/detail/sqlite.hpp"
#include "retort/error.hpp"

namespace retort::detail {

const char* const kVersionTableDdl =
    "CREATE TABLE IF NOT EXISTS retort_migrations (\n"
    "  revision TEXT NOT NULL PRIMARY KEY,\n"
    "  parent TEXT,\n"
    "  checksum TEXT NOT NULL,\n"
    "  draft INTEGER NOT NULL DEFAULT 0,\n"
    "  foreign_keys_off INTEGER NOT NULL DEFAULT 0,\n"
    "  applied_at TEXT NOT NULL,\n"
    "  down_sql TEXT NOT NULL\n"
    ") WITHOUT ROWID";

namespace {

constexpr const char* kInsertColumns =
    "INSERT INTO retort_migrations (revision, parent, checksum, draft, foreign_keys_off, "
    "applied_at, down_sql) VALUES (";
constexpr const char* kNow = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

}  // namespace

std::vector<AppliedRow> read_applied(sqlite3* db) {
  sqlite3_stmt* raw = nullptr;
  const char* sql =
      "SELECT revision, checksum, draft, foreign_keys_off FROM retort_migrations "
      "ORDER BY revision";
  if (sqlite3_prepare_v2(db, sql, -1, &raw, nullptr) != SQLITE_OK) {
    const std::string message = sqlite3_errmsg(db);
    if (message.rfind("no such table", 0) == 0) return {};
    throw Error("cannot read retort_migrations: " + message);
  }
  const Statement statement(raw);
  std::vector<AppliedRow> rows;
  int rc;
  while ((rc = sqlite3_step(raw)) == SQLITE_ROW) {
    rows.push_back({column_text(raw, 0),
                    column_text(raw, 1),
                    sqlite3_column_int(raw, 2) != 0,
                    sqlite3_column_int(raw, 3) != 0,
                    {}});
  }
  if (rc != SQLITE_DONE) {
    throw Error(std::string("cannot read retort_migrations: ") + sqlite3_errmsg(db));
  }
  return rows;
}

void record(sqlite3* db, const Step& step, const std::vector<std::string>& done) {
  std::string sql;
  switch (step.kind) {
    case Step::kApply:
      sql = std::string(kInsertColumns) + "?1, ?2, ?3, ?4, ?5, " + kNow + ", ?6)";
      break;
    case Step::kRevert:
      sql = "DELETE FROM retort_migrations WHERE revision = ?1";
      break;
    case Step::kMarkSealed:
      sql = "UPDATE retort_migrations SET draft = 0 WHERE revision = ?1";
      break;
  }
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &raw, nullptr) != SQLITE_OK) {
    throw MigrationError(step.revision, sql, sqlite3_errmsg(db), done);
  }
  const Statement statement(raw);
  bind_text(raw, 1, step.revision);
  if (step.kind == Step::kApply) {
    const Revision& r = *step.up;
    bind_text(raw, 2, r.parent);
    bind_text(raw, 3, r.checksum);
    sqlite3_bind_int(raw, 4, r.draft ? 1 : 0);
    sqlite3_bind_int(raw, 5, r.foreign_keys_off ? 1 : 0);
    bind_text(raw, 6, r.down_sql);
  }
  if (sqlite3_step(raw) != SQLITE_DONE) {
    throw MigrationError(step.revision, sql, sqlite3_errmsg(db), done);
  }
}

std::string stored_down_sql(sqlite3* db, const std::string& revision,
                            const std::vector<std::string>& done) {
  const char* sql = "SELECT down_sql FROM retort_migrations WHERE revision = ?1";
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &raw, nullptr) != SQLITE_OK) {
    throw MigrationError(revision, sql, sqlite3_errmsg(db), done);
  }
  const Statement statement(raw);
  bind_text(raw, 1, revision);
  if (sqlite3_step(raw) != SQLITE_ROW) {
    throw MigrationError(revision, sql, "no recorded down script", done);
  }
  return column_text(raw, 0);
}

std::string insert_row_sql(const Revision& r) {
  return std::string(kInsertColumns) + sql_literal(r.id) + ", " + sql_literal(r.parent) + ", " +
         sql_literal(r.checksum) + ", " + (r.draft ? "1" : "0") + ", " +
         (r.foreign_keys_off ? "1" : "0") + ", " + kNow + ", " + sql_literal(r.down_sql) + ")";
}

std::string delete_row_sql(const std::string& revision) {
  return "DELETE FROM retort_migrations WHERE revision = " + sql_literal(revision);
}

}  // namespace retort::detail
