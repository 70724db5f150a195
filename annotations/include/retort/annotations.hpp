// The annotations that mark C++ classes as Retort models; empty unless RETORT_SCANNER is defined.
//
// Under the scanner every macro becomes [[clang::annotate("retort:<key>")]], with its arguments
// appended after a unit separator (\x1f): "retort:index_on\x1fix_name\x1fa, b". Adjacent string
// literals concatenate, so arguments must be string literals. The format is documented in
// docs/annotations.md; the scanner (tool/src/scanner.cpp) is its only reader.
#ifndef RETORT_ANNOTATIONS_HPP
#define RETORT_ANNOTATIONS_HPP

#ifdef RETORT_SCANNER
#define RETORT_DETAIL_ANNOTATE(text) [[clang::annotate(text)]]
#define RETORT_DETAIL_KEY(key) RETORT_DETAIL_ANNOTATE("retort:" key)
#define RETORT_DETAIL_KEY1(key, a) RETORT_DETAIL_ANNOTATE("retort:" key "\x1f" a)
#define RETORT_DETAIL_KEY2(key, a, b) RETORT_DETAIL_ANNOTATE("retort:" key "\x1f" a "\x1f" b)
#define RETORT_DETAIL_KEY3(key, a, b, c) \
  RETORT_DETAIL_ANNOTATE("retort:" key "\x1f" a "\x1f" b "\x1f" c)
