// The data migrations: split full names into first and last (expand), and join them back
// (the contract revision's down). Each appends its name to the file HOOK_LOG names, if set,
// so that a test can count how often it ran; HOOK_SLEEP_MS and HOOK_PAUSE_FILE hold the split
// halfway, for the SIGKILL tests.
#include <sqlite3.h>

#include <cstdlib>
#include <fstream>
#include <retort/runtime.hpp>
#include <stdexcept>
#include <string>

namespace {

// One prepared statement, finalized when it goes out of scope.
struct Statement {
  Statement(sqlite3* db, const char* sql) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) != SQLITE_OK) {
      throw std::runtime_error(sqlite3_errmsg(db));
    }
  }
  ~Statement() { sqlite3_finalize(stmt); }
  sqlite3_stmt* stmt = nullptr;
};

std::int64_t count_people(sqlite3* db) {
  Statement count(db, "SELECT count(*) FROM people");
  sqlite3_step(count.stmt);
  return sqlite3_column_int64(count.stmt, 0);
}

void log_run(const char* hook) {
  if (const char* log = std::getenv("HOOK_LOG")) std::ofstream(log, std::ios::app) << hook << "\n";
}

void sleep_if_asked() {
  if (const char* ms = std::getenv("HOOK_SLEEP_MS")) {
    sqlite3_sleep(std::atoi(ms));
  }
}

// For the SIGKILL test: creates the file HOOK_PAUSE_FILE names, if set, and waits while it
// exists, so that the test kills the process here.
void pause_if_asked() {
  if (const char* file = std::getenv("HOOK_PAUSE_FILE")) {
    std::ofstream(file) << "halfway\n";
    while (std::ifstream(file)) sqlite3_sleep(2);
  }
}

}  // namespace

RETORT_HOOK(split_full_name) {
  log_run("split_full_name");
  const std::int64_t total = count_people(db);
  Statement read(db, "SELECT id, full_name FROM people");
  Statement write(db, "UPDATE people SET first_name = ?1, last_name = ?2 WHERE id = ?3");
  std::int64_t done = 0;
  while (sqlite3_step(read.stmt) == SQLITE_ROW) {
    const std::string full = reinterpret_cast<const char*>(sqlite3_column_text(read.stmt, 1));
    if (full == "fail here") throw std::runtime_error("cannot split '" + full + "'");
    const auto space = full.find(' ');
    const std::string first = full.substr(0, space);
    const std::string last = space == std::string::npos ? "" : full.substr(space + 1);
    sqlite3_bind_text(write.stmt, 1, first.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(write.stmt, 2, last.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(write.stmt, 3, sqlite3_column_int64(read.stmt, 0));
    if (sqlite3_step(write.stmt) != SQLITE_DONE) throw std::runtime_error(sqlite3_errmsg(db));
    sqlite3_reset(write.stmt);
    progress.report(++done, total);
    if (done == total / 2) {
      sleep_if_asked();
      pause_if_asked();
    }
  }
}

RETORT_HOOK(join_full_name) {
  log_run("join_full_name");
  Statement join(db, "UPDATE people SET full_name = trim(first_name || ' ' || last_name)");
  if (sqlite3_step(join.stmt) != SQLITE_DONE) throw std::runtime_error(sqlite3_errmsg(db));
  const std::int64_t total = count_people(db);
  progress.report(total, total);
}
