// The up/down/up proof of a revision, with sample rows, on in-memory SQLite databases.
#include "verify.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <map>
#include <memory>

#include "emit.hpp"
#include "introspect.hpp"
#include "retort/runtime.hpp"

namespace retort {
namespace {

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};
using Db = std::unique_ptr<sqlite3, DbCloser>;

Db open_memory() {
  sqlite3* raw = nullptr;
  sqlite3_open(":memory:", &raw);
  Db db(raw);
  sqlite3_exec(raw, "PRAGMA foreign_keys = ON", nullptr, nullptr, nullptr);
  return db;
}

// Runs `sql`; returns SQLite's message on failure, "" on success.
std::string try_exec(sqlite3* db, const std::string& sql) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message) == SQLITE_OK) return "";
  std::string text = message ? message : "error";
  sqlite3_free(message);
  return text;
}

// The value sample row `row` holds in `column` of `table`, as an SQL literal.
std::string sample_value(const Schema& schema, const Table& table, const Column& column, int row) {
  for (const ForeignKey& fk : table.foreign_keys) {
    if (fk.columns.size() != 1 || fk.columns[0] != column.name) continue;
    const Table* parent = schema.find_table(fk.ref_table);
    const Column* target = parent ? parent->find_column(fk.ref_columns[0]) : nullptr;
    // A self-reference points at the row itself; a reference to itself by the same column has
    // no sensible value.
    if (!target || target == &column) return "NULL";
    return sample_value(schema, *parent, *target, row);
  }
  const bool key = std::find(table.primary_key.begin(), table.primary_key.end(), column.name) !=
                   table.primary_key.end();
  if (row == 1 && !column.not_null && !key) return "NULL";
  const std::string affinity = type_affinity(column.type);
  const std::string n = std::to_string(row + 1);
  if (affinity == "TEXT") return "'sample ✓ " + n + "'";
  if (affinity == "BLOB") return "x'00ff0" + n + "'";
  if (affinity == "REAL") return n + ".5";
  return n;
}

// Inserts two rows into every table, parents first. Rows a constraint rejects become notes.
void fill(sqlite3* db, const Schema& schema, std::vector<std::string>& notes) {
  const auto dialect = make_sqlite_dialect();
  for (const Table& t : schema.tables) {
    for (int row = 0; row < 2; ++row) {
      std::string columns, values;
      for (const Column& c : t.columns) {
        columns += (columns.empty() ? "" : ", ") + dialect->quote(c.name);
        values += (values.empty() ? "" : ", ") + sample_value(schema, t, c, row);
      }
      const std::string error = try_exec(db, "INSERT INTO " + dialect->quote(t.name) + " (" +
                                                 columns + ") VALUES (" + values + ")");
      if (!error.empty()) notes.push_back("no sample row in '" + t.name + "': " + error);
    }
  }
}

std::map<std::string, long> row_counts(sqlite3* db, const Schema& schema) {
  std::map<std::string, long> counts;
  const auto dialect = make_sqlite_dialect();
  for (const Table& t : schema.tables) {
    sqlite3_stmt* stmt = nullptr;
    const std::string sql = "SELECT count(*) FROM " + dialect->quote(t.name);
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
      counts[t.name] = sqlite3_column_int64(stmt, 0);
    }
    sqlite3_finalize(stmt);
  }
  return counts;
}

// Tables of `after` that hold the rows of a table of `before` (same name or renamed from it).
void check_rows_kept(const std::map<std::string, long>& before_counts, const Schema& after,
                     sqlite3* db, const std::string& step, std::vector<std::string>& problems) {
  const std::map<std::string, long> now = row_counts(db, after);
  for (const Table& t : after.tables) {
    auto it = before_counts.find(t.name);
    if (it == before_counts.end()) it = before_counts.find(t.origin.renamed_from);
    if (it == before_counts.end()) continue;
    const auto found = now.find(t.name);
    if (found == now.end() || found->second != it->second) {
      problems.push_back(step + ": table '" + t.name + "' had " + std::to_string(it->second) +
                         " rows, now " +
                         (found == now.end() ? "none" : std::to_string(found->second)));
    }
  }
}

void expect_schema(sqlite3* db, const LiveSchema& expected, const std::string& step,
                   std::vector<std::string>& problems) {
  for (const std::string& d : compare_schemas(expected, introspect(db))) {
    problems.push_back(step + ": " + d);
  }
}

}  // namespace

LiveSchema live_schema_of(const Schema& schema) {
  Db db = open_memory();
  const std::string error = try_exec(db.get(), render_schema(*make_sqlite_dialect(), schema));
  if (!error.empty()) throw std::runtime_error("the schema itself does not create: " + error);
  return introspect(db.get());
}

VerifyReport verify_revision(const std::vector<Revision>& history, const Revision& candidate,
                             const Schema& before, const Schema& after) {
  VerifyReport report;
  auto& problems = report.problems;
  try {
    const LiveSchema expected_before = live_schema_of(before);
    const LiveSchema expected_after = live_schema_of(after);
    std::vector<Revision> all = history;
    all.push_back(candidate);
    Db db = open_memory();
    if (!history.empty()) upgrade(db.get(), all, history.back().id);
    expect_schema(db.get(), expected_before, "the sealed revisions", problems);
    if (!problems.empty()) return report;
    fill(db.get(), before, report.notes);
    const std::map<std::string, long> counts = row_counts(db.get(), before);

    upgrade(db.get(), all, "head");
    expect_schema(db.get(), expected_after, "up", problems);
    check_rows_kept(counts, after, db.get(), "up", problems);
    downgrade(db.get(), all, "-1");
    expect_schema(db.get(), expected_before, "down", problems);
    Schema kept_tables = before;  // after down, tables that up kept must have their rows again
    std::erase_if(kept_tables.tables, [&](const Table& t) {
      return !after.find_table(t.name) &&
             std::none_of(after.tables.begin(), after.tables.end(),
                          [&](const Table& a) { return a.origin.renamed_from == t.name; });
    });
    check_rows_kept(counts, kept_tables, db.get(), "down", problems);
    upgrade(db.get(), all, "head");
    expect_schema(db.get(), expected_after, "up again", problems);
  } catch (const std::exception& e) {
    problems.push_back(e.what());
  }
  return report;
}

}  // namespace retort
