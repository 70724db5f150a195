// Applies an application's revisions to its SQLite database: upgrade, downgrade, current.
#ifndef RETORT_RUNTIME_HPP
#define RETORT_RUNTIME_HPP

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "retort/error.hpp"
#include "retort/progress.hpp"
#include "retort/revision.hpp"

struct sqlite3;

namespace retort {

/// The revisions that add_migrations() compiled into this program. Defined by the source file
/// add_migrations() generates; a program that did not call it gets a link error here.
const std::vector<Revision>& embedded_revisions();

/// Upgrades `db` to `target`: "head" (the newest), a revision id, or "+N" (N steps up).
/// Each revision runs in one BEGIN IMMEDIATE transaction with its row in `retort_migrations`.
/// Sets a busy timeout of 60 s on `db`, so that processes starting at once wait for each other.
/// Up to date costs one read and no write: to "head", the read of PRAGMA user_version, where
/// each transaction leaves the fingerprint of the applied revisions (ids, checksums, drafts)
/// unless the application uses that field itself (docs/start-up.md); otherwise one SELECT.
/// Returns the ids applied, in order, each once: an applied draft that changed is reverted
/// first (with its stored down script; a line on stderr says which tables and columns holding
/// rows that drops) and then applied again.
/// Throws Error on an unknown target, a database ahead of `revisions`, or a sealed revision
/// changed after it was applied (nothing is changed then); MigrationError when a revision fails.
std::vector<std::string> upgrade(sqlite3* db, const std::vector<Revision>& revisions,
                                 std::string_view target = "head",
                                 const ProgressCallback& progress = {});

/// Downgrades `db` to `target`: "-N" (N steps back), a revision id (it stays applied), or "base".
/// Uses the down script stored when each revision was applied. Returns the ids reverted.
std::vector<std::string> downgrade(sqlite3* db, const std::vector<Revision>& revisions,
                                   std::string_view target = "-1",
                                   const ProgressCallback& progress = {});

/// The SQL upgrade() would run to take a database at revision `from` (std::nullopt: base) to
/// `target`, as one script for the sqlite3 shell (Alembic's offline `--sql` mode): per revision,
/// `PRAGMA foreign_keys = OFF` around it when it says so, `BEGIN IMMEDIATE`, its Up section,
/// its `retort_migrations` row, the start-up fingerprint when `keep_fingerprint` (pass
/// keeps_fingerprint() of the database the script is for), `COMMIT`. Runs nothing. Throws
/// Error on a bad target.
std::string upgrade_sql(const std::vector<Revision>& revisions,
                        const std::optional<std::string>& from, std::string_view target,
                        bool keep_fingerprint = true);
/// The same for downgrade(), with each revision's Down section and the removal of its row.
std::string downgrade_sql(const std::vector<Revision>& revisions,
                          const std::optional<std::string>& from, std::string_view target,
                          bool keep_fingerprint = true);

/// Whether Retort keeps its start-up fingerprint in `db`'s PRAGMA user_version: the field is 0
/// or holds the fingerprint of the revisions applied, rather than a value the application set.
bool keeps_fingerprint(sqlite3* db);

/// Records `db` as being at `target` (a revision id or "base", "head") without running any
/// revision's SQL, as Alembic's `stamp`: for a database whose schema was made another way.
/// Throws Error on an unknown target.
void stamp(sqlite3* db, const std::vector<Revision>& revisions, std::string_view target);

/// The id of the newest applied revision; std::nullopt for a database at base. Uses `db`'s own
/// busy handler (upgrade() sets a 60 s timeout on it).
std::optional<std::string> current(sqlite3* db);

/// Opens (creating it when missing) the database at `path` and upgrades it. Throws Error.
std::vector<std::string> upgrade(const std::filesystem::path& path,
                                 const std::vector<Revision>& revisions,
                                 std::string_view target = "head",
                                 const ProgressCallback& progress = {});
/// Opens the database at `path` and downgrades it. Throws Error.
std::vector<std::string> downgrade(const std::filesystem::path& path,
                                   const std::vector<Revision>& revisions,
                                   std::string_view target = "-1",
                                   const ProgressCallback& progress = {});
/// Opens the existing database at `path` read-only and reads its revision, waiting up to 60 s
/// for a process that is writing it. Throws Error.
std::optional<std::string> current(const std::filesystem::path& path);
/// Opens the existing database at `path` read-only: keeps_fingerprint(). Throws Error.
bool keeps_fingerprint(const std::filesystem::path& path);

/// upgrade() with the revisions embedded by add_migrations().
inline std::vector<std::string> upgrade(sqlite3* db, std::string_view target = "head",
                                        const ProgressCallback& progress = {}) {
  return upgrade(db, embedded_revisions(), target, progress);
}
inline std::vector<std::string> upgrade(const std::filesystem::path& path,
                                        std::string_view target = "head",
                                        const ProgressCallback& progress = {}) {
  return upgrade(path, embedded_revisions(), target, progress);
}
/// downgrade() with the revisions embedded by add_migrations().
inline std::vector<std::string> downgrade(sqlite3* db, std::string_view target = "-1",
                                          const ProgressCallback& progress = {}) {
  return downgrade(db, embedded_revisions(), target, progress);
}
inline std::vector<std::string> downgrade(const std::filesystem::path& path,
                                          std::string_view target = "-1",
                                          const ProgressCallback& progress = {}) {
  return downgrade(path, embedded_revisions(), target, progress);
}

}  // namespace retort

/// Defines the C++ data migration `NAME`, which a revision runs with a line
/// `-- +retort hook: NAME` in its Up or Down section (docs/data-migrations.md). Write it at
/// namespace scope, outside any namespace, in any source file of the target:
///
///     RETORT_HOOK(split_full_name) {
///       // `db`: the sqlite3* inside the revision's transaction; `progress`: a HookProgress
///     }
///
/// It runs inside the revision's transaction; throwing rolls the whole revision back. The
/// source add_migrations() generates references every hook its revisions name, so a hook no
/// source defines is a link error naming `retort::hooks::NAME`.
#define RETORT_HOOK(NAME)                                     \
  namespace retort::hooks {                                   \
  void NAME(::sqlite3* db, ::retort::HookProgress& progress); \
  }                                                           \
  void retort::hooks::NAME([[maybe_unused]] ::sqlite3* db,    \
                           [[maybe_unused]] ::retort::HookProgress& progress)

#endif  // RETORT_RUNTIME_HPP
