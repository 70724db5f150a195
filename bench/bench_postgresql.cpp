// PostgreSQL's start-up and apply paths, as an application runs them (Retort::postgresql alone,
// no libclang):
//   bench_postgresql apply DIR CONNINFO       upgrades the database through DIR/versions
//   bench_postgresql startup DIR CONNINFO N   times N up-to-date upgrade() calls on one open
//                                             connection beside N `SELECT 1`, in turn, and
//                                             prints both medians in ns
#include <libpq-fe.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "bench_revisions.hpp"
#include "retort/postgresql.hpp"

namespace {

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

template <typename F>
double nanoseconds(F f) {
  const auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::cerr << "usage: bench_postgresql apply|startup DIR CONNINFO [N]\n";
    return 2;
  }
  const std::string mode = argv[1];
  const std::vector<retort::Revision> revisions = revisions_in(argv[2]);
  PGconn* conn = PQconnectdb(argv[3]);
  if (PQstatus(conn) != CONNECTION_OK) {
    std::cerr << PQerrorMessage(conn);
    return 1;
  }
  try {
    if (mode == "apply") {
      std::cout << retort::upgrade(conn, revisions).size() << " applied\n";
    } else {
      const int n = argc > 4 ? std::stoi(argv[4]) : 1000;
      retort::upgrade(conn, revisions);
      std::vector<double> ours, select;
      for (int i = 0; i < n; ++i) {
        ours.push_back(nanoseconds([&] {
          if (!retort::upgrade(conn, revisions).empty()) throw retort::Error("not up to date");
        }));
        select.push_back(nanoseconds([&] { PQclear(PQexec(conn, "SELECT 1")); }));
      }
      std::cout << median(ours) << " " << median(select) << "\n";
    }
  } catch (const retort::Error& e) {
    std::cerr << e.what() << "\n";
    PQfinish(conn);
    return 1;
  }
  PQfinish(conn);
  return 0;
}
