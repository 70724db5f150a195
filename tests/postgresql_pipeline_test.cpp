// The build's PostgreSQL side from the user's side, through the CLI in process: SQL that
// PostgreSQL refuses is an error at its annotation; a repository with history gets a dialect
// baseline; a repository for PostgreSQL alone; PostgreSQL's objects files; the lock
// certificate of each statement and --allow-rewrite.
#include <gtest/gtest.h>

#include "cli_support.hpp"
#include "pg_support.hpp"
#include "repository.hpp"
#include "retort/postgresql.hpp"
#include "test_support.hpp"

namespace retort {
namespace {

using testing::cli;
using testing::PgDatabase;
using testing::TempDir;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class PostgresqlPipelineTest : public ::testing::Test {
 protected:
  // `retort migrate -m MSG` over models.hpp (and the objects files given) with `dialects`.
  testing::Cli migrate(const std::string& message, const std::string& dialects,
                       std::vector<std::string> more = {}) {
    return testing::migrate_models(message, dir().string(), (tmp_.path() / "pch").string(),
                                   dialects, (tmp_.path() / "models.hpp").string(), more);
  }
  void models(const std::string& body) {
    testing::write_text(tmp_.path() / "models.hpp",
                        "#include <cstdint>\n#include <optional>\n#include <string>\n#include "
                        "<retort/annotations.hpp>\n" +
                            body);
  }
  std::filesystem::path dir() const { return tmp_.path() / "migrations"; }
  std::string file(const std::string& name) const {
    return testing::read_text(dir() / "versions" / name);
  }

  TempDir tmp_;
};

TEST_F(PostgresqlPipelineTest, SqlPostgresqlRefusesIsAnErrorAtItsAnnotation) {
  models(R"x(struct RETORT_TABLE("events") Event {
  RETORT_PRIMARY_KEY std::int64_t id;
  RETORT_TYPE("DATETIME") std::string at;
  RETORT_CHECK("typeof(score) = 'real'") double score;
  RETORT_TYPE_FOR("postgresql", "TIMESTAMPTZ") RETORT_TYPE("DATETIME") std::string fine;
  RETORT_DEFAULT("0") RETORT_DEFAULT_FOR("postgresql", "nope()") std::int64_t n;
};
)x");
  const testing::Cli result = migrate("events", "sqlite,postgresql");
  EXPECT_EQ(result.code, ExitCode::kFailed);
  const std::string header = (tmp_.path() / "models.hpp").string();
  EXPECT_TRUE(contains(result.err, header + ":7:3: error: column 'at' of table 'events': "
                                            "PostgreSQL refuses its type 'DATETIME'"))
      << result.err;
  EXPECT_TRUE(contains(result.err, "RETORT_TYPE_FOR(\"postgresql\", ...)")) << result.err;
  EXPECT_TRUE(contains(result.err, header + ":8:3: error: the check of column 'score'"))
      << result.err;
  EXPECT_TRUE(contains(result.err, "RETORT_CHECK_FOR(\"postgresql\", ...)")) << result.err;
  EXPECT_TRUE(contains(result.err, header + ":10:23: error: the default of column 'n'"))
      << result.err;
  EXPECT_FALSE(contains(result.err, "'fine'")) << result.err;
  EXPECT_FALSE(std::filesystem::exists(dir() / "versions" / "0001_draft.sql"));
  EXPECT_FALSE(std::filesystem::exists(dir() / "versions" / "0001_events.sql"));
}

TEST_F(PostgresqlPipelineTest, PostgresqlJoiningAHistoryStartsWithADialectBaseline) {
  models(R"x(struct RETORT_TABLE("users") User {
  RETORT_PRIMARY_KEY std::int64_t id;
  std::string name;
  RETORT_DEFAULT("0") std::int32_t age;
};
)x");
  ASSERT_EQ(migrate("users", "sqlite").code, ExitCode::kDone);
  const std::string first = file("0001_users.sql");
  EXPECT_FALSE(contains(first, "postgresql")) << first;
  // PostgreSQL joins: the same models need a revision that creates them there.
  const testing::Cli joined = migrate("postgresql", "sqlite,postgresql");
  ASSERT_EQ(joined.code, ExitCode::kDone) << joined.err;
  const std::string baseline = file("0002_postgresql.sql");
  EXPECT_TRUE(contains(baseline, "-- +retort baseline postgresql\n")) << baseline;
  EXPECT_TRUE(contains(baseline,
                       "-- +retort Up\n\n-- +retort Down\n\n-- +retort Up postgresql\n"
                       "-- +retort lock: no lock on a table that existed before, no rewrite\n"
                       "CREATE TABLE users (\n"))
      << baseline;
  EXPECT_TRUE(contains(baseline, "age INTEGER NOT NULL")) << baseline;
  EXPECT_EQ(file("0001_users.sql"), first);  // sealed files are never rewritten
  // Nothing more to seal, on either dialect.
  EXPECT_TRUE(contains(migrate("again", "sqlite,postgresql").out, "nothing to seal"));

