// Retort::postgresql against a real server (the CTest fixture's): revisions applied in their
// transactions, reverted, refused, adopted, retried on a lock, raced by several connections.
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <chrono>
#include <thread>

#include "pg_support.hpp"
#include "retort/detail/pg.hpp"
#include "retort/postgresql.hpp"

namespace retort {
namespace {

using testing::PgDatabase;

// A revision with SQLite sections (trivial) and PostgreSQL ones, as read from its file.
Revision pg_revision(const std::string& id, const std::string& parent, const std::string& up,
                     const std::string& down, bool draft = false, bool baseline = false) {
  Revision r = testing::revision_head(id, parent, draft);
  r.up_sql = "SELECT 1;";
  r.down_sql = "SELECT 1;";
  r.dialects.push_back({kPostgresql, up, down, baseline});
  return testing::as_read(r);
}

std::vector<Revision> two_revisions() {
  return {pg_revision("0001", "", "CREATE TABLE users (id BIGINT PRIMARY KEY, name TEXT);",
                      "DROP TABLE users;"),
          pg_revision("0002", "0001",
                      "CREATE TABLE posts (id BIGINT PRIMARY KEY, user_id BIGINT REFERENCES "
                      "users (id));\nINSERT INTO users VALUES (1, 'admin');",
                      "DROP TABLE posts;\nDELETE FROM users;")};
}

TEST(PostgresqlRuntimeTest, UpgradesEachRevisionWithItsRowThenDoesNothing) {
  PgDatabase db;
  const detail::pg::Conn conn = db.connect();
  EXPECT_EQ(current(conn.get()), std::nullopt);
  EXPECT_EQ(upgrade(conn.get(), two_revisions()), (std::vector<std::string>{"0001", "0002"}));
  EXPECT_EQ(current(conn.get()), "0002");
  EXPECT_EQ(db.tables(), (std::vector<std::string>{"posts", "retort_migrations", "users"}));
  EXPECT_EQ(db.rows("SELECT revision, parent, draft, checksum = '" + two_revisions()[1].checksum +
                    "' FROM retort_migrations ORDER BY revision"),
            (std::vector<std::string>{"0001||f|f", "0002|0001|f|t"}));
  EXPECT_TRUE(upgrade(conn.get(), two_revisions()).empty());
}

// The up-to-date start-up reads one catalog field: the version table's comment holds the
// fingerprint of the applied revisions, kept by every writer (a step, stamp, the psql script).
TEST(PostgresqlRuntimeTest, AnUpToDateStartUpReadsOnlyTheFingerprint) {
  PgDatabase db;
  const detail::pg::Conn conn = db.connect();
  upgrade(conn.get(), two_revisions());
  // With the rows unreadable, only the fingerprint can say "at head".
  detail::pg::exec(conn.get(), "ALTER TABLE retort_migrations RENAME COLUMN checksum TO c");
  EXPECT_TRUE(upgrade(conn.get(), two_revisions()).empty());
  EXPECT_THROW(upgrade(conn.get(), {two_revisions()[0]}), Error);  // not at head: rows read
  detail::pg::exec(conn.get(), "ALTER TABLE retort_migrations RENAME COLUMN c TO checksum");
  // stamp rewrites it: the next start-up applies 0002 again rather than trusting a stale one.
  stamp(conn.get(), two_revisions(), "0001");
  detail::pg::exec(conn.get(), "DROP TABLE posts; DELETE FROM users");
  EXPECT_EQ(upgrade(conn.get(), two_revisions()), std::vector<std::string>{"0002"});
  // A comment that is not Retort's fingerprint only costs the slow path.
  detail::pg::exec(conn.get(), "COMMENT ON TABLE retort_migrations IS 'the app''s note'");
  EXPECT_TRUE(upgrade(conn.get(), two_revisions()).empty());
  // The psql script keeps it too: reverted by the script, the start-up applies again.
  const std::string down = postgresql_downgrade_sql(two_revisions(), "0002", "0001");
  EXPECT_NE(down.find("COMMENT ON TABLE retort_migrations IS 'retort fingerprint "),
            std::string::npos)
      << down;
  detail::pg::exec(conn.get(), down.substr(down.find('\n') + 1));  // past \\set
  EXPECT_EQ(upgrade(conn.get(), two_revisions()), std::vector<std::string>{"0002"});
}

TEST(PostgresqlRuntimeTest, DowngradesWithTheStoredDownScripts) {
  PgDatabase db;
  const detail::pg::Conn conn = db.connect();
  upgrade(conn.get(), two_revisions());
  // The stored script is what runs, even when the binary's copy is gone.
  EXPECT_EQ(downgrade(conn.get(), {two_revisions()[0]}, "base"),
            (std::vector<std::string>{"0002", "0001"}));
  EXPECT_EQ(db.tables(), std::vector<std::string>{"retort_migrations"});
  EXPECT_EQ(current(conn.get()), std::nullopt);
}

TEST(PostgresqlRuntimeTest, AFailingStatementRollsItsRevisionBackAndIsNamed) {
  PgDatabase db;
  const detail::pg::Conn conn = db.connect();
  std::vector<Revision> revisions = two_revisions();
  revisions.push_back(pg_revision("0003", "0002",
                                  "CREATE TABLE tags (id BIGINT);\nINSERT INTO missing VALUES (1);",
                                  "DROP TABLE tags;"));
  try {
    upgrade(conn.get(), revisions);
    FAIL() << "upgrade succeeded";
  } catch (const MigrationError& e) {
    EXPECT_EQ(e.revision(), "0003");
    EXPECT_EQ(e.statement(), "INSERT INTO missing VALUES (1)");
    EXPECT_NE(std::string(e.what()).find("relation \"missing\" does not exist"), std::string::npos)
        << e.what();
    EXPECT_EQ(e.applied(), (std::vector<std::string>{"0001", "0002"}));
  }
  EXPECT_EQ(current(conn.get()), "0002");
  EXPECT_EQ(db.rows("SELECT to_regclass('tags') IS NULL"), std::vector<std::string>{"t"});
}

// The step's row goes in the round trip of its COMMIT: a failure of either is the step's, and
// leaves nothing of it.
TEST(PostgresqlRuntimeTest, AFailureAtCommitOrInTheRecordRollsItsRevisionBack) {
  PgDatabase db;
  const detail::pg::Conn conn = db.connect();
  std::vector<Revision> at_commit = two_revisions();
  at_commit.push_back(pg_revision("0003", "0002",
                                  "CREATE TABLE likes (post_id BIGINT REFERENCES posts (id) "
                                  "DEFERRABLE INITIALLY DEFERRED);\nINSERT INTO likes VALUES (42);",
                                  "DROP TABLE likes;"));
  try {
    upgrade(conn.get(), at_commit);
    FAIL() << "upgrade succeeded";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("violates foreign key constraint"), std::string::npos)
        << e.what();
  }
  EXPECT_EQ(current(conn.get()), "0002");
  EXPECT_EQ(db.rows("SELECT to_regclass('likes') IS NULL"), std::vector<std::string>{"t"});

