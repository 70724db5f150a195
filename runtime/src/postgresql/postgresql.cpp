// The runtime's front on PostgreSQL: the public verbs over the executor and the version table.
#include "retort/postgresql.hpp"

#include <libpq-fe.h>

#include "../executor.hpp"
#include "pg_backend.hpp"
#include "pg_version_table.hpp"
#include "retort/detail/pg.hpp"

namespace retort {
namespace {

std::vector<std::string> run(PGconn* conn, const std::vector<Revision>& revisions,
                             std::string_view target, detail::Direction direction,
                             const ProgressCallback& progress, const PostgresqlOptions& options) {
  if (detail::pg::in_transaction(conn)) {
    throw Error(
        "the connection is inside a transaction block: Retort runs each revision in a "
        "transaction of its own; call it outside one");
  }
  // Up to date, the common start-up: one round trip before anything is copied or parsed.
  if (direction == detail::Direction::kUp && target == "head" &&
      detail::pg::fingerprint_at_head(conn, revisions)) {
    return {};
  }
  const std::vector<Revision> own = dialect_revisions(revisions, kPostgresql);
  const std::unique_ptr<detail::Backend> backend = detail::pg::postgresql_backend(conn, options);
  return detail::migrate(*backend, own, target, direction, progress);
}

}  // namespace

std::vector<std::string> upgrade(PGconn* conn, const std::vector<Revision>& revisions,
                                 std::string_view target, const ProgressCallback& progress,
                                 const PostgresqlOptions& options) {
  return run(conn, revisions, target, detail::Direction::kUp, progress, options);
}

std::vector<std::string> downgrade(PGconn* conn, const std::vector<Revision>& revisions,
                                   std::string_view target, const ProgressCallback& progress,
                                   const PostgresqlOptions& options) {
  return run(conn, revisions, target, detail::Direction::kDown, progress, options);
}

std::optional<std::string> current(PGconn* conn) {
  const std::vector<detail::AppliedRow> rows = detail::pg::read_applied(conn);
  // A revision applied in part (a process killed between its phases) is not current yet.
  for (auto row = rows.rbegin(); row != rows.rend(); ++row) {
    if (!row->partial) return row->revision;
  }
  return std::nullopt;
}

void stamp(PGconn* conn, const std::vector<Revision>& revisions, std::string_view target) {
  const std::vector<Revision> own = dialect_revisions(revisions, kPostgresql);
  const std::size_t count = detail::target_count(own, target, 0);
  const std::unique_ptr<detail::Backend> backend = detail::pg::postgresql_backend(conn, {});
  const std::unique_ptr<detail::Held> tx = backend->begin(false);
  detail::pg::exec(conn, std::string("DELETE FROM ") + kVersionTable);
  std::vector<detail::AppliedRow> rows;
  for (std::size_t i = 0; i < count; ++i) {
    detail::pg::record(conn, {detail::Step::kApply, own[i].id, false, &own[i], {}}, {});
    rows.push_back({own[i].id, own[i].checksum, own[i].draft, false, {}});
  }
  detail::pg::write_fingerprint(conn, rows);
  tx->commit();
}

std::vector<std::string> postgresql_differences(PGconn* conn, const std::string& create_sql) {
  if (detail::pg::in_transaction(conn)) {
    throw Error("the connection is inside a transaction block; compare outside one");
  }
  detail::pg::exec(conn, "BEGIN");
  std::vector<std::string> out;
  try {
    out = detail::pg::compared_in_savepoint(conn, create_sql);
  } catch (...) {
    detail::pg::try_exec(conn, "ROLLBACK");
    throw;
  }
  detail::pg::exec(conn, "ROLLBACK");
  return out;
}

}  // namespace retort
