// The statements of a PostgreSQL section by phase, so that a live service is not blocked while
// it runs: concurrent index builds and drops outside any transaction, brief ALTERs together,
// the long passes over rows each in a transaction of its own (docs/live-changes.md).
#ifndef RETORT_TOOL_PG_PHASES_HPP
#define RETORT_TOOL_PG_PHASES_HPP

#include <string>
#include <vector>

namespace retort {

/// Statements (each ending ";\n") by the phase they run in, in the order the phases run.
struct PgPhases {
  std::vector<std::string> drops_outside;  ///< DROP INDEX CONCURRENTLY, each alone
  std::string main;                        ///< one transaction: every brief change
  std::vector<std::string> fills;          ///< UPDATEs giving NULLs their default, each committed
  std::vector<std::string> builds_outside;  ///< CREATE [UNIQUE] INDEX CONCURRENTLY, each alone
  std::vector<std::string> validates;       ///< VALIDATE CONSTRAINT of CHECKs, each committed
  /// One transaction: SET NOT NULL through the validated CHECKs (dropped after), UNIQUE
  /// constraints over the built indexes, foreign keys added (NOT VALID on existing tables).
  std::string finals;
  /// The same transaction, after the UNIQUE constraints a foreign key may reference.
  std::string foreign_keys;
  std::vector<std::string> foreign_key_validates;  ///< VALIDATE CONSTRAINT of foreign keys

  /// The section: the phases in order, `-- +retort no-transaction` before each statement that
  /// runs outside a transaction and `-- +retort commit` between the others.
  std::string render() const;
};

}  // namespace retort

#endif  // RETORT_TOOL_PG_PHASES_HPP
