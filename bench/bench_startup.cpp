// Start-up cost when the database is already up to date: retort::upgrade() against a bare
// sqlite3_open_v2 + sqlite3_close of the same file, in the same run. 100 revisions; the
// argument is how many tables they create (the others add columns): the schema SQLite parses
// when a statement reads a table (not for the start-up fingerprint, see docs/start-up.md).
#include <benchmark/benchmark.h>
#include <sqlite3.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "retort/runtime.hpp"

namespace {

constexpr int kRevisions = 100;

std::vector<retort::Revision> revisions(int tables) {
  std::vector<retort::Revision> out;
  for (int i = 1; i <= kRevisions; ++i) {
    char id[8];
    std::snprintf(id, sizeof id, "%04d", i);
    retort::Revision r;
    r.id = id;
    r.parent = out.empty() ? "" : out.back().id;
    r.file_name = r.id + "_r.sql";
    const std::string table = "t" + std::to_string((i - 1) % tables);
    if (i <= tables) {
      r.up_sql = "CREATE TABLE " + table + " (id INTEGER PRIMARY KEY, name TEXT NOT NULL);";
      r.down_sql = "DROP TABLE " + table + ";";
    } else {
      r.up_sql = "ALTER TABLE " + table + " ADD COLUMN c" + r.id + " TEXT;";
      r.down_sql = "ALTER TABLE " + table + " DROP COLUMN c" + r.id + ";";
    }
    out.push_back(retort::parse_revision(retort::render_revision(r), r.file_name));
  }
  return out;
}

// A database at the newest revision. `app_owns_user_version`: the application set
// PRAGMA user_version first, so Retort keeps no start-up fingerprint (docs/start-up.md).
const std::filesystem::path& database(int tables, bool app_owns_user_version = false) {
  static std::map<std::pair<int, bool>, std::filesystem::path> paths;
  auto [it, inserted] =
      paths.emplace(std::make_pair(tables, app_owns_user_version), std::filesystem::path());
  if (inserted) {
    it->second =
        std::filesystem::temp_directory_path() / ("retort_bench_startup_" + std::to_string(tables) +
                                                  (app_owns_user_version ? "_app" : "") + ".db");
    std::filesystem::remove(it->second);
    if (app_owns_user_version) {
      sqlite3* db = nullptr;
      sqlite3_open(it->second.string().c_str(), &db);
      sqlite3_exec(db, "PRAGMA user_version = 42", nullptr, nullptr, nullptr);
      sqlite3_close(db);
    }
    retort::upgrade(it->second, revisions(tables));
  }
  return it->second;
}

void BareOpenClose(benchmark::State& state) {
  const std::string path = database(static_cast<int>(state.range(0))).string();
  for (auto _ : state) {
    sqlite3* db = nullptr;
    sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    sqlite3_close(db);
  }
}
BENCHMARK(BareOpenClose)->Arg(100)->Arg(10);

// What any first statement on a connection costs: SQLite reads and parses the schema.
void OpenFirstQueryClose(benchmark::State& state) {
  const std::string path = database(static_cast<int>(state.range(0))).string();
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
BENCHMARK(OpenFirstQueryClose)->Arg(100)->Arg(10);

void UpToDateUpgrade(benchmark::State& state) {
  const int tables = static_cast<int>(state.range(0));
  const std::vector<retort::Revision> all = revisions(tables);
  const std::filesystem::path path = database(tables);
  for (auto _ : state) {
    if (!retort::upgrade(path, all).empty()) state.SkipWithError("not up to date");
  }
}
BENCHMARK(UpToDateUpgrade)->Arg(100)->Arg(10);

// The full path: the application owns user_version, so Retort reads retort_migrations.
void UpToDateUpgradeAppOwnsUserVersion(benchmark::State& state) {
  const int tables = static_cast<int>(state.range(0));
  const std::vector<retort::Revision> all = revisions(tables);
  const std::filesystem::path path = database(tables, true);
  for (auto _ : state) {
    if (!retort::upgrade(path, all).empty()) state.SkipWithError("not up to date");
  }
}
BENCHMARK(UpToDateUpgradeAppOwnsUserVersion)->Arg(100)->Arg(10);

}  // namespace

namespace {

// The marginal cost on the application's own connection, whose schema is already loaded.
void UpToDateUpgradeOnOpenConnection(benchmark::State& state) {
  const int tables = static_cast<int>(state.range(0));
  const std::vector<retort::Revision> all = revisions(tables);
  sqlite3* db = nullptr;
  sqlite3_open_v2(database(tables).string().c_str(), &db, SQLITE_OPEN_READWRITE, nullptr);
  retort::upgrade(db, all);
  for (auto _ : state) {
    if (!retort::upgrade(db, all).empty()) state.SkipWithError("not up to date");
  }
  sqlite3_close(db);
}
BENCHMARK(UpToDateUpgradeOnOpenConnection)->Arg(100)->Arg(10);

}  // namespace

BENCHMARK_MAIN();
