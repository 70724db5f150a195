// Several processes starting at once, and processes killed with SIGKILL, against a real server:
// each revision is applied once, nothing deadlocks, no INVALID index is left, and the next
// start-up after a kill reaches head with the catalog of an uninterrupted run. The processes
// are retort_pg_migrator (pg_migrator.cpp), whose pause hook stops them at a statement boundary.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <thread>

#include "child_process.hpp"
#include "pg_support.hpp"
#include "retort/detail/pg.hpp"
#include "retort/postgresql.hpp"
#include "test_support.hpp"

namespace retort {
namespace {

using testing::ChildProcess;
using testing::PgDatabase;

using testing::pg_revision;

// Three revisions; the third in phases, with two indexes built concurrently. Each logs itself,
// so that a phase run twice shows.
std::vector<Revision> revisions() {
  return {
      pg_revision("0001", "",
                  "CREATE TABLE t (id BIGINT PRIMARY KEY, x INTEGER NOT NULL);\n"
                  "CREATE TABLE log (n INTEGER PRIMARY KEY);\n"
                  "INSERT INTO t SELECT g, g FROM generate_series(1, 2000) g;",
                  "DROP TABLE log;\nDROP TABLE t;"),
      pg_revision("0002", "0001",
                  "ALTER TABLE t ADD COLUMN y INTEGER;\nINSERT INTO log VALUES (2);",
                  "DELETE FROM log WHERE n = 2;\nALTER TABLE t DROP COLUMN y;"),
      pg_revision("0003", "0002",
                  "ALTER TABLE t ADD CONSTRAINT ck_t_x CHECK (x > 0) NOT VALID;\n"
                  "INSERT INTO log VALUES (3);\n"
                  "-- +retort no-transaction\n"
                  "CREATE INDEX CONCURRENTLY ix_t_x ON t (x);\n"
                  "-- +retort commit\n"
                  "ALTER TABLE t VALIDATE CONSTRAINT ck_t_x;\n"
                  "-- +retort no-transaction\n"
                  "CREATE UNIQUE INDEX CONCURRENTLY uq_t_x_y ON t (x, y);\n"
                  "-- +retort commit\n"
                  "ALTER TABLE t ADD CONSTRAINT uq_t_x_y UNIQUE USING INDEX uq_t_x_y;\n"
                  "INSERT INTO log VALUES (4);",
                  "ALTER TABLE t DROP CONSTRAINT uq_t_x_y;\n"
                  "-- +retort no-transaction\nDROP INDEX CONCURRENTLY ix_t_x;\n"
                  "-- +retort commit\nALTER TABLE t DROP CONSTRAINT ck_t_x;\n"
                  "DELETE FROM log WHERE n IN (3, 4);"),
  };
}

class PostgresqlReplicasTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const Revision& r : revisions()) {
      testing::write_text(tmp_.path() / "versions" / r.file_name, render_revision(r));
    }
  }

  // A database two revisions behind.
  std::unique_ptr<PgDatabase> behind() const {
    auto db = std::make_unique<PgDatabase>();
    const detail::pg::Conn conn = db->connect();
    upgrade(conn.get(), revisions(), "0001");
    return db;
  }

  std::unique_ptr<ChildProcess> start(const PgDatabase& db,
                                      const std::vector<std::string>& env = {}) const {
    return std::make_unique<ChildProcess>(
        std::vector<std::string>{RETORT_PG_MIGRATOR, db.url(), tmp_.path().string()}, env);
  }

  // What must hold at head however it got there.
  static void expect_head(const PgDatabase& db, const std::string& step) {
    EXPECT_EQ(db.rows("SELECT string_agg(n::text, ',' ORDER BY n) FROM log"),
              std::vector<std::string>{"2,3,4"})
        << step;
    EXPECT_EQ(db.rows("SELECT count(*) FROM pg_index WHERE NOT indisvalid"),
              std::vector<std::string>{"0"})
        << step;
    EXPECT_EQ(db.rows("SELECT string_agg(revision || ':' || coalesce(phases_done::text, 'whole'), "
                      "',' ORDER BY revision) FROM retort_migrations"),
              std::vector<std::string>{"0001:whole,0002:whole,0003:whole"})
        << step;
  }

  // The same catalog as an uninterrupted run's.
  static void expect_same_catalog(const PgDatabase& expected, const PgDatabase& actual,
                                  const std::string& step) {
    const detail::pg::Conn e = expected.connect();
    const detail::pg::Conn a = actual.connect();
    std::string differences;
    for (const std::string& d : detail::pg::compare_databases(e.get(), a.get())) {
      differences += d + "\n";
    }
    EXPECT_EQ(differences, "") << step;
  }

  testing::TempDir tmp_;
};

