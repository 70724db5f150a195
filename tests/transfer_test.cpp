// retort::transfer() from real SQLite files into the fixture's PostgreSQL server: every row
// moved and proven, bad values listed before anything is written, refusals, all or nothing.
#include "retort/transfer.hpp"

#include <gtest/gtest.h>
#include <libpq-fe.h>

#include "pg_support.hpp"
#include "postgresql/transfer_compare.hpp"
#include "postgresql/transfer_plan.hpp"
#include "postgresql/transfer_sequences.hpp"
#include "retort/detail/pg.hpp"
#include "transfer_support.hpp"

namespace retort {

// gtest prints a BadValue by its fields.
void PrintTo(const BadValue& b, std::ostream* os) {
  *os << b.table << " " << b.key << " " << b.column << " " << b.value << " (" << b.reason << ")";
}

namespace {

using testing::Database;
using testing::PgDatabase;
using testing::TempDir;

// Runs `body`, expecting it to throw an Error whose message holds `text`.
template <typename Body>
void expect_error(Body body, const std::string& text) {
  try {
    body();
    ADD_FAILURE() << "no error; expected one with: " << text;
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(text), std::string::npos) << e.what();
  }
}

struct Shop {
  TempDir dir;
  std::vector<Revision> revisions;
  Database sqlite{(dir.path() / "app.db").string()};

