// SELECTs of a table's copied columns from SQLite.
#include "transfer_source.hpp"

#include <sqlite3.h>

#include "retort/error.hpp"

namespace retort::detail::transfer {

SourceRows::SourceRows(sqlite3* db, const TablePlan& table, const std::vector<std::string>& extra,
                       const std::string& where)
    : db_(db), table_(table) {
  std::string columns;
  for (const TargetColumn& c : table.columns) {
    columns += (columns.empty() ? "c." : ", c.") + quoted(c.name);
  }
  for (const std::string& e : extra) columns += (columns.empty() ? "" : ", ") + e;
  // The rowid that names a row without a key comes last.
  if (!table.rowid.empty()) columns += (columns.empty() ? "c." : ", c.") + table.rowid;
  sql_ = "SELECT " + columns + " FROM " + quoted(table.name) + " AS c" +
         (where.empty() ? "" : " WHERE " + where);
  statement_ = prepare(db, sql_);
}

bool SourceRows::next() {
  const int rc = sqlite3_step(statement_.get());
  if (rc == SQLITE_ROW) {
    ++count_;
    return true;
  }
  if (rc != SQLITE_DONE) throw Error("'" + sql_ + "' failed: " + sqlite3_errmsg(db_));
  return false;
}

SourceValue SourceRows::value(std::size_t i) const {
  sqlite3_stmt* s = statement_.get();
  const int column = static_cast<int>(i);
  SourceValue v;
  switch (sqlite3_column_type(s, column)) {
    case SQLITE_INTEGER:
      v.storage = SourceValue::Storage::kInteger;
      v.integer = sqlite3_column_int64(s, column);
      break;
    case SQLITE_FLOAT:
      v.storage = SourceValue::Storage::kReal;
      v.real = sqlite3_column_double(s, column);
      break;
    case SQLITE_TEXT: {
      v.storage = SourceValue::Storage::kText;
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(s, column));
      v.bytes = std::string_view(text, static_cast<std::size_t>(sqlite3_column_bytes(s, column)));
      break;
    }
    case SQLITE_BLOB: {
      v.storage = SourceValue::Storage::kBlob;
      const auto* blob = static_cast<const char*>(sqlite3_column_blob(s, column));
      v.bytes = std::string_view(blob, static_cast<std::size_t>(sqlite3_column_bytes(s, column)));
      break;
    }
    default:
      break;
  }
  return v;
}

std::string SourceRows::key() const {
  if (!table_.key.empty()) {
    std::string out;
    for (const std::size_t k : table_.key) {
      out += (out.empty() ? "" : ", ") + table_.columns[k].name + "=" + printable(value(k));
    }
    return out;
  }
  if (!table_.rowid.empty()) {
    const int last = sqlite3_column_count(statement_.get()) - 1;
    return "rowid=" + std::to_string(sqlite3_column_int64(statement_.get(), last));
  }
  return "row " + std::to_string(count_);
}

std::int64_t count_rows(sqlite3* db, const TablePlan& table) {
  std::int64_t rows = 0;
  query_rows(db, "SELECT count(*) FROM " + quoted(table.name),
             [&rows](const std::vector<std::string>& r) { rows = std::stoll(r[0]); });
  return rows;
}

}  // namespace retort::detail::transfer