TEST_F(PostgresqlReplicasTest, EightProcessesStartingAtOnceTwoRevisionsBehindApplyEachOnce) {
  for (int round = 0; round < 10; ++round) {
    const std::unique_ptr<PgDatabase> db = behind();
    std::vector<std::unique_ptr<ChildProcess>> apps;
    for (int i = 0; i < 8; ++i) apps.push_back(start(*db));
    int applied_2 = 0, applied_3 = 0;
    for (const auto& app : apps) {
      EXPECT_EQ(app->finish(), 0) << app->output();
      EXPECT_NE(app->output().find("current 0003"), std::string::npos) << app->output();
      applied_2 += static_cast<int>(app->output().find("applied 0002") != std::string::npos);
      applied_3 += static_cast<int>(app->output().find("applied 0003") != std::string::npos);
    }
    EXPECT_EQ(applied_2, 1) << "round " << round;
    EXPECT_EQ(applied_3, 1) << "round " << round;
    expect_head(*db, "round " + std::to_string(round));
  }
}

TEST_F(PostgresqlReplicasTest, AKillAtEveryStatementBoundaryResumesToTheSameCatalog) {
  const std::unique_ptr<PgDatabase> reference = behind();
  const auto whole = start(*reference);
  ASSERT_EQ(whole->finish(), 0) << whole->output();
  const std::string counted = whole->output().substr(whole->output().find("boundaries ") + 11);
  const int boundaries = std::stoi(counted);
  ASSERT_GE(boundaries, 18);
  for (int at = 1; at <= boundaries; ++at) {
    const std::string step = "killed at boundary " + std::to_string(at);
    const std::unique_ptr<PgDatabase> db = behind();
    {
      const auto killed = start(*db, {"RETORT_TEST_PAUSE_AT=" + std::to_string(at)});
      ASSERT_NE(killed->line_starting("paused "), "") << step << killed->output();
      killed->kill9();
    }
    const auto next = start(*db);
    EXPECT_EQ(next->finish(), 0) << step << "\n" << next->output();
    expect_head(*db, step);
    expect_same_catalog(*reference, *db, step);
  }
}

// Waits, polling the server, until `sql` gives `value`; false when it never does.
bool eventually(const PgDatabase& db, const std::string& sql, const std::string& value) {
  for (int i = 0; i < 6000; ++i) {
    if (db.rows(sql) == std::vector<std::string>{value}) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

TEST_F(PostgresqlReplicasTest, AKillInsideAConcurrentIndexBuildIsBuiltAgainByTheNextStart) {
  const std::unique_ptr<PgDatabase> reference = behind();
  ASSERT_EQ(start(*reference)->finish(), 0);
  const std::unique_ptr<PgDatabase> db = behind();
  const auto killed = start(*db, {"RETORT_TEST_PAUSE_BEFORE=CREATE INDEX CONCURRENTLY ix_t_x",
                                  "RETORT_TEST_LOCK_TIMEOUT_MS=600000"});
  ASSERT_NE(killed->line_starting("paused "), "") << killed->output();
  // A writer's open transaction: the build waits for it once its INVALID index is in the catalog.
  const detail::pg::Conn writer = db->connect();
  detail::pg::exec(writer.get(), "BEGIN; UPDATE t SET x = x WHERE id = 1");
  killed->write("go\n");
  ASSERT_TRUE(eventually(*db,
                         "SELECT count(*) FROM pg_stat_progress_create_index WHERE phase LIKE "
                         "'waiting for writers%'",
                         "1"));
  killed->kill9();
  // Its server session notices the client is gone (client_connection_check_interval), and the
  // build stops; only then does the writer finish, so that the build cannot.
  ASSERT_TRUE(eventually(*db, "SELECT count(*) FROM pg_stat_progress_create_index", "0"));
  detail::pg::exec(writer.get(), "ROLLBACK");
  EXPECT_EQ(db->rows("SELECT indisvalid FROM pg_index WHERE indexrelid = 'ix_t_x'::regclass"),
            std::vector<std::string>{"f"});
  const auto next = start(*db);
  EXPECT_EQ(next->finish(), 0) << next->output();
  expect_head(*db, "after the kill inside the build");
  expect_same_catalog(*reference, *db, "after the kill inside the build");
}

}  // namespace
}  // namespace retort
