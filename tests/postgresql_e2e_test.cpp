// End to end on PostgreSQL: a consumer project with DIALECTS sqlite postgresql, built against
// an installed Retort, its app (linking Retort::postgresql) started against a real server:
// revisions proven at build time, applied with rows kept, raced by eight processes, refused when
// tampered with, rolled back when a statement fails; and the build's own throwaway server.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <future>
#include <thread>

#include "pg_support.hpp"
#include "test_support.hpp"

namespace retort {
namespace {

namespace fs = std::filesystem;
using testing::PgDatabase;
using testing::run;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::string quoted(const std::string& s) { return "'" + s + "'"; }

// Retort installed from this build, and the consumer project tests/e2e/postgresql built
// against it, proving on the suite's server (RETORT_POSTGRESQL_URL) unless told otherwise.
class PgConsumer {
 public:
  explicit PgConsumer(bool use_suite_server = true) : use_suite_server_(use_suite_server) {
    const auto installed = run(std::string(RETORT_CMAKE_COMMAND) + " --install " +
                               RETORT_BINARY_DIR + " --prefix " + prefix().string());
    EXPECT_EQ(installed.exit_code, 0) << installed.output;
    fs::copy(RETORT_TEST_DIR "/e2e/postgresql", app(), fs::copy_options::recursive);
    const auto configured =
        run(env() + RETORT_CMAKE_COMMAND " -S " + app().string() + " -B " + build().string() +
            " -G Ninja -DCMAKE_BUILD_TYPE=Release " + "-DCMAKE_PREFIX_PATH=" + prefix().string());
    EXPECT_EQ(configured.exit_code, 0) << configured.output;
  }
  fs::path prefix() const { return tmp_.path() / "prefix"; }
  fs::path app() const { return tmp_.path() / "app"; }
  fs::path build() const { return tmp_.path() / "build"; }
  fs::path versions() const { return app() / "migrations" / "versions"; }

  testing::CommandResult build_app() const {
    return run(env() + RETORT_CMAKE_COMMAND " --build " + build().string() + " -j 2");
  }
  testing::CommandResult retort(const std::string& args) const {
    return run(env() + (prefix() / "bin" / "retort").string() + " " + args + " --dir " +
               (app() / "migrations").string());
  }
  testing::CommandResult run_app(const std::string& conninfo) const {
    return run((build() / "app").string() + " " + quoted(conninfo));
  }
  void edit(const std::string& file, const std::string& from, const std::string& to) const {
    std::string text = testing::read_text(app() / file);
    const auto at = text.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    text.replace(at, from.size(), to);
    testing::write_text(app() / file, text);
  }

 private:
  // The suite's server for the proofs, or none: the build starts its own.
  std::string env() const {
    return use_suite_server_ ? "RETORT_POSTGRESQL_URL=" + quoted(testing::postgresql_server()) + " "
                             : "env -u RETORT_POSTGRESQL_URL ";
  }

