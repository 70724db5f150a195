// The app: `app CONNINFO` upgrades that PostgreSQL database to the newest revision and reports.
#include <libpq-fe.h>

#include <iostream>
#include <retort/postgresql.hpp>

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  PGconn* conn = PQconnectdb(argv[1]);
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
