// Small RAII helpers over the SQLite C API, shared by the runtime and the tool (not an API).
#ifndef RETORT_DETAIL_SQLITE_HPP
#define RETORT_DETAIL_SQLITE_HPP

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "retort/detail/sql_text.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace retort::detail {

struct DbCloser {
  void operator()(sqlite3* db) const;
};
/// An owned connection, closed when it goes.
using Db = std::unique_ptr<sqlite3, DbCloser>;

struct StatementFinalizer {
  void operator()(sqlite3_stmt* statement) const;
};
/// An owned prepared statement, finalized when it goes.
using Statement = std::unique_ptr<sqlite3_stmt, StatementFinalizer>;

/// Opens the database at `path` with sqlite3_open_v2 `flags`. Throws Error naming the file.
Db open_db(const std::filesystem::path& path, int flags);

/// A new in-memory database with foreign keys enforced. Throws Error.
Db open_memory();

/// Prepares one statement. Throws Error with the statement and SQLite's message; nullptr when
/// `sql` holds only blanks or comments.
Statement prepare(sqlite3* db, const std::string& sql);

/// Prepares one statement; nullptr, with SQLite's message in `error`, when it does not prepare,
/// and nullptr with `error` left empty when `sql` holds only blanks or comments.
Statement try_prepare(sqlite3* db, const std::string& sql, std::string& error);

/// Prepares the first statement of `sql` and points `tail` past it, as try_prepare() does for
/// one (`tail` is unchanged when it does not prepare).
Statement try_prepare_first(sqlite3* db, const char* sql, const char*& tail, std::string& error);

/// Runs `sql` (several statements allowed). Throws Error naming the statement.
void exec(sqlite3* db, const std::string& sql);

/// Runs `sql`; returns SQLite's message on failure, "" on success.
std::string try_exec(sqlite3* db, const std::string& sql);

/// Runs `sql` and calls `row` with each result row's columns as text ("NULL" for NULL).
/// Throws Error naming the statement when SQLite fails.
void query_rows(sqlite3* db, const std::string& sql,
                const std::function<void(const std::vector<std::string>&)>& row);

/// Column `i` of the current row as text; "" for NULL.
std::string column_text(sqlite3_stmt* statement, int i);

/// Binds `value` to parameter `i` (1-based), copied.
void bind_text(sqlite3_stmt* statement, int i, const std::string& value);

/// A condition on the name column `column` (of sqlite_schema) that leaves out SQLite's own
/// tables and the version table.
std::string not_internal(const std::string& column);

}  // namespace retort::detail

#endif  // RETORT_DETAIL_SQLITE_HPP
