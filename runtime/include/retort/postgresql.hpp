// Applies an application's revisions to a PostgreSQL database (15 and later) over libpq:
// upgrade, downgrade, current, stamp. Target Retort::postgresql; only applications that use
// PostgreSQL link it (and libpq).
#ifndef RETORT_POSTGRESQL_HPP
#define RETORT_POSTGRESQL_HPP

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "retort/error.hpp"
#include "retort/progress.hpp"
#include "retort/revision.hpp"
#include "retort/runtime.hpp"

namespace retort {

/// How the runtime behaves on a server that other sessions use at the same time.
struct PostgresqlOptions {
  /// Every statement of a revision runs under this lock_timeout: a statement that would queue
  /// behind another session's lock (and make every later query of that table queue behind it)
  /// gives up instead, and the revision is rolled back and tried again.
  std::chrono::milliseconds lock_timeout{2000};
  /// How many times a revision is tried when its lock_timeout fires (at least 1); the pause
  /// between tries doubles from `first_pause`.
  int tries = 5;
  std::chrono::milliseconds first_pause{200};
  /// How long a process waits for another that is migrating the same database (it polls the
  /// runner lock from the client, so that waiting never holds a snapshot on the server).
  std::chrono::milliseconds wait_for_runner{std::chrono::minutes(10)};
};

/// Upgrades the database `conn` is connected to (its current schema) to `target`: "head", a
/// revision id, or "+N". Each revision runs in one transaction with its row in
/// `retort_migrations`, under a transaction-level advisory lock that waiters poll. Up to date
/// costs one round trip and no write. Uses the revisions' PostgreSQL sections; throws Error
/// when they have none, on an unknown target, a database ahead of `revisions`, a sealed
/// revision changed after it was applied (nothing is changed then); MigrationError when a
/// revision fails (it is rolled back). Call it outside a transaction block.
std::vector<std::string> upgrade(PGconn* conn, const std::vector<Revision>& revisions,
                                 std::string_view target = "head",
                                 const ProgressCallback& progress = {},
                                 const PostgresqlOptions& options = {});

/// Downgrades to `target`: "-N", a revision id (it stays applied), or "base", with the down
/// scripts stored when each revision was applied. Returns the ids reverted.
std::vector<std::string> downgrade(PGconn* conn, const std::vector<Revision>& revisions,
                                   std::string_view target = "-1",
                                   const ProgressCallback& progress = {},
                                   const PostgresqlOptions& options = {});

/// The id of the newest applied revision; std::nullopt for a database at base.
std::optional<std::string> current(PGconn* conn);

/// Records the database as being at `target` without running any revision's SQL.
void stamp(PGconn* conn, const std::vector<Revision>& revisions, std::string_view target);

/// The script upgrade() would run to take a database at `from` (std::nullopt: base) to
/// `target`, for psql (`psql -f`): per revision BEGIN, its PostgreSQL Up section, its
/// `retort_migrations` row, COMMIT. Runs nothing. Throws Error on a bad target, or when a
/// revision runs a hook.
std::string postgresql_upgrade_sql(const std::vector<Revision>& revisions,
                                   const std::optional<std::string>& from, std::string_view target);
/// The same for downgrade(), with each revision's Down section and the removal of its row.
std::string postgresql_downgrade_sql(const std::vector<Revision>& revisions,
                                     const std::optional<std::string>& from,
                                     std::string_view target);

/// What tells the connection's current schema apart from the schema that `create_sql` (the
/// PostgreSQL statements that create it) makes on an empty one: compared in a schema of its
/// own inside a transaction that is rolled back, so nothing is left. Needs the right to create
/// a schema. Throws Error.
std::vector<std::string> postgresql_differences(PGconn* conn, const std::string& create_sql);

/// upgrade() and downgrade() with the revisions embedded by add_migrations().
inline std::vector<std::string> upgrade(PGconn* conn, std::string_view target = "head",
                                        const ProgressCallback& progress = {},
                                        const PostgresqlOptions& options = {}) {
  return upgrade(conn, embedded_revisions(), target, progress, options);
}
inline std::vector<std::string> downgrade(PGconn* conn, std::string_view target = "-1",
                                          const ProgressCallback& progress = {},
                                          const PostgresqlOptions& options = {}) {
  return downgrade(conn, embedded_revisions(), target, progress, options);
}

}  // namespace retort

/// Defines the C++ data migration `NAME` for the revisions' PostgreSQL sections, which run it
/// with a line `-- +retort hook: NAME`. Write it at namespace scope, in any source file:
///
///     RETORT_HOOK_POSTGRESQL(split_full_name) {
///       // `conn`: the PGconn* inside the revision's transaction; `progress`: a HookProgress
///     }
///
/// It runs inside the revision's transaction; throwing rolls the whole revision back.
#define RETORT_HOOK_POSTGRESQL(NAME)                                   \
  namespace retort::hooks_postgresql {                                 \
  void NAME(::PGconn* conn, ::retort::HookProgress& progress);         \
  }                                                                    \
  void retort::hooks_postgresql::NAME([[maybe_unused]] ::PGconn* conn, \
                                      [[maybe_unused]] ::retort::HookProgress& progress)

#endif  // RETORT_POSTGRESQL_HPP