  // The revision writes the row Retort records for it: the record fails, and is named.
  std::vector<Revision> in_record = two_revisions();
  in_record.push_back(pg_revision(
      "0003", "0002",
      "CREATE TABLE tags (id BIGINT);\nINSERT INTO retort_migrations (revision, checksum, "
      "down_sql) VALUES ('0003', 'x', '');",
      "DROP TABLE tags;"));
  try {
    upgrade(conn.get(), in_record);
    FAIL() << "upgrade succeeded";
  } catch (const MigrationError& e) {
    EXPECT_EQ(e.revision(), "0003");
    EXPECT_EQ(e.statement().rfind("INSERT INTO retort_migrations", 0), 0u) << e.statement();
    EXPECT_NE(std::string(e.what()).find("duplicate key"), std::string::npos) << e.what();
  }
  EXPECT_EQ(current(conn.get()), "0002");
  EXPECT_EQ(db.rows("SELECT to_regclass('tags') IS NULL"), std::vector<std::string>{"t"});
  // The connection is usable, and the same call with a sound revision goes on.
  std::vector<Revision> sound = two_revisions();
  sound.push_back(
      pg_revision("0003", "0002", "CREATE TABLE tags (id BIGINT);", "DROP TABLE tags;"));
  EXPECT_EQ(upgrade(conn.get(), sound), std::vector<std::string>{"0003"});
}

TEST(PostgresqlRuntimeTest, RefusesATamperedRevisionAndADatabaseAheadChangingNothing) {
  PgDatabase db;
  const detail::pg::Conn conn = db.connect();
  upgrade(conn.get(), two_revisions());
  std::vector<Revision> tampered = two_revisions();
  tampered[0] =
      pg_revision("0001", "", "CREATE TABLE users (id BIGINT PRIMARY KEY);", "DROP TABLE users;");
  EXPECT_THROW(
      {
        try {
          upgrade(conn.get(), tampered);
        } catch (const Error& e) {
          EXPECT_NE(std::string(e.what()).find("'0001' was changed after it was applied"),
                    std::string::npos)
              << e.what();
          throw;
        }
      },
      Error);
  EXPECT_THROW(upgrade(conn.get(), {two_revisions()[0]}), Error);  // ahead of the binary
  EXPECT_EQ(current(conn.get()), "0002");
}

TEST(PostgresqlRuntimeTest, AChangedDraftIsRevertedThenAppliedAgain) {
  PgDatabase db;
  const detail::pg::Conn conn = db.connect();
  const Revision base = two_revisions()[0];
  upgrade(conn.get(),
          {base, pg_revision("0002", "0001", "CREATE TABLE a (x INT);", "DROP TABLE a;", true)});
  EXPECT_EQ(upgrade(conn.get(), {base, pg_revision("0002", "0001", "CREATE TABLE b (x INT);",
                                                   "DROP TABLE b;", true)}),
            std::vector<std::string>{"0002"});  // each id it applied, once
  EXPECT_EQ(db.tables(), (std::vector<std::string>{"b", "retort_migrations", "users"}));
}

TEST(PostgresqlRuntimeTest, RevisionsWithoutPostgresqlSectionsAreRefused) {
  PgDatabase db;
  const detail::pg::Conn conn = db.connect();
  Revision r;
  r.id = "0001";
  r.file_name = "0001_x.sql";
  r.up_sql = "CREATE TABLE t (x INTEGER);";
  const Revision sqlite_only = parse_revision(render_revision(r), r.file_name);
  try {
    upgrade(conn.get(), {sqlite_only});
    FAIL() << "upgrade succeeded";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no postgresql sections"), std::string::npos) << e.what();
  }
  EXPECT_EQ(db.tables(), std::vector<std::string>{});
}

TEST(PostgresqlRuntimeTest, ADialectBaselineStartsTheHistory) {
  PgDatabase db;
  const detail::pg::Conn conn = db.connect();
  Revision first;
  first.id = "0001";
  first.file_name = "0001_users.sql";
  first.message = "users";
  first.up_sql = "CREATE TABLE users (id INTEGER PRIMARY KEY);";
  first.down_sql = "DROP TABLE users;";
  const std::vector<Revision> revisions = {
      parse_revision(render_revision(first), first.file_name),
      pg_revision("0002", "0001", "CREATE TABLE users (id BIGINT PRIMARY KEY);",
                  "DROP TABLE users;", false, true)};
  EXPECT_EQ(upgrade(conn.get(), revisions), std::vector<std::string>{"0002"});
  EXPECT_EQ(db.rows("SELECT revision FROM retort_migrations"), std::vector<std::string>{"0002"});
  EXPECT_TRUE(revisions[1].sections(kPostgresql)->baseline);
}

TEST(PostgresqlRuntimeTest, AnExistingDatabaseEqualToTheBaselineIsAdoptedOtherwiseRefused) {
  const std::string ddl = "CREATE TABLE users (id BIGINT PRIMARY KEY, name TEXT NOT NULL);";
  const std::vector<Revision> revisions = {
      pg_revision("0001", "", ddl, "DROP TABLE users;", false, true)};
  PgDatabase equal;
  {
    const detail::pg::Conn conn = equal.connect();
    detail::pg::exec(conn.get(), ddl + "INSERT INTO users VALUES (7, 'kept');");
    EXPECT_EQ(upgrade(conn.get(), revisions), std::vector<std::string>{"0001"});
  }
  EXPECT_EQ(equal.rows("SELECT name FROM users"), std::vector<std::string>{"kept"});
  EXPECT_EQ(equal.rows("SELECT count(*) FROM retort_migrations"), std::vector<std::string>{"1"});
  PgDatabase different;
  const detail::pg::Conn conn = different.connect();
  detail::pg::exec(conn.get(), "CREATE TABLE users (id BIGINT PRIMARY KEY, name TEXT);");
  try {
    upgrade(conn.get(), revisions);
    FAIL() << "adopted a different database";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("column name text"), std::string::npos) << e.what();
  }
  EXPECT_EQ(different.rows("SELECT to_regclass('retort_migrations') IS NULL"),
            std::vector<std::string>{"t"});
}