#define RETORT_DETAIL_CONCAT2(a, b) a##b
#define RETORT_DETAIL_CONCAT(a, b) RETORT_DETAIL_CONCAT2(a, b)
// An unused declaration that carries the annotation, each under a name of its own
// (__COUNTER__), so that one header may declare several and any number of files include it.
#define RETORT_DETAIL_FUNCTION(name, nargs)                            \
  RETORT_DETAIL_ANNOTATE("retort:sql_function\x1f" name "\x1f" #nargs) \
  extern int RETORT_DETAIL_CONCAT(retort_detail_sql_function_, __COUNTER__)
#else
#define RETORT_DETAIL_KEY(key)
#define RETORT_DETAIL_KEY1(key, a)
#define RETORT_DETAIL_KEY2(key, a, b)
#define RETORT_DETAIL_KEY3(key, a, b, c)
#define RETORT_DETAIL_FUNCTION(name, nargs)
#endif
// One to three arguments: the macro for their count (more are an error of the C++ compiler).
#define RETORT_DETAIL_SELECT(a, b, c, macro, ...) macro
#define RETORT_DETAIL_KEYN(key, ...)                                                            \
  RETORT_DETAIL_SELECT(__VA_ARGS__, RETORT_DETAIL_KEY3, RETORT_DETAIL_KEY2, RETORT_DETAIL_KEY1, \
                       unused)                                                                  \
  (key, __VA_ARGS__)

// ---- Class position: between `struct`/`class` and the class name. ----

/// Marks the class as a model stored in table `name` (required for every model).
#define RETORT_TABLE(name) RETORT_DETAIL_KEY1("table", name)
/// The table was called `old_name` in the last revision: a rename, not drop + create.
/// In member position: the column was called `old_name`.
#define RETORT_RENAMED_FROM(old_name) RETORT_DETAIL_KEY1("renamed_from", old_name)
/// An index `name` over the comma-separated `keys`, and optionally only over the rows where
/// `condition` holds (a partial index; the SQL condition without the word WHERE):
/// RETORT_INDEX_ON(name, keys) or RETORT_INDEX_ON(name, keys, condition). Each key is a column
/// name or an SQL expression (`lower(email)`), optionally followed by `COLLATE name` and
/// `ASC`/`DESC`: RETORT_INDEX_ON("ix_posts_recent", "author_id, created_at DESC").
#define RETORT_INDEX_ON(...) RETORT_DETAIL_KEYN("index_on", __VA_ARGS__)
/// A unique index, as RETORT_INDEX_ON:
/// RETORT_UNIQUE_ON("uq_users_live_email", "lower(email)", "deleted_at IS NULL").
#define RETORT_UNIQUE_ON(...) RETORT_DETAIL_KEYN("unique_on", __VA_ARGS__)
/// A table-level UNIQUE constraint over the comma-separated `columns`, written in CREATE TABLE
/// as `CONSTRAINT uq_<table>_<a>_<b> UNIQUE (a, b)` (a unique *index* is RETORT_UNIQUE_ON).
#define RETORT_UNIQUE_CONSTRAINT_ON(columns) RETORT_DETAIL_KEY1("unique_constraint_on", columns)
/// A composite primary key over the comma-separated `columns`.
#define RETORT_PRIMARY_KEY_ON(columns) RETORT_DETAIL_KEY1("primary_key_on", columns)
/// A CHECK constraint: on the class it constrains the table, on a member that column.
#define RETORT_CHECK(sql_expression) RETORT_DETAIL_KEY1("check", sql_expression)
/// The table is created WITHOUT ROWID.
#define RETORT_WITHOUT_ROWID RETORT_DETAIL_KEY("without_rowid")
/// The table is a STRICT table.
#define RETORT_STRICT RETORT_DETAIL_KEY("strict")

// ---- Member position: before the data member's declaration. ----

/// The column's name, when it differs from the member's.
#define RETORT_COLUMN(name) RETORT_DETAIL_KEY1("column", name)
/// The column is the primary key (on several members: a composite key, in declaration order).
#define RETORT_PRIMARY_KEY RETORT_DETAIL_KEY("primary_key")
/// The integer primary key never reuses the ids of deleted rows (SQLite AUTOINCREMENT).
#define RETORT_AUTOINCREMENT RETORT_DETAIL_KEY("autoincrement")
/// A unique index on the column: `uq_<table>_<column>` (with RETORT_INDEX: `ix_<table>_<column>`).
#define RETORT_UNIQUE RETORT_DETAIL_KEY("unique")
/// A UNIQUE constraint in the column's definition: `CONSTRAINT uq_<table>_<column> UNIQUE`
/// (a unique *index*, which can be dropped without a rebuild, is RETORT_UNIQUE).
#define RETORT_UNIQUE_CONSTRAINT RETORT_DETAIL_KEY("unique_constraint")
/// An index on the column: `ix_<table>_<column>`.
#define RETORT_INDEX RETORT_DETAIL_KEY("index")
/// The column's declared SQL type, instead of the one mapped from the C++ type.
#define RETORT_TYPE(sql_type) RETORT_DETAIL_KEY1("type", sql_type)
/// The column's default, an SQL expression as written: "0", "'guest'", "CURRENT_TIMESTAMP".
#define RETORT_DEFAULT(sql_expression) RETORT_DETAIL_KEY1("default", sql_expression)
/// The column accepts NULL although the member is not a std::optional.
#define RETORT_NULLABLE RETORT_DETAIL_KEY("nullable")
/// The column rejects NULL although the member is a std::optional.
#define RETORT_NOT_NULL RETORT_DETAIL_KEY("not_null")
/// A foreign key to `table`(`column`); RETORT_REFERENCES("table") alone references the table's
/// primary key (`REFERENCES table`, without columns, as adopted schemas can have).
#define RETORT_REFERENCES(...) RETORT_DETAIL_KEYN("references", __VA_ARGS__)
/// The foreign key (RETORT_REFERENCES on the same member) is DEFERRABLE INITIALLY DEFERRED:
/// checked when the transaction commits, not at each statement.
#define RETORT_DEFERRED RETORT_DETAIL_KEY("deferred")
/// The foreign key's ON DELETE action: "CASCADE", "SET NULL", "SET DEFAULT", "RESTRICT".
#define RETORT_ON_DELETE(action) RETORT_DETAIL_KEY1("on_delete", action)
/// The foreign key's ON UPDATE action.
#define RETORT_ON_UPDATE(action) RETORT_DETAIL_KEY1("on_update", action)
/// For one dialect ("sqlite" or "postgresql"), what that dialect's SQL says differently: the
/// column's type, default, CHECK or generating expression (RETORT_GENERATED_FOR needs
/// RETORT_GENERATED or RETORT_GENERATED_STORED on the member). On a class,
/// RETORT_CHECK_FOR(dialect, expression) is a table CHECK of that dialect alone.
///     RETORT_TYPE_FOR("postgresql", "JSONB") std::string settings;
#define RETORT_TYPE_FOR(dialect, sql_type) RETORT_DETAIL_KEY2("type_for", dialect, sql_type)
#define RETORT_DEFAULT_FOR(dialect, sql_expression) \
  RETORT_DETAIL_KEY2("default_for", dialect, sql_expression)
#define RETORT_CHECK_FOR(dialect, sql_expression) \
  RETORT_DETAIL_KEY2("check_for", dialect, sql_expression)
#define RETORT_GENERATED_FOR(dialect, sql_expression) \
  RETORT_DETAIL_KEY2("generated_for", dialect, sql_expression)
/// The column is computed, `GENERATED ALWAYS AS (sql_expression) VIRTUAL`: never stored, never
/// written; the member's type maps as usual. Adding one needs no rebuild.
#define RETORT_GENERATED(sql_expression) RETORT_DETAIL_KEY1("generated", sql_expression)
/// The STORED form: computed when a row is written and kept in the table.
#define RETORT_GENERATED_STORED(sql_expression) \
  RETORT_DETAIL_KEY1("generated_stored", sql_expression)
/// The column's collation: "NOCASE", "RTRIM", "BINARY".
#define RETORT_COLLATE(name) RETORT_DETAIL_KEY1("collate", name)
/// The member is not a column.
#define RETORT_TRANSIENT RETORT_DETAIL_KEY("transient")

// ---- Namespace scope: a declaration of its own, ended by `;`. ----

/// Declares an application-defined SQL function that views, triggers, defaults, CHECKs,
/// generated columns and index expressions may call: its name and number of arguments (-1: any
/// number), as the application registers it with sqlite3_create_function(). At namespace scope
/// in a models header: RETORT_SQL_FUNCTION("title_sort", 1); The build's scratch databases
/// define a stand-in for it; the runtime refuses a revision whose statements call it on a
/// connection that does not define it (docs/functions.md).
#define RETORT_SQL_FUNCTION(name, nargs) RETORT_DETAIL_FUNCTION(name, nargs)

#endif  // RETORT_ANNOTATIONS_HPP
