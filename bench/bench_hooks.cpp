// What the hook mechanism costs: a revision whose Up and Down each run a hook that does
// nothing, against the same revision without the markers, applied and reverted in turn
// (Google Benchmark). Argument 0: an in-memory database (the worst case: nothing else costs);
// 1: a file, as an application runs it.
#include <benchmark/benchmark.h>
#include <sqlite3.h>

#include <filesystem>
#include <string>
#include <vector>

#include "retort/runtime.hpp"

namespace {

void nothing(sqlite3*, retort::HookProgress&) {}

std::vector<retort::Revision> revisions(bool with_hook) {
  const std::string marker = with_hook ? retort::hook_marker("nothing") + "\n" : "";
  retort::Revision first;
  first.id = "0001";
  first.file_name = "0001_r.sql";
  first.up_sql =
      "CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER NOT NULL);\n"
      "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 1000)\n"
      "INSERT INTO t SELECT i, i FROM k;";
  first.down_sql = "DROP TABLE t;";
  retort::Revision second;
  second.id = "0002";
  second.parent = "0001";
  second.file_name = "0002_r.sql";
  second.up_sql = "UPDATE t SET n = n + 1 WHERE id = 1;\n" + marker;
  second.down_sql = marker + "UPDATE t SET n = n - 1 WHERE id = 1;";
  const std::string texts[] = {retort::render_revision(first), retort::render_revision(second)};
  return retort::load_revisions(
      {{first.file_name.c_str(), texts[0].c_str()}, {second.file_name.c_str(), texts[1].c_str()}},
      {{"nothing", &nothing}});
}

void ApplyAndRevert(benchmark::State& state, bool with_hook) {
  const std::vector<retort::Revision> revs = revisions(with_hook);
  const bool on_file = state.range(0) == 1;
  const auto path = std::filesystem::temp_directory_path() /
                    ("retort_bench_hooks_" + std::to_string(with_hook) + ".db");
  std::filesystem::remove(path);
  sqlite3* db = nullptr;
  sqlite3_open(on_file ? path.c_str() : ":memory:", &db);
  retort::upgrade(db, revs, "0001");
  for (auto _ : state) {
    retort::upgrade(db, revs, "+1");
    retort::downgrade(db, revs, "-1");
  }
  sqlite3_close(db);
  std::filesystem::remove(path);
}

void RevisionWithoutHook(benchmark::State& state) { ApplyAndRevert(state, false); }
void RevisionWithNoOpHook(benchmark::State& state) { ApplyAndRevert(state, true); }

BENCHMARK(RevisionWithoutHook)->Arg(0)->Arg(1);
BENCHMARK(RevisionWithNoOpHook)->Arg(0)->Arg(1);

}  // namespace

BENCHMARK_MAIN();
