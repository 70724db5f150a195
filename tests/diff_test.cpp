// Diff on hand-built schemas, rendered by the SQLite emitter and checked against golden SQL files.
#include "diff.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

#include "emit.hpp"
#include "schema_support.hpp"
#include "test_support.hpp"

namespace retort {
namespace {

using testing::col;

Table users() {
  Table t;
  t.name = "users";
  t.columns = {col("id", "INTEGER"), col("username", "VARCHAR(64)"), col("email", "TEXT", false)};
  t.primary_key = {"id"};
  t.autoincrement = true;
  t.indexes = {{"ix_users_username", {"username"}, true}};
  return t;
}

Table posts() {
  Table t;
  t.name = "posts";
  Column created = col("created_at", "TEXT");
  created.default_sql = "CURRENT_TIMESTAMP";
  Column title = col("title", "TEXT");
  title.check = "length(title) > 0";
  t.columns = {col("id", "INTEGER"), col("author_id", "INTEGER"), title, created};
  t.primary_key = {"id"};
  t.foreign_keys = {
      {"fk_posts_author_id_users", {"author_id"}, "users", {"id"}, "CASCADE", "", {}}};
  t.indexes = {{"ix_posts_author_time", {"author_id", "created_at"}, false}};
  return t;
}

Schema schema(std::vector<Table> tables) {
  Schema s{std::move(tables)};
  sort_tables(s);
  return s;
}

// Renders up, down and the bookkeeping of a diff, as the golden files hold them.
std::string describe(const Schema& from, const Schema& to) {
  const ChangeSet cs = diff_schemas(from, to);
  const auto dialect = make_sqlite_dialect();
  std::string out = "-- up\n" + render_changes(*dialect, cs.changes) + "-- down\n" +
                    render_changes(*dialect, invert(cs.changes));
  out += std::string("-- foreign keys off: ") + (cs.foreign_keys_off ? "yes" : "no") + "\n";
  for (const std::string& d : cs.destructive) out += "-- destructive: " + d + "\n";
  for (const Diagnostic& d : cs.diagnostics) out += "-- " + format_diagnostic(d) + "\n";
  return out;
}

void expect_golden(const std::string& name, const std::string& actual) {
  const std::filesystem::path path = std::string(RETORT_TEST_DIR "/golden/") + name + ".sql";
  if (std::getenv("RETORT_UPDATE_GOLDEN")) testing::write_text(path, actual);
  const std::string expected = testing::read_text(path);
  if (expected != actual) testing::write_text(path.string() + ".actual", actual);
  EXPECT_EQ(expected, actual) << "golden " << path << " differs; see .actual beside it";
}

TEST(DiffTest, CreateTablesParentsFirstWithNamedConstraints) {
  expect_golden("create_tables", describe({}, schema({posts(), users()})));
}

TEST(DiffTest, NoChangeGivesNoChanges) {
  EXPECT_TRUE(diff_schemas(schema({users(), posts()}), schema({posts(), users()})).changes.empty());
}

TEST(DiffTest, AddedNullableColumnUsesAlterTable) {
  Table after = users();
  after.columns.push_back(col("bio", "TEXT", false));
  expect_golden("add_nullable_column", describe(schema({users()}), schema({after})));
}

TEST(DiffTest, AddedNotNullColumnWithDefaultUsesAlterTable) {
  Table after = users();
  Column c = col("karma", "INTEGER");
  c.default_sql = "0";
  after.columns.push_back(c);
  expect_golden("add_not_null_column", describe(schema({users()}), schema({after})));
}

TEST(DiffTest, AddedColumnWithTimestampDefaultRebuilds) {
  Table after = users();
  Column c = col("joined_at", "TEXT");
  c.default_sql = "CURRENT_TIMESTAMP";
  after.columns.push_back(c);
  expect_golden("add_timestamp_column", describe(schema({users()}), schema({after})));
}

TEST(DiffTest, AddedNotNullColumnWithoutDefaultIsAnError) {
  Table after = users();
  Column c = col("karma", "INTEGER");
  c.origin.loc = {"user.hpp", 7, 3};
  after.columns.push_back(c);
  const ChangeSet cs = diff_schemas(schema({users()}), schema({after}));
  ASSERT_EQ(cs.diagnostics.size(), 1u);
  EXPECT_EQ(format_diagnostic(cs.diagnostics[0]),
            "user.hpp:7:3: error: column 'karma' is added NOT NULL without a default, but table "
            "'users' may hold rows; add RETORT_DEFAULT(...) or make it std::optional");
}

TEST(DiffTest, DroppedColumnAndTableAreDestructive) {
  Table before = users();
  before.columns.push_back(col("bio", "TEXT", false));
  expect_golden("drop_column_and_table", describe(schema({before, posts()}), schema({users()})));
}

TEST(DiffTest, RenamesAreNotDropPlusAdd) {
  Table after = posts();
  after.name = "articles";
  after.origin.renamed_from = "posts";
  after.foreign_keys[0].name = "fk_articles_author_id_users";
  after.columns[2].name = "headline";
  after.columns[2].origin.renamed_from = "title";
  after.indexes = {{"ix_articles_author_time", {"author_id", "created_at"}, false}};
  expect_golden("renames", describe(schema({users(), posts()}), schema({users(), after})));
}

// Runs `sql` as the runtime runs a revision: in one transaction, with foreign keys off around it
// when the change set asks, checked before the commit.
void run_as_revision(const testing::Database& db, const std::string& sql, bool foreign_keys_off) {
  if (foreign_keys_off) db.exec("PRAGMA foreign_keys = OFF");
  db.exec("BEGIN");
  db.exec(sql);
  EXPECT_EQ(db.rows("PRAGMA foreign_key_check"), std::vector<std::string>{});
  db.exec("COMMIT");
  db.exec("PRAGMA foreign_keys = ON");
}

TEST(DiffTest, TypeChangeRebuildsAndKeepsRows) {
  Table after = users();
  after.columns[1].type = "INTEGER";
  const Schema from = schema({users(), posts()});
  const Schema to = schema({after, posts()});
  expect_golden("change_type", describe(from, to));

  // The rows: held before, there after the up (the rebuilt table's and its children's, which a
  // cascade would take with the old table), and again after the down.
  const auto dialect = make_sqlite_dialect();
  const ChangeSet change = diff_schemas(from, to);
  testing::Database db;
  db.exec("PRAGMA foreign_keys = ON");
  db.exec(render_changes(*dialect, diff_schemas({}, from).changes));
  db.exec(
      "INSERT INTO users (id, username, email) VALUES (1, '42', 'ada@example.com'), (2, '7', "
      "NULL), (5, '1000', 'grace@example.com');"
      "INSERT INTO posts (id, author_id, title, created_at) VALUES (10, 1, 'first', "
      "'2026-01-01'), (11, 5, 'second', '2026-01-02'), (12, 5, 'third', '2026-01-03')");
  const auto rows = [&db] {
    std::vector<std::string> out = db.rows("SELECT * FROM users ORDER BY id");
    for (const std::string& row : db.rows("SELECT * FROM posts ORDER BY id")) out.push_back(row);
    return out;
  };
  const std::vector<std::string> held = rows();
  ASSERT_EQ(held.size(), 6u);
  run_as_revision(db, render_changes(*dialect, change.changes), change.foreign_keys_off);
  EXPECT_EQ(rows(), held);
  EXPECT_EQ(db.rows("SELECT DISTINCT typeof(username) FROM users"),
            std::vector<std::string>{"integer"});
  EXPECT_EQ(db.rows("SELECT name FROM pragma_index_list('users')"),
            std::vector<std::string>{"ix_users_username"});
  run_as_revision(db, render_changes(*dialect, invert(change.changes)), change.foreign_keys_off);
  EXPECT_EQ(rows(), held);
  EXPECT_EQ(db.rows("SELECT DISTINCT typeof(username) FROM users"),
            std::vector<std::string>{"text"});
}

TEST(DiffTest, IndexesAddedAndDropped) {
  Table after = users();
  after.indexes = {{"ix_users_email", {"email"}, false}};
  expect_golden("indexes", describe(schema({users()}), schema({after})));
}

TEST(DiffTest, InvertIsItsOwnInverse) {
  Table after = users();
  after.columns[1].type = "TEXT";
  after.columns.push_back(col("bio", "TEXT", false));
  const ChangeSet cs = diff_schemas(schema({users(), posts()}), schema({after}));
  EXPECT_EQ(invert(invert(cs.changes)), cs.changes);
}

}  // namespace
}  // namespace retort
