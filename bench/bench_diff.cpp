// The diff engine alone: `bench_diff N` diffs N tables of 12 columns against a changed copy
// (every tenth table gains a column, every twentieth is rebuilt, one in fifty is new) and
// prints seconds (diff and rendering) and the process's peak memory, as one JSON line.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "diff.hpp"
#include "emit.hpp"

namespace {

retort::Table table(int n) {
  retort::Table t;
  t.name = "table_" + std::to_string(n);
  for (int c = 0; c < 12; ++c) {
    retort::Column col;
    col.name = c == 0 ? "id" : "column_" + std::to_string(c);
    col.type = c % 3 == 0 ? "INTEGER" : c % 3 == 1 ? "TEXT" : "REAL";
    col.not_null = c % 2 == 0;
    t.columns.push_back(col);
  }
  t.primary_key = {"id"};
  t.indexes = {{"ix_" + t.name + "_column_1", {"column_1"}, false}};
  return t;
}

}  // namespace

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 1000;
  retort::Schema from, to;
  for (int i = 0; i < n; ++i) {
    from.tables.push_back(table(i));
    retort::Table changed = table(i);
    if (i % 10 == 0) {
      retort::Column extra;
      extra.name = "added";
      extra.type = "TEXT";
      changed.columns.push_back(extra);
    }
    if (i % 20 == 5) changed.columns[1].type = "VARCHAR(40)";
    to.tables.push_back(changed);
    if (i % 50 == 0) to.tables.push_back(table(n + i));
  }
  retort::sort_tables(from);
  retort::sort_tables(to);
  const auto start = std::chrono::steady_clock::now();
  const retort::ChangeSet changes = retort::diff_schemas(from, to);
  const auto dialect = retort::make_sqlite_dialect();
  const std::string up = retort::render_changes(*dialect, changes.changes);
  const std::string down = retort::render_changes(*dialect, retort::invert(changes.changes));
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::printf(
      "{\"tables\": %d, \"changes\": %zu, \"sql_bytes\": %zu, \"seconds\": %.6f, "
      "\"max_rss_kb\": %ld}\n",
      n, changes.changes.size(), up.size() + down.size(), seconds, usage.ru_maxrss);
}
