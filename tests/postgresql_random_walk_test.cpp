// The random walk on PostgreSQL: each step's models planned with both dialects, its PostgreSQL
// section applied to a database that keeps gaining rows, checked against the models (pg_catalog),
// reverted (rows kept) and applied again; SQLite walks the same revisions beside it and both
// keep the same logical schema; at the end both go back to base.
#include <gtest/gtest.h>

#include <cstdlib>

#include "dialects.hpp"
#include "emit.hpp"
#include "logical_schema.hpp"
#include "pg_support.hpp"
#include "pipeline.hpp"
#include "random_walk.hpp"
#include "retort/postgresql.hpp"
#include "test_support.hpp"

namespace retort {
namespace {

using testing::PgDatabase;
using testing::Walker;

constexpr int kSteps = 80;

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& l : lines) out += (out.empty() ? "" : "\n") + l;
  return out;
}

// One more row in every table, parents first, as PostgreSQL takes it.
void add_rows(PGconn* conn, const Schema& schema, int n) {
  for (const Table& t : for_dialect(schema, kPostgresql).tables) {
    std::string names, values;
    for (const Column& c : t.columns) {
      std::string v;
      if (c.name == "id") {
        v = std::to_string(n);
      } else if (!t.foreign_keys.empty() && t.foreign_keys[0].columns[0] == c.name) {
        const ForeignKey& fk = t.foreign_keys[0];
        v = "(SELECT \"" + fk.ref_columns[0] + "\" FROM \"" + fk.ref_table + "\" LIMIT 1)";
      } else if (!c.not_null && n % 3 == 0) {
        v = "NULL";
      } else {
        v = c.type == "TEXT"               ? "'✓ " + std::to_string(n) + "'"
            : c.type == "BYTEA"            ? "'\\x00" + std::string(n % 2 ? "ff" : "01") + "'"
            : c.type == "DOUBLE PRECISION" ? std::to_string(n) + ".25"
                                           : std::to_string(n);
      }
      names += (names.empty() ? "\"" : ", \"") + c.name + "\"";
      values += (values.empty() ? "" : ", ") + v;
    }
    detail::pg::exec(conn, "INSERT INTO \"" + t.name + "\" (" + names + ") VALUES (" + values +
                               ") ON CONFLICT DO NOTHING");
  }
}

// Row counts of the tables of `schema` that `next` keeps (under the same or a new name).
std::map<std::string, std::string> counts(const PgDatabase& db, const Schema& schema,
                                          const Schema& next) {
  std::map<std::string, std::string> out;
  for (const Table& t : schema.tables) {
    const bool kept = std::any_of(next.tables.begin(), next.tables.end(), [&](const Table& n) {
      return n.name == t.name || n.origin.renamed_from == t.name;
    });
    if (kept) out[t.name] = db.rows("SELECT count(*) FROM \"" + t.name + "\"")[0];
  }
  return out;
}

void expect_state(PGconn* conn, sqlite3* sqlite, const Schema& models, const std::string& step) {
  EXPECT_EQ(joined(postgresql_differences(
                conn, render_schema(*make_postgresql_dialect(), for_dialect(models, kPostgresql)))),
            "")
      << step;
  EXPECT_EQ(joined(testing::compare_logical(testing::logical_schema(sqlite),
                                            testing::logical_schema(conn))),
            "")
      << step;
}

TEST(PostgresqlRandomWalkTest, ChangesApplyRevertAndReturnToBaseBesideSqlite) {
  const char* seed = std::getenv("RETORT_WALK_SEED");
  Walker walker(seed ? static_cast<unsigned>(std::stoul(seed)) : 20261206u, true);
  Repository repo;  // in memory: the revisions as the runtimes receive them
  PgDatabase db;
  const detail::pg::Conn conn = db.connect();
  const testing::Database sqlite(":memory:");
  const DraftOptions both{{kSqlite, kPostgresql}, nullptr};
  Schema models;
  std::vector<Schema> history = {models};
  for (int step = 1; step <= kSteps && !::testing::Test::HasFailure(); ++step) {
    std::string what;
    const Schema next = walker.step(models, what);
    const std::string trail = "after step " + std::to_string(step) + ": " + what;
    const Draft draft = plan_draft(repo, next, false, {}, both);
    ASSERT_TRUE(draft.changes.diagnostics.empty())
        << trail << ": " << format_diagnostic(draft.changes.diagnostics[0]);
    ASSERT_TRUE(draft.revision) << trail;
    Revision revision = *draft.revision;
    revision.draft = false;
    revision.file_name = revision.id + "_step.sql";
    repo.revisions.push_back(parse_revision(render_revision(revision), revision.file_name));
    const std::string& up = revision.sections(kPostgresql)->up_sql;
    const auto kept = counts(db, models, next);
    try {
      upgrade(conn.get(), repo.revisions, "head");
      upgrade(sqlite.get(), repo.revisions, "head");
      expect_state(conn.get(), sqlite.get(), next, trail + "\n" + up);
      downgrade(conn.get(), repo.revisions, "-1");
      downgrade(sqlite.get(), repo.revisions, "-1");
      expect_state(conn.get(), sqlite.get(), models, trail + " (down)");
      EXPECT_EQ(counts(db, models, next), kept) << trail << " (down)";
      upgrade(conn.get(), repo.revisions, "head");
      upgrade(sqlite.get(), repo.revisions, "head");
      expect_state(conn.get(), sqlite.get(), next, trail + " (up again)");
    } catch (const Error& e) {
      FAIL() << trail << ": " << e.what() << "\nup:\n" << up;
    }
    models = next;
    history.push_back(models);
    add_rows(conn.get(), models, step);
  }
  // Back down one revision at a time; rows a change cannot carry back are refused, then cleared.
  for (std::size_t i = repo.revisions.size(); i > 0 && !HasFailure(); --i) {
    try {
      downgrade(conn.get(), repo.revisions, "-1");
    } catch (const MigrationError& e) {
      EXPECT_TRUE(e.applied().empty());
      std::string tables;
      for (const Table& t : history[i].tables) {
        tables += (tables.empty() ? "\"" : ", \"") + t.name + "\"";
      }
      detail::pg::exec(conn.get(), "TRUNCATE " + tables);
      downgrade(conn.get(), repo.revisions, "-1");
    }
    downgrade(sqlite.get(), repo.revisions, "-1");
    expect_state(conn.get(), sqlite.get(), history[i - 1], "down to " + std::to_string(i - 1));
  }
  EXPECT_EQ(db.tables(), std::vector<std::string>{"retort_migrations"});
}

}  // namespace
}  // namespace retort
