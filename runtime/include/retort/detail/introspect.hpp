// Reads a live SQLite schema through PRAGMAs into comparable facts; lists differences (shared
// by the runtime, which compares an adopted database with its baseline, and the tool; not an API).
#ifndef RETORT_DETAIL_INTROSPECT_HPP
#define RETORT_DETAIL_INTROSPECT_HPP

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

struct sqlite3;

namespace retort {

/// Per table, sorted fact lines from table_list, table_xinfo (with each column's collation and
/// AUTOINCREMENT), index_list/index_xinfo, foreign_key_list and the CHECK clauses of its SQL.
/// Column order is not a fact: ALTER TABLE ADD COLUMN appends. SQLite's own tables and
/// retort_migrations are left out.
using LiveSchema = std::map<std::string, std::vector<std::string>>;

/// The expressions of the CHECK constraints in a CREATE TABLE statement, in order, with runs of
/// whitespace collapsed (SQLite reports CHECKs through no PRAGMA; it keeps the statement's text).
std::vector<std::string> check_expressions(const std::string& create_table_sql);

/// The columns (in upper case, unquoted) of the foreign keys that a CREATE TABLE statement
/// declares DEFERRABLE INITIALLY DEFERRED; no PRAGMA reports it.
std::set<std::string> deferred_columns(const std::string& create_table_sql);

/// The generated columns a CREATE TABLE statement declares: column → "EXPRESSION VIRTUAL" or
/// "... STORED", both in upper case with blanks collapsed (no PRAGMA reports the expression).
std::map<std::string, std::string> generated_expressions(const std::string& create_table_sql);

/// Reads the schema of the main database of `db`; with `only`, of those tables alone.
/// Throws Error on SQLite errors.
LiveSchema introspect(sqlite3* db, const std::set<std::string>* only = nullptr);

/// Per table (retort_migrations and SQLite's own left out), the text SQLite stores for it and
/// its indexes and triggers, in name order. Two tables with the same text have the same facts
/// (every PRAGMA derives them from that text), so only tables whose text differs need
/// introspect(); the reverse does not hold (ALTER TABLE edits the text).
std::map<std::string, std::string> table_texts(sqlite3* db);

/// The views, triggers and virtual tables of the main database (never the shadow tables that
/// hold a virtual table's data): name → {"view", "trigger" or "virtual table", its text in
/// normalize_sql() form}.
using LiveObjects = std::map<std::string, std::pair<std::string, std::string>>;
LiveObjects introspect_objects(sqlite3* db);

/// Readable differences: "missing view 'v'", "unexpected trigger 't'", "view 'v' differs: ...".
std::vector<std::string> compare_objects(const LiveObjects& expected, const LiveObjects& actual);

/// compare_schemas() then compare_objects() of two open databases: everything that tells them
/// apart to SQLite's PRAGMAs and sqlite_schema.
std::vector<std::string> compare_databases(sqlite3* expected, sqlite3* actual);

/// Readable differences, "table 'x': missing column ..." / "... unexpected ...".
std::vector<std::string> compare_schemas(const LiveSchema& expected, const LiveSchema& actual);

}  // namespace retort

#endif  // RETORT_DETAIL_INTROSPECT_HPP
