// Reads a table's rows from SQLite as the transfer's values, naming each row by its key.
#ifndef RETORT_RUNTIME_TRANSFER_SOURCE_HPP
#define RETORT_RUNTIME_TRANSFER_SOURCE_HPP

#include <string>
#include <vector>

#include "retort/detail/sqlite.hpp"
#include "transfer_plan.hpp"

namespace retort::detail::transfer {

/// The rows of a table: its copied columns, then `extra` expressions, `where` a condition on
/// them (the table's alias is `c`), "" for every row.
class SourceRows {
 public:
  SourceRows(sqlite3* db, const TablePlan& table, const std::vector<std::string>& extra = {},
             const std::string& where = "");
  /// Steps to the next row; false after the last. Throws Error.
  bool next();
  /// Column `i` of the plan's columns, or plan.columns.size() + j for extra `j`.
  SourceValue value(std::size_t i) const;
  /// "id=7", "post_id=1, tag_id=2", "rowid=7", or "row 7" (its place in the table).
  std::string key() const;
  /// Rows stepped to so far.
  std::int64_t count() const { return count_; }

 private:
  sqlite3* db_;
  const TablePlan& table_;
  Statement statement_;
  std::string sql_;
  std::int64_t count_ = 0;
};

/// The number of rows `table` holds. Throws Error.
std::int64_t count_rows(sqlite3* db, const TablePlan& table);

}  // namespace retort::detail::transfer

#endif  // RETORT_RUNTIME_TRANSFER_SOURCE_HPP