  PgDatabase db;
  const detail::pg::Conn conn = db.connect();
  EXPECT_EQ(upgrade(conn.get(), load_repository(dir()).revisions),
            std::vector<std::string>{"0002"});
  EXPECT_EQ(db.rows("SELECT revision FROM retort_migrations"), std::vector<std::string>{"0002"});
  EXPECT_EQ(cli({"check", "--dir", dir().string(), "--db", db.url()}).code, ExitCode::kDone);
  // A SQLite database takes both revisions; the second changes nothing there.
  const testing::Database sqlite((tmp_.path() / "app.db").string());
  EXPECT_EQ(upgrade(sqlite.get(), load_repository(dir()).revisions),
            (std::vector<std::string>{"0001", "0002"}));
}

// The fixture's server asks retort_password, alone, for its password (postgresql_server.cmake).
TEST_F(PostgresqlPipelineTest, AWrongPasswordIsNamedWithoutThePasswordAndChangesNothing) {
  models(R"x(struct RETORT_TABLE("users") User {
  RETORT_PRIMARY_KEY std::int64_t id;
  std::string name;
};
)x");
  ASSERT_EQ(migrate("users", "sqlite,postgresql").code, ExitCode::kDone);
  PgDatabase db;
  detail::pg::exec(db.connect().get(),
                   "DO $$ BEGIN CREATE ROLE retort_password LOGIN PASSWORD 'the-right-one'; "
                   "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$; "
                   "GRANT ALL ON SCHEMA public TO retort_password");
  const std::string as_role = db.url() + " user=retort_password password=";

  const testing::Cli refused =
      cli({"upgrade", "--dir", dir().string(), "--db", as_role + "not-this-one"});
  EXPECT_EQ(refused.code, ExitCode::kFailed);
  EXPECT_TRUE(contains(refused.err, "cannot connect to PostgreSQL at '")) << refused.err;
  EXPECT_TRUE(contains(refused.err, "password authentication failed for user \"retort_password\""))
      << refused.err;
  EXPECT_FALSE(contains(refused.err, "not-this-one")) << refused.err;
  EXPECT_EQ(db.tables(), std::vector<std::string>{});
  // The right one: the rule is in force, and the same command applies the revision.
  const testing::Cli applied =
      cli({"upgrade", "--dir", dir().string(), "--db", as_role + "the-right-one"});
  EXPECT_EQ(applied.code, ExitCode::kDone) << applied.err;
  EXPECT_EQ(db.rows("SELECT revision FROM retort_migrations"), std::vector<std::string>{"0001"});
}