// PostgreSQL's own constraint names (users_pkey) take the baseline's in the recording
// transaction, and the progress says which.
TEST(PostgresqlRuntimeTest, AnAdoptedDatabasesConstraintsTakeTheBaselinesNames) {
  const std::vector<Revision> revisions = {pg_revision(
      "0001", "",
      "CREATE TABLE users (id BIGINT NOT NULL, email TEXT NOT NULL, CONSTRAINT pk_users "
      "PRIMARY KEY (id), CONSTRAINT uq_users_email UNIQUE (email), CONSTRAINT ck_users_1 CHECK "
      "(id > 0));",
      "DROP TABLE users;", false, true)};
  PgDatabase db;
  const detail::pg::Conn conn = db.connect();
  detail::pg::exec(conn.get(),
                   "CREATE TABLE users (id BIGINT PRIMARY KEY, email TEXT NOT NULL UNIQUE "
                   "CHECK (id > 0)); INSERT INTO users VALUES (1, 'a@example.com');");
  std::vector<std::string> renamed;
  const ProgressCallback progress = [&renamed](const Progress& p) {
    if (p.event == Progress::Event::kFinished && p.adopted) renamed = p.renamed;
  };
  EXPECT_EQ(upgrade(conn.get(), revisions, "head", progress), std::vector<std::string>{"0001"});
  EXPECT_EQ(renamed, (std::vector<std::string>{
                         "table 'users': constraint users_id_check renamed ck_users_1",
                         "table 'users': constraint users_pkey renamed pk_users",
                         "table 'users': constraint users_email_key renamed uq_users_email"}));
  EXPECT_EQ(db.rows("SELECT conname FROM pg_constraint WHERE conrelid = 'users'::regclass ORDER "
                    "BY 1"),
            (std::vector<std::string>{"ck_users_1", "pk_users", "uq_users_email"}));
  EXPECT_EQ(db.rows("SELECT email FROM users"), std::vector<std::string>{"a@example.com"});
}

