// The runtime on real SQLite files: upgrade, downgrade, failures, tampering, drafts.
#include "retort/runtime.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "draft_revert.hpp"
#include "revision_support.hpp"
#include "test_support.hpp"

namespace retort {
namespace {

using testing::Database;
using testing::revision;
using testing::two_revisions;

TEST(RuntimeTest, UpgradeAppliesEachRevisionOnceAndRecordsIt) {
  Database db;
  EXPECT_EQ(current(db.get()), std::nullopt);
  EXPECT_EQ(upgrade(db.get(), two_revisions()), (std::vector<std::string>{"0001", "0002"}));
  EXPECT_EQ(current(db.get()), "0002");
  EXPECT_EQ(db.tables(), (std::vector<std::string>{"posts", "retort_migrations", "users"}));
  EXPECT_EQ(
      db.rows("SELECT revision, parent, draft, down_sql FROM retort_migrations"),
      (std::vector<std::string>{"0001||0|DROP TABLE users;", "0002|0001|0|DROP TABLE posts;"}));
  EXPECT_TRUE(upgrade(db.get(), two_revisions()).empty());
}

TEST(RuntimeTest, UpgradeToATargetAndRelative) {
  Database db;
  EXPECT_EQ(upgrade(db.get(), two_revisions(), "0001"), std::vector<std::string>{"0001"});
  EXPECT_EQ(upgrade(db.get(), two_revisions(), "+1"), std::vector<std::string>{"0002"});
  EXPECT_THROW(upgrade(db.get(), two_revisions(), "+1"), Error);
  EXPECT_THROW(upgrade(db.get(), two_revisions(), "0009"), Error);
}

TEST(RuntimeTest, DowngradeStepsBackToBase) {
  Database db;
  upgrade(db.get(), two_revisions());
  EXPECT_EQ(downgrade(db.get(), two_revisions(), "-1"), std::vector<std::string>{"0002"});
  EXPECT_EQ(current(db.get()), "0001");
  EXPECT_EQ(downgrade(db.get(), two_revisions(), "base"), std::vector<std::string>{"0001"});
  EXPECT_EQ(db.tables(), std::vector<std::string>{"retort_migrations"});
  EXPECT_EQ(current(db.get()), std::nullopt);
}

TEST(RuntimeTest, FailingRevisionRollsBackAndNamesRevisionStatementAndMessage) {
  Database db;
  std::vector<Revision> revisions = two_revisions();
  revisions.push_back(revision("0003", "0002",
                               "CREATE TABLE a (x INTEGER);\nCREATE TABLE b (y INTEGER);\n"
                               "INSERT INTO nowhere VALUES (1);",
                               "DROP TABLE b;\nDROP TABLE a;"));
  try {
    upgrade(db.get(), revisions);
    FAIL() << "expected MigrationError";
  } catch (const MigrationError& e) {
    EXPECT_EQ(e.revision(), "0003");
    EXPECT_EQ(e.statement(), "INSERT INTO nowhere VALUES (1);");
    EXPECT_EQ(e.sqlite_message(), "no such table: nowhere");
    EXPECT_EQ(e.applied(), (std::vector<std::string>{"0001", "0002"}));
    EXPECT_NE(std::string(e.what()).find("0003"), std::string::npos);
  }
  EXPECT_EQ(current(db.get()), "0002");
  EXPECT_EQ(db.tables(), (std::vector<std::string>{"posts", "retort_migrations", "users"}));
}

TEST(RuntimeTest, UnknownRevisionInTheDatabaseIsRefusedAndNothingChanges) {
  Database db;
  upgrade(db.get(), two_revisions());
  std::vector<Revision> older = two_revisions();
  older.pop_back();
  older.push_back(revision("0003", "0001", "CREATE TABLE z (x);", "DROP TABLE z;"));
  EXPECT_THROW(upgrade(db.get(), older), Error);
  EXPECT_EQ(db.tables(), (std::vector<std::string>{"posts", "retort_migrations", "users"}));
}

TEST(RuntimeTest, EditedSealedRevisionIsRefusedByName) {
  Database db;
  upgrade(db.get(), two_revisions());
  std::vector<Revision> edited = two_revisions();
  edited[0] = revision("0001", "", "CREATE TABLE users (id INTEGER PRIMARY KEY, other TEXT);",
                       "DROP TABLE users;");
  try {
    upgrade(db.get(), edited);
    FAIL() << "expected Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'0001' was changed after it was applied"),
              std::string::npos)
        << e.what();
  }
}

