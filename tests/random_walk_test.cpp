// A seeded random walk of model changes over a database that keeps gaining rows: each step is
// diffed, rendered, applied by the runtime, checked against the models, reverted and re-applied;
// at the end `downgrade base` must leave only retort_migrations.
#include "random_walk.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <map>
#include <random>
#include <set>

#include "pipeline.hpp"
#include "retort/detail/introspect.hpp"
#include "retort/runtime.hpp"
#include "schema_support.hpp"
#include "test_support.hpp"

namespace retort {
namespace {

using testing::col;
using testing::Database;
using testing::Walker;

constexpr int kSteps = 200;
// One more row in every table, parents first; references point at an existing parent.
void add_rows(const Database& db, const Schema& schema, int n) {
  for (const Table& t : schema.tables) {
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
        const std::string affinity = type_affinity(c.type);
        v = affinity == "TEXT"   ? "'✓ ' || " + std::to_string(n)
            : affinity == "BLOB" ? "x'00" + std::string(n % 2 ? "ff" : "01") + "'"
            : affinity == "REAL" ? std::to_string(n) + ".25"
                                 : std::to_string(n);
      }
      names += (names.empty() ? "\"" : ", \"") + c.name + "\"";
      values += (values.empty() ? "" : ", ") + v;
    }
    db.exec("INSERT OR IGNORE INTO \"" + t.name + "\" (" + names + ") VALUES (" + values + ")");
  }
}

// Row counts of the tables of `schema` that `next` keeps (under the same or a new name).
std::map<std::string, std::string> counts(const Database& db, const Schema& schema,
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

void expect_state(const Database& db, const Schema& models, const std::string& step) {
  for (const std::string& d : compare_schemas(live_schema_of(models), introspect(db.get())))
    ADD_FAILURE() << step << ": " << d;
  for (const std::string& d :
       compare_objects(live_objects_of(models), introspect_objects(db.get())))
    ADD_FAILURE() << step << ": " << d;
  EXPECT_EQ(db.rows("PRAGMA integrity_check"), std::vector<std::string>{"ok"}) << step;
  EXPECT_EQ(db.rows("PRAGMA foreign_key_check"), std::vector<std::string>{}) << step;
}

TEST(RandomWalkTest, TwoHundredChangesApplyRevertAndReturnToBase) {
  // RETORT_WALK_SEED walks elsewhere; the suite keeps one fixed seed so that it is repeatable.
  const char* seed = std::getenv("RETORT_WALK_SEED");
  Walker walker(seed ? static_cast<unsigned>(std::stoul(seed)) : 20261124u);
  Repository repo;  // in memory: the revisions as the runtime receives them
  Database db(":memory:");
  Schema models;
  std::vector<Schema> history = {models};
  std::vector<std::string> log;
  for (int step = 1; step <= kSteps; ++step) {
    std::string what;
    const Schema next = walker.step(models, what);
    log.push_back(std::to_string(step) + ": " + what);
    const std::string trail = "after " + log.back();
    const Draft draft = plan_draft(repo, next, false);
    ASSERT_TRUE(draft.changes.diagnostics.empty())
        << trail << ": " << format_diagnostic(draft.changes.diagnostics[0]);
    ASSERT_TRUE(draft.revision) << trail;
    Revision revision = *draft.revision;
    revision.draft = false;
    revision.file_name = revision.id + "_step.sql";
    repo.revisions.push_back(revision);

    const auto kept = counts(db, models, next);
    try {
      upgrade(db.get(), repo.revisions, "head");
      expect_state(db, next, trail + "\n" + revision.up_sql);
      downgrade(db.get(), repo.revisions, "-1");
      expect_state(db, models, trail + " (down)\n" + revision.down_sql);
      EXPECT_EQ(counts(db, models, next), kept) << trail << " (down)";
      upgrade(db.get(), repo.revisions, "head");
      expect_state(db, next, trail + " (up again)");
    } catch (const Error& e) {
      FAIL() << trail << ": " << e.what() << "\nup:\n"
             << revision.up_sql << "down:\n"
             << revision.down_sql;
    }
    if (::testing::Test::HasFailure()) break;
    models = next;
    history.push_back(models);
    add_rows(db, models, step);
  }
  ASSERT_EQ(repo.revisions.size(), static_cast<std::size_t>(kSteps));
  if (std::getenv("RETORT_WALK_LOG")) {
    for (const std::string& line : log) std::cout << line << "\n";
  }
  // A second plan of the final models finds nothing to do.
  EXPECT_FALSE(plan_draft(repo, models, false).revision);
  // Back down one revision at a time, checking the schema after each.
  for (std::size_t i = repo.revisions.size(); i > 0 && !HasFailure(); --i) {
    const std::string trail = "down from " + log[i - 1];
    try {
      downgrade(db.get(), repo.revisions, "-1");
    } catch (const MigrationError& e) {
      // The data added since cannot take the older shape (a foreign key with no parent, a REAL
      // in a column that becomes STRICT INTEGER): refused and rolled back. Empty, it runs.
      EXPECT_TRUE(e.applied().empty()) << trail;
      expect_state(db, history[i], trail + " (refused: " + e.sqlite_message() + ")");
      for (const Table& t : history[i].tables) db.exec("DELETE FROM \"" + t.name + "\"");
      downgrade(db.get(), repo.revisions, "-1");
    }
    expect_state(db, history[i - 1], trail);
  }
  EXPECT_EQ(db.tables(), std::vector<std::string>{"retort_migrations"});
}

}  // namespace
}  // namespace retort
