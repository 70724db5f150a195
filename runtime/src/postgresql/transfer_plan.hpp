// What a transfer copies: the tables both databases hold, matched by name, their columns with
// the target's types, keys and sequences, in foreign-key order; read from SQLite's PRAGMAs and
// PostgreSQL's pg_catalog (no snapshot needed).
#ifndef RETORT_RUNTIME_TRANSFER_PLAN_HPP
#define RETORT_RUNTIME_TRANSFER_PLAN_HPP

#include <cstdint>
#include <string>
#include <vector>

#include "transfer_values.hpp"

struct sqlite3;
typedef struct pg_conn PGconn;

namespace retort::detail::transfer {

/// A sequence that fills a column when an insert leaves it out (identity or serial).
struct Sequence {
  std::string column;
  std::string name;  ///< schema-qualified, as pg_get_serial_sequence() gives it
};

/// One table as both databases hold it.
struct TablePlan {
  std::string name;
  /// The columns copied (generated ones are left out), in the target's order, with its types.
  std::vector<TargetColumn> columns;
  /// Indexes into `columns` in the order of the names: the canonical order of a row's text.
  std::vector<std::size_t> by_name;
  /// SQLite's primary key, as indexes into `columns`; empty when it has none.
  std::vector<std::size_t> key;
  /// Without a primary key: a name of SQLite's rowid that no column takes ("rowid", "_rowid_",
  /// "oid"), to name rows by; "" for a WITHOUT ROWID table.
  std::string rowid;
  /// The other tables its foreign keys reference: they come first in the plan.
  std::vector<std::string> parents;
  std::vector<Sequence> sequences;
  /// SQLite's AUTOINCREMENT counter (sqlite_sequence), which may exceed the largest key.
  std::int64_t autoincrement = 0;
  /// The target table has triggers of its own (not a constraint's): they stay off during the
  /// copy, as the SQLite rows already hold what SQLite's triggers did.
  bool triggers = false;

  /// Whether a column's type is read by the server (Kind::kOther).
  bool reads_other() const;
};

/// Every table to copy, parents before children (ties, and cycles, by name), and what is left
/// out.
struct Plan {
  std::vector<TablePlan> tables;
  /// Tables SQLite holds that are not copied, and why.
  std::vector<std::string> notes;
};

/// Reads both databases' tables (the target's current schema; `retort_migrations`, SQLite's own
/// tables and the shadow tables of virtual tables left out) and matches them. A table or column
/// that only one side has is an Error listing every one; with `differences`, they are added
/// there instead and the plan holds the tables that match.
Plan plan_tables(sqlite3* from, PGconn* to, std::vector<std::string>* differences = nullptr);

/// "t" as SQLite and PostgreSQL quote a name.
std::string quoted(const std::string& name);

}  // namespace retort::detail::transfer

#endif  // RETORT_RUNTIME_TRANSFER_PLAN_HPP
