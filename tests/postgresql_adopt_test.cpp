// `retort init --from-db postgresql://...` through the CLI in process: real schemas (Chinook,
// a part of Pagila) adopted, built, started on an installed copy (their constraints renamed in
// the recording transaction), changed and upgraded with their rows; what cannot be declared,
// and a server that is not there, refused with nothing written.
#include <gtest/gtest.h>

#include "cli_support.hpp"
#include "pg_support.hpp"
#include "test_support.hpp"

namespace retort {
namespace {

using testing::cli;
using testing::contains;
using testing::PgDatabase;
using testing::TempDir;

// A database holding a fixture of tests/fixtures/adopt_postgresql (or SQL given).
void load(const PgDatabase& db, const std::string& sql) {
  const detail::pg::Conn conn = db.connect();
  detail::pg::exec(conn.get(), sql);
}

std::string fixture(const std::string& name) {
  return testing::read_text(std::filesystem::path(RETORT_TEST_DIR) / "fixtures" /
                            "adopt_postgresql" / name);
}

class PostgresqlAdoptTest : public ::testing::Test {
 protected:
  testing::Cli adopt(const PgDatabase& db, const std::string& dialects = "") {
    std::vector<std::string> args = {"init",         "--from-db",    db.url(),         "--dir",
                                     dir().string(), "--models-out", header().string()};
    if (!dialects.empty()) args.insert(args.end(), {"--dialects", dialects});
    return cli(args);
  }
  // `retort migrate -m MSG` over the adopted header and objects file, as a build scans them.
  testing::Cli migrate(const std::string& message, const std::string& dialects = "postgresql") {
    std::vector<std::string> more;
    if (std::filesystem::exists(objects())) more = {"--postgresql-objects", objects().string()};
    return testing::migrate_models(message, dir().string(), (tmp_.path() / "pch").string(),
                                   dialects, header().string(), more);
  }
  testing::Cli upgrade(const PgDatabase& db) {
    return cli({"upgrade", "--dir", dir().string(), "--db", db.url()});
  }
  // Adds `member` as the last member of the struct that declares table `table`.
  void add_member(const std::string& table, const std::string& member) {
    std::string text = testing::read_text(header());
    const std::size_t at = text.find("RETORT_TABLE(\"" + table + "\")");
    ASSERT_NE(at, std::string::npos) << text;
    text.insert(text.find("\n};", at) + 1, "  " + member + "\n");
    testing::write_text(header(), text);
  }
  std::filesystem::path dir() const { return tmp_.path() / "migrations"; }
  std::filesystem::path header() const { return tmp_.path() / "models" / "schema.hpp"; }
  std::filesystem::path objects() const { return tmp_.path() / "models" / "schema_postgresql.sql"; }
  std::string baseline() const {
    return testing::read_text(dir() / "versions" / "0001_baseline.sql");
  }
  bool nothing_written() const {
    return !std::filesystem::exists(dir() / "versions") && !std::filesystem::exists(header());
  }

