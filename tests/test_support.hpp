// Helpers shared by the tests: temporary directories, commands, SQLite queries.
#ifndef RETORT_TESTS_TEST_SUPPORT_HPP
#define RETORT_TESTS_TEST_SUPPORT_HPP

#include <sqlite3.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace retort::testing {

/// A fresh directory under the system's temporary directory, removed with the object.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() / ("retort-test-" + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

/// Whether `part` occurs in `text`.
inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

inline void write_text(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

struct CommandResult {
  int exit_code;
  std::string output;  ///< stdout and stderr together
};

/// Runs `command` through the shell and captures its output.
inline CommandResult run(const std::string& command) {
  std::string output;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (!pipe) throw std::runtime_error("cannot run: " + command);
  char buf[4096];
  std::size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) output.append(buf, n);
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

/// An open SQLite database, closed with the object.
class Database {
 public:
  explicit Database(const std::string& path = ":memory:") {
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK)
      throw std::runtime_error("cannot open " + path);
  }
  ~Database() { sqlite3_close(db_); }
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  sqlite3* get() const { return db_; }

  void exec(const std::string& sql) const {
    char* message = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
      std::string text = message ? message : "";
      sqlite3_free(message);
      throw std::runtime_error(sql + ": " + text);
    }
  }

  /// Every row of `sql`, each column as text ("NULL" for NULL), columns joined by '|'.
  std::vector<std::string> rows(const std::string& sql) const {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      throw std::runtime_error(sql + ": " + sqlite3_errmsg(db_));
    }
    std::vector<std::string> out;
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      std::string row;
      for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
        const unsigned char* t = sqlite3_column_text(stmt, i);
        row += (i ? "|" : "") + std::string(t ? reinterpret_cast<const char*>(t) : "NULL");
      }
      out.push_back(row);
    }
    sqlite3_finalize(stmt);
    return out;
  }

  /// The whole database as text, to compare row by row: its user_version, every schema object's
  /// SQL, then each table's rows (sorted), each line prefixed with its table's name.
  std::vector<std::string> dump() const {
    std::vector<std::string> out = rows("PRAGMA user_version");
    for (const std::string& object :
         rows("SELECT type || ' ' || name || ': ' || ifnull(sql, '') FROM sqlite_schema ORDER BY "
              "type, name")) {
      out.push_back(object);
    }
    for (const std::string& table : rows("SELECT name FROM sqlite_schema WHERE type = 'table'")) {
      std::vector<std::string> table_rows = rows("SELECT * FROM \"" + table + "\"");
      std::sort(table_rows.begin(), table_rows.end());
      for (const std::string& row : table_rows) out.push_back(table + ": " + row);
    }
    return out;
  }

  /// The user tables' names, sorted.
  std::vector<std::string> tables() const {
    return rows(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite%' "
        "ORDER BY name");
  }

 private:
  sqlite3* db_ = nullptr;
};

}  // namespace retort::testing

#endif  // RETORT_TESTS_TEST_SUPPORT_HPP
