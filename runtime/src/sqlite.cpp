// RAII and small helpers over the SQLite C API (retort/detail/sqlite.hpp).
#include "retort/detail/sqlite.hpp"

#include <sqlite3.h>

#include "retort/error.hpp"
#include "retort/revision.hpp"

namespace retort::detail {

void DbCloser::operator()(sqlite3* db) const { sqlite3_close(db); }

void StatementFinalizer::operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }

Db open_db(const std::filesystem::path& path, int flags) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.string().c_str(), &raw, flags, nullptr);
  Db db(raw);
  if (rc != SQLITE_OK) {
    throw Error("cannot open database '" + path.string() +
                "': " + (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
  }
  return db;
}

Db open_memory() {
  Db db = open_db(":memory:", SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  exec(db.get(), "PRAGMA foreign_keys = ON");
  return db;
}

Statement prepare(sqlite3* db, const std::string& sql) {
  std::string error;
  Statement statement = try_prepare(db, sql, error);
  if (!error.empty()) throw Error("'" + sql + "' failed: " + error);
  return statement;
}

Statement try_prepare(sqlite3* db, const std::string& sql, std::string& error) {
  const char* tail = nullptr;
  return try_prepare_first(db, sql.c_str(), tail, error);
}

Statement try_prepare_first(sqlite3* db, const char* sql, const char*& tail, std::string& error) {
  sqlite3_stmt* raw = nullptr;
  const char* next = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &raw, &next) != SQLITE_OK) {
    sqlite3_finalize(raw);
    error = sqlite3_errmsg(db);
    return nullptr;
  }
  tail = next;
  return Statement(raw);
}

std::string try_exec(sqlite3* db, const std::string& sql) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message) == SQLITE_OK) return "";
  std::string text = message ? message : sqlite3_errmsg(db);
  sqlite3_free(message);
  return text;
}

void exec(sqlite3* db, const std::string& sql) {
  const std::string error = try_exec(db, sql);
  if (!error.empty()) throw Error("'" + sql + "' failed: " + error);
}

void query_rows(sqlite3* db, const std::string& sql,
                const std::function<void(const std::vector<std::string>&)>& row) {
  const Statement statement = prepare(db, sql);
  sqlite3_stmt* s = statement.get();
  int rc;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    std::vector<std::string> values;
    for (int i = 0; i < sqlite3_column_count(s); ++i) {
      const unsigned char* t = sqlite3_column_text(s, i);
      values.emplace_back(t ? reinterpret_cast<const char*>(t) : "NULL");
    }
    row(values);
  }
  if (rc != SQLITE_DONE) throw Error("'" + sql + "' failed: " + sqlite3_errmsg(db));
}

std::string column_text(sqlite3_stmt* statement, int i) {
  const unsigned char* t = sqlite3_column_text(statement, i);
  return t ? reinterpret_cast<const char*>(t) : "";
}

void bind_text(sqlite3_stmt* statement, int i, const std::string& value) {
  sqlite3_bind_text(statement, i, value.c_str(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
}

std::string not_internal(const std::string& column) {
  return column + " NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND " + column + " <> '" + kVersionTable +
         "'";
}

}  // namespace retort::detail
