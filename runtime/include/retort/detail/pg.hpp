// Small helpers over libpq, shared by Retort::postgresql and the tool (not an API).
#ifndef RETORT_DETAIL_PG_HPP
#define RETORT_DETAIL_PG_HPP

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "retort/detail/introspect.hpp"
#include "retort/error.hpp"

typedef struct pg_conn PGconn;
typedef struct pg_result PGresult;

namespace retort::detail::pg {

struct ConnCloser {
  void operator()(PGconn* conn) const;
};
/// An owned connection, finished when it goes.
using Conn = std::unique_ptr<PGconn, ConnCloser>;

struct ResultClearer {
  void operator()(PGresult* result) const;
};
using Result = std::unique_ptr<PGresult, ResultClearer>;

/// A statement PostgreSQL refused: its message and SQLSTATE ("55P03": lock_timeout fired).
class Failure : public Error {
 public:
  Failure(std::string message, std::string sqlstate)
      : Error(std::move(message)), sqlstate_(std::move(sqlstate)) {}
  const std::string& sqlstate() const { return sqlstate_; }

 private:
  std::string sqlstate_;
};

/// Whether `text` is a libpq connection string rather than a file: `postgresql://...`,
/// `postgres://...`, or `key=value ...` (host=, dbname=, ...).
bool is_connection_string(std::string_view text);

/// Connects with the libpq connection string `conninfo`. Throws Error naming the server (the
/// string without its password) and libpq's message.
Conn connect(const std::string& conninfo);

/// `conninfo` with any password left out, for messages.
std::string printable(const std::string& conninfo);

/// Runs `sql` (one statement, or several in the simple protocol). Throws Failure with the
/// server's message (and its detail and hint lines).
Result exec(PGconn* conn, const std::string& sql);

/// Runs the statements of `sql` in one round trip (the simple protocol) and returns each one's
/// result. Throws Failure with the first failure's message.
std::vector<Result> exec_each(PGconn* conn, const std::string& sql);

/// Runs one statement with text parameters $1, $2, ... (std::nullopt: NULL). Throws Failure.
Result exec(PGconn* conn, const std::string& sql,
            const std::vector<std::optional<std::string>>& params);

/// Runs `sql`; returns the server's message on failure, "" on success.
std::string try_exec(PGconn* conn, const std::string& sql);

/// Calls `row` with each result row's values as text ("NULL" for NULL). Throws Failure.
void query_rows(PGconn* conn, const std::string& sql,
                const std::function<void(const std::vector<std::string>&)>& row);
/// The same with text parameters $1, $2, ... (std::nullopt: NULL).
void query_rows(PGconn* conn, const std::string& sql,
                const std::vector<std::optional<std::string>>& params,
                const std::function<void(const std::vector<std::string>&)>& row);

/// Value (row, column) of a result as text, "" for NULL.
std::string value(const PGresult* result, int row, int column);

/// `text` as a string literal, `name` as an identifier (quoted only when it must be).
std::string literal(std::string_view text);
std::string identifier(std::string_view name);

/// Whether the session is inside a transaction block.
bool in_transaction(PGconn* conn);

/// The statements of `sql`, split at the semicolons outside strings ('...', E'...'),
/// quoted identifiers, dollar-quoted bodies ($$ ... $$, $tag$ ... $tag$) and comments; each
/// without its semicolon and surrounding blanks; pieces holding only comments are left out.
std::vector<std::string> split_statements(std::string_view sql);

/// split_statements() with where each statement starts in `sql` (its first non-blank byte).
struct StatementText {
  std::string text;
  std::size_t offset;
};
std::vector<StatementText> split_statements_at(std::string_view sql);

/// The schema of the connection's current schema (`current_schema()`) read from pg_catalog as
/// comparable facts, per table: columns (type, NOT NULL, default, identity, generated,
/// collation), constraints by name with their definitions, indexes that back no constraint.
/// The version table is left out. Throws Failure.
LiveSchema introspect(PGconn* conn);

/// Views, materialized views, functions, triggers and extensions of the current schema:
/// name → {kind, definition as PostgreSQL prints it}. Throws Failure.
LiveObjects introspect_objects(PGconn* conn);

/// Everything that tells the current schemas of two connections apart.
std::vector<std::string> compare_databases(PGconn* expected, PGconn* actual);

/// A constraint of an adopted database that the baseline names otherwise (`users_pkey` for
/// `pk_users`): table, the database's name, the baseline's.
struct ConstraintRename {
  std::string table;
  std::string from;
  std::string to;
  bool operator==(const ConstraintRename& o) const {
    return table == o.table && from == o.from && to == o.to;
  }
};

/// The renames that give `actual`'s constraints `expected`'s names: in each table, a constraint
/// of `actual` that `expected` lacks, whose definition (pg_get_constraintdef) is that of one
/// `expected` has and `actual` lacks. Several with one definition pair in name order.
std::vector<ConstraintRename> constraint_renames(const LiveSchema& expected,
                                                 const LiveSchema& actual);

/// `schema`'s facts as they read after `renames`.
LiveSchema renamed(LiveSchema schema, const std::vector<ConstraintRename>& renames);

/// `ALTER TABLE t RENAME CONSTRAINT from TO to;` (with its newline).
std::string rename_statement(const ConstraintRename& rename);

/// What adopting the current schema with a baseline whose Up is `create_sql` finds, as start-up
/// does it: `create_sql` run in a schema of its own inside a transaction rolled back, the
/// current schema's constraints given its names (`renames`, not made), the rest compared.
/// Call it outside a transaction block. Throws Failure on the server's errors.
std::vector<std::string> adoption_differences(PGconn* conn, const std::string& create_sql,
                                              std::vector<ConstraintRename>& renames);

}  // namespace retort::detail::pg

#endif  // RETORT_DETAIL_PG_HPP
