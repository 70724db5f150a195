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

#include "retort/postgresql.hpp"

namespace {

std::vector<retort::Revision> revisions_in(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir / "versions")) {
    if (e.path().extension() == ".sql") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<std::string> names, texts;
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    names.push_back(f.filename().string());
    texts.push_back(text.str());
  }
  std::vector<retort::RevisionSource> sources;
  for (std::size_t i = 0; i < files.size(); ++i) {
    sources.push_back({names[i].c_str(), texts[i].c_str()});
  }
  return retort::load_revisions(sources);
}

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
