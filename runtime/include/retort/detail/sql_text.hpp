// Small helpers over SQL text, shared by the runtime and the tool (not an API).
#ifndef RETORT_DETAIL_SQL_TEXT_HPP
#define RETORT_DETAIL_SQL_TEXT_HPP

#include <optional>
#include <string>
#include <vector>

namespace retort {

/// `sql` with each run of blanks outside quotes made one space, none at either end: the form
/// in which SQL written by people (index keys, conditions) is kept and compared.
std::string collapse_blanks(const std::string& sql);

/// The items of a comma-separated SQL list, split at the commas outside parentheses and quotes
/// ("substr(a, 1, 2), b" has two), as written.
std::vector<std::string> split_sql_list(const std::string& sql);

/// `s` in ASCII upper case (SQL keywords, types and actions compare case-insensitively).
std::string to_upper(std::string s);

/// SQL without comments, each run of blanks outside quotes one space, no `;` at the end: the
/// form in which objects are compared (what SQLite keeps of a statement is its text).
std::string normalize_sql(const std::string& sql);

/// `sql` with each double-quoted token written as a string literal ("" → '', "it's" →
/// 'it''s'). SQLite reads a double-quoted name that names no column as a string (and always so
/// in a DEFAULT), and rewrites such literals to single quotes in the views and triggers an
/// ALTER TABLE re-parses: two texts equal after this are the same thing to SQLite wherever it
/// made that rewrite (comparisons only; the text kept is the one written).
std::string fold_double_quoted(const std::string& sql);

/// The parts of a CREATE INDEX statement: each key as written (blanks collapsed) and the
/// partial index's condition (without WHERE), if any.
struct IndexParts {
  std::vector<std::string> keys;
  std::optional<std::string> where;
};
IndexParts index_parts(const std::string& create_index_sql);

namespace detail {

/// `text` as an SQL string literal: quoted, inner quotes doubled.
std::string sql_literal(const std::string& text);

/// `name` as a quoted identifier: "name", inner quotes doubled. The one way Retort quotes a
/// name (a dialect leaves plain ones bare first).
std::string quote_identifier(const std::string& name);

}  // namespace detail

}  // namespace retort

#endif  // RETORT_DETAIL_SQL_TEXT_HPP