TEST_F(PostgresqlPipelineTest, ARepositoryForPostgresqlAlone) {
  // JSONB's operators mean nothing to SQLite: the repository has no SQLite.
  models(R"x(struct RETORT_TABLE("docs") RETORT_INDEX_ON("ix_docs_kind", "(body->>'kind')") Doc {
  RETORT_PRIMARY_KEY std::int64_t id;
  RETORT_TYPE("JSONB") std::string body;
};
)x");
  const testing::Cli sealed = migrate("docs", "postgresql");
  ASSERT_EQ(sealed.code, ExitCode::kDone) << sealed.err;
  const std::string text = file("0001_docs.sql");
  EXPECT_FALSE(contains(text, "-- +retort Up\n")) << text;
  EXPECT_TRUE(contains(text, "CREATE INDEX ix_docs_kind ON docs ((body->>'kind'));")) << text;
  PgDatabase db;
  EXPECT_EQ(cli({"upgrade", "--dir", dir().string(), "--db", db.url()}).code, ExitCode::kDone);
  // SQLite cannot run it, and says why.
  const testing::Cli refused =
      cli({"upgrade", "--dir", dir().string(), "--db", (tmp_.path() / "app.db").string()});
  EXPECT_EQ(refused.code, ExitCode::kFailed);
  EXPECT_TRUE(contains(refused.err, "has no SQLite sections")) << refused.err;
}

TEST_F(PostgresqlPipelineTest, PostgresqlObjectsAreMigratedAndTheirErrorsPlaced) {
  models(R"x(struct RETORT_TABLE("items") Item {
  RETORT_PRIMARY_KEY std::int64_t id;
  std::string name;
};
)x");
  const std::string objects = (tmp_.path() / "objects.sql").string();
  testing::write_text(objects,
                      "CREATE VIEW named AS SELECT id, name FROM items;\n"
                      "-- a broken function body\n"
                      "CREATE FUNCTION shout(t text) RETURNS text LANGUAGE sql AS $$ SELECT "
                      "upper(t) FROM nowhere $$;\n");
  const testing::Cli broken =
      migrate("items", "sqlite,postgresql", {"--postgresql-objects", objects});
  EXPECT_EQ(broken.code, ExitCode::kFailed);
  EXPECT_TRUE(contains(broken.err, objects + ":3:1: error: function 'shout' does not create on "
                                             "PostgreSQL"))
      << broken.err;
  testing::write_text(objects,
                      "CREATE VIEW named AS SELECT id, name FROM items;\n"
                      "CREATE FUNCTION shout(t text) RETURNS text LANGUAGE sql AS $$ SELECT "
                      "upper(t) $$;\nCREATE TABLE nope (x int);\n");
  const testing::Cli not_an_object =
      migrate("items", "sqlite,postgresql", {"--postgresql-objects", objects});
  EXPECT_EQ(not_an_object.code, ExitCode::kFailed);
  EXPECT_TRUE(contains(not_an_object.err, objects + ":3:1: error: a PostgreSQL objects file "
                                                    "holds only"))
      << not_an_object.err;
  testing::write_text(objects,
                      "CREATE VIEW named AS SELECT id, name FROM items;\n"
                      "CREATE FUNCTION shout(t text) RETURNS text LANGUAGE sql AS $$ SELECT "
                      "upper(t) $$;\n");
  const testing::Cli sealed =
      migrate("items", "sqlite,postgresql", {"--postgresql-objects", objects});
  ASSERT_EQ(sealed.code, ExitCode::kDone) << sealed.err;
  PgDatabase db;
  const detail::pg::Conn conn = db.connect();
  upgrade(conn.get(), load_repository(dir()).revisions);
  detail::pg::exec(conn.get(), "INSERT INTO items (name) VALUES ('a')");
  EXPECT_EQ(db.rows("SELECT shout(name) FROM named"), std::vector<std::string>{"A"});
  // The view changes: dropped and created again, the function kept.
  testing::write_text(objects,
                      "CREATE VIEW named AS SELECT id, shout(name) AS loud FROM items;\n"
                      "CREATE FUNCTION shout(t text) RETURNS text LANGUAGE sql AS $$ SELECT "
                      "upper(t) $$;\n");
  ASSERT_EQ(migrate("loud", "sqlite,postgresql", {"--postgresql-objects", objects}).code,
            ExitCode::kDone);
  const std::string second = file("0002_loud.sql");
  EXPECT_TRUE(contains(second,
                       "DROP VIEW named;\n\n-- +retort lock: ACCESS SHARE on items, held under 50 "
                       "ms, no rewrite\nCREATE VIEW named AS SELECT id, shout(name)"))
      << second;
  EXPECT_FALSE(contains(second, "DROP FUNCTION")) << second;
  upgrade(conn.get(), load_repository(dir()).revisions);
  EXPECT_EQ(db.rows("SELECT loud FROM named"), std::vector<std::string>{"A"});
}

}  // namespace
}  // namespace retort