TEST(PostgresqlRuntimeTest, ProcessesStartingAtOnceApplyEachRevisionOnce) {
  PgDatabase db;
  std::vector<Revision> revisions = {
      pg_revision("0001", "", "CREATE TABLE runs (n INT);", "DROP TABLE runs;")};
  for (int i = 2; i <= 6; ++i) {
    const std::string id = "000" + std::to_string(i);
    revisions.push_back(
        pg_revision(id, "000" + std::to_string(i - 1),
                    "INSERT INTO runs VALUES (" + std::to_string(i) + ");\nSELECT pg_sleep(0.02);",
                    "DELETE FROM runs WHERE n = " + std::to_string(i) + ";"));
  }
  std::vector<std::thread> starts;
  std::atomic<int> failures{0};
  for (int i = 0; i < 8; ++i) {
    starts.emplace_back([&] {
      try {
        const detail::pg::Conn conn = db.connect();
        upgrade(conn.get(), revisions);
      } catch (const std::exception& e) {
        ADD_FAILURE() << e.what();
        ++failures;
      }
    });
  }
  for (std::thread& t : starts) t.join();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(db.rows("SELECT n, count(*) FROM runs GROUP BY n ORDER BY n"),
            (std::vector<std::string>{"2|1", "3|1", "4|1", "5|1", "6|1"}));
}

