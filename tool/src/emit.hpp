// Stage 4: changes → SQL text, through a dialect so that other databases can be added.
#ifndef RETORT_TOOL_EMIT_HPP
#define RETORT_TOOL_EMIT_HPP

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "diff.hpp"
#include "schema.hpp"

namespace retort {

/// How one database spells each change. Every statement ends with ";\n".
class Dialect {
 public:
  virtual ~Dialect() = default;
  virtual std::string quote(const std::string& identifier) const = 0;
  virtual std::string create_table(const Table& table) const = 0;  ///< with its indexes
  virtual std::string create_index(const std::string& table, const Index& index) const = 0;
  /// The object's statement; an external-content FTS5 table is then rebuilt from its content.
  virtual std::string create_object(const SqlObject& object) const = 0;
  virtual std::string render(const Change& change) const = 0;
  /// The SQL of `changes`, one statement or commented block per change, in order; a dialect
  /// may lay them out otherwise (PostgreSQL: in phases).
  virtual std::string render_all(const std::vector<Change>& changes) const;
};

/// SQLite 3.35+ (RENAME/DROP COLUMN); rebuilds follow lang_altertable.html §7.
std::unique_ptr<Dialect> make_sqlite_dialect();

/// PostgreSQL 15+: identity keys, and ALTER TABLE in place of every rebuild (diff_schemas()
/// with DiffRules::alters_in_place).
std::unique_ptr<Dialect> make_postgresql_dialect();

/// The dialect called `name` ("sqlite", "postgresql").
std::unique_ptr<Dialect> make_dialect(std::string_view name);

/// The SQL of `changes`: dialect.render_all().
std::string render_changes(const Dialect& dialect, const std::vector<Change>& changes);

/// CREATE statements for a whole schema (tables parents first, then their indexes, then the
/// objects in dependency order).
std::string render_schema(const Dialect& dialect, const Schema& schema);

}  // namespace retort

#endif  // RETORT_TOOL_EMIT_HPP