TEST(RuntimeTest, ChangedDraftIsRevertedWithItsStoredDownScriptAndReapplied) {
  Database db;
  std::vector<Revision> revisions = two_revisions();
  revisions.push_back(
      revision("0003", "0002", "CREATE TABLE tags (id INTEGER);", "DROP TABLE tags;", true));
  upgrade(db.get(), revisions);
  db.exec("INSERT INTO users (name) VALUES ('kept'); INSERT INTO tags VALUES (1), (2)");
  revisions.back() =
      revision("0003", "0002", "CREATE TABLE labels (id INTEGER);", "DROP TABLE labels;", true);
  // Returned once, as applied; the rows the revert drops are said on stderr.
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(upgrade(db.get(), revisions), (std::vector<std::string>{"0003"}));
  const std::string said = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(said.find("draft revision 0003 changed since this database applied it; reverting it "
                      "with its stored down script drops table 'tags' (2 rows)"),
            std::string::npos)
      << said;
  EXPECT_EQ(db.tables(),
            (std::vector<std::string>{"labels", "posts", "retort_migrations", "users"}));
  EXPECT_EQ(db.rows("SELECT name FROM users"), std::vector<std::string>{"kept"});

  // A draft removed from the program is reverted, not applied: nothing is returned.
  revisions.pop_back();
  EXPECT_EQ(upgrade(db.get(), revisions), std::vector<std::string>{});
  EXPECT_EQ(current(db.get()), "0002");
}

TEST(RuntimeTest, WhatADraftsRevertDropsIsTablesAndColumnsHoldingRows) {
  Database db;
  db.exec(
      "CREATE TABLE users (id INTEGER PRIMARY KEY, nick TEXT, bio TEXT);"
      "INSERT INTO users VALUES (1, 'a', NULL), (2, NULL, NULL);"
      "CREATE TABLE empty (id INTEGER); CREATE TABLE posts (id INTEGER);"
      "INSERT INTO posts VALUES (1);");
  // A rebuild's DROP TABLE (its new table renamed to the name) keeps the rows: not listed.
  const std::string down =
      "ALTER TABLE users DROP COLUMN nick;\nALTER TABLE \"users\" DROP COLUMN bio;\n"
      "DROP TABLE empty;\nDROP TABLE IF EXISTS users;\n"
      "CREATE TABLE _retort_new_posts (id INTEGER);\nDROP TABLE posts;\n"
      "ALTER TABLE _retort_new_posts RENAME TO posts;\n";
  EXPECT_EQ(detail::what_revert_drops(db.get(), down),
            (std::vector<std::string>{"column 'users.nick' (1 row)", "table 'users' (2 rows)"}));
}

TEST(RuntimeTest, SealingAnAppliedDraftKeepsItApplied) {
  Database db;
  std::vector<Revision> revisions = two_revisions();
  revisions.push_back(
      revision("0003", "0002", "CREATE TABLE tags (id INTEGER);", "DROP TABLE tags;", true));
  upgrade(db.get(), revisions);
  revisions.back() =
      revision("0003", "0002", "CREATE TABLE tags (id INTEGER);", "DROP TABLE tags;");
  EXPECT_TRUE(upgrade(db.get(), revisions).empty());
  EXPECT_EQ(db.rows("SELECT draft FROM retort_migrations WHERE revision = '0003'"),
            std::vector<std::string>{"0"});
}

TEST(RuntimeTest, ForeignKeysOffRevisionKeepsChildRowsOnRebuild) {
  Database db;
  db.exec("PRAGMA foreign_keys = ON");
  std::vector<Revision> revisions = {revision(
      "0001", "",
      "CREATE TABLE p (id INTEGER PRIMARY KEY, v TEXT);\n"
      "CREATE TABLE c (id INTEGER PRIMARY KEY, p_id INTEGER REFERENCES p(id) ON DELETE CASCADE);",
      "DROP TABLE c;\nDROP TABLE p;")};
  upgrade(db.get(), revisions);
  db.exec("INSERT INTO p VALUES (1, 'a'); INSERT INTO c VALUES (1, 1);");
  Revision rebuild = revision("0002", "0001",
                              "CREATE TABLE new_p (id INTEGER PRIMARY KEY, v INTEGER);\n"
                              "INSERT INTO new_p SELECT id, v FROM p;\nDROP TABLE p;\n"
                              "ALTER TABLE new_p RENAME TO p;",
                              "SELECT 1;");
  rebuild.foreign_keys_off = true;
  revisions.push_back(parse_revision(render_revision(rebuild), rebuild.file_name));
  upgrade(db.get(), revisions);
  EXPECT_EQ(db.rows("SELECT count(*) FROM c"), std::vector<std::string>{"1"});
  EXPECT_EQ(db.rows("PRAGMA foreign_keys"), std::vector<std::string>{"1"});
}

