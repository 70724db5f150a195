// Start-up cost when the database is already up to date: retort::upgrade() against a bare
// sqlite3_open_v2 + sqlite3_close of the same file, in the same run.
#include <benchmark/benchmark.h>
#include <sqlite3.h>

#include <filesystem>
#include <string>
#include <vector>

#include "retort/runtime.hpp"

namespace {

constexpr int kRevisions = 100;

std::vector<retort::Revision> revisions() {
  std::vector<retort::Revision> out;
  for (int i = 1; i <= kRevisions; ++i) {
    char id[8];
    std::snprintf(id, sizeof id, "%04d", i);
    retort::Revision r;
    r.id = id;
    r.parent = out.empty() ? "" : out.back().id;
    r.file_name = r.id + "_r.sql";
    r.up_sql = "CREATE TABLE t" + r.id + " (id INTEGER PRIMARY KEY, name TEXT NOT NULL);";
    r.down_sql = "DROP TABLE t" + r.id + ";";
    out.push_back(retort::parse_revision(retort::render_revision(r), r.file_name));
  }
  return out;
}

const std::filesystem::path& database() {
  static const std::filesystem::path path = [] {
    const auto p = std::filesystem::temp_directory_path() / "retort_bench_startup.db";
    std::filesystem::remove(p);
    retort::upgrade(p, revisions());
    return p;
  }();
  return path;
}

void BareOpenClose(benchmark::State& state) {
  const std::string path = database().string();
  for (auto _ : state) {
    sqlite3* db = nullptr;
    sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    sqlite3_close(db);
  }
}
BENCHMARK(BareOpenClose);

// What any first statement on a connection costs: SQLite reads and parses the schema.
void OpenFirstQueryClose(benchmark::State& state) {
  const std::string path = database().string();
  for (auto _ : state) {
    sqlite3* db = nullptr;
    sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    sqlite3_stmt* stmt = nullptr;
    sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_schema", -1, &stmt, nullptr);
    sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    sqlite3_close(db);
  }
}
BENCHMARK(OpenFirstQueryClose);

void UpToDateUpgrade(benchmark::State& state) {
  const std::vector<retort::Revision> all = revisions();
  const std::filesystem::path path = database();
  for (auto _ : state) {
    if (!retort::upgrade(path, all).empty()) state.SkipWithError("not up to date");
  }
}
BENCHMARK(UpToDateUpgrade);

}  // namespace

namespace {

// The marginal cost on the application's own connection, whose schema is already loaded.
void UpToDateUpgradeOnOpenConnection(benchmark::State& state) {
  const std::vector<retort::Revision> all = revisions();
  sqlite3* db = nullptr;
  sqlite3_open_v2(database().string().c_str(), &db, SQLITE_OPEN_READWRITE, nullptr);
  retort::upgrade(db, all);
  for (auto _ : state) {
    if (!retort::upgrade(db, all).empty()) state.SkipWithError("not up to date");
  }
  sqlite3_close(db);
}
BENCHMARK(UpToDateUpgradeOnOpenConnection);

}  // namespace

BENCHMARK_MAIN();
