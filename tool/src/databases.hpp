// The database a verb names (--db): a SQLite file or a PostgreSQL connection string, the
// revisions a PostgreSQL database can take, and a database's drift from the head schema.
#ifndef RETORT_TOOL_DATABASES_HPP
#define RETORT_TOOL_DATABASES_HPP

#include <optional>
#include <string>
#include <vector>

#include "repository.hpp"

namespace retort {

/// Whether `db` names a PostgreSQL database (a libpq connection string) rather than a SQLite
/// file.
bool on_postgresql(const std::string& db);

/// `revisions`, refused before any connection (Error naming the database `conninfo` without its
/// password) when they have no PostgreSQL sections.
std::vector<Revision> postgresql_revisions(std::vector<Revision> revisions,
                                           const std::string& conninfo);

/// How the live database differs from the repository's head schema.
struct Drift {
  std::vector<std::string> differences;  ///< one line each; empty when none
  std::optional<std::string> error;      ///< `check`'s failure when there are differences
};

/// The live database `db` against the head schema of `repo`: SQLite's through its PRAGMAs and
/// sqlite_schema, PostgreSQL's through pg_catalog (the head schema made in a schema of its own
/// on that server, inside a transaction rolled back). Throws Error when there is no SQLite file
/// at `db` or the database cannot be read.
Drift database_drift(const Repository& repo, const std::string& db);

}  // namespace retort

#endif  // RETORT_TOOL_DATABASES_HPP
