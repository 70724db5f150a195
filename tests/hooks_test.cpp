// C++ data migrations: hooks that revisions name with `-- +retort hook: NAME`, run by the runtime
// inside the revision's transaction (docs/data-migrations.md).
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "retort/detail/sqlite.hpp"
#include "retort/runtime.hpp"
#include "revision_support.hpp"
#include "test_support.hpp"

namespace retort {
namespace {

using testing::Database;
using testing::revision;

// Loads `revisions` as the embedded source does: from their file texts, with `linked` bound.
std::vector<Revision> load(const std::vector<Revision>& revisions,
                           const std::vector<Hook>& linked) {
  std::vector<std::string> texts;
  for (const Revision& r : revisions) texts.push_back(render_revision(r));
  std::vector<RevisionSource> sources;
  for (std::size_t i = 0; i < revisions.size(); ++i) {
    sources.push_back({revisions[i].file_name.c_str(), texts[i].c_str()});
  }
  return load_revisions(sources, linked);
}

// 0001: people with full names. 0002 (expand): first and last columns, the hook that fills
// them, and a statement after it that sees what the hook wrote.
std::vector<Revision> expand_revisions(const std::string& up_hook = "split_full_name",
                                       const std::string& down_hook = "") {
  return {revision("0001", "",
                   "CREATE TABLE people (id INTEGER PRIMARY KEY, full_name TEXT NOT NULL);\n"
                   "INSERT INTO people (full_name) VALUES ('Ada Lovelace'), ('Alan Turing'), "
                   "('Grace Hopper');",
                   "DROP TABLE people;"),
          revision("0002", "0001",
                   "ALTER TABLE people ADD COLUMN first TEXT;\n"
                   "ALTER TABLE people ADD COLUMN last TEXT;\n" +
                       hook_marker(up_hook) +
                       "\nCREATE TABLE split_done AS SELECT count(*) AS n FROM people WHERE last "
                       "IS NOT NULL;",
                   "DROP TABLE split_done;\n" +
                       (down_hook.empty() ? std::string() : hook_marker(down_hook) + "\n") +
                       "ALTER TABLE people DROP COLUMN last;\n"
                       "ALTER TABLE people DROP COLUMN first;")};
}

int g_split_runs = 0;

// Splits every full name at its first space, with the SQLite C API, as a user would.
void split_full_name(sqlite3* db, HookProgress& progress) {
  ++g_split_runs;
  detail::Statement read(detail::prepare(db, "SELECT id, full_name FROM people ORDER BY id"));
  detail::Statement write(
      detail::prepare(db, "UPDATE people SET first = ?1, last = ?2 WHERE id = ?3"));
  std::int64_t total = 0;
  detail::query_rows(db, "SELECT count(*) FROM people",
                     [&total](const std::vector<std::string>& row) { total = std::stoll(row[0]); });
  std::int64_t done = 0;
  while (sqlite3_step(read.get()) == SQLITE_ROW) {
    const std::string full = detail::column_text(read.get(), 1);
    const auto space = full.find(' ');
    detail::bind_text(write.get(), 1, full.substr(0, space));
    detail::bind_text(write.get(), 2, space == std::string::npos ? "" : full.substr(space + 1));
    sqlite3_bind_int64(write.get(), 3, sqlite3_column_int64(read.get(), 0));
    if (sqlite3_step(write.get()) != SQLITE_DONE) throw Error(sqlite3_errmsg(db));
    sqlite3_reset(write.get());
    progress.report(++done, total);
  }
}

TEST(HooksTest, HookRunsAtItsMarkerInsideTheRevision) {
  Database db;
  g_split_runs = 0;
  const std::vector<Revision> revisions =
      load(expand_revisions(), {{"split_full_name", &split_full_name}});
  ASSERT_EQ(revisions[1].hooks.size(), 1u);
  EXPECT_EQ(revisions[1].hooks[0].name, "split_full_name");
  EXPECT_EQ(upgrade(db.get(), revisions), (std::vector<std::string>{"0001", "0002"}));
  EXPECT_EQ(g_split_runs, 1);
  EXPECT_EQ(db.rows("SELECT first, last FROM people ORDER BY id"),
            (std::vector<std::string>{"Ada|Lovelace", "Alan|Turing", "Grace|Hopper"}));
  // The statement after the marker saw the hook's rows, in the same transaction.
  EXPECT_EQ(db.rows("SELECT n FROM split_done"), std::vector<std::string>{"3"});
  EXPECT_TRUE(upgrade(db.get(), revisions).empty());
  EXPECT_EQ(g_split_runs, 1);
}

TEST(HooksTest, ThrowingHookRollsBackTheWholeRevision) {
  Database db;
  const auto throwing = [](sqlite3* d, HookProgress&) {
    detail::exec(d, "UPDATE people SET first = 'half done'");
    throw std::runtime_error("cannot split 'Grace Hopper'");
  };
  const std::vector<Revision> revisions = load(expand_revisions(), {{"split_full_name", throwing}});
  upgrade(db.get(), revisions, "0001");
  const std::vector<std::string> before = db.dump();
  try {
    upgrade(db.get(), revisions);
    FAIL() << "no MigrationError";
  } catch (const MigrationError& e) {
    EXPECT_EQ(e.revision(), "0002");
    EXPECT_EQ(e.statement(), "hook split_full_name");
    EXPECT_NE(std::string(e.what()).find("cannot split 'Grace Hopper'"), std::string::npos)
        << e.what();
  }
  // The ALTERs before the marker and the hook's own UPDATE are gone: row by row the same.
  EXPECT_EQ(db.dump(), before);
  EXPECT_EQ(current(db.get()), "0001");
}

TEST(HooksTest, WhatAHookMayNotDoFailsTheRevision) {
  struct Case {
    HookFunction hook;
    std::string message;
  };
  const std::vector<Case> cases = {
      {[](sqlite3* d, HookProgress&) { detail::exec(d, "COMMIT"); }, "may not run COMMIT"},
      {[](sqlite3* d, HookProgress&) { detail::exec(d, "ROLLBACK"); }, "may not run ROLLBACK"},
      // Errors the hook ignores count too.
      {[](sqlite3* d, HookProgress&) { sqlite3_exec(d, "COMMIT", nullptr, nullptr, nullptr); },
       "may not run COMMIT"},
      {[](sqlite3* d, HookProgress&) { detail::exec(d, "PRAGMA foreign_keys = ON"); },
       "may not set PRAGMA foreign_keys"},
      {[](sqlite3* d, HookProgress&) { detail::exec(d, "CREATE TABLE audit (x)"); },
       "may not change the schema (audit)"},
      {[](sqlite3* d, HookProgress&) { detail::exec(d, "DROP TABLE people"); },
       "may not change the schema (people)"},
      {[](sqlite3* d, HookProgress&) {
         detail::exec(d, "CREATE INDEX ix_people_first ON people (first)");
       },
       "may not change the schema (ix_people_first)"},
  };
  for (const Case& c : cases) {
    Database db;
    const std::vector<Revision> revisions = load(expand_revisions(), {{"split_full_name", c.hook}});
    upgrade(db.get(), revisions, "0001");
    const std::vector<std::string> before = db.dump();
    try {
      upgrade(db.get(), revisions);
      ADD_FAILURE() << "no MigrationError for " << c.message;
    } catch (const MigrationError& e) {
      EXPECT_EQ(e.statement(), "hook split_full_name");
      EXPECT_NE(std::string(e.what()).find(c.message), std::string::npos) << e.what();
    }
    EXPECT_EQ(db.dump(), before) << c.message;
    EXPECT_EQ(current(db.get()), "0001");
  }
}

TEST(HooksTest, HookMayUseTemporaryTablesAndReadForeignKeys) {
  Database db;
  const auto temp = [](sqlite3* d, HookProgress&) {
    detail::exec(d, "CREATE TEMP TABLE names AS SELECT id, full_name FROM people");
    detail::exec(d, "CREATE INDEX temp.ix_names ON names (full_name)");
    detail::query_rows(d, "PRAGMA foreign_keys", [](const std::vector<std::string>&) {});
    detail::exec(d,
                 "UPDATE people SET first = (SELECT substr(full_name, 1, instr(full_name, ' ') "
                 "- 1) FROM names WHERE names.id = people.id), last = ''");
    detail::exec(d, "DROP TABLE temp.names");
  };
  const std::vector<Revision> revisions = load(expand_revisions(), {{"split_full_name", temp}});
  upgrade(db.get(), revisions);
  EXPECT_EQ(db.rows("SELECT first FROM people ORDER BY id"),
            (std::vector<std::string>{"Ada", "Alan", "Grace"}));
  // The guard is gone once the hook returns: the application's own schema changes work.
  detail::exec(db.get(), "CREATE TABLE later (x)");
}

TEST(HooksTest, ProgramWithoutTheHookChangesNothing) {
  Database db;
  // As the retort CLI loads revisions: from files, with no hooks linked.
  const std::vector<Revision> revisions = load(expand_revisions(), {});
  EXPECT_EQ(revisions[1].hooks[0].function, nullptr);
  try {
    upgrade(db.get(), revisions);
    FAIL() << "no error";
  } catch (const Error& e) {
    // Refused before 0001, which has no hook, ran: nothing at all was written.
    EXPECT_NE(std::string(e.what()).find("revision 0002 runs the C++ hook 'split_full_name'"),
              std::string::npos)
        << e.what();
  }
  EXPECT_TRUE(db.tables().empty());
  EXPECT_EQ(upgrade(db.get(), revisions, "0001"), std::vector<std::string>{"0001"});
  // Offline scripts cannot run C++ either.
  EXPECT_THROW(upgrade_sql(revisions, "0001", "head"), Error);
  EXPECT_NO_THROW(upgrade_sql(revisions, std::nullopt, "0001"));
}

int g_down_runs = 0;

TEST(HooksTest, DowngradeRunsTheDownHookOfTheStoredScript) {
  Database db;
  g_down_runs = 0;
  const HookFunction join = [](sqlite3* d, HookProgress&) {
    ++g_down_runs;
    detail::exec(d, "UPDATE people SET full_name = first || ' ' || last");
  };
  const std::vector<Hook> linked = {{"split_full_name", &split_full_name}, {"join_names", join}};
  upgrade(db.get(), load(expand_revisions("split_full_name", "join_names"), linked));
  detail::exec(db.get(), "UPDATE people SET last = 'King' WHERE first = 'Ada'");
  // The down script stored at apply time keeps its marker; it is what a downgrade runs.
  EXPECT_NE(db.rows("SELECT down_sql FROM retort_migrations WHERE revision = '0002'")[0].find(
                "-- +retort hook: join_names"),
            std::string::npos);
  const std::vector<Revision> now = load(expand_revisions("split_full_name", "join_names"), linked);
  EXPECT_EQ(downgrade(db.get(), now, "-1"), std::vector<std::string>{"0002"});
  EXPECT_EQ(g_down_runs, 1);
  EXPECT_EQ(db.rows("SELECT full_name FROM people ORDER BY id")[0], "Ada King");
}

TEST(HooksTest, HookReportsProgressThroughTheUpgradesCallback) {
  Database db;
  const auto counting = [](sqlite3*, HookProgress& progress) {
    for (int i = 1; i <= 200000; ++i) progress.report(i, 200000);
  };
  std::vector<Progress> events;
  upgrade(db.get(), load(expand_revisions(), {{"split_full_name", counting}}), "head",
          [&events](const Progress& p) {
            if (p.event == Progress::Event::kHookRows) events.push_back(p);
          });
  // The first report and the last; the ones between are at most one per 100 ms.
  ASSERT_GE(events.size(), 2u);
  EXPECT_LE(events.size(), 50u);
  EXPECT_EQ(events.front().rows_done, 1);
  EXPECT_EQ(events.back().rows_done, 200000);
  EXPECT_EQ(events.back().rows_total, 200000);
  EXPECT_EQ(events.back().hook, "split_full_name");
  EXPECT_EQ(events.back().revision, "0002");
  EXPECT_EQ(events.back().step, 2u);
  EXPECT_EQ(events.back().steps, 2u);
  EXPECT_EQ(progress_line(events.back()),
            "retort: [2/2] applying 0002: hook split_full_name 200000/200000 rows");
}

TEST(HooksTest, MarkersCountInTheChecksumAndNameCppIdentifiers) {
  const Revision with = expand_revisions()[1];
  Revision without = with;
  without.up_sql.erase(without.up_sql.find("-- +retort hook: split_full_name\n"), 33);
  EXPECT_NE(parse_revision(render_revision(without), "0002_rev.sql").checksum, with.checksum);
  for (const std::string bad : {"", "2fast", "split-name", "class", "a__b", "_Upper"}) {
    try {
      parse_revision("-- +retort Up\nSELECT 1;\n-- +retort hook: " + bad + "\n-- +retort Down\n",
                     "0001_x.sql");
      ADD_FAILURE() << "no error for '" << bad << "'";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("0001_x.sql:3: a hook's name"), std::string::npos)
          << e.what();
    }
  }
  // Each hook once, in the order of its first marker, Up then Down.
  const Revision r = parse_revision(
      "-- +retort Up\n-- +retort hook: b\n-- +retort hook: a\n-- +retort Down\n"
      "-- +retort hook: b\n-- +retort hook: c\n",
      "0001_x.sql");
  std::vector<std::string> names;
  for (const Hook& h : r.hooks) names.push_back(h.name);
  EXPECT_EQ(names, (std::vector<std::string>{"b", "a", "c"}));
  EXPECT_EQ(section_hooks(r.down_sql), (std::vector<std::string>{"b", "c"}));
}

// The hook failures not shown above, each failing the revision with the ALTERs before its marker
// rolled back and the database row by row as it was: an exception that is not a
// std::exception, a statement that ended the transaction while the hook ignored its error (OR
// ROLLBACK), PRAGMA writable_schema, and an ALTER TABLE (named by its table).
TEST(HooksTest, MoreHookFailuresFailTheRevision) {
  struct Case {
    HookFunction hook;
    std::string message;
  };
  const std::vector<Case> cases = {
      {[](sqlite3*, HookProgress&) { throw 42; },
       "the hook threw an exception that is not a std::exception"},
      {[](sqlite3* d, HookProgress&) {
         sqlite3_exec(d, "UPDATE OR ROLLBACK people SET id = 1", nullptr, nullptr, nullptr);
       },
       "the revision's transaction ended inside the hook"},
      {[](sqlite3* d, HookProgress&) {
         sqlite3_exec(d, "PRAGMA writable_schema = ON", nullptr, nullptr, nullptr);
       },
       "may not set PRAGMA writable_schema"},
      {[](sqlite3* d, HookProgress&) {
         sqlite3_exec(d, "ALTER TABLE people ADD COLUMN middle TEXT", nullptr, nullptr, nullptr);
       },
       "may not change the schema (main)"},
  };
  for (const Case& c : cases) {
    Database db;
    const std::vector<Revision> revisions = load(expand_revisions(), {{"split_full_name", c.hook}});
    upgrade(db.get(), revisions, "0001");
    const std::vector<std::string> before = db.dump();
    try {
      upgrade(db.get(), revisions);
      ADD_FAILURE() << "no MigrationError for " << c.message;
    } catch (const MigrationError& e) {
      EXPECT_EQ(e.revision(), "0002");
      EXPECT_EQ(e.statement(), "hook split_full_name");
      EXPECT_NE(std::string(e.what()).find(c.message), std::string::npos) << e.what();
    }
    EXPECT_EQ(db.dump(), before) << c.message;
    EXPECT_EQ(current(db.get()), "0001") << c.message;
    EXPECT_TRUE(sqlite3_get_autocommit(db.get())) << c.message;
  }
}

}  // namespace
}  // namespace retort