  TempDir tmp_;
};

TEST_F(PostgresqlAdoptTest, ChinookIsAdoptedBuiltStartedChangedAndUpgradedWithItsRows) {
  PgDatabase source, installed;
  load(source, fixture("chinook.sql"));
  load(installed, fixture("chinook.sql"));
  const testing::Cli adopted = adopt(source);
  ASSERT_EQ(adopted.code, ExitCode::kDone) << adopted.err;
  EXPECT_TRUE(contains(adopted.out, "(11 tables)")) << adopted.out;
  EXPECT_TRUE(contains(adopted.out, "table 'album': constraint album_pkey becomes pk_album"))
      << adopted.out;
  EXPECT_TRUE(contains(adopted.out,
                       "constraint album_artist_id_fkey becomes "
                       "fk_album_artist_id_artist"))
      << adopted.out;
  const std::string models = testing::read_text(header());
  EXPECT_TRUE(contains(models,
                       "RETORT_PRIMARY_KEY RETORT_TYPE_FOR(\"postgresql\", \"SERIAL\") "
                       "std::int32_t album_id;"))
      << models;
  EXPECT_TRUE(contains(models,
                       "RETORT_TYPE_FOR(\"postgresql\", \"character varying(160)\") "
                       "std::string title;"))
      << models;
  EXPECT_TRUE(contains(models, "RETORT_INDEX_ON(\"album_artist_id_idx\", \"artist_id\")"))
      << models;
  EXPECT_TRUE(contains(models, "RETORT_PRIMARY_KEY_ON(\"playlist_id, track_id\")")) << models;
  EXPECT_TRUE(contains(models,
                       "RETORT_REFERENCES(\"employee\", \"employee_id\") std::optional<"
                       "std::int32_t> reports_to;"))
      << models;
  const std::string text = baseline();
  EXPECT_TRUE(contains(text, "-- +retort baseline postgresql\n")) << text;
  EXPECT_FALSE(contains(text, "-- +retort Up\n")) << text;
  EXPECT_TRUE(source.rows("SELECT to_regclass('retort_migrations')") ==
              std::vector<std::string>{"NULL"});

  // The first build writes no draft.
  const testing::Cli built = migrate("nothing");
  ASSERT_EQ(built.code, ExitCode::kDone) << built.err;
  EXPECT_TRUE(contains(built.out, "nothing to seal")) << built.out;

  // An installed copy starts: the baseline recorded, the constraints given Retort's names.
  const testing::Cli started = upgrade(installed);
  ASSERT_EQ(started.code, ExitCode::kDone) << started.err;
  EXPECT_TRUE(contains(started.out, "recorded baseline 0001 as applied without running it"))
      << started.out;
  EXPECT_TRUE(contains(started.out, "table 'track': constraint track_pkey renamed pk_track"))
      << started.out;
  EXPECT_EQ(installed.rows("SELECT conname FROM pg_constraint WHERE conrelid = 'album'::regclass "
                           "ORDER BY 1"),
            (std::vector<std::string>{"fk_album_artist_id_artist", "pk_album"}));
  EXPECT_EQ(installed.rows("SELECT count(*) FROM track"), std::vector<std::string>{"120"});

  // A change: a column added, sealed and applied with the rows kept.
  add_member("artist", "std::optional<std::string> country;");
  const testing::Cli sealed = migrate("artist country");
  ASSERT_EQ(sealed.code, ExitCode::kDone) << sealed.err;
  const testing::Cli upgraded = upgrade(installed);
  ASSERT_EQ(upgraded.code, ExitCode::kDone) << upgraded.err;
  EXPECT_TRUE(contains(upgraded.out, "upgraded 0002")) << upgraded.out;
  EXPECT_EQ(installed.rows("SELECT name, country FROM artist WHERE artist_id = 1"),
            std::vector<std::string>{"AC/DC|NULL"});
  EXPECT_EQ(installed.rows("SELECT count(*) FROM invoice_line"), std::vector<std::string>{"24"});
  load(installed, "INSERT INTO artist (name) VALUES ('Retort')");  // the serial goes on
  const testing::Cli checked = cli({"check", "--dir", dir().string(), "--db", installed.url()});
  EXPECT_EQ(checked.code, ExitCode::kDone) << checked.out << checked.err;
}

// A copy that differs in more than names is refused, its names as they were (rolled back).
TEST_F(PostgresqlAdoptTest, ACopyThatDiffersIsRefusedAndKeepsItsNames) {
  PgDatabase source, installed;
  load(source, fixture("chinook.sql"));
  load(installed, fixture("chinook.sql") + "CREATE INDEX extra ON genre (name);\n");
  ASSERT_EQ(adopt(source).code, ExitCode::kDone);
  const testing::Cli refused = upgrade(installed);
  EXPECT_EQ(refused.code, ExitCode::kFailed);
  EXPECT_TRUE(contains(refused.err,
                       "unexpected index CREATE INDEX extra ON genre USING btree "
                       "(name)"))
      << refused.err;
  EXPECT_TRUE(contains(refused.err, "nothing was changed")) << refused.err;
  EXPECT_EQ(installed.rows("SELECT conname FROM pg_constraint WHERE conrelid = 'genre'::regclass"),
            std::vector<std::string>{"genre_pkey"});
  EXPECT_EQ(installed.rows("SELECT to_regclass('retort_migrations')"),
            std::vector<std::string>{"NULL"});
}

TEST_F(PostgresqlAdoptTest, ChinookMapsToSqliteToo) {
  PgDatabase source;
  load(source, fixture("chinook.sql"));
  const testing::Cli adopted = adopt(source, "sqlite,postgresql");
  ASSERT_EQ(adopted.code, ExitCode::kDone) << adopted.err;
  const std::string text = baseline();
  EXPECT_TRUE(contains(text, "-- +retort Up\nCREATE TABLE")) << text;
  EXPECT_TRUE(contains(text, "-- +retort Up postgresql\n")) << text;
  const testing::Cli built = migrate("nothing", "sqlite,postgresql");
  ASSERT_EQ(built.code, ExitCode::kDone) << built.err;
  EXPECT_TRUE(contains(built.out, "nothing to seal")) << built.out;
  const std::string file = (tmp_.path() / "app.db").string();
  EXPECT_EQ(cli({"upgrade", "--dir", dir().string(), "--db", file}).code, ExitCode::kDone);
}

// Pagila names five triggers and a function `last_updated`; objects are known by name.
TEST_F(PostgresqlAdoptTest, PagilaWithItsViewFunctionAndTriggers) {
  PgDatabase source, installed;
  load(source, fixture("pagila.sql"));
  const testing::Cli refused = adopt(source);
  EXPECT_EQ(refused.code, ExitCode::kFailed);
  EXPECT_TRUE(contains(refused.err,
                       "'last_updated' names function last_updated(), trigger on "
                       "actor, trigger on address"))
      << refused.err;
  EXPECT_TRUE(nothing_written());
  // Renamed, as the error says, on every copy.
  std::string renames;
  for (const char* t : {"actor", "address", "city", "country", "customer"}) {
    renames +=
        std::string("ALTER TRIGGER last_updated ON ") + t + " RENAME TO " + t + "_last_updated;\n";
  }
  load(source, renames);
  load(installed, fixture("pagila.sql") + renames);
  const testing::Cli adopted = adopt(source);
  ASSERT_EQ(adopted.code, ExitCode::kDone) << adopted.err;
  const std::string objects_text = testing::read_text(objects());
  EXPECT_TRUE(contains(objects_text, "CREATE VIEW customer_list AS\n")) << objects_text;
  EXPECT_TRUE(contains(objects_text, "CREATE OR REPLACE FUNCTION last_updated()")) << objects_text;
  EXPECT_TRUE(contains(objects_text, "CREATE TRIGGER actor_last_updated BEFORE UPDATE ON actor"))
      << objects_text;
  const std::string models = testing::read_text(header());
  EXPECT_TRUE(contains(models, "RETORT_DEFAULT(\"now()\")")) << models;
  EXPECT_TRUE(contains(models, "RETORT_ON_DELETE(\"RESTRICT\") RETORT_ON_UPDATE(\"CASCADE\")"))
      << models;
  EXPECT_TRUE(contains(migrate("nothing").out, "nothing to seal"));

  ASSERT_EQ(upgrade(installed).code, ExitCode::kDone);
  add_member("customer", "std::optional<std::string> nickname;");
  ASSERT_EQ(migrate("customer nickname").code, ExitCode::kDone);
  const testing::Cli upgraded = upgrade(installed);
  ASSERT_EQ(upgraded.code, ExitCode::kDone) << upgraded.err;
  EXPECT_EQ(
      installed.rows("SELECT name, country FROM customer_list ORDER BY id"),
      (std::vector<std::string>{"MARY SMITH|American Samoa", "PATRICIA JOHNSON|Afghanistan"}));
  // The trigger still fires.
  load(installed, "UPDATE actor SET last_update = '2000-01-01' WHERE actor_id = 1");
  EXPECT_EQ(installed.rows("SELECT last_update > '2001-01-01' FROM actor WHERE actor_id = 1"),
            std::vector<std::string>{"t"});
}

// PostgreSQL's own forms: identity, JSONB, NUMERIC with a CHECK, defaults, partial and
// expression indexes, a deferred foreign key, a composite key, a generated column.
TEST_F(PostgresqlAdoptTest, PostgresqlFormsAreKeptAndProven) {
  const std::string schema = R"x(
CREATE TABLE customers (
  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  email varchar(120) NOT NULL,
  name text COLLATE "C",
  settings jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  deleted_at timestamptz,
  CONSTRAINT customers_email_key UNIQUE (email)
);
CREATE UNIQUE INDEX customers_live_email ON customers (lower(email)) WHERE deleted_at IS NULL;
CREATE INDEX customers_created ON customers (created_at DESC);
CREATE TABLE orders (
  customer_id bigint NOT NULL REFERENCES customers (id) ON DELETE CASCADE
    DEFERRABLE INITIALLY DEFERRED,
  number integer NOT NULL,
  total numeric(10,2) NOT NULL CHECK (total >= 0),
  net numeric(10,2) GENERATED ALWAYS AS (total / 1.2) STORED,
  PRIMARY KEY (customer_id, number)
);
INSERT INTO customers (email, name) VALUES ('a@example.com', 'Ann');
INSERT INTO orders VALUES (1, 1, 12.00);
)x";
  PgDatabase source, installed;
  load(source, schema);
  load(installed, schema);
  // SQLite cannot hold it: said, nothing written.
  const testing::Cli both = adopt(source, "sqlite,postgresql");
  EXPECT_EQ(both.code, ExitCode::kFailed);
  EXPECT_TRUE(contains(both.err, "does not map to SQLite")) << both.err;
  EXPECT_TRUE(nothing_written());