TEST(RuntimeTest, StampRecordsWithoutRunningSql) {
  Database db;
  stamp(db.get(), two_revisions(), "0001");
  EXPECT_EQ(current(db.get()), "0001");
  EXPECT_EQ(db.tables(), std::vector<std::string>{"retort_migrations"});
  EXPECT_EQ(upgrade(db.get(), two_revisions()), std::vector<std::string>{"0002"});
  stamp(db.get(), two_revisions(), "base");
  EXPECT_EQ(current(db.get()), std::nullopt);
  EXPECT_THROW(stamp(db.get(), two_revisions(), "0042"), Error);
}

TEST(RuntimeTest, PathOverloadsCreateAndReadTheFile) {
  testing::TempDir dir;
  const std::filesystem::path file = dir.path() / "app.db";
  EXPECT_THROW(current(file), Error);
  upgrade(file, two_revisions());
  EXPECT_EQ(current(file), "0002");
  downgrade(file, two_revisions(), "base");
  EXPECT_EQ(current(file), std::nullopt);
}

TEST(RuntimeTest, DowngradeUsesTheDownScriptStoredInTheDatabase) {
  Database db;
  upgrade(db.get(), two_revisions());
  std::vector<Revision> older = two_revisions();
  older.pop_back();  // this program no longer has 0002
  EXPECT_EQ(downgrade(db.get(), older, "-1"), std::vector<std::string>{"0002"});
  EXPECT_EQ(current(db.get()), "0001");
  EXPECT_EQ(db.tables(), (std::vector<std::string>{"retort_migrations", "users"}));
}

TEST(RuntimeTest, RelativeTargetsCountFromWhereTheCallStarted) {
  Database db;
  std::vector<Revision> three = two_revisions();
  three.push_back(revision("0003", "0002", "CREATE TABLE tags (id INTEGER);", "DROP TABLE tags;"));
  upgrade(db.get(), three);
  EXPECT_EQ(downgrade(db.get(), three, "-2"), (std::vector<std::string>{"0003", "0002"}));
  EXPECT_EQ(current(db.get()), "0001");
  EXPECT_EQ(upgrade(db.get(), three, "+1"), std::vector<std::string>{"0002"});
}

TEST(RuntimeTest, UpToDateTakesNoWriteLockAndWritesNothing) {
  testing::TempDir tmp;
  const std::string path = (tmp.path() / "app.db").string();
  upgrade(std::filesystem::path(path), two_revisions());
  const std::string bytes = testing::read_text(path);
  // Another connection holds the write lock: an up-to-date start-up must not wait for it (it
  // would block for the 60 s busy timeout if it took a write lock).
  Database writer(path);
  writer.exec("BEGIN IMMEDIATE");
  EXPECT_TRUE(upgrade(std::filesystem::path(path), two_revisions()).empty());
  writer.exec("ROLLBACK");
  EXPECT_EQ(testing::read_text(path), bytes);
}

// The statements a connection runs, as SQLite's trace reports them.
class StatementLog {
 public:
  explicit StatementLog(sqlite3* db) : db_(db) {
    sqlite3_trace_v2(
        db, SQLITE_TRACE_STMT,
        [](unsigned, void* self, void*, void* sql) {
          static_cast<StatementLog*>(self)->statements.emplace_back(static_cast<const char*>(sql));
          return 0;
        },
        this);
  }
  ~StatementLog() { sqlite3_trace_v2(db_, 0, nullptr, nullptr); }
  StatementLog(const StatementLog&) = delete;
  StatementLog& operator=(const StatementLog&) = delete;
  std::vector<std::string> statements;

 private:
  sqlite3* db_;
};