namespace retort {
namespace {

// Two branches each seal a revision after 0001 with both dialects; merged, `retort rebase`
// moves one behind the other: both sections written afresh from the merged schemas, proven on
// both dialects, and a PostgreSQL database at the other branch's head upgrades through it.
constexpr const char* kBooks = R"x(struct RETORT_TABLE("books") Book {
  RETORT_PRIMARY_KEY std::int64_t id;
  std::string title;
  std::int32_t pages;
};
)x";

// The draft's PostgreSQL Up section, from `-- +retort Up postgresql` to its Down.
std::string postgresql_up(const std::string& text) {
  const std::size_t from = text.find("-- +retort Up postgresql");
  return text.substr(from, text.find("-- +retort Down postgresql") - from);
}

TEST_F(PostgresqlPipelineTest, EachStatementIsCertifiedAndTheSafeFormsNeedNoAllowing) {
  models(kBooks);
  ASSERT_EQ(migrate("books", "postgresql").code, ExitCode::kDone);
  models(R"x(struct RETORT_TABLE("books") RETORT_CHECK("pages >= 0") Book {
  RETORT_PRIMARY_KEY std::int64_t id;
  RETORT_INDEX std::string title;
  std::int32_t pages;
};
)x");
  const testing::Cli sealed = migrate("safe", "postgresql");
  ASSERT_EQ(sealed.code, ExitCode::kDone) << sealed.err;
  const std::string up = postgresql_up(file("0002_safe.sql"));
  EXPECT_TRUE(contains(up,
                       "-- +retort lock: ACCESS EXCLUSIVE on books, held under 50 ms, no rewrite\n"
                       "ALTER TABLE books ADD CONSTRAINT ck_books_1 CHECK (pages >= 0) NOT VALID;"))
      << up;
  EXPECT_TRUE(contains(up,
                       "-- +retort no-transaction\n-- +retort lock: SHARE UPDATE EXCLUSIVE on "
                       "books (outside a transaction), held under 50 ms, no rewrite\n"
                       "CREATE INDEX CONCURRENTLY ix_books_title ON books (title);"))
      << up;
  EXPECT_TRUE(contains(up,
                       "-- +retort lock: SHARE UPDATE EXCLUSIVE on books, held under 50 ms, no "
                       "rewrite\nALTER TABLE books VALIDATE CONSTRAINT ck_books_1;"))
      << up;
  PgDatabase db;
  EXPECT_EQ(cli({"upgrade", "--dir", dir().string(), "--db", db.url()}).code, ExitCode::kDone);
}