  const testing::Cli adopted = adopt(source);
  ASSERT_EQ(adopted.code, ExitCode::kDone) << adopted.err;
  const std::string models = testing::read_text(header());
  EXPECT_TRUE(contains(models, "RETORT_PRIMARY_KEY std::int64_t id;")) << models;
  EXPECT_TRUE(contains(models,
                       "RETORT_TYPE_FOR(\"postgresql\", \"jsonb\") "
                       "RETORT_DEFAULT(\"'{}'::jsonb\") std::string settings;"))
      << models;
  EXPECT_TRUE(contains(models,
                       "RETORT_UNIQUE_ON(\"customers_live_email\", \"lower((email)::"
                       "text)\", \"(deleted_at IS NULL)\")"))
      << models;
  EXPECT_TRUE(contains(models, "RETORT_DEFERRED")) << models;
  EXPECT_TRUE(contains(models, "RETORT_GENERATED_STORED(")) << models;
  EXPECT_TRUE(contains(models, "RETORT_COLLATE(\"C\")")) << models;
  EXPECT_TRUE(contains(migrate("nothing").out, "nothing to seal"));

  const testing::Cli started = upgrade(installed);
  ASSERT_EQ(started.code, ExitCode::kDone) << started.err;
  EXPECT_TRUE(contains(started.out, "constraint customers_email_key renamed uq_customers_email"))
      << started.out;
  add_member("orders", "std::optional<std::string> note;");
  ASSERT_EQ(migrate("order note").code, ExitCode::kDone);
  ASSERT_EQ(upgrade(installed).code, ExitCode::kDone);
  EXPECT_EQ(installed.rows("SELECT total, net, note FROM orders"),
            std::vector<std::string>{"12.00|10.00|NULL"});
}

TEST_F(PostgresqlAdoptTest, WhatCannotBeDeclaredIsNamedAtItsPlaceAndNothingWritten) {
  PgDatabase source;
  load(source, R"x(
CREATE TYPE mood AS ENUM ('sad', 'happy');
CREATE TABLE people (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  feeling mood,
  tags text[]
);
CREATE INDEX people_tags ON people USING gin (tags);
CREATE TABLE legacy (id integer PRIMARY KEY);
CREATE EXTENSION IF NOT EXISTS citext;
CREATE TABLE accounts (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, email citext);
)x");
  const testing::Cli refused = adopt(source);
  EXPECT_EQ(refused.code, ExitCode::kFailed);
  for (const char* place :
       {"table 'people', column 'id': GENERATED ALWAYS AS IDENTITY cannot be declared",
        "table 'people', column 'feeling': its type 'mood' is defined in the database",
        "table 'people', index 'people_tags': only btree indexes can be declared",
        "table 'legacy', column 'id': an integer primary key without identity",
        "table 'accounts', column 'email': its type 'citext' comes from the extension 'citext'"}) {
    EXPECT_TRUE(contains(refused.err, place)) << refused.err;
  }
  EXPECT_TRUE(contains(refused.err, "nothing was written")) << refused.err;
  EXPECT_TRUE(nothing_written());
}

TEST_F(PostgresqlAdoptTest, AServerThatIsNotThereIsAnErrorAndNothingWritten) {
  const testing::Cli refused =
      cli({"init", "--from-db", "host=" + tmp_.path().string() + " port=1 dbname=app", "--dir",
           dir().string(), "--models-out", header().string()});
  EXPECT_EQ(refused.code, ExitCode::kFailed);
  EXPECT_TRUE(contains(refused.err, "nothing was written")) << refused.err;
  EXPECT_TRUE(nothing_written());
}

TEST(ConstraintRenamesTest, MatchedByDefinitionInEachTable) {
  const LiveSchema expected = {
      {"users",
       {"column id bigint NOT NULL", "constraint ck_users_1 CHECK ((id > 0))",
        "constraint pk_users PRIMARY KEY (id)", "constraint uq_users_email UNIQUE (email)"}}};
  const LiveSchema actual = {
      {"users",
       {"column id bigint NOT NULL", "constraint users_email_key UNIQUE (email)",
        "constraint users_id_check CHECK ((id > 0))", "constraint users_pkey PRIMARY KEY (id)"}}};
  const std::vector<detail::pg::ConstraintRename> renames =
      detail::pg::constraint_renames(expected, actual);
  EXPECT_EQ(renames, (std::vector<detail::pg::ConstraintRename>{
                         {"users", "users_id_check", "ck_users_1"},
                         {"users", "users_pkey", "pk_users"},
                         {"users", "users_email_key", "uq_users_email"}}));
  EXPECT_EQ(detail::pg::renamed(actual, renames), expected);
  EXPECT_EQ(detail::pg::rename_statement(renames[1]),
            "ALTER TABLE users RENAME CONSTRAINT users_pkey TO pk_users;\n");
}

}  // namespace
}  // namespace retort