std::string user_version(const Database& db) { return db.rows("PRAGMA user_version").at(0); }

TEST(RuntimeTest, UpToDateStartUpReadsOnlyTheHeaderFingerprint) {
  testing::TempDir tmp;
  const std::string path = (tmp.path() / "app.db").string();
  upgrade(std::filesystem::path(path), two_revisions());
  Database db(path);
  EXPECT_NE(user_version(db), "0");
  StatementLog log(db.get());
  EXPECT_TRUE(upgrade(db.get(), two_revisions()).empty());
  EXPECT_EQ(log.statements, std::vector<std::string>{"PRAGMA user_version"});
}

TEST(RuntimeTest, FingerprintFollowsEveryUpgradeDowngradeAndStamp) {
  Database db;
  const std::vector<Revision> revisions = two_revisions();
  // After each operation, a start-up of a program with all revisions must see the truth.
  const auto start_up = [&] { return upgrade(db.get(), revisions); };
  upgrade(db.get(), revisions, "0001");
  EXPECT_EQ(start_up(), std::vector<std::string>{"0002"});
  const std::string at_head = user_version(db);
  downgrade(db.get(), revisions, "-1");
  EXPECT_NE(user_version(db), at_head);
  EXPECT_EQ(start_up(), std::vector<std::string>{"0002"});
  EXPECT_EQ(user_version(db), at_head);
  downgrade(db.get(), revisions, "base");
  EXPECT_EQ(user_version(db), "0");  // no revision: the field is free again
  stamp(db.get(), revisions, "head");
  EXPECT_EQ(user_version(db), at_head);
  stamp(db.get(), revisions, "0001");
  db.exec("CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER)");
  db.exec("DROP TABLE posts");
  EXPECT_EQ(start_up(), std::vector<std::string>{"0002"});
  // A program whose first revision differs (edited after it was applied) is refused, also
  // when the database is at its head: the fingerprint covers every checksum.
  std::vector<Revision> edited = revisions;
  edited[0] =
      revision("0001", "", "CREATE TABLE users (id INTEGER PRIMARY KEY);", "DROP TABLE users;");
  EXPECT_THROW(upgrade(db.get(), edited), Error);
  // Sealing an applied draft changes no checksum but the draft flag: it is recorded.
  std::vector<Revision> with_draft = revisions;
  with_draft.push_back(revision("0003", "0002", "CREATE TABLE c (x);", "DROP TABLE c;", true));
  EXPECT_EQ(upgrade(db.get(), with_draft), std::vector<std::string>{"0003"});
  std::vector<Revision> sealed = revisions;
  sealed.push_back(revision("0003", "0002", "CREATE TABLE c (x);", "DROP TABLE c;"));
  EXPECT_TRUE(upgrade(db.get(), sealed).empty());
  EXPECT_EQ(db.rows("SELECT draft FROM retort_migrations WHERE revision = '0003'"),
            std::vector<std::string>{"0"});
  StatementLog log(db.get());
  EXPECT_TRUE(upgrade(db.get(), sealed).empty());
  EXPECT_EQ(log.statements, std::vector<std::string>{"PRAGMA user_version"});
}

TEST(RuntimeTest, UserVersionSetByTheApplicationIsNeverTouched) {
  Database db;
  db.exec("PRAGMA user_version = 42");
  EXPECT_EQ(upgrade(db.get(), two_revisions(), "0001"), std::vector<std::string>{"0001"});
  EXPECT_EQ(user_version(db), "42");
  EXPECT_FALSE(keeps_fingerprint(db.get()));
  {
    StatementLog log(db.get());
    EXPECT_EQ(upgrade(db.get(), two_revisions()), std::vector<std::string>{"0002"});
    EXPECT_TRUE(upgrade(db.get(), two_revisions()).empty());  // from retort_migrations
    EXPECT_GT(log.statements.size(), 1u);
  }
  EXPECT_EQ(user_version(db), "42");
  downgrade(db.get(), two_revisions(), "base");
  EXPECT_EQ(user_version(db), "42");
  // Set after Retort used the field: Retort leaves it from then on.
  Database other;
  upgrade(other.get(), two_revisions(), "0001");
  EXPECT_TRUE(keeps_fingerprint(other.get()));
  other.exec("PRAGMA user_version = 7");
  upgrade(other.get(), two_revisions());
  stamp(other.get(), two_revisions(), "0001");
  EXPECT_EQ(user_version(other), "7");
  EXPECT_EQ(current(other.get()), "0001");
}

