// End to end, what a consumer project's revisions carry besides tables: C++ hooks through expand
// and contract, and views, triggers and full-text search around a rebuild.
#include "e2e_support.hpp"

namespace retort {
namespace {

using namespace e2e;  // NOLINT(google-build-using-namespace): the harness of every e2e test

// Writes `text` into a revision file just before the line `before` (a section's directive).
void insert_before(const fs::path& file, const std::string& before, const std::string& text) {
  std::string content = testing::read_text(file);
  const auto at = content.find(before);
  ASSERT_NE(at, std::string::npos) << before << " in\n" << content;
  content.insert(at, text);
  testing::write_text(file, content);
}

// The expand -> hook -> contract pattern of docs/data-migrations.md on 100,000 rows: a hook
// that splits every name, a misspelt hook that fails the link, a hook that throws, the CLI's
// refusal, and a downgrade by the application that runs the contract's down hook.
TEST_F(PackageTest, DataMigrationWithHooksThroughExpandAndContract) {
  ProjectSetup setup = package();
  setup.project = "hooks";
  ConsumerProject p(setup);
  const fs::path model = p.app() / "models" / "person.hpp";
  const std::string header =
      "#include <cstdint>\n#include <optional>\n#include <string>\n"
      "#include <retort/annotations.hpp>\n\nstruct RETORT_TABLE(\"people\") Person {\n"
      "  RETORT_PRIMARY_KEY std::int64_t id;\n";
  const std::string names =
      "  std::optional<std::string> first_name;\n  std::optional<std::string> last_name;\n";
  const std::string full_name = "  RETORT_DEFAULT(\"''\") std::string full_name;\n";

  auto built = p.build_app();
  ASSERT_EQ(built.exit_code, 0) << built.output;
  ASSERT_EQ(p.retort("migrate -m people").exit_code, 0);
  ASSERT_EQ(p.build_app().exit_code, 0);
  ASSERT_EQ(p.run_app().output, "applied 0001\ncurrent 0001\n");
  Database(p.db().string())
      .exec(
          "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000) "
          "INSERT INTO people (id, full_name) SELECT i, 'First' || i || ' Last' || i FROM n");

  // Expand: the new columns, sealed, then the hook's marker added to the sealed revision.
  testing::write_text(model, header + full_name + names + "};\n");
  built = p.build_app();
  ASSERT_EQ(built.exit_code, 0) << built.output;
  ASSERT_EQ(p.retort("migrate -m \"split names\"").exit_code, 0);
  const fs::path expand = p.versions() / "0002_split_names.sql";
  insert_before(expand, "\n-- +retort Down", "-- +retort hook: split_fullname\n");
  built = p.build_app();  // misspelt: no source defines it, and the link says which
  EXPECT_NE(built.exit_code, 0);
  EXPECT_TRUE(contains(built.output, "retort::hooks::split_fullname")) << built.output;
  testing::write_text(
      expand, testing::read_text(expand).replace(testing::read_text(expand).find("split_fullname"),
                                                 14, "split_full_name"));
  built = p.build_app();
  ASSERT_EQ(built.exit_code, 0) << built.output;
  EXPECT_EQ(files_in(p.versions()),
            (std::vector<std::string>{"0001_people.sql", "0002_split_names.sql"}));

  // A hook that throws: the whole revision rolls back, row by row as before.
  const fs::path copy = p.db().string() + ".throwing";
  fs::copy_file(p.db(), copy);
  Database(copy.string()).exec("UPDATE people SET full_name = 'fail here' WHERE id = 99999");
  const std::vector<std::string> before = Database(copy.string()).dump();
  const auto failed = p.run_app_with(copy.string() + " 2>&1");
  EXPECT_EQ(failed.exit_code, 1);
  EXPECT_TRUE(contains(failed.output, "revision 0002, hook split_full_name: ")) << failed.output;
  EXPECT_TRUE(contains(failed.output, "cannot split 'fail here'")) << failed.output;
  EXPECT_EQ(Database(copy.string()).dump(), before);

  auto ran = p.run_app();
  ASSERT_EQ(ran.exit_code, 0) << ran.output;
  EXPECT_EQ(ran.output, "applied 0002\nhook reported 100000 rows\ncurrent 0002\n");
  EXPECT_EQ(Database(p.db().string())
                .rows("SELECT count(*) FROM people WHERE first_name = 'First' || id AND "
                      "last_name = 'Last' || id"),
            std::vector<std::string>{"100000"});

  // Contract: the old column dropped; its down re-adds it, and the down hook fills it.
  testing::write_text(model, header + names + "};\n");
  built = p.build_app();
  ASSERT_EQ(built.exit_code, 0) << built.output;
  ASSERT_EQ(p.retort("migrate -m \"drop full name\" --allow-destructive").exit_code, 0);
  insert_before(p.versions() / "0003_drop_full_name.sql", "\n-- +retort Schema",
                "-- +retort hook: join_full_name\n");
  built = p.build_app();
  ASSERT_EQ(built.exit_code, 0) << built.output;
  EXPECT_FALSE(fs::exists(p.versions() / "0004_draft.sql"));
  ran = p.run_app();
  ASSERT_EQ(ran.exit_code, 0) << ran.output;
  EXPECT_EQ(ran.output, "applied 0003\ncurrent 0003\n");
  EXPECT_EQ(Database(p.db().string()).rows("SELECT name FROM pragma_table_info('people')"),
            (std::vector<std::string>{"id", "first_name", "last_name"}));

  // The CLI has no hooks: it refuses, and changes nothing.
  const std::string at_0003 = testing::read_text(p.db());
  const auto refused = p.retort("downgrade --db " + p.db().string() + " 2>&1");
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_TRUE(contains(refused.output, "revision 0003 runs the C++ hook 'join_full_name'"))
      << refused.output;
  EXPECT_EQ(testing::read_text(p.db()), at_0003);

  // The application goes back: the stored down script runs join_full_name.
  ran = p.run_app_with(p.db().string() + " down");
  ASSERT_EQ(ran.exit_code, 0) << ran.output;
  EXPECT_EQ(ran.output, "reverted 0003\nhook reported 100000 rows\ncurrent 0002\n");
  EXPECT_EQ(
      Database(p.db().string())
          .rows("SELECT count(*) FROM people WHERE full_name = 'First' || id || ' Last' || id"),
      std::vector<std::string>{"100000"});
}

// Views, triggers and an external-content FTS5 index declared in SQL files beside the models:
// created after their tables, re-created around a rebuild of the table they use, still working
// on the old rows and the new ones; an undeclared or missing one is drift; a bad file fails the
// build at its line.
TEST_F(PackageTest, ViewsTriggersAndFullTextSearchSurviveARebuild) {
  ProjectSetup setup = package();
  setup.project = "objects";
  ConsumerProject p(setup);
  auto built = p.build_app();
  ASSERT_EQ(built.exit_code, 0) << built.output;
  const std::string first = testing::read_text(p.versions() / "0001_draft.sql");
  EXPECT_LT(first.find("CREATE TABLE posts"), first.find("CREATE VIRTUAL TABLE posts_fts"));
  EXPECT_LT(first.find("CREATE VIRTUAL TABLE posts_fts"), first.find("posts_fts_insert"));
  ASSERT_EQ(p.retort("migrate -m blog").exit_code, 0);
  ASSERT_EQ(p.build_app().exit_code, 0);
  auto ran = p.run_app();
  ASSERT_EQ(ran.exit_code, 0) << ran.output;
  EXPECT_EQ(ran.output, "applied 0001\n");
  Database(p.db().string())
      .exec(
          "INSERT INTO authors VALUES (1, 'Ada'), (2, 'Brian');"
          "INSERT INTO posts (id, author_id, title, body) VALUES "
          "(1, 1, 'Engines', 'the analytical engine weaves patterns'), "
          "(2, 2, 'Pipes', 'small tools joined by pipes');");

  // A CHECK on posts rebuilds the table: its triggers and the view that reads it are dropped
  // and created again in the same revision; the FTS5 table keeps its index.
  const fs::path model = p.app() / "models" / "blog.hpp";
  const std::string text = testing::read_text(model);
  testing::write_text(model, text.substr(0, text.find(" Post {")) +
                                 " RETORT_CHECK(\"length(title) > 0\")" +
                                 text.substr(text.find(" Post {")));
  built = p.build_app();
  ASSERT_EQ(built.exit_code, 0) << built.output;
  const std::string second = testing::read_text(p.versions() / "0002_draft.sql");
  const std::string up = second.substr(0, second.find("-- +retort Down"));
  EXPECT_TRUE(contains(up, "DROP TRIGGER posts_fts_update;")) << second;
  EXPECT_TRUE(contains(up, "DROP VIEW post_list;")) << second;
  EXPECT_LT(up.find("DROP VIEW post_list;"), up.find("-- rebuild posts")) << second;
  EXPECT_LT(up.find("-- rebuild posts"), up.find("CREATE TRIGGER posts_count_edits")) << second;
  EXPECT_FALSE(contains(second, "DROP TABLE posts_fts")) << second;
  ASSERT_EQ(p.retort("migrate -m \"posts need a title\"").exit_code, 0);
  ASSERT_EQ(p.build_app().exit_code, 0);
  ran = p.run_app();
  ASSERT_EQ(ran.exit_code, 0) << ran.output;
  EXPECT_EQ(ran.output, "applied 0002\n");
  {
    Database db(p.db().string());
    db.exec(
        "INSERT INTO posts (id, author_id, title, body) VALUES (3, 1, 'Notes', 'weaves "
        "algebraic patterns'); UPDATE posts SET title = 'Engine' WHERE id = 1;");
    EXPECT_EQ(db.rows("SELECT rowid FROM posts_fts WHERE posts_fts MATCH 'weaves' ORDER BY rowid"),
              (std::vector<std::string>{"1", "3"}));
    EXPECT_EQ(db.rows("SELECT rowid FROM posts_fts WHERE posts_fts MATCH 'pipes'"),
              std::vector<std::string>{"2"});
    EXPECT_EQ(db.rows("SELECT rowid FROM posts_fts WHERE posts_fts MATCH 'title:engine'"),
              std::vector<std::string>{"1"});
    EXPECT_EQ(db.rows("SELECT id, edits FROM posts ORDER BY id"),
              (std::vector<std::string>{"1|1", "2|0", "3|0"}));
    EXPECT_EQ(db.rows("SELECT * FROM post_list ORDER BY id"),
              (std::vector<std::string>{"1|Engine|Ada", "2|Pipes|Brian", "3|Notes|Ada"}));
    EXPECT_EQ(db.rows("SELECT id FROM posts INDEXED BY ix_posts_newest ORDER BY id DESC LIMIT 1"),
              std::vector<std::string>{"3"});
    db.exec("INSERT INTO posts_fts (posts_fts) VALUES ('integrity-check')");
    // The models' own constraints, through the rebuild: a generated column, a partial unique
    // index over an expression, a deferred foreign key, a UNIQUE constraint.
    EXPECT_EQ(db.rows("SELECT body_length FROM posts WHERE id = 2"),
              std::vector<std::string>{"27"});
    EXPECT_THROW(
        db.exec("INSERT INTO posts (id, author_id, title, body) VALUES (4, 1, 'PIPES', '')"),
        std::runtime_error);
    db.exec(
        "UPDATE posts SET deleted_at = 'today' WHERE id = 2;"
        "INSERT INTO posts (id, author_id, title, body) VALUES (4, 1, 'PIPES', '')");
    db.exec(
        "BEGIN; INSERT INTO posts (id, author_id, title, body) VALUES (5, 3, 'Later', '');"
        "INSERT INTO authors VALUES (3, 'Grace'); COMMIT;");
    EXPECT_THROW(db.exec("INSERT INTO authors VALUES (4, 'Ada')"), std::runtime_error);
    EXPECT_EQ(db.rows("SELECT name FROM pragma_index_list('posts') WHERE partial = 1"),
              std::vector<std::string>{"uq_posts_live_title"});
  }
  auto checked = p.retort("check --db " + p.db().string());
  EXPECT_EQ(checked.exit_code, 0) << checked.output;

  // Drift: an undeclared view, a missing trigger; the shadow tables are never reported.
  Database(p.db().string()).exec("CREATE VIEW ad_hoc AS SELECT 1; DROP TRIGGER posts_count_edits;");
  checked = p.retort("check --db " + p.db().string() + " 2>&1");
  EXPECT_EQ(checked.exit_code, 1);
  EXPECT_TRUE(contains(checked.output, "unexpected view 'ad_hoc'")) << checked.output;
  EXPECT_TRUE(contains(checked.output, "missing trigger 'posts_count_edits'")) << checked.output;
  EXPECT_FALSE(contains(checked.output, "posts_fts_")) << checked.output;

  // The head schema prints them too.
  EXPECT_TRUE(contains(p.retort("schema").output, "CREATE VIEW post_list"));
  EXPECT_TRUE(contains(p.retort("schema --format json").output, "\"post_list\""));
  EXPECT_TRUE(contains(p.retort("schema --format dot").output, "post_list"));

  // A file of objects holds nothing else; a view over an unknown table does not run. Either
  // fails the build at its line, and nothing is written.
  const fs::path views = p.app() / "db" / "views.sql";
  const std::string good = testing::read_text(views);
  testing::write_text(views, good + "\nCREATE TABLE extra (a INTEGER);\n");
  built = p.build_app();
  EXPECT_NE(built.exit_code, 0);
  EXPECT_TRUE(contains(built.output, "views.sql:11:1: error: ")) << built.output;
  EXPECT_FALSE(fs::exists(p.versions() / "0003_draft.sql"));
  testing::write_text(views, good + "\nCREATE VIEW broken AS\n  SELECT * FROM nowhere;\n");
  built = p.build_app();
  EXPECT_NE(built.exit_code, 0);
  EXPECT_TRUE(contains(built.output, "views.sql:11:1: error: ")) << built.output;
  EXPECT_TRUE(contains(built.output, "no such table: main.nowhere")) << built.output;
  EXPECT_FALSE(fs::exists(p.versions() / "0003_draft.sql"));

  // Removing the view drops it; changing the FTS5 table is destructive.
  testing::write_text(views, good.substr(good.find("-- Counts")));
  const fs::path search = p.app() / "db" / "search.sql";
  const std::string fts = testing::read_text(search);
  testing::write_text(search, fts.substr(0, fts.find("content_rowid='id')")) +
                                  "content_rowid='id', prefix='2')" +
                                  fts.substr(fts.find("content_rowid='id')") + 19));
  built = p.build_app();
  ASSERT_EQ(built.exit_code, 0) << built.output;
  const std::string third = testing::read_text(p.versions() / "0003_draft.sql");
  EXPECT_TRUE(contains(third, "DROP VIEW post_list;")) << third;
  EXPECT_TRUE(contains(third, "-- +retort destructive: re-create virtual table \"posts_fts\""))
      << third;
  EXPECT_EQ(p.retort("migrate -m prefixes").exit_code, 1);
}

}  // namespace
}  // namespace retort
