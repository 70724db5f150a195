// PostgreSQL sections in phases against a real server: statements outside a transaction
// (CREATE INDEX CONCURRENTLY), commits between, each phase recorded as it completes, a
// revision left in part finished with its stored section, INVALID indexes built again.
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <thread>

#include "pg_support.hpp"
#include "retort/detail/pg.hpp"
#include "retort/postgresql.hpp"

namespace retort {
namespace {

using testing::PgDatabase;

using testing::pg_revision;

const Revision& base() {
  static const Revision r = pg_revision("0001", "",
                                        "CREATE TABLE t (id BIGINT PRIMARY KEY, x INTEGER);\n"
                                        "CREATE TABLE log (phase INTEGER PRIMARY KEY);\n"
                                        "INSERT INTO t SELECT g, g FROM generate_series(1, 100) g;",
                                        "DROP TABLE log;\nDROP TABLE t;");
  return r;
}

// Three phases: a transaction that logs itself (a second run would fail on the key), an index
// built concurrently, and a CHECK validated in a transaction of its own.
Revision phased(const std::string& id = "0002", bool draft = false) {
  return pg_revision(
      id, "0001",
      "INSERT INTO log VALUES (1);\n"
      "ALTER TABLE t ADD CONSTRAINT ck_t_x CHECK (x > 0) NOT VALID;\n"
      "-- +retort no-transaction\n"
      "CREATE INDEX CONCURRENTLY ix_t_x ON t (x);\n"
      "-- +retort commit\n"
      "INSERT INTO log VALUES (3);\n"
      "ALTER TABLE t VALIDATE CONSTRAINT ck_t_x;",
      "-- +retort no-transaction\nDROP INDEX CONCURRENTLY ix_t_x;\n-- +retort commit\n"
      "ALTER TABLE t DROP CONSTRAINT ck_t_x;\nDELETE FROM log;",
      draft);
}

std::string error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

// The version table's phase columns for `revision`: "phases_done|reverting", "gone" without a
// row.
std::string phase_row(const PgDatabase& db, const std::string& revision) {
  const std::vector<std::string> rows = db.rows(
      "SELECT coalesce(phases_done::text, 'whole') || CASE WHEN reverting THEN '|t' "
      "ELSE '|f' END FROM "
      "retort_migrations WHERE revision = '" +
      revision + "'");
  return rows.empty() ? "gone" : rows[0];
}

TEST(PostgresqlPhasesTest, EachPhaseCommitsAndIsRecordedAndAFailureResumesWhereItStopped) {
  PgDatabase db;
  const detail::pg::Conn conn = db.connect();
  upgrade(conn.get(), {base()});
  detail::pg::exec(conn.get(), "INSERT INTO t VALUES (0, -1)");  // VALIDATE fails on it
  const std::vector<Revision> revisions = {base(), phased()};
  const std::string error = error_of([&] { upgrade(conn.get(), revisions); });
  EXPECT_NE(error.find("ALTER TABLE t VALIDATE CONSTRAINT ck_t_x"), std::string::npos) << error;
  // The first two phases stay: the CHECK, NOT VALID, and the index, valid.
  EXPECT_EQ(phase_row(db, "0002"), "2|f");
  EXPECT_EQ(current(conn.get()), "0001");
  EXPECT_EQ(db.rows("SELECT phase FROM log ORDER BY phase"), std::vector<std::string>{"1"});
  EXPECT_EQ(db.rows("SELECT indisvalid FROM pg_index WHERE indexrelid = 'ix_t_x'::regclass"),
            std::vector<std::string>{"t"});
  // Mended, the next start-up runs the third phase alone.
  detail::pg::exec(conn.get(), "DELETE FROM t WHERE id = 0");
  EXPECT_EQ(upgrade(conn.get(), revisions), std::vector<std::string>{"0002"});
  EXPECT_EQ(phase_row(db, "0002"), "whole|f");
  EXPECT_EQ(current(conn.get()), "0002");
  EXPECT_EQ(db.rows("SELECT phase FROM log ORDER BY phase"), (std::vector<std::string>{"1", "3"}));
  EXPECT_EQ(db.rows("SELECT convalidated FROM pg_constraint WHERE conname = 'ck_t_x'"),
            std::vector<std::string>{"t"});
  // Down runs in phases too: the index dropped concurrently, then the rest.
  EXPECT_EQ(downgrade(conn.get(), revisions), std::vector<std::string>{"0002"});
  EXPECT_EQ(phase_row(db, "0002"), "gone");
  EXPECT_EQ(db.rows("SELECT to_regclass('ix_t_x') IS NULL, count(*) FROM log"),
            std::vector<std::string>{"t|0"});
}

TEST(PostgresqlPhasesTest, AnInvalidIndexLeftByAFailedBuildIsDroppedAndBuiltAgain) {
  PgDatabase db;
  const detail::pg::Conn conn = db.connect();
  upgrade(conn.get(), {base()});
  // A build that failed (a duplicate) leaves its index INVALID.
  detail::pg::exec(conn.get(), "INSERT INTO t VALUES (0, 1)");
  EXPECT_NE(detail::pg::try_exec(conn.get(), "CREATE UNIQUE INDEX CONCURRENTLY ix_t_x ON t (x)"),
            "");
  detail::pg::exec(conn.get(), "DELETE FROM t WHERE id = 0");
  ASSERT_EQ(db.rows("SELECT indisvalid FROM pg_index WHERE indexrelid = 'ix_t_x'::regclass"),
            std::vector<std::string>{"f"});
  EXPECT_EQ(upgrade(conn.get(), {base(), phased()}), std::vector<std::string>{"0002"});
  EXPECT_EQ(db.rows("SELECT indisvalid, indisunique FROM pg_index WHERE indexrelid = "
                    "'ix_t_x'::regclass"),
            std::vector<std::string>{"t|f"});
}

TEST(PostgresqlPhasesTest, AnIndexBuiltButNotRecordedIsRecordedWithoutBuildingItAgain) {
  PgDatabase db;
  const detail::pg::Conn conn = db.connect();
  upgrade(conn.get(), {base()});
  // As a process killed after its build and before its record leaves it: the row says one
  // phase is done, the index is there.
  detail::pg::exec(conn.get(),
                   "INSERT INTO log VALUES (1); ALTER TABLE t ADD CONSTRAINT ck_t_x CHECK (x > 0) "
                   "NOT VALID; CREATE INDEX ix_t_x ON t (x)");
  detail::pg::exec(conn.get(),
                   "INSERT INTO retort_migrations (revision, parent, checksum, down_sql, "
                   "phases_done, phase_sql) VALUES ('0002', '0001', $1, $2, 1, $3)",
                   {phased().checksum, phased().sections(kPostgresql)->down_sql,
                    phased().sections(kPostgresql)->up_sql});
  const std::string oid = db.rows("SELECT 'ix_t_x'::regclass::oid")[0];
  EXPECT_EQ(upgrade(conn.get(), {base(), phased()}), std::vector<std::string>{"0002"});
  EXPECT_EQ(db.rows("SELECT 'ix_t_x'::regclass::oid")[0], oid);  // the same index
  EXPECT_EQ(db.rows("SELECT phase FROM log ORDER BY phase"), (std::vector<std::string>{"1", "3"}));
}

TEST(PostgresqlPhasesTest, ADraftLeftInPartIsFinishedWithItsStoredSectionThenReplaced) {
  PgDatabase db;
  const detail::pg::Conn conn = db.connect();
  upgrade(conn.get(), {base()});
  detail::pg::exec(conn.get(), "INSERT INTO t VALUES (0, -1)");
  EXPECT_NE(error_of([&] { upgrade(conn.get(), {base(), phased("0002", true)}); }), "");
  EXPECT_EQ(phase_row(db, "0002"), "2|f");
  detail::pg::exec(conn.get(), "DELETE FROM t WHERE id = 0");
  // The draft changed meanwhile: the old one is finished as it started, reverted, and the new
  // one applied.
  const Revision changed = pg_revision("0002", "0001", "INSERT INTO log VALUES (9);",
                                       "DELETE FROM log WHERE phase = 9;", true);
  EXPECT_EQ(upgrade(conn.get(), {base(), changed}), std::vector<std::string>{"0002"});
  EXPECT_EQ(db.rows("SELECT phase FROM log"), std::vector<std::string>{"9"});
  EXPECT_EQ(db.rows("SELECT to_regclass('ix_t_x') IS NULL"), std::vector<std::string>{"t"});
}

TEST(PostgresqlPhasesTest, ConnectionsStartingAtOnceBuildTheIndexOnceAndValid) {
  PgDatabase db;
  {
    const detail::pg::Conn conn = db.connect();
    upgrade(conn.get(), {base()});
  }
  std::vector<std::thread> starts;
  std::atomic<int> applied{0};
  for (int i = 0; i < 8; ++i) {
    starts.emplace_back([&] {
      try {
        const detail::pg::Conn conn = db.connect();
        applied += static_cast<int>(upgrade(conn.get(), {base(), phased()}).size());
      } catch (const std::exception& e) {
        ADD_FAILURE() << e.what();
      }
    });
  }
  for (std::thread& t : starts) t.join();
  EXPECT_EQ(applied, 1);
  EXPECT_EQ(db.rows("SELECT phase FROM log ORDER BY phase"), (std::vector<std::string>{"1", "3"}));
  EXPECT_EQ(db.rows("SELECT count(*) FROM pg_index WHERE NOT indisvalid"),
            std::vector<std::string>{"0"});
}

TEST(PostgresqlPhasesTest, AStatementOutsideATransactionRunsAlone) {
  PgDatabase db;
  const detail::pg::Conn conn = db.connect();
  upgrade(conn.get(), {base()});
  const Revision two = pg_revision("0002", "0001",
                                   "-- +retort no-transaction\nCREATE INDEX CONCURRENTLY a ON t "
                                   "(x);\nCREATE INDEX CONCURRENTLY b ON t (id);",
                                   "");
  const std::string error = error_of([&] { upgrade(conn.get(), {base(), two}); });
  EXPECT_NE(error.find("runs by itself: write one statement there"), std::string::npos) << error;
  EXPECT_EQ(db.rows("SELECT to_regclass('a') IS NULL, to_regclass('b') IS NULL"),
            std::vector<std::string>{"t|t"});
}

TEST(PostgresqlPhasesTest, TheOfflineScriptCommitsAroundAStatementOutsideATransaction) {
  const std::string script = postgresql_upgrade_sql({base(), phased()}, "0001", "head");
  const std::string expected =
      "\n-- upgrade to 0002\nBEGIN;\nINSERT INTO log VALUES (1);\n"
      "ALTER TABLE t ADD CONSTRAINT ck_t_x CHECK (x > 0) NOT VALID;\nCOMMIT;\n"
      "CREATE INDEX CONCURRENTLY ix_t_x ON t (x);\nBEGIN;\nINSERT INTO log VALUES (3);\n"
      "ALTER TABLE t VALIDATE CONSTRAINT ck_t_x;\nINSERT INTO retort_migrations";
  EXPECT_NE(script.find(expected), std::string::npos) << script;
  // Run as psql runs it, statement by statement.
  PgDatabase db;
  const detail::pg::Conn conn = db.connect();
  upgrade(conn.get(), {base()});
  for (const std::string& statement :
       detail::pg::split_statements(script.substr(script.find('\n')))) {
    detail::pg::exec(conn.get(), statement);
  }
  EXPECT_EQ(current(conn.get()), "0002");
}

}  // namespace
}  // namespace retort