TEST(RuntimeTest, OfflineScriptsKeepTheFingerprintAsTheRuntimeDoes) {
  Database by_runtime;
  Database by_script;
  upgrade(by_runtime.get(), two_revisions());
  by_script.exec(upgrade_sql(two_revisions(), std::nullopt, "head"));
  EXPECT_EQ(user_version(by_script), user_version(by_runtime));
  by_script.exec(downgrade_sql(two_revisions(), "0002", "-1"));
  EXPECT_EQ(upgrade(by_script.get(), two_revisions()), std::vector<std::string>{"0002"});
  // For a database whose application owns the field, the script leaves it alone.
  const std::string script = upgrade_sql(two_revisions(), std::nullopt, "head", false);
  EXPECT_EQ(script.find("user_version"), std::string::npos);
}

TEST(RuntimeTest, ReadOnlyConnectionIsRefusedAndNothingChanges) {
  testing::TempDir tmp;
  const std::string path = (tmp.path() / "app.db").string();
  upgrade(std::filesystem::path(path), {two_revisions()[0]});
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  try {
    upgrade(raw, two_revisions());
    ADD_FAILURE() << "expected Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("readonly"), std::string::npos) << e.what();
  }
  sqlite3_close(raw);
  EXPECT_EQ(current(std::filesystem::path(path)), "0001");
}

TEST(RuntimeTest, ProgressReportsRevisionsAndRowsCopiedByARebuild) {
  const std::vector<Revision> revisions = {
      revision("0001", "",
               "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);\n"
               "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50000)\n"
               "INSERT INTO t SELECT i, 'row ' || i FROM n;",
               "DROP TABLE t;"),
      revision("0002", "0001",
               "CREATE TABLE \"_retort_new_t\" (id INTEGER PRIMARY KEY, v TEXT NOT NULL);\n"
               "-- +retort copy: t\n"
               "INSERT INTO \"_retort_new_t\" (id, v) SELECT id, v FROM t;\nDROP TABLE t;\n"
               "ALTER TABLE \"_retort_new_t\" RENAME TO t;",
               "SELECT 1;")};
  using E = Progress::Event;
  std::vector<Progress> events;
  std::vector<std::string> statements;  // each as it starts, and "done" after it
  const auto record = [&](const Progress& p) {
    if (p.event == E::kStatement) {
      statements.push_back(p.statement);
    } else if (p.event == E::kStatementDone) {
      statements.push_back("done");
    } else {
      events.push_back(p);
    }
  };
  Database db;
  upgrade(db.get(), revisions, "head", record);
  ASSERT_EQ(statements.size(), 12u);
  EXPECT_EQ(statements[0], "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);");
  EXPECT_EQ(statements[1], "done");
  EXPECT_EQ(statements[11], "done");
  ASSERT_GE(events.size(), 6u);
  EXPECT_EQ(events[0].event, E::kStarted);
  EXPECT_EQ(events[0].revision, "0001");
  EXPECT_EQ(events[0].step, 1u);
  EXPECT_EQ(events[0].steps, 2u);
  EXPECT_EQ(events[1].event, E::kFinished);
  EXPECT_EQ(events[2].event, E::kStarted);
  EXPECT_EQ(events[2].revision, "0002");
  EXPECT_EQ(events[2].step, 2u);
  EXPECT_EQ(events[3].event, E::kRowsCopied);
  EXPECT_EQ(events[3].table, "t");
  EXPECT_EQ(events[3].rows_done, 0);
  EXPECT_EQ(events[3].rows_total, 50000);
  const Progress& last_copy = events[events.size() - 2];
  EXPECT_EQ(last_copy.event, E::kRowsCopied);
  EXPECT_EQ(last_copy.rows_done, 50000);
  EXPECT_EQ(events.back().event, E::kFinished);
  EXPECT_EQ(events.back().revision, "0002");
  for (std::size_t i = 4; i + 1 < events.size(); ++i) {
    EXPECT_GE(events[i].rows_done, events[i - 1].rows_done);
    EXPECT_LE(events[i].rows_done, 50000);
  }
  events.clear();
  downgrade(db.get(), revisions, "-1", record);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_TRUE(events[0].reverting);
}

}  // namespace
}  // namespace retort
