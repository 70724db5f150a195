// The runtime's front on SQLite: the public verbs over the executor and the version table.
#include "retort/runtime.hpp"

#include <sqlite3.h>

#include "executor.hpp"
#include "fingerprint.hpp"
#include "retort/detail/sqlite.hpp"
#include "sqlite_backend.hpp"
#include "version_table.hpp"

namespace retort {
namespace {

// The revisions SQLite runs: every one must have SQLite's sections (checked without a copy,
// on the start-up path).
const std::vector<Revision>& for_sqlite(const std::vector<Revision>& revisions) {
  for (const Revision& r : revisions) {
    if (!r.has_sqlite) dialect_revisions(revisions, kSqlite);  // throws, naming it
  }
  return revisions;
}

std::vector<std::string> run(sqlite3* db, const std::vector<Revision>& revisions,
                             std::string_view target, detail::Direction direction,
                             const ProgressCallback& progress) {
  const std::unique_ptr<detail::Backend> backend = detail::sqlite_backend(db);
  return detail::migrate(*backend, for_sqlite(revisions), target, direction, progress);
}

}  // namespace

std::vector<std::string> upgrade(sqlite3* db, const std::vector<Revision>& revisions,
                                 std::string_view target, const ProgressCallback& progress) {
  try {
    return run(db, revisions, target, detail::Direction::kUp, progress);
  } catch (const MigrationError&) {
    throw;
  } catch (const Error& e) {  // a refusal whose advice names the database's file
    const char* file = sqlite3_db_filename(db, "main");
    throw Error(detail::name_database_file(e.what(), file ? file : ""));
  }
}

std::vector<std::string> downgrade(sqlite3* db, const std::vector<Revision>& revisions,
                                   std::string_view target, const ProgressCallback& progress) {
  return run(db, revisions, target, detail::Direction::kDown, progress);
}

bool keeps_fingerprint(sqlite3* db) {
  sqlite3_busy_timeout(db, detail::kBusyTimeoutMs);
  return detail::owns_user_version(db, detail::read_applied(db));
}

void stamp(sqlite3* db, const std::vector<Revision>& revisions, std::string_view target) {
  const std::size_t count = detail::target_count(for_sqlite(revisions), target, 0);
  sqlite3_busy_timeout(db, detail::kBusyTimeoutMs);
  detail::rewrite_applied(db, revisions, count);
}

std::optional<std::string> current(sqlite3* db) {
  const std::vector<detail::AppliedRow> rows = detail::read_applied(db);
  if (rows.empty()) return std::nullopt;
  return rows.back().revision;
}

std::vector<std::string> upgrade(const std::filesystem::path& path,
                                 const std::vector<Revision>& revisions, std::string_view target,
                                 const ProgressCallback& progress) {
  const detail::Db db = detail::open_db(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  return upgrade(db.get(), revisions, target, progress);
}

std::vector<std::string> downgrade(const std::filesystem::path& path,
                                   const std::vector<Revision>& revisions, std::string_view target,
                                   const ProgressCallback& progress) {
  const detail::Db db = detail::open_db(path, SQLITE_OPEN_READWRITE);
  return downgrade(db.get(), revisions, target, progress);
}

std::optional<std::string> current(const std::filesystem::path& path) {
  const detail::Db db = detail::open_db(path, SQLITE_OPEN_READONLY);
  // Another process may be committing a revision: wait for it as upgrade() does.
  sqlite3_busy_timeout(db.get(), detail::kBusyTimeoutMs);
  return current(db.get());
}

bool keeps_fingerprint(const std::filesystem::path& path) {
  const detail::Db db = detail::open_db(path, SQLITE_OPEN_READONLY);
  return keeps_fingerprint(db.get());
}

}  // namespace retort
