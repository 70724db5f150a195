// A test's stand-in for an application starting on PostgreSQL: upgrades the database to the
// newest revision of a repository and prints what it applied. Its test-only pause hook: with
// RETORT_TEST_PAUSE_AT=N it stops at the N-th statement boundary of the run (1: before the first
// statement, 2: after it, 3: before the second, ...), prints "paused N: STATEMENT" and waits for a
// line on stdin before it goes on, so that a test kills it there, or acts while it waits, without
// racing the clock; RETORT_TEST_PAUSE_BEFORE=TEXT stops so before the first statement holding
// TEXT. RETORT_TEST_LOCK_TIMEOUT_MS sets PostgresqlOptions::lock_timeout.
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>

#include "repository.hpp"
#include "retort/detail/pg.hpp"
#include "retort/postgresql.hpp"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: retort_pg_migrator CONNINFO REPOSITORY_DIR\n";
    return 2;
  }
  try {
    const std::vector<retort::Revision> revisions = retort::load_repository(argv[2]).revisions;
    const retort::detail::pg::Conn conn = retort::detail::pg::connect(argv[1]);
    const char* pause = std::getenv("RETORT_TEST_PAUSE_AT");
    const long pause_at = pause ? std::strtol(pause, nullptr, 10) : 0;
    const char* before = std::getenv("RETORT_TEST_PAUSE_BEFORE");
    bool paused_before = false;
    retort::PostgresqlOptions options;
    if (const char* ms = std::getenv("RETORT_TEST_LOCK_TIMEOUT_MS")) {
      options.lock_timeout = std::chrono::milliseconds(std::strtol(ms, nullptr, 10));
    }
    long boundary = 0;
    const auto progress = [&](const retort::Progress& p) {
      if (p.event != retort::Progress::Event::kStatement &&
          p.event != retort::Progress::Event::kStatementDone) {
        return;
      }
      ++boundary;
      const bool here = before && !paused_before &&
                        p.event == retort::Progress::Event::kStatement &&
                        p.statement.find(before) != std::string::npos;
      paused_before = paused_before || here;
      if (boundary != pause_at && !here) return;
      std::cout << "paused " << boundary << ": " << p.statement << std::endl;
      std::string line;
      std::getline(std::cin, line);
    };
    for (const std::string& id :
         retort::upgrade(conn.get(), revisions, "head", progress, options)) {
      std::cout << "applied " << id << "\n";
    }
    std::cout << "boundaries " << boundary << "\ncurrent "
              << retort::current(conn.get()).value_or("base") << std::endl;
    return 0;
  } catch (const std::exception& e) {
    std::cout << "error: " << e.what() << std::endl;
    return 1;
  }
}