TEST_F(PostgresqlPipelineTest, ARewriteIsSealedOnlyWithAllowRewriteAndTheDraftIsStable) {
  models(kBooks);
  ASSERT_EQ(migrate("books", "postgresql").code, ExitCode::kDone);
  models(R"x(struct RETORT_TABLE("books") Book {
  RETORT_PRIMARY_KEY std::int64_t id;
  std::string title;
  std::int64_t pages;
};
)x");
  const testing::Cli refused = migrate("wider", "postgresql");
  EXPECT_EQ(refused.code, ExitCode::kFailed);
  EXPECT_TRUE(contains(refused.err, "--allow-rewrite")) << refused.err;
  EXPECT_TRUE(
      contains(refused.err,
               "up: `ALTER TABLE books ALTER COLUMN pages TYPE BIGINT USING "
               "pages::BIGINT`: ACCESS EXCLUSIVE on books, held under 50 ms, rewrites books"))
      << refused.err;
  // Measured again, the same file: the certificate holds classes, not timings.
  const std::string first = file("0002_draft.sql");
  std::filesystem::remove(dir() / "versions" / "0002_draft.sql");
  EXPECT_EQ(migrate("wider", "postgresql").code, ExitCode::kFailed);
  EXPECT_EQ(file("0002_draft.sql"), first);
  const testing::Cli allowed = migrate("wider", "postgresql", {"--allow-rewrite"});
  ASSERT_EQ(allowed.code, ExitCode::kDone) << allowed.err;
  EXPECT_TRUE(contains(file("0002_wider.sql"), "rewrites books")) << file("0002_wider.sql");
}

TEST_F(PostgresqlPipelineTest, RebaseWritesEachDialectsSectionsAfresh) {
  const std::string base = R"x(struct RETORT_TABLE("users") User {
  RETORT_PRIMARY_KEY std::int64_t id;
  std::string name;
};
)x";
  models(base);
  ASSERT_EQ(migrate("users", "sqlite,postgresql").code, ExitCode::kDone);
  const auto versions = dir() / "versions";
  // Branch a: an email column. Kept aside while branch b seals its own 0002.
  models(R"x(struct RETORT_TABLE("users") User {
  RETORT_PRIMARY_KEY std::int64_t id;
  std::string name;
  std::optional<std::string> email;
};
)x");
  ASSERT_EQ(migrate("email", "sqlite,postgresql").code, ExitCode::kDone);
  const std::string email = file("0002_email.sql");
  std::filesystem::remove(versions / "0002_email.sql");
  models(R"x(struct RETORT_TABLE("users") User {
  RETORT_PRIMARY_KEY std::int64_t id;
  std::string name;
  RETORT_DEFAULT("0") std::int32_t age;
};
)x");
  ASSERT_EQ(migrate("age", "sqlite,postgresql").code, ExitCode::kDone);
  PgDatabase db;
  const detail::pg::Conn conn = db.connect();
  upgrade(conn.get(), load_repository(dir()).revisions);  // branch b's database, at its 0002
  detail::pg::exec(conn.get(), "INSERT INTO users (name, age) VALUES ('ann', 30)");
  testing::write_text(versions / "0002_email.sql", email);  // the merge

  const testing::Cli refused = cli({"upgrade", "--dir", dir().string(), "--db", db.url()});
  EXPECT_EQ(refused.code, ExitCode::kFailed);
  const testing::Cli rebased = cli({"rebase", "0002_email", "--dir", dir().string()});
  ASSERT_EQ(rebased.code, ExitCode::kDone) << rebased.err;
  EXPECT_TRUE(contains(rebased.out, "moved 0002_email.sql to 0003_email.sql (SQL written afresh)"))
      << rebased.out;
  const std::string moved = file("0003_email.sql");
  EXPECT_TRUE(contains(moved,
                       "-- +retort Up postgresql\n-- +retort lock: ACCESS EXCLUSIVE on users, "
                       "held under 50 ms, no rewrite\nALTER TABLE users ADD COLUMN email TEXT;"))
      << moved;
  EXPECT_EQ(upgrade(conn.get(), load_repository(dir()).revisions),
            std::vector<std::string>{"0003"});
  EXPECT_EQ(db.rows("SELECT name, age, email FROM users"), std::vector<std::string>{"ann|30|NULL"});
  models(R"x(struct RETORT_TABLE("users") User {
  RETORT_PRIMARY_KEY std::int64_t id;
  std::string name;
  RETORT_DEFAULT("0") std::int32_t age;
  std::optional<std::string> email;
};
)x");
  EXPECT_TRUE(contains(migrate("none", "sqlite,postgresql").out, "nothing to seal"));
}

}  // namespace
}  // namespace retort
