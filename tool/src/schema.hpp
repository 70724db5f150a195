// The database schema the models describe: tables, columns, keys, indexes; plain data.
#ifndef RETORT_TOOL_SCHEMA_HPP
#define RETORT_TOOL_SCHEMA_HPP

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "diagnostic.hpp"
#include "retort/detail/sql_text.hpp"

namespace retort {

/// Where a schema element came from and what it used to be called. Not part of the schema:
/// it compares equal to every other Origin, so schemas compare by content alone.
struct Origin {
  SourceLoc loc;
  std::string renamed_from;  ///< RETORT_RENAMED_FROM, "" when none
  /// Where each annotation of a member stands, by key ("type", "default", and
  /// "type_for:postgresql" for a dialect's), so that a dialect's refusal points at it.
  std::map<std::string, SourceLoc> annotations = {};

  friend bool operator==(const Origin&, const Origin&) { return true; }
};

/// What one dialect other than SQLite says differently of a column: RETORT_TYPE_FOR,
/// RETORT_DEFAULT_FOR, RETORT_CHECK_FOR, RETORT_GENERATED_FOR, and (when the repository has
/// PostgreSQL) the PostgreSQL type mapped from the member's C++ type.
struct DialectColumn {
  std::string dialect;
  std::optional<std::string> type = std::nullopt;
  std::optional<std::string> default_sql = std::nullopt;
  std::optional<std::string> check = std::nullopt;
  std::optional<std::string> generated = std::nullopt;

  friend bool operator==(const DialectColumn&, const DialectColumn&) = default;
};

struct Column {
  std::string name;
  std::string type;  ///< the declared SQL type: INTEGER, TEXT, VARCHAR(64), ...
  bool not_null = false;
  std::optional<std::string> default_sql;  ///< an SQL expression as written
  std::optional<std::string> collate;
  std::optional<std::string> check;  ///< constraint `ck_<table>_<column>`
  Origin origin;
  /// RETORT_GENERATED(_STORED): the expression (blanks collapsed) it is computed from
  std::optional<std::string> generated = std::nullopt;
  bool stored = false;  ///< RETORT_GENERATED_STORED rather than VIRTUAL
  /// Other dialects' differences, by dialect name, sorted; empty in a SQLite-only schema.
  std::vector<DialectColumn> dialects = {};

  friend bool operator==(const Column&, const Column&) = default;
};

struct ForeignKey {
  std::string name;  ///< `fk_<table>_<column>_<ref_table>`
  std::vector<std::string> columns;
  std::string ref_table;
  std::vector<std::string> ref_columns;
  std::string on_delete;  ///< "" for SQLite's default (NO ACTION)
  std::string on_update;
  bool deferred = false;  ///< DEFERRABLE INITIALLY DEFERRED (RETORT_DEFERRED)
  SourceLoc loc = {};     ///< of the RETORT_REFERENCES annotation

  friend bool operator==(const ForeignKey& a, const ForeignKey& b) {
    return a.name == b.name && a.columns == b.columns && a.ref_table == b.ref_table &&
           a.ref_columns == b.ref_columns && a.on_delete == b.on_delete &&
           a.on_update == b.on_update && a.deferred == b.deferred;
  }
};

struct Check {
  std::string name;  ///< `ck_<table>_<n>`, n counting the class's RETORT_CHECKs in source order
  std::string expression;
  std::string dialect = "";  ///< RETORT_CHECK_FOR: the one dialect it is for; "" for every one

  friend bool operator==(const Check&, const Check&) = default;
};

/// A UNIQUE constraint in CREATE TABLE (SQLite backs it with a `sqlite_autoindex_*` index).
struct UniqueConstraint {
  std::string name;  ///< `uq_<table>_<column>[_<column>...]`
  std::vector<std::string> columns;
  bool in_column = false;  ///< RETORT_UNIQUE_CONSTRAINT: written in the column's definition

  friend bool operator==(const UniqueConstraint&, const UniqueConstraint&) = default;
};

struct Index {
  std::string name;
  /// The keys, each a column name or an SQL expression, optionally followed by `COLLATE name`
  /// and `ASC`/`DESC`, as written (runs of blanks collapsed).
  std::vector<std::string> columns;
  bool unique = false;
  std::optional<std::string> where = std::nullopt;  ///< a partial index's condition, without WHERE

  friend bool operator==(const Index&, const Index&) = default;
};

struct Table {
  std::string name;
  std::vector<Column> columns;           ///< in declaration order, bases' members first
  std::vector<std::string> primary_key;  ///< constraint `pk_<table>`
  bool autoincrement = false;
  bool without_rowid = false;
  bool strict = false;
  std::vector<ForeignKey> foreign_keys;
  std::vector<Check> checks;
  std::vector<UniqueConstraint> unique_constraints;  ///< members' first, then the class's
  std::vector<Index> indexes;                        ///< sorted by name
  Origin origin;