TEST(PostgresqlRuntimeTest, AStatementThatWaitsForALockIsRetriedThenNamesTheHolder) {
  PgDatabase db;
  const detail::pg::Conn conn = db.connect();
  upgrade(conn.get(), {two_revisions()[0]});
  const std::vector<Revision> revisions = {
      two_revisions()[0], pg_revision("0002", "0001", "ALTER TABLE users ADD COLUMN email TEXT;",
                                      "ALTER TABLE users DROP COLUMN email;")};
  PostgresqlOptions options;
  options.lock_timeout = std::chrono::milliseconds(50);
  options.tries = 3;
  options.first_pause = std::chrono::milliseconds(10);
  // A reader holds its lock for the whole run: every try gives up, and the error says who.
  const detail::pg::Conn reader = db.connect();
  detail::pg::exec(reader.get(), "BEGIN; SELECT * FROM users;");
  try {
    upgrade(conn.get(), revisions, "head", {}, options);
    FAIL() << "upgrade did not wait for the lock";
  } catch (const MigrationError& e) {
    const std::string what = e.what();
    EXPECT_EQ(e.statement(), "ALTER TABLE users ADD COLUMN email TEXT");
    EXPECT_NE(what.find("lock timeout"), std::string::npos) << what;
    EXPECT_NE(what.find("tried 3 times"), std::string::npos) << what;
    EXPECT_NE(what.find("session " + std::to_string(PQbackendPID(reader.get()))), std::string::npos)
        << what;
    EXPECT_NE(what.find("holds AccessShareLock on users"), std::string::npos) << what;
  }
  EXPECT_EQ(current(conn.get()), "0001");
  // Released while the runtime waits between tries: it succeeds. The release follows the first
  // try's failure (the version table says nothing yet), so the outcome does not race.
  options.tries = 50;
  options.first_pause = std::chrono::milliseconds(20);
  std::thread release([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    detail::pg::exec(reader.get(), "COMMIT");
  });
  EXPECT_EQ(upgrade(conn.get(), revisions, "head", {}, options), std::vector<std::string>{"0002"});
  release.join();
}

TEST(PostgresqlStatementsTest, SplitsAtSemicolonsOutsideQuotesBodiesAndComments) {
  const std::string sql =
      "CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.a := 1; RETURN NEW; "
      "END $$;\n"
      "-- a comment; with a semicolon\n"
      "INSERT INTO t VALUES ('a;b', E'c\\';d', \"x;y\"); /* ; /* nested ; */ */\n"
      "SELECT $tag$ ; $$ ; $tag$;\n"
      "SELECT $1;\n"
      "-- only a comment";
  EXPECT_EQ(detail::pg::split_statements(sql),
            (std::vector<std::string>{
                "CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.a := 1; "
                "RETURN NEW; END $$",
                "-- a comment; with a semicolon\nINSERT INTO t VALUES ('a;b', E'c\\';d', "
                "\"x;y\")",
                "/* ; /* nested ; */ */\nSELECT $tag$ ; $$ ; $tag$", "SELECT $1"}));
}

}  // namespace
}  // namespace retort

// Hooks on PostgreSQL: RETORT_HOOK_POSTGRESQL with `conn`, inside the revision's transaction.
RETORT_HOOK_POSTGRESQL(fill_slugs) {
  retort::detail::pg::exec(conn, "UPDATE users SET slug = lower(name)");
  progress.report(1, 1);
}
RETORT_HOOK_POSTGRESQL(fails_midway) {
  retort::detail::pg::exec(conn, "UPDATE users SET slug = 'half'");
  throw std::runtime_error("the hook gave up");
}
RETORT_HOOK_POSTGRESQL(changes_schema) {
  retort::detail::pg::exec(conn, "CREATE TABLE sneaky (x int)");
}

