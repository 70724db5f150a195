// The database a verb names, the revisions PostgreSQL's can take, and its drift.
#include "databases.hpp"

#include <sqlite3.h>

#include <filesystem>

#include "dialects.hpp"
#include "emit.hpp"
#include "retort/detail/introspect.hpp"
#include "retort/detail/pg.hpp"
#include "retort/detail/sqlite.hpp"
#include "retort/postgresql.hpp"
#include "verify.hpp"

namespace retort {

namespace fs = std::filesystem;

bool on_postgresql(const std::string& db) { return detail::pg::is_connection_string(db); }

std::vector<Revision> postgresql_revisions(std::vector<Revision> revisions,
                                           const std::string& conninfo) {
  try {
    dialect_revisions(revisions, kPostgresql);
  } catch (const Error& e) {
    throw Error("'" + detail::pg::printable(conninfo) + "' is a PostgreSQL database, but " +
                e.what() + "; nothing was changed");
  }
  return revisions;
}

namespace {

// The live PostgreSQL database's schema against the head schema, through pg_catalog: the head
// schema made in a schema of its own on that server, inside a transaction rolled back.
std::vector<std::string> postgresql_drift(const Repository& repo, const std::string& db) {
  postgresql_revisions(repo.revisions, db);
  const detail::pg::Conn conn = detail::pg::connect(db);
  return postgresql_differences(
      conn.get(),
      render_schema(*make_postgresql_dialect(), for_dialect(repo.head_schema(), kPostgresql)));
}

}  // namespace

Drift database_drift(const Repository& repo, const std::string& db) {
  Drift out;
  if (on_postgresql(db)) {
    out.differences = postgresql_drift(repo, db);
  } else {
    if (!fs::exists(db)) throw Error("no database at '" + db + "'");
    const detail::Db live = detail::open_db(db, SQLITE_OPEN_READONLY);
    out.differences =
        compare_databases(database_of(for_dialect(repo.head_schema(), kSqlite)).get(), live.get());
  }
  if (!out.differences.empty()) {
    out.error = "the database '" + detail::pg::printable(db) + "' differs from the head schema (" +
                std::to_string(out.differences.size()) + " differences)";
  }
  return out;
}

}  // namespace retort
