// The example app: upgrades its database at start-up and shows what it applied.
#include <sqlite3.h>

#include <filesystem>
#include <iostream>
#include <retort/runtime.hpp>
#include <string>

#include "models/post.hpp"
#include "models/user.hpp"

namespace {

// Prints each table of the database with its columns, as SQLite reports them.
void print_tables(const std::filesystem::path& path) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(path.string().c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(
      db,
      "SELECT m.name, group_concat(c.name || ' ' || c.type, ', ') FROM sqlite_schema m "
      "JOIN pragma_table_info(m.name) c WHERE m.type = 'table' AND m.name NOT LIKE "
      "'sqlite%' GROUP BY m.name ORDER BY m.name",
      -1, &stmt, nullptr);
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    std::cout << "  table " << sqlite3_column_text(stmt, 0) << " (" << sqlite3_column_text(stmt, 1)
              << ")\n";
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}

}  // namespace

int main(int argc, char** argv) {
  const std::string arg = argc > 1 ? argv[1] : "app.db";
  if (argc > 2 || arg.empty() || arg[0] == '-') {  // an option, not a database file
    const bool help = arg == "--help" || arg == "-h";
    (help ? std::cout : std::cerr) << "usage: users_example [DATABASE]  (default: app.db)\n"
                                      "upgrades DATABASE to the newest revision and lists its "
                                      "tables\n";
    return help ? 0 : 2;
  }
  const std::filesystem::path db = arg;
  try {
    const std::vector<std::string> applied = retort::upgrade(db);
    if (applied.empty()) std::cout << "users-example: " << db << " is up to date\n";
    for (const std::string& id : applied)
      std::cout << "users-example: applied revision " << id << "\n";
    std::cout << "users-example: " << db << " is at revision "
              << retort::current(db).value_or("base") << "\n";
    print_tables(db);
  } catch (const retort::Error& e) {
    std::cerr << "users-example: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