namespace retort {
namespace {

std::vector<Revision> with_hook(const std::string& hook) {
  std::vector<Revision> revisions = {two_revisions()[0],
                                     pg_revision("0002", "0001",
                                                 "ALTER TABLE users ADD COLUMN slug TEXT;\n"
                                                 "-- +retort hook: " +
                                                     hook,
                                                 "ALTER TABLE users DROP COLUMN slug;")};
  const std::vector<Hook> linked = {{"fill_slugs", nullptr, &hooks_postgresql::fill_slugs},
                                    {"fails_midway", nullptr, &hooks_postgresql::fails_midway},
                                    {"changes_schema", nullptr, &hooks_postgresql::changes_schema}};
  for (Revision& r : revisions) {
    for (Hook& h : r.hooks) {
      for (const Hook& l : linked) {
        if (l.name == h.name) h.postgresql_function = l.postgresql_function;
      }
    }
  }
  return revisions;
}

TEST(PostgresqlHookTest, AHookRunsInsideItsRevisionAndItsFailureRollsItBack) {
  PgDatabase db;
  const detail::pg::Conn conn = db.connect();
  upgrade(conn.get(), {two_revisions()[0]});
  detail::pg::exec(conn.get(), "INSERT INTO users VALUES (1, 'Ann')");
  // A failing hook: the whole revision rolled back, named as `hook NAME`.
  try {
    upgrade(conn.get(), with_hook("fails_midway"));
    FAIL() << "upgrade succeeded";
  } catch (const MigrationError& e) {
    EXPECT_EQ(e.revision(), "0002");
    EXPECT_EQ(e.statement(), "hook fails_midway");
    EXPECT_NE(std::string(e.what()).find("the hook gave up"), std::string::npos) << e.what();
  }
  EXPECT_EQ(current(conn.get()), "0001");
  EXPECT_EQ(db.rows("SELECT count(*) FROM information_schema.columns WHERE column_name = "
                    "'slug'"),
            std::vector<std::string>{"0"});
  // A hook that changes the schema is refused.
  try {
    upgrade(conn.get(), with_hook("changes_schema"));
    FAIL() << "upgrade succeeded";
  } catch (const MigrationError& e) {
    EXPECT_NE(std::string(e.what()).find("may not change the schema"), std::string::npos)
        << e.what();
  }
  EXPECT_EQ(db.rows("SELECT to_regclass('sneaky') IS NULL"), std::vector<std::string>{"t"});
  // A hook that works: its rows are the revision's.
  EXPECT_EQ(upgrade(conn.get(), with_hook("fill_slugs")), std::vector<std::string>{"0002"});
  EXPECT_EQ(db.rows("SELECT slug FROM users"), std::vector<std::string>{"ann"});
  // A program that does not link it changes nothing, before anything runs.
  std::vector<Revision> unlinked = with_hook("fill_slugs");
  unlinked[1].hooks[0].postgresql_function = nullptr;
  downgrade(conn.get(), with_hook("fill_slugs"), "0001");
  EXPECT_THROW(upgrade(conn.get(), unlinked), Error);
  EXPECT_EQ(current(conn.get()), "0001");
}

TEST(PostgresqlBadInputTest, AnUnreachableServerIsNamedWithoutItsPassword) {
  try {
    detail::pg::connect(
        "host=/nonexistent/socket port=5 user=retort password=s3cret "
        "dbname=app connect_timeout=2");
    FAIL() << "connected";
  } catch (const Error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("cannot connect to PostgreSQL at '"), std::string::npos) << what;
    EXPECT_NE(what.find("host=/nonexistent/socket"), std::string::npos) << what;
    EXPECT_EQ(what.find("s3cret"), std::string::npos) << what;
  }
}

}  // namespace
}  // namespace retort
