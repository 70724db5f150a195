// `retort init --from-db`: a database that exists without Retort adopted, proven and written as
// models and a baseline revision.
#ifndef RETORT_TOOL_ADOPT_DATABASE_HPP
#define RETORT_TOOL_ADOPT_DATABASE_HPP

#include <filesystem>
#include <string>
#include <vector>

#include "retort/revision.hpp"

namespace retort {

/// What to adopt, and where to write it.
struct AdoptRequest {
  std::filesystem::path database;       ///< the SQLite file, only read
  std::filesystem::path dir;            ///< the migration repository: absent or without revisions
  std::filesystem::path header;         ///< the model header to write; objects go beside it (.sql)
  std::vector<std::string> clang_args;  ///< to scan the written header back (-I annotations)
  /// The repository's dialects; a PostgreSQL database needs "postgresql" among them.
  std::vector<std::string> dialects = {"sqlite"};
};

struct Adopted {
  Revision baseline;
  std::filesystem::path objects;  ///< "" when the database has no views, triggers, virtual tables
  std::size_t tables = 0;
  std::size_t functions = 0;  ///< application functions the schema calls, declared in the header
  /// PostgreSQL: the constraints start-up gives the baseline's names, "table 't': constraint
  /// users_pkey becomes pk_users".
  std::vector<std::string> renames = {};
};

/// Reads the database's schema and writes the model header, the objects file and the sealed
/// baseline revision 0001, after proving them: an empty database upgraded through the baseline
/// equals the original (PRAGMAs and sqlite_schema), and the header scans back to the same schema.
/// Throws Error, having written nothing, when the repository has revisions, the file is no
/// SQLite database, or the schema cannot be declared or proven.
Adopted adopt_database(const AdoptRequest& request);

/// adopt_database() of a PostgreSQL database (`database` a libpq connection string): its current
/// schema read from pg_catalog, the header (PostgreSQL's types by RETORT_TYPE_FOR), a
/// POSTGRESQL_OBJECTS file (`<header stem>_postgresql.sql`) and a baseline with PostgreSQL
/// sections (SQLite's too when `dialects` has it and the schema runs there), proven as start-up
/// proves it: run in a schema of its own on the database's server, in a transaction rolled back,
/// it gives the database's schema once the database's constraints carry Retort's names. Throws
/// Error, having written nothing, naming what cannot be declared or proven.
Adopted adopt_postgresql(const AdoptRequest& request);

}  // namespace retort

#endif  // RETORT_TOOL_ADOPT_DATABASE_HPP
