// The runtime's front: the public verbs over the planner, the executor and the version table.
#include "retort/runtime.hpp"

#include <sqlite3.h>

#include "executor.hpp"
#include "fingerprint.hpp"
#include "retort/detail/sqlite.hpp"
#include "version_table.hpp"

namespace retort {

std::vector<std::string> upgrade(sqlite3* db, const std::vector<Revision>& revisions,
                                 std::string_view target, const ProgressCallback& progress) {
  try {
    return detail::migrate(db, revisions, target, detail::plan_upgrade, progress);
  } catch (const MigrationError&) {
    throw;
  } catch (const Error& e) {  // a refusal whose advice names the database's file
    const char* file = sqlite3_db_filename(db, "main");
    throw Error(detail::name_database_file(e.what(), file ? file : ""));
  }
}

std::vector<std::string> downgrade(sqlite3* db, const std::vector<Revision>& revisions,
                                   std::string_view target, const ProgressCallback& progress) {
  return detail::migrate(db, revisions, target, detail::plan_downgrade, progress);
}

bool keeps_fingerprint(sqlite3* db) {
  sqlite3_busy_timeout(db, detail::kBusyTimeoutMs);
  return detail::owns_user_version(db, detail::read_applied(db));
}

void stamp(sqlite3* db, const std::vector<Revision>& revisions, std::string_view target) {
  const std::size_t count = detail::target_count(revisions, target, 0);
  sqlite3_busy_timeout(db, detail::kBusyTimeoutMs);
  detail::Transaction tx(db);
  detail::exec(db, detail::kVersionTableDdl);
  const bool keep_fingerprint = detail::owns_user_version(db, detail::read_applied(db));
  detail::exec(db, "DELETE FROM retort_migrations");
  for (std::size_t i = 0; i < count; ++i) {
    const Revision& r = revisions[i];
    detail::record(db, {detail::Step::kApply, r.id, r.foreign_keys_off, &r, {}}, {});
  }
  if (keep_fingerprint) {
    detail::exec(db, detail::set_user_version(detail::fingerprint_of(revisions, count)));
  }
  tx.commit();
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
