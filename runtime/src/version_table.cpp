// Reads and writes of `retort_migrations`.
#include "version_table.hpp"

#include <sqlite3.h>

#include "fingerprint.hpp"
#include "retort/detail/sqlite.hpp"
#include "retort/error.hpp"
#include "sqlite_backend.hpp"

namespace retort::detail {

const std::string kVersionTableDdl = std::string("CREATE TABLE IF NOT EXISTS ") + kVersionTable +
                                     " (\n"
                                     "  revision TEXT NOT NULL PRIMARY KEY,\n"
                                     "  parent TEXT,\n"
                                     "  checksum TEXT NOT NULL,\n"
                                     "  draft INTEGER NOT NULL DEFAULT 0,\n"
                                     "  foreign_keys_off INTEGER NOT NULL DEFAULT 0,\n"
                                     "  applied_at TEXT NOT NULL,\n"
                                     "  down_sql TEXT NOT NULL\n"
                                     ") WITHOUT ROWID";

namespace {

const std::string kInsertColumns =
    std::string("INSERT INTO ") + kVersionTable +
    " (revision, parent, checksum, draft, foreign_keys_off, applied_at, down_sql) VALUES (";
constexpr const char* kNow = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

}  // namespace

std::vector<AppliedRow> read_applied(sqlite3* db) {
  const std::string sql = std::string("SELECT revision, checksum, draft, foreign_keys_off FROM ") +
                          kVersionTable + " ORDER BY revision";
  std::string message;
  const Statement statement = try_prepare(db, sql, message);
  if (!statement) {
    if (message.rfind("no such table", 0) == 0) return {};
    throw Error(std::string("cannot read ") + kVersionTable + ": " + message);
  }
  sqlite3_stmt* raw = statement.get();
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
    throw Error(std::string("cannot read ") + kVersionTable + ": " + sqlite3_errmsg(db));
  }
  return rows;
}

void record(sqlite3* db, const Step& step, const std::vector<std::string>& done) {
  std::string sql;
  switch (step.kind) {
    case Step::kApply:
      sql = kInsertColumns + "?1, ?2, ?3, ?4, ?5, " + kNow + ", ?6)";
      break;
    case Step::kRevert:
      sql = std::string("DELETE FROM ") + kVersionTable + " WHERE revision = ?1";
      break;
    case Step::kMarkSealed:
      sql = std::string("UPDATE ") + kVersionTable + " SET draft = 0 WHERE revision = ?1";
      break;
  }
  std::string error;
  const Statement statement = try_prepare(db, sql, error);
  if (!statement) throw MigrationError(step.revision, sql, error, done);
  sqlite3_stmt* raw = statement.get();
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
  const std::string sql =
      std::string("SELECT down_sql FROM ") + kVersionTable + " WHERE revision = ?1";
  std::string error;
  const Statement statement = try_prepare(db, sql, error);
  if (!statement) throw MigrationError(revision, sql, error, done);
  bind_text(statement.get(), 1, revision);
  if (sqlite3_step(statement.get()) != SQLITE_ROW) {
    throw MigrationError(revision, sql, "no recorded down script", done);
  }
  return column_text(statement.get(), 0);
}

std::string insert_row_sql(const Revision& r) {
  return kInsertColumns + sql_literal(r.id) + ", " + sql_literal(r.parent) + ", " +
         sql_literal(r.checksum) + ", " + (r.draft ? "1" : "0") + ", " +
         (r.foreign_keys_off ? "1" : "0") + ", " + kNow + ", " + sql_literal(r.down_sql) + ")";
}

std::string delete_row_sql(const std::string& revision) {
  return std::string("DELETE FROM ") + kVersionTable + " WHERE revision = " + sql_literal(revision);
}

void rewrite_applied(sqlite3* db, const std::vector<Revision>& revisions, std::size_t count) {
  const auto tx = begin_immediate(db);
  exec(db, kVersionTableDdl);
  const bool keep_fingerprint = owns_user_version(db, read_applied(db));
  exec(db, std::string("DELETE FROM ") + kVersionTable);
  for (std::size_t i = 0; i < count; ++i) {
    const Revision& r = revisions[i];
    record(db, {Step::kApply, r.id, r.foreign_keys_off, &r, {}}, {});
  }
  if (keep_fingerprint) exec(db, set_user_version(fingerprint_of(revisions, count)));
  tx->commit();
}

}  // namespace retort::detail
