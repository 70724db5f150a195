// The transfer's preconditions on revisions, read from both version tables.
#include "transfer_revisions.hpp"

#include <libpq-fe.h>

#include "../version_table.hpp"
#include "pg_version_table.hpp"
#include "retort/detail/pg.hpp"
#include "retort/error.hpp"

namespace retort::detail::transfer {
namespace {

std::string at(const std::vector<AppliedRow>& rows) {
  return rows.empty() ? "base" : rows.back().revision;
}

// The SQLite database's rows must be the first revisions, checksums and all.
void check_sqlite_rows(const std::vector<AppliedRow>& rows,
                       const std::vector<Revision>& revisions) {
  if (rows.empty()) {
    throw Error(
        "the SQLite database is at no revision (its retort_migrations is empty or missing): "
        "upgrade it, or adopt it (docs/adopting.md), before the transfer");
  }
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (i >= revisions.size() || revisions[i].id != rows[i].revision) {
      throw Error("the SQLite database holds revision " + rows[i].revision +
                  ", which these migrations do not have: transfer with the migrations it was "
                  "upgraded with");
    }
    if (revisions[i].checksum != rows[i].checksum) {
      throw Error("revision " + rows[i].revision +
                  " of the SQLite database differs from the migrations' (changed after it was "
                  "applied): upgrade the SQLite database with these migrations first");
    }
  }
}

// The target holds tables, views or materialized views of its own.
bool holds_schema(PGconn* conn) {
  const pg::Result r = pg::exec(conn,
                                "SELECT 1 FROM pg_class WHERE relnamespace = "
                                "current_schema()::regnamespace AND relkind IN ('r', 'p', 'v', "
                                "'m') AND relname <> " +
                                    pg::literal(kVersionTable) + " LIMIT 1");
  return PQntuples(r.get()) > 0;
}

bool has_version_table(PGconn* conn) {
  const pg::Result r = pg::exec(conn, "SELECT to_regclass(quote_ident(current_schema()) || '." +
                                          std::string(kVersionTable) + "') IS NOT NULL");
  return pg::value(r.get(), 0, 0) == "t";
}

}  // namespace

Start check_revisions(sqlite3* from, PGconn* to, const std::vector<Revision>& revisions) {
  const std::vector<AppliedRow> source = read_applied(from);
  check_sqlite_rows(source, revisions);
  Start start;
  start.revision = at(source);
  for (Revision& r : dialect_revisions(revisions, kPostgresql)) {
    const bool past = !start.postgresql.empty() && start.postgresql.back().id == start.revision;
    if (past) break;
    start.postgresql.push_back(std::move(r));
  }
  if (start.postgresql.back().id != start.revision) {
    throw Error("the migrations' PostgreSQL history starts at revision " +
                start.postgresql.front().id + ", after the SQLite database's revision " +
                start.revision + ": upgrade the SQLite database to " + start.postgresql.front().id +
                " or later first");
  }
  const std::vector<AppliedRow> target = pg::read_applied(to);
  start.version_table = has_version_table(to);
  if (target.empty()) {
    if (holds_schema(to)) {
      throw Error(
          "the PostgreSQL database holds tables but no revision: the transfer fills a database "
          "at the SQLite database's revision, or creates the schema in an empty one");
    }
    start.empty_target = true;
    return start;
  }
  bool same = target.size() == start.postgresql.size();
  for (std::size_t i = 0; same && i < target.size(); ++i) {
    same = target[i].revision == start.postgresql[i].id &&
           target[i].checksum == start.postgresql[i].checksum;
  }
  if (!same) {
    throw Error("the databases are at different revisions: SQLite at " + start.revision +
                ", PostgreSQL at " + at(target) +
                (at(target) == start.revision ? " with other checksums" : "") +
                "; bring both to one revision of these migrations first");
  }
  return start;
}

}  // namespace retort::detail::transfer