  bool use_suite_server_;
  testing::TempDir tmp_;
};

TEST(PostgresqlPackageTest, BothDialectsProvenSealedAndAppliedWithRowsKept) {
  PgConsumer p;
  auto built = p.build_app();
  ASSERT_EQ(built.exit_code, 0) << built.output;
  EXPECT_TRUE(contains(built.output, "wrote draft revision 0001")) << built.output;
  const std::string draft = testing::read_text(p.versions() / "0001_draft.sql");
  EXPECT_TRUE(contains(draft, "-- +retort Up postgresql")) << draft;
  EXPECT_TRUE(contains(draft, "notes JSONB DEFAULT '{}'")) << draft;
  EXPECT_TRUE(contains(draft, "visits INTEGER NOT NULL")) << draft;
  EXPECT_TRUE(contains(draft, "CREATE FUNCTION lower_email()")) << draft;
  ASSERT_EQ(p.retort("migrate -m shop").exit_code, 0);
  built = p.build_app();
  ASSERT_EQ(built.exit_code, 0) << built.output;
  EXPECT_FALSE(contains(built.output, "wrote draft")) << built.output;

  PgDatabase db;
  auto ran = p.run_app(db.url());
  ASSERT_EQ(ran.exit_code, 0) << ran.output;
  EXPECT_EQ(ran.output, "applied 0001\ncurrent 0001\n");
  const detail::pg::Conn conn = db.connect();
  detail::pg::exec(conn.get(),
                   "INSERT INTO customers (email, visits) VALUES ('Ann@Example.com', 3), "
                   "('bob@example.com', 2147483647);"
                   "INSERT INTO orders (customer_id, total) VALUES (1, 250), (2, 5)");
  EXPECT_EQ(db.rows("SELECT id, email, active FROM customers ORDER BY id"),
            (std::vector<std::string>{"1|ann@example.com|t", "2|bob@example.com|t"}));
  EXPECT_EQ(db.rows("SELECT id FROM big_orders"), std::vector<std::string>{"1"});

  // visits outgrows INTEGER; a column with a default arrives; the draft is applied.
  p.edit("models/shop.hpp", "std::int32_t visits;",
         "std::int64_t visits;\n  RETORT_DEFAULT(\"'EUR'\") std::string currency;");
  built = p.build_app();
  ASSERT_EQ(built.exit_code, 0) << built.output;
  EXPECT_TRUE(contains(built.output, "wrote draft revision 0002")) << built.output;
  ran = p.run_app(db.url());
  ASSERT_EQ(ran.exit_code, 0) << ran.output;
  EXPECT_EQ(ran.output, "applied 0002\ncurrent 0002\n");
  EXPECT_EQ(
      db.rows("SELECT id, email, visits, currency FROM customers ORDER BY id"),
      (std::vector<std::string>{"1|ann@example.com|3|EUR", "2|bob@example.com|2147483647|EUR"}));
  detail::pg::exec(conn.get(), "UPDATE customers SET visits = visits + 1 WHERE id = 2");
  EXPECT_EQ(db.rows("SELECT count(*) FROM orders"), std::vector<std::string>{"2"});
  const auto checked = p.retort("check --db " + quoted(db.url()));
  EXPECT_EQ(checked.exit_code, 1) << checked.output;  // the draft exists
  // INTEGER → BIGINT rewrites the table on PostgreSQL: sealed only when allowed.
  const auto refused = p.retort("migrate -m visits");
  EXPECT_EQ(refused.exit_code, 1) << refused.output;
  EXPECT_TRUE(contains(refused.output, "rewrites customers")) << refused.output;
  EXPECT_TRUE(contains(refused.output, "--allow-rewrite")) << refused.output;
  ASSERT_EQ(p.retort("migrate -m visits --allow-rewrite").exit_code, 0);
  const auto clean = p.retort("check --db " + quoted(db.url()));
  EXPECT_EQ(clean.exit_code, 0) << clean.output;
  // Drift: a column nobody declared.
  detail::pg::exec(conn.get(), "ALTER TABLE orders ADD COLUMN coupon TEXT");
  const auto drift = p.retort("check --db " + quoted(db.url()));
  EXPECT_EQ(drift.exit_code, 1) << drift.output;
  EXPECT_TRUE(contains(drift.output, "table 'orders': unexpected column coupon text"))
      << drift.output;
}

TEST(PostgresqlPackageTest, EightProcessesStartingAtOnceApplyEachRevisionOnce) {
  PgConsumer p;
  p.edit("models/shop.hpp", "std::int32_t visits;", "std::int32_t visits;\n  // v1");
  ASSERT_EQ(p.build_app().exit_code, 0);
  ASSERT_EQ(p.retort("migrate -m one").exit_code, 0);
  p.edit("models/shop.hpp", "  // v1", "  std::optional<std::string> phone;");
  ASSERT_EQ(p.build_app().exit_code, 0);
  ASSERT_EQ(p.retort("migrate -m two").exit_code, 0);
  // A third, hand-written: its row counts how often it ran.
  testing::write_text(
      p.versions() / "0003_count.sql",
      "-- +retort revision: 0003\n-- +retort parent: 0002\n-- +retort message: count\n\n"
      "-- +retort Up\nCREATE TABLE runs (n INTEGER);\n\n-- +retort Down\nDROP TABLE runs;\n\n"
      "-- +retort Up postgresql\nCREATE TABLE runs (n INTEGER);\nINSERT INTO runs VALUES "
      "(1);\nSELECT pg_sleep(0.05);\n\n-- +retort Down postgresql\nDROP TABLE runs;\n");
  ASSERT_EQ(p.build_app().exit_code, 0);
  PgDatabase db;
  std::vector<std::future<testing::CommandResult>> starts;
  for (int i = 0; i < 8; ++i) {
    starts.push_back(std::async(std::launch::async, [&] { return p.run_app(db.url()); }));
  }
  int applied = 0;
  for (auto& s : starts) {
    const testing::CommandResult r = s.get();
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_TRUE(contains(r.output, "current 0003")) << r.output;
    applied += static_cast<int>(contains(r.output, "applied 0003"));
  }
  EXPECT_EQ(applied, 1);
  EXPECT_EQ(db.rows("SELECT count(*) FROM runs"), std::vector<std::string>{"1"});
  EXPECT_EQ(db.rows("SELECT string_agg(revision, ',' ORDER BY revision) FROM retort_migrations"),
            std::vector<std::string>{"0001,0002,0003"});
}

TEST(PostgresqlPackageTest, TamperedAndFailingRevisionsAreRefusedChangingNothing) {
  PgConsumer p;
  ASSERT_EQ(p.build_app().exit_code, 0);
  ASSERT_EQ(p.retort("migrate -m shop").exit_code, 0);
  ASSERT_EQ(p.build_app().exit_code, 0);
  PgDatabase db;
  ASSERT_EQ(p.run_app(db.url()).exit_code, 0);
  // A revision written by hand whose second statement fails: rolled back whole.
  testing::write_text(
      p.versions() / "0002_bad.sql",
      "-- +retort revision: 0002\n-- +retort parent: 0001\n-- +retort message: bad\n\n"
      "-- +retort Up\n\n-- +retort Down\n\n-- +retort Up postgresql\nCREATE TABLE extra (x "
      "INTEGER);\nINSERT INTO extra VALUES ('not a number');\n\n-- +retort Down postgresql\n"
      "DROP TABLE extra;\n");
  ASSERT_EQ(p.build_app().exit_code, 0);
  auto ran = p.run_app(db.url());
  EXPECT_EQ(ran.exit_code, 1);
  EXPECT_TRUE(contains(ran.output, "0002")) << ran.output;
  EXPECT_TRUE(contains(ran.output, "INSERT INTO extra VALUES ('not a number')")) << ran.output;
  EXPECT_EQ(db.rows("SELECT to_regclass('extra') IS NULL"), std::vector<std::string>{"t"});
  fs::remove(p.versions() / "0002_bad.sql");
  // The applied revision edited afterwards: refused, nothing changed.
  const fs::path sealed = p.versions() / "0001_shop.sql";
  std::string text = testing::read_text(sealed);
  text.replace(text.find("-- +retort Down postgresql"), 0, "SELECT 1;\n\n");
  testing::write_text(sealed, text);
  ASSERT_EQ(p.build_app().exit_code, 0);
  ran = p.run_app(db.url());
  EXPECT_EQ(ran.exit_code, 1);
  EXPECT_TRUE(contains(ran.output, "'0001' was changed after it was applied")) << ran.output;
  // And a libpq string for a repository without PostgreSQL sections: exit 1, saying so.
  const testing::TempDir empty;
  testing::write_text(empty.path() / "versions" / "0001_x.sql",
                      "-- +retort revision: 0001\n-- +retort parent: base\n\n-- +retort Up\n"
                      "CREATE TABLE t (x INTEGER);\n\n-- +retort Down\nDROP TABLE t;\n");
  const auto refused = run((p.prefix() / "bin" / "retort").string() + " upgrade --dir " +
                           empty.path().string() + " --db " + quoted(db.url()));
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_TRUE(contains(refused.output, "no postgresql sections")) << refused.output;
}

// The move the SPEC describes: the app has run on SQLite, its rows go to PostgreSQL with
// `retort transfer`, and the same app starts on PostgreSQL at the same revision; inserts work.
TEST(PostgresqlPackageTest, AnAppMovesFromSqliteToPostgresqlWithItsRows) {
  PgConsumer p;
  ASSERT_EQ(p.build_app().exit_code, 0);
  ASSERT_EQ(p.retort("migrate -m shop").exit_code, 0);
  p.edit("models/shop.hpp", "std::int32_t visits;",
         "std::int32_t visits;\n  std::optional<std::string> city;");
  ASSERT_EQ(p.build_app().exit_code, 0);
  ASSERT_EQ(p.retort("migrate -m city").exit_code, 0);
  ASSERT_EQ(p.build_app().exit_code, 0);
  const fs::path file = p.app() / "shop.db";
  auto ran = p.run_app(file.string());
  ASSERT_EQ(ran.exit_code, 0) << ran.output;
  EXPECT_EQ(ran.output, "applied 0001\napplied 0002\ncurrent 0002\n");
  {
    const testing::Database sqlite(file.string());
    sqlite.exec(
        "INSERT INTO customers (id, email, active, visits, avatar, city) VALUES "
        "(1, 'ann@example.com', 1, 3, x'00ff', 'Zoë''s town'), (2, 'bob@example.com', 0, 7, "
        "NULL, NULL);"
        "INSERT INTO orders (id, customer_id, total, notes) VALUES (10, 1, 250.5, '{\"gift\": "
        "true}'), (11, 2, 5, NULL);");
  }
  PgDatabase db;
  const auto moved = p.retort("transfer --from " + file.string() + " --to " + quoted(db.url()));
  ASSERT_EQ(moved.exit_code, 0) << moved.output;
  ran = p.run_app(db.url());
  ASSERT_EQ(ran.exit_code, 0) << ran.output;
  EXPECT_EQ(ran.output, "current 0002\n");  // at the revision it moved at: nothing to apply
  EXPECT_EQ(db.rows("SELECT id, email, active, visits, encode(avatar, 'hex'), city FROM "
                    "customers ORDER BY id"),
            (std::vector<std::string>{"1|ann@example.com|t|3|00ff|Zoë's town",
                                      "2|bob@example.com|f|7|NULL|NULL"}));
  EXPECT_EQ(db.rows("SELECT id, total, notes->>'gift' FROM orders ORDER BY id"),
            (std::vector<std::string>{"10|250.5|true", "11|5|NULL"}));
  // The keys' sequences went past the copied keys: inserts without a key work.
  const detail::pg::Conn conn = db.connect();
  detail::pg::exec(conn.get(),
                   "INSERT INTO customers (email, visits) VALUES ('cy@example.com', 0);"
                   "INSERT INTO orders (customer_id, total) VALUES (3, 1)");
  EXPECT_EQ(db.rows("SELECT max(id) FROM customers"), std::vector<std::string>{"3"});
  EXPECT_EQ(p.retort("check --db " + quoted(db.url())).exit_code, 0);
}

// Without RETORT_POSTGRESQL_URL the build starts a private server from the installed binaries,
// its data in the build tree, and stops it before the step ends.
TEST(PostgresqlPackageTest, TheBuildsThrowawayServerLeavesNoProcess) {
  PgConsumer p(false);
  const auto built = p.build_app();
  ASSERT_EQ(built.exit_code, 0) << built.output;
  EXPECT_TRUE(contains(built.output, "wrote draft revision 0001")) << built.output;
  const fs::path data = p.build() / "retort" / "app" / "postgresql";
  EXPECT_TRUE(fs::exists(data / "data" / "PG_VERSION")) << data;
  // "[-]D": the pattern matches the server's command line, not the shell's that runs pgrep.
  const auto running = run("pgrep -f -- " + quoted("[-]D " + (data / "data").string()));
  EXPECT_NE(running.exit_code, 0) << running.output;  // no such process
}

}  // namespace
}  // namespace retort