  const Column* find_column(const std::string& column) const;
  friend bool operator==(const Table&, const Table&) = default;
};

/// A view, trigger or virtual table declared in an objects file (OBJECTS), as plain SQL.
struct SqlObject {
  enum class Kind { kVirtualTable, kView, kTrigger, kMaterializedView, kFunction, kExtension };
  Kind kind = Kind::kView;
  std::string name;
  std::string sql;  ///< the CREATE statement as written, without comments around it or `;`
  /// The tables and objects its text names (filled by link_objects()), by name.
  std::vector<std::string> depends_on = {};
  SourceLoc loc = {};        ///< of the CREATE statement in its file
  std::string dialect = "";  ///< "" for SQLite's (OBJECTS), "postgresql" (POSTGRESQL_OBJECTS)

  /// Objects compare by kind, name and normalised text (normalize_sql()).
  friend bool operator==(const SqlObject& a, const SqlObject& b);
};

/// "view", "trigger", "virtual table", "materialized view", "function" or "extension".
std::string kind_name(SqlObject::Kind kind);

/// An application-defined SQL function the models declare (RETORT_SQL_FUNCTION): the schema
/// may call it; scratch databases define a stand-in for it.
struct SqlFunction {
  std::string name;
  int nargs = -1;      ///< its number of arguments, -1 for any
  SourceLoc loc = {};  ///< of the declaration; not compared

  friend bool operator==(const SqlFunction& a, const SqlFunction& b) {
    return a.name == b.name && a.nargs == b.nargs;
  }
};

/// Tables ordered parents before children (ties by name), so output is deterministic; objects
/// after the tables and objects they name (ties: virtual tables, views, triggers, then by name);
/// functions by name.
struct Schema {
  std::vector<Table> tables;
  std::vector<SqlObject> objects = {};
  std::vector<SqlFunction> functions = {};

  const Table* find_table(const std::string& table) const;
  const SqlObject* find_object(const std::string& object) const;
  friend bool operator==(const Schema&, const Schema&) = default;
};

/// Orders tables parents first (foreign keys), ties and cycles broken by name.
void sort_tables(Schema& schema);

/// Fills each object's `depends_on` with the tables and objects of `schema` its text names
/// (identifiers outside strings and comments, case-insensitively) and orders the objects so that
/// each follows what it names.
void link_objects(Schema& schema);

/// The deterministic constraint names (docs/naming.md).
std::string index_name(const std::string& table, const std::string& column, bool unique_only);
std::string foreign_key_name(const std::string& table, const std::string& column,
                             const std::string& ref_table);
std::string primary_key_name(const std::string& table);
std::string column_check_name(const std::string& table, const std::string& column);
/// The CHECK (column IS NOT NULL) through which a column of a PostgreSQL table that holds rows
/// becomes NOT NULL, dropped once it has: `nn_<table>_<column>`.
std::string not_null_check_name(const std::string& table, const std::string& column);
std::string table_check_name(const std::string& table, int ordinal);
std::string unique_constraint_name(const std::string& table,
                                   const std::vector<std::string>& columns);

/// The column an index key names: the key itself when it is a plain column name (unquoted or
/// "quoted", with any COLLATE or ASC/DESC after it), else "" (an expression).
std::string key_column(const std::string& key);

/// The index key that names column `column`: the name itself where it reads as one (letters,
/// digits and '_'), else the name in double quotes (`"Unit Price"`), so that the key is SQL.
std::string column_key(const std::string& column);

/// An index that can back a foreign key or stand for a column's uniqueness: unique, not partial,
/// and over plain columns with no COLLATE or order.
bool plain_unique(const Index& index);

/// The SQLite type affinity of a declared type (datatype3.html §3.1): INTEGER, TEXT, BLOB,
/// REAL or NUMERIC.
std::string type_affinity(const std::string& declared_type);

/// A type change that may alter or lose stored values: another affinity (BOOLEAN ↔ INTEGER, the
/// bool mapping in and out of STRICT tables, excepted).
bool narrows_type(const std::string& from, const std::string& to);

/// The snapshot: one JSON object per table, object and function, one a line (the revision's
/// Schema section).
std::string schema_to_json(const Schema& schema);
/// Reads a snapshot; throws Error on malformed JSON or an unknown kind of object.
Schema schema_from_json(const std::string& text);

}  // namespace retort

#endif  // RETORT_TOOL_SCHEMA_HPP
