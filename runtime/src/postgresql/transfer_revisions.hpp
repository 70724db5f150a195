// Where a transfer starts: both databases at one revision of the same migrations, or an empty
// target that the PostgreSQL sections can bring to the SQLite database's revision.
#ifndef RETORT_RUNTIME_TRANSFER_REVISIONS_HPP
#define RETORT_RUNTIME_TRANSFER_REVISIONS_HPP

#include <string>
#include <vector>

#include "retort/revision.hpp"

struct sqlite3;
typedef struct pg_conn PGconn;

namespace retort::detail::transfer {

struct Start {
  std::string revision;  ///< the revision both are (or the target will be) at
  /// The revisions as PostgreSQL runs them (their PostgreSQL sections), up to `revision`.
  std::vector<Revision> postgresql;
  /// The target holds no revision and no table, view or materialized view: the transfer
  /// upgrades it to `revision` first.
  bool empty_target = false;
  /// The target has a `retort_migrations` table (with rows or without).
  bool version_table = false;
};

/// Compares both version tables with `revisions` (ids and checksums). Throws Error, changing
/// nothing, when `revisions` have no PostgreSQL sections, when the SQLite database is at no
/// revision of them, when the databases are at different revisions, when the PostgreSQL
/// history starts after the SQLite database's revision, or when the target holds tables but
/// no revision.
Start check_revisions(sqlite3* from, PGconn* to, const std::vector<Revision>& revisions);

}  // namespace retort::detail::transfer

#endif  // RETORT_RUNTIME_TRANSFER_REVISIONS_HPP
