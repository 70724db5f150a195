// Stage 3: two schemas → the ordered changes that turn one into the other, and their inverse.
#ifndef RETORT_TOOL_DIFF_HPP
#define RETORT_TOOL_DIFF_HPP

#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "diagnostic.hpp"
#include "schema.hpp"

namespace retort {

struct CreateTable {  ///< the table with its indexes
  Table table;
  friend bool operator==(const CreateTable&, const CreateTable&) = default;
};
struct DropTable {  ///< the whole table as it was, so that the inverse can recreate it
  Table table;
  friend bool operator==(const DropTable&, const DropTable&) = default;
};
struct RenameTable {
  std::string from, to;
  friend bool operator==(const RenameTable&, const RenameTable&) = default;
};
struct AddColumn {
  std::string table;
  Column column;
  friend bool operator==(const AddColumn&, const AddColumn&) = default;
};
struct DropColumn {
  std::string table;
  Column column;
  friend bool operator==(const DropColumn&, const DropColumn&) = default;
};
struct RenameColumn {
  std::string table, from, to;
  friend bool operator==(const RenameColumn&, const RenameColumn&) = default;
};
/// SQLite's generalized ALTER (lang_altertable.html §7): new table, copy, drop, rename.
/// `from` is the table as the database holds it at that point (already under `to.name`).
/// On a dialect that alters tables in place (PostgreSQL), the same change is rendered as the
/// ALTER TABLE statements that take `from` to `to`.
struct RebuildTable {
  Table from;
  Table to;
  std::vector<std::pair<std::string, std::string>> copy;  ///< (column of `to`, column of `from`)
  /// The table names that the derived constraint names (docs/naming.md: `pk_<table>`,
  /// `ck_<table>_<column>`) of `from` and of `to` follow, when not their own names: `from`'s
  /// constraints keep the names of a table that was renamed until this change renames them.
  std::string names_from = "";
  std::string names_to = "";
  friend bool operator==(const RebuildTable&, const RebuildTable&) = default;
};
struct CreateIndex {
  std::string table;
  Index index;
  friend bool operator==(const CreateIndex&, const CreateIndex&) = default;
};
struct DropIndex {  ///< the index as it was, so that the inverse can recreate it
  std::string table;
  Index index;
  friend bool operator==(const DropIndex&, const DropIndex&) = default;
};

struct CreateObject {  ///< a view, trigger or virtual table
  SqlObject object;
  friend bool operator==(const CreateObject&, const CreateObject&) = default;
};
struct DropObject {  ///< the object as it was, so that the inverse can recreate it
  SqlObject object;
  friend bool operator==(const DropObject&, const DropObject&) = default;
};

using Change =
    std::variant<CreateTable, DropTable, RenameTable, AddColumn, DropColumn, RenameColumn,
                 RebuildTable, CreateIndex, DropIndex, CreateObject, DropObject>;

struct ChangeSet {
  std::vector<Change> changes;           ///< in the order they must run
  std::vector<std::string> destructive;  ///< one line per step that may lose data
  bool foreign_keys_off = false;         ///< a table that others reference is rebuilt or dropped
  std::vector<Diagnostic> diagnostics;   ///< impossible or ambiguous changes, at the model
};

/// A table of `from` that `to` keeps (under the same name or renamed), with the columns it keeps,
/// as (old name, new name): the matching the diff itself uses.
struct TableMatch {
  const Table* from;
  const Table* to;
  std::vector<std::pair<std::string, std::string>> columns;
};
std::vector<TableMatch> match_tables(const Schema& from, const Schema& to);

/// The changes from `from` (the last revision's snapshot) to `to` (the models). Renames follow
/// RETORT_RENAMED_FROM; ALTER TABLE is used where SQLite allows it with rows present, else a
/// rebuild. Objects are matched by name and compared by normalised text; the views and triggers
/// that name a table that is rebuilt, renamed, dropped or loses or renames a column (or that
/// name such an object) are dropped and created again around it. Order: drop objects
/// (dependents first), drop indexes, drop tables (children first), rename tables, create tables
/// (parents first), alter tables, create indexes, create objects (dependencies first).
ChangeSet diff_schemas(const Schema& from, const Schema& to);

/// What a dialect can change in place.
struct DiffRules {
  /// Every change to a table is one RebuildTable, which the dialect renders as ALTER TABLE
  /// statements (PostgreSQL): indexes that stay the same are kept, and no foreign keys are
  /// switched off. Otherwise SQLite's rules: ALTER where SQLite allows it with rows present,
  /// else a rebuild that drops and re-creates the table's indexes.
  bool alters_in_place = false;
};
ChangeSet diff_schemas(const Schema& from, const Schema& to, const DiffRules& rules);

/// The changes that undo `changes`: each inverted, in reverse order.
std::vector<Change> invert(const std::vector<Change>& changes);

}  // namespace retort

#endif  // RETORT_TOOL_DIFF_HPP