  explicit Shop(std::vector<Revision> shop = testing::shop_revisions())
      : revisions(std::move(shop)) {
    upgrade(sqlite.get(), revisions);
    testing::fill_shop(sqlite);
  }
  TransferReport transfer_to(const PgDatabase& db, const TransferOptions& options = {}) {
    const detail::pg::Conn conn = db.connect();
    return transfer(sqlite.get(), conn.get(), revisions, options);
  }
};

// What a PostgreSQL database holds: its tables and version rows, and every row of each table.
std::vector<std::string> contents(const PgDatabase& db) {
  std::vector<std::string> out = db.tables();
  for (const std::string& table : db.tables()) {
    for (std::string& row : db.rows("SELECT t::text FROM " + table + " t ORDER BY 1")) {
      out.push_back(table + ": " + row);
    }
  }
  return out;
}

TEST(TransferTest, MovesEveryRowOfEveryTableAndProvesIt) {
  Shop shop;
  PgDatabase db;
  const TransferReport report = shop.transfer_to(db);
  EXPECT_EQ(report.revision, "0002");
  EXPECT_TRUE(report.creates_schema);
  EXPECT_TRUE(report.bad_values.empty());
  std::vector<std::string> order;
  for (const TransferredTable& t : report.tables) {
    order.push_back(t.name + " " + std::to_string(t.rows));
    EXPECT_EQ(t.checksum, t.target_checksum) << t.name;
    EXPECT_EQ(t.checksum.size(), 16u);
  }
  // Parents first: each table after the ones its foreign keys name.
  EXPECT_EQ(order, (std::vector<std::string>{"settings 3", "tags 3", "users 3", "posts 2500",
                                             "comments 3", "post_tags 3"}));
  // The values as the application wrote them.
  EXPECT_EQ(
      db.rows("SELECT id, email, name, active, karma, score, encode(avatar, 'hex') FROM "
              "users ORDER BY id"),
      (std::vector<std::string>{"1|ann@example.com|Ann O'Hara|t|32767|1.5|00ff10",
                                "2|bob@example.com|NULL|f|-5|NULL|NULL",
                                "3|zoe@example.com|Zoë 🎉 \"quoted\"\nline\ttab \\ back|t|0|0.1|"}));
  EXPECT_EQ(db.rows("SELECT title, body, rating, published, published_on, created_at FROM posts "
                    "WHERE id IN (5, 7, 8, 10) ORDER BY id"),
            (std::vector<std::string>{
                "post 5|body of post 5\nünïcödé|1.25|t|NULL|2024-03-01 10:00:00",
                "post 7|tiny|-1e-310|t|2024-01-08|2024-03-01 10:00:00",
                "post 8|body of post 8\nünïcödé|1e+308|f|2024-01-09|2024-03-01 10:00:00",
                "post 10|body of post 10\nünïcödé|2.5|f|NULL|2024-03-01 10:00:00"}));
  EXPECT_EQ(db.rows("SELECT id, name FROM tags ORDER BY id"),
            (std::vector<std::string>{"1|headlines", "2|tech", "3|ünïcode"}));
  EXPECT_EQ(db.rows("SELECT id, post_id, parent_id, body, encode(attachment, 'hex'), upvotes FROM "
                    "comments ORDER BY id"),
            (std::vector<std::string>{"1|1|NULL|first||3", "2|1|1|a reply|deadbeef|NULL",
                                      "3|2|2||NULL|-7"}));
  EXPECT_EQ(db.rows("SELECT key, value FROM settings ORDER BY key"),
            (std::vector<std::string>{"motd|NULL", "tab\tkey|a\\b", "theme|dark"}));
  // The schema is the revisions' own: the foreign keys set aside for the copy are back as they
  // were, as a fresh upgrade creates them.
  PgDatabase fresh;
  {
    const detail::pg::Conn expected = fresh.connect();
    const detail::pg::Conn actual = db.connect();
    upgrade(expected.get(), shop.revisions);
    EXPECT_EQ(detail::pg::compare_databases(expected.get(), actual.get()),
              std::vector<std::string>{});
    EXPECT_EQ(db.rows("SELECT count(*) FROM pg_constraint WHERE contype = 'f'"),
              std::vector<std::string>{"5"});
  }
  // The same history in both version tables.
  EXPECT_EQ(db.rows("SELECT revision, checksum FROM retort_migrations ORDER BY revision"),
            shop.sqlite.rows("SELECT revision, checksum FROM retort_migrations ORDER BY revision"));
  // The application starts on it, and inserts without a key work in every table that has a
  // sequence: each key follows the copied ones (users: past AUTOINCREMENT's counter, 4).
  const detail::pg::Conn conn = db.connect();
  EXPECT_TRUE(upgrade(conn.get(), shop.revisions).empty());
  EXPECT_EQ(db.rows("INSERT INTO users (email) VALUES ('new@example.com') RETURNING id"),
            std::vector<std::string>{"5"});
  EXPECT_EQ(db.rows("INSERT INTO posts (author_id, title, body) VALUES (1, 't', 'b') RETURNING id"),
            std::vector<std::string>{"2501"});
  EXPECT_EQ(db.rows("INSERT INTO tags (name) VALUES ('new') RETURNING id"),
            std::vector<std::string>{"4"});
  EXPECT_EQ(db.rows("INSERT INTO comments (post_id, body) VALUES (1, 'c') RETURNING id"),
            std::vector<std::string>{"4"});
  for (const TransferredTable& t : report.tables) {
    const bool sequence =
        t.name == "users" || t.name == "posts" || t.name == "tags" || t.name == "comments";
    EXPECT_EQ(t.proven_key.has_value(), sequence) << t.name;
    EXPECT_EQ(t.sequences.size(), sequence ? 1u : 0u) << t.name;
  }
}

// The comparer the transfer's checksums give, for tests that hold both databases: equal after a
// transfer; one changed value, one row more or a table only one side has is named.
TEST(TransferTest, CompareRowsNamesTheTablesWhoseRowsDiffer) {
  Shop shop;
  PgDatabase db;
  shop.transfer_to(db);
  const detail::pg::Conn conn = db.connect();
  EXPECT_EQ(detail::transfer::compare_rows(shop.sqlite.get(), conn.get()),
            std::vector<std::string>{});
  detail::pg::exec(conn.get(),
                   "UPDATE users SET score = 0.25 WHERE id = 1; INSERT INTO tags (name) VALUES "
                   "('extra'); CREATE TABLE extra (x INT)");
  const std::vector<std::string> differences =
      detail::transfer::compare_rows(shop.sqlite.get(), conn.get());
  ASSERT_EQ(differences.size(), 3u) << ::testing::PrintToString(differences);
  EXPECT_EQ(differences[0], "table 'extra' is in PostgreSQL only");
  EXPECT_EQ(differences[1].rfind("table 'tags': SQLite holds 3 rows (checksum ", 0), 0u);
  EXPECT_NE(differences[1].find("), PostgreSQL 4 (checksum "), std::string::npos);
  EXPECT_EQ(differences[2].rfind("table 'users': SQLite holds 3 rows (checksum ", 0), 0u);
}

TEST(TransferTest, FillsATargetAtTheRevisionThatHoldsNoRows) {
  Shop shop;
  PgDatabase db;
  {
    const detail::pg::Conn conn = db.connect();
    upgrade(conn.get(), shop.revisions);
    detail::pg::exec(conn.get(), "DELETE FROM tags");  // the seed row
  }
  const TransferReport report = shop.transfer_to(db);
  EXPECT_FALSE(report.creates_schema);
  EXPECT_EQ(report.rows(), 2515);
  EXPECT_EQ(db.rows("SELECT count(*) FROM posts"), std::vector<std::string>{"2500"});
  EXPECT_EQ(db.rows("INSERT INTO users (email) VALUES ('new@example.com') RETURNING id"),
            std::vector<std::string>{"5"});
}

// Values that SQLite's loose typing kept, which PostgreSQL's columns refuse, one or more per
// table, and rows whose foreign key names no parent.
void spoil(const Database& sqlite) {
  sqlite.exec(
      "UPDATE users SET karma = 40000, active = 2 WHERE id = 1;\n"
      "UPDATE users SET score = 1e300 WHERE id = 2;\n"
      "UPDATE posts SET title = CAST(x'c328' AS TEXT) WHERE id = 3;\n"
      "UPDATE posts SET body = 'a' || char(0) || 'b', rating = 'high' WHERE id = 4;\n"
      "UPDATE posts SET published_on = 'not a date' WHERE id = 6;\n"
      "UPDATE posts SET published_on = '2024-02-30' WHERE id = 2400;\n"
      "UPDATE tags SET name = 'a name far too long' WHERE id = 2;\n"
      "UPDATE comments SET upvotes = 'many' WHERE id = 1;\n"
      "UPDATE comments SET post_id = 9999 WHERE id = 3;\n"
      "UPDATE settings SET value = x'00' WHERE key = 'theme';\n");
}

const std::vector<BadValue> kSpoiled = {
    {"settings", "key='theme'", "value", "x'00'", "a blob in a text column"},
    {"tags", "id=2", "name", "'a name far too long'",
     "19 characters in a character varying(16) column"},
    {"users", "id=1", "active", "2", "2 in a boolean column: SQLite keeps booleans as 0 or 1"},
    {"users", "id=1", "karma", "40000", "40000 is out of range for a smallint column"},
    {"users", "id=2", "score", "1e+300", "1e+300 is out of range for a real column"},
    {"posts", "id=3", "title", "x'c328'", "text that is not valid UTF-8 in a text column"},
    {"posts", "id=4", "body", "'a\\x00b'",
     "text with a NUL character, which PostgreSQL's text cannot hold"},
    {"posts", "id=4", "rating", "'high'", "text in a double precision column"},
    {"posts", "id=6", "published_on", "'not a date'",
     "PostgreSQL cannot read it as date: invalid input syntax for type date: \"not a date\""},
    {"posts", "id=2400", "published_on", "'2024-02-30'",
     "PostgreSQL cannot read it as date: date/time field value out of range: \"2024-02-30\""},
    {"comments", "id=1", "upvotes", "'many'", "text in an integer column"},
    {"comments", "id=3", "post_id", "9999",
     "no row of 'posts' has it in 'id' (a foreign key SQLite did not enforce)"},
};

TEST(TransferTest, ADryRunListsEveryValueTheTargetCannotHoldAndWritesNothing) {
  Shop shop;
  spoil(shop.sqlite);
  PgDatabase db;
  TransferOptions options;
  options.dry_run = true;
  const TransferReport report = shop.transfer_to(db, options);
  EXPECT_EQ(report.bad_values, kSpoiled);
  std::vector<std::string> bad_rows;
  for (const TransferredTable& t : report.tables) {
    bad_rows.push_back(t.name + " " + std::to_string(t.bad_rows));
    EXPECT_TRUE(t.target_checksum.empty());
  }
  EXPECT_EQ(bad_rows, (std::vector<std::string>{"settings 1", "tags 1", "users 2", "posts 4",
                                                "comments 2", "post_tags 0"}));
  EXPECT_EQ(report.bad_rows(), 10);
  EXPECT_EQ(db.tables(), std::vector<std::string>{});
}

TEST(TransferTest, ValuesTheTargetCannotHoldStopItBeforeAnythingIsWritten) {
  Shop shop;
  spoil(shop.sqlite);
  PgDatabase db;
  try {
    shop.transfer_to(db);
    FAIL() << "the transfer went through";
  } catch (const TransferError& e) {
    EXPECT_EQ(e.report().bad_values, kSpoiled);
    EXPECT_NE(std::string(e.what()).find("12 values in 10 rows cannot be held by their "
                                         "PostgreSQL columns; nothing was written"),
              std::string::npos)
        << e.what();
  }
  EXPECT_EQ(db.tables(), std::vector<std::string>{});
}

TEST(TransferTest, ADryRunOfAGoodDatabaseWritesNothing) {
  Shop shop;
  PgDatabase db;
  TransferOptions options;
  options.dry_run = true;
  const TransferReport report = shop.transfer_to(db, options);
  EXPECT_TRUE(report.creates_schema);
  EXPECT_EQ(report.rows(), 2515);
  EXPECT_EQ(db.tables(), std::vector<std::string>{});
}

TEST(TransferTest, RefusesDatabasesAtDifferentRevisions) {
  Shop shop;
  PgDatabase db;
  const detail::pg::Conn conn = db.connect();
  upgrade(conn.get(), shop.revisions, "0001");
  const std::vector<std::string> before = contents(db);
  expect_error([&] { shop.transfer_to(db); },
               "the databases are at different revisions: SQLite at 0002, PostgreSQL at 0001");
  EXPECT_EQ(contents(db), before);
}

TEST(TransferTest, RefusesATargetThatHoldsRows) {
  Shop shop;
  PgDatabase db;
  const detail::pg::Conn conn = db.connect();
  upgrade(conn.get(), shop.revisions);  // the revision's seed row is in tags
  const std::vector<std::string> before = contents(db);
  expect_error([&] { shop.transfer_to(db); },
               "the PostgreSQL database already holds rows (in 'tags'): the transfer fills "
               "empty tables only");
  EXPECT_EQ(contents(db), before);
}

TEST(TransferTest, RefusesMigrationsWithoutPostgresqlSections) {
  Shop shop(testing::shop_revisions(false));
  PgDatabase db;
  expect_error([&] { shop.transfer_to(db); }, "the revisions have no postgresql sections");
  EXPECT_EQ(db.tables(), std::vector<std::string>{});
}

TEST(TransferTest, RefusesWhenThePostgresqlHistoryStartsAfterTheSqliteRevision) {
  TempDir dir;
  const std::vector<Revision> shop = testing::shop_revisions();
  // PostgreSQL joined at 0002, with a dialect baseline; the SQLite database is at 0001.
  const std::vector<Revision> revisions = {
      testing::shop_revision("0001", "users_posts", testing::kUsersPostsSqlite, "SELECT 1;"),
      testing::shop_revision(
          "0002", "tags_comments", shop[1].up_sql, shop[1].down_sql,
          std::string(testing::kUsersPostsPostgresql) + testing::tags_comments_postgresql(),
          "SELECT 1;", true)};
  Database sqlite((dir.path() / "app.db").string());
  upgrade(sqlite.get(), revisions, "0001");
  PgDatabase db;
  const detail::pg::Conn conn = db.connect();
  expect_error([&] { transfer(sqlite.get(), conn.get(), revisions); },
               "the migrations' PostgreSQL history starts at revision 0002, after the SQLite "
               "database's revision 0001");
  EXPECT_EQ(db.tables(), std::vector<std::string>{});
}

TEST(TransferTest, RefusesASqliteDatabaseWhoseRevisionChanged) {
  Shop shop;
  shop.sqlite.exec(
      "UPDATE retort_migrations SET checksum = '0000000000000000' WHERE revision = "
      "'0002'");
  PgDatabase db;
  expect_error([&] { shop.transfer_to(db); },
               "revision 0002 of the SQLite database differs from the migrations'");
  EXPECT_EQ(db.tables(), std::vector<std::string>{});
}

TEST(TransferTest, RefusesToCreateTheSchemaThroughAHookThisProgramLacks) {
  Shop shop(testing::shop_with_second_postgresql(testing::tags_comments_postgresql() +
                                                 "-- +retort hook: fill_tags\n"));
  PgDatabase db;
  expect_error([&] { shop.transfer_to(db); },
               "revision 0002 runs the C++ hook fill_tags on PostgreSQL, which this program does "
               "not link");
  EXPECT_EQ(db.tables(), std::vector<std::string>{});
}

TEST(TransferTest, ASectionThatDoesNotRunIsNamedBeforeAnythingIsWritten) {
  Shop shop(testing::shop_with_second_postgresql(
      "CREATE TABLE tags (id BIGINT REFERENCES missing (id));"));
  PgDatabase db;
  expect_error([&] { shop.transfer_to(db); },
               "revision 0002's postgresql section does not create the schema: relation "
               "\"missing\" does not exist");
  EXPECT_EQ(db.tables(), std::vector<std::string>{});
}

// The application's own triggers on PostgreSQL stay off while the rows are copied (the SQLite
// rows already hold what its triggers did), and are on again afterwards.
TEST(TransferTest, TriggersOfTheApplicationDoNotFireOnTheCopiedRows) {
  Shop shop(testing::shop_with_second_postgresql(
      testing::tags_comments_postgresql() +
      "CREATE FUNCTION shout() RETURNS trigger LANGUAGE plpgsql AS $$\n"
      "BEGIN NEW.body := upper(NEW.body); RETURN NEW; END $$;\n"
      "CREATE TRIGGER comments_shout BEFORE INSERT ON comments FOR EACH ROW EXECUTE "
      "FUNCTION shout();\n"));
  PgDatabase db;
  shop.transfer_to(db);
  EXPECT_EQ(db.rows("SELECT body FROM comments ORDER BY id"),
            (std::vector<std::string>{"first", "a reply", ""}));
  EXPECT_EQ(db.rows("INSERT INTO comments (post_id, body) VALUES (1, 'new') RETURNING body"),
            std::vector<std::string>{"NEW"});
}

struct Stop : std::runtime_error {
  using std::runtime_error::runtime_error;
};

TEST(TransferTest, AFailureMidwayLeavesAnEmptyTargetEmpty) {
  Shop shop;
  PgDatabase db;
  TransferOptions options;
  std::vector<std::string> seen;
  options.progress = [&seen](const TransferProgress& p) {
    if (p.phase == TransferProgress::Phase::kCopying && p.rows_done == 0) {
      seen.push_back(p.table);
      if (p.table == "comments") throw Stop("stopped while copying comments");
    }
  };
  EXPECT_THROW(shop.transfer_to(db, options), Stop);
  // Three tables were copied before the failure, none is left, nor the schema it created.
  EXPECT_EQ(seen, (std::vector<std::string>{"settings", "tags", "users", "posts", "comments"}));
  EXPECT_EQ(db.tables(), std::vector<std::string>{});
}

TEST(TransferTest, ARowTheServerRefusesMidwayLeavesTheTargetAsItWas) {
  Shop shop(testing::shop_revisions(true, "upvotes < 100"));
  shop.sqlite.exec("UPDATE comments SET upvotes = 500 WHERE id = 2");
  PgDatabase db;
  expect_error([&] { shop.transfer_to(db); }, "violates check constraint");
  expect_error([&] { shop.transfer_to(db); },
               "nothing was written: the schema this transfer created was removed, the "
               "PostgreSQL database is empty again");
  EXPECT_EQ(db.tables(), std::vector<std::string>{});
}

TEST(TransferTest, AFailureLeavesATargetAtTheRevisionAsItWasSequencesIncluded) {
  Shop shop;
  PgDatabase db;
  {
    const detail::pg::Conn conn = db.connect();
    upgrade(conn.get(), shop.revisions);
    detail::pg::exec(conn.get(), "DELETE FROM tags");
  }
  const std::string sequences =
      "SELECT last_value, is_called FROM users_id_seq UNION ALL SELECT last_value, is_called "
      "FROM posts_id_seq";
  const std::vector<std::string> before = contents(db);
  const std::vector<std::string> positions = db.rows(sequences);
  TransferOptions options;
  options.progress = [](const TransferProgress& p) {
    if (p.phase == TransferProgress::Phase::kVerifying && p.table == "post_tags") {
      throw Stop("stopped while verifying");
    }
  };
  EXPECT_THROW(shop.transfer_to(db, options), Stop);
  EXPECT_EQ(contents(db), before);
  EXPECT_EQ(db.rows(sequences), positions);
}

// The proof on its own: a sequence left behind the keys is caught, also when the copied row
// collides on another unique column (ON CONFLICT DO NOTHING skips it; the drawn key is looked
// up), and the sequence is put back.
TEST(TransferTest, TheProvenInsertCatchesASequenceBehindTheKeys) {
  PgDatabase db;
  const detail::pg::Conn conn = db.connect();
  detail::pg::exec(conn.get(),
                   "CREATE TABLE t (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, "
                   "email TEXT UNIQUE, n INT);"
                   "INSERT INTO t VALUES (1, 'a', 1), (2, 'b', 2)");
  detail::transfer::TablePlan t;
  t.name = "t";
  t.columns = {{"id", "bigint", detail::transfer::Kind::kBigint, -1, true},
               {"email", "text", detail::transfer::Kind::kText, -1, false},
               {"n", "integer", detail::transfer::Kind::kInteger, -1, false}};
  t.sequences = {{"id", "public.t_id_seq"}};
  detail::pg::exec(conn.get(), "BEGIN");
  expect_error([&] { detail::transfer::prove_insert(conn.get(), t, 2); },
               "an insert into 't' without its key would take id 1, which a copied row holds");
  EXPECT_EQ(db.rows("SELECT last_value, is_called FROM t_id_seq"), std::vector<std::string>{"1|f"});
  detail::pg::exec(conn.get(), "ROLLBACK");
  detail::pg::exec(conn.get(), "SELECT setval('t_id_seq', 2)");
  detail::pg::exec(conn.get(), "BEGIN");
  EXPECT_EQ(detail::transfer::prove_insert(conn.get(), t, 2), std::optional<std::int64_t>(3));
  detail::pg::exec(conn.get(), "COMMIT");
  EXPECT_EQ(db.rows("SELECT count(*), max(id) FROM t"), std::vector<std::string>{"2|2"});
  EXPECT_EQ(db.rows("SELECT last_value, is_called FROM t_id_seq"), std::vector<std::string>{"2|t"});
}

TEST(TransferTest, ProgressNamesEachTableWithItsRows) {
  Shop shop;
  PgDatabase db;
  TransferOptions options;
  std::vector<std::string> lines;
  options.progress = [&lines](const TransferProgress& p) {
    const std::string line = transfer_progress_line(p);
    if (lines.empty() || lines.back() != line) lines.push_back(line);
  };
  shop.transfer_to(db, options);
  const auto has = [&lines](const std::string& line) {
    return std::find(lines.begin(), lines.end(), line) != lines.end();
  };
  EXPECT_TRUE(has("retort: [4/6] checking \"posts\" 2500/2500 rows"));
  EXPECT_TRUE(has("retort: [2/2] creating the schema: applying 0002"));
  EXPECT_TRUE(has("retort: [4/6] copying \"posts\" 0/2500 rows"));
  EXPECT_TRUE(has("retort: [6/6] verifying \"post_tags\" 3/3 rows"));
  EXPECT_EQ(lines.back(), "");
}

}  // namespace
}  // namespace retort
