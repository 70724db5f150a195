// The app: `app DATABASE` upgrades that database to the newest revision and reports; DATABASE is
// a libpq connection string (postgresql://..., host=...) or a SQLite file, so the one program
// runs on either, as a service moving from one to the other does.
#include <libpq-fe.h>

#include <filesystem>
#include <iostream>
#include <retort/postgresql.hpp>
#include <string>

namespace {

bool postgresql(const std::string& database) {
  return database.rfind("postgresql://", 0) == 0 || database.find('=') != std::string::npos;
}

int run_on_postgresql(const std::string& conninfo) {
  PGconn* conn = PQconnectdb(conninfo.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    std::cerr << PQerrorMessage(conn);
    PQfinish(conn);
    return 1;
  }
  int status = 0;
  try {
    for (const std::string& id : retort::upgrade(conn)) std::cout << "applied " << id << "\n";
    std::cout << "current " << retort::current(conn).value_or("base") << "\n";
  } catch (const retort::Error& e) {
    std::cerr << e.what() << "\n";
    status = 1;
  }
  PQfinish(conn);
  return status;
}

int run_on_sqlite(const std::filesystem::path& file) {
  try {
    for (const std::string& id : retort::upgrade(file)) std::cout << "applied " << id << "\n";
    std::cout << "current " << retort::current(file).value_or("base") << "\n";
  } catch (const retort::Error& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  const std::string database = argv[1];
  return postgresql(database) ? run_on_postgresql(database) : run_on_sqlite(database);
}
