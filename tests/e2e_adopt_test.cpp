// End to end, databases that shipped without Retort adopted by a consumer project: a fixture's
// schema, and calibre's library with the SQL functions its application registers.
#include "e2e_support.hpp"

namespace retort {
namespace {

using namespace e2e;  // NOLINT(google-build-using-namespace): the harness of every e2e test

// A database that shipped without Retort, made from `fixture` (tests/fixtures/adopt) as `name`
// in the project's directory.
fs::path shipped_database(const ConsumerProject& p, const std::string& fixture,
                          const std::string& name) {
  const fs::path db = p.app() / name;
  Database(db.string())
      .exec(testing::read_text(RETORT_TEST_DIR "/fixtures/adopt/" + fixture + ".sql"));
  return db;
}

// What sqlite_schema holds of `db` but the version table.
std::vector<std::string> schema_of(const fs::path& db) {
  return Database(db.string())
      .rows(
          "SELECT type || ' ' || name || ' ' || ifnull(sql, '') FROM sqlite_schema WHERE "
          "name <> 'retort_migrations' ORDER BY type, name");
}

// "table count" for each table of `db` but the version table.
std::vector<std::string> row_counts(const fs::path& db) {
  Database d(db.string());
  std::vector<std::string> counts;
  for (const std::string& t : d.tables()) {
    if (t != "retort_migrations")
      counts.push_back(t + " " + d.rows("SELECT count(*) FROM \"" + t + "\"")[0]);
  }
  return counts;
}

// A database that shipped without Retort, adopted as a user would: `retort init --from-db`, then
// the project is configured over the written header and objects file, and its first build writes
// no draft. The application started on a copy records the baseline and changes nothing else; a
// new column is generated, sealed and applied with every row kept.
TEST_F(PackageTest, AdoptedDatabaseBuildsWithoutADraftAndStartsUnchanged) {
  ProjectSetup setup = package();
  setup.project = "adopt";
  ConsumerProject p(setup, false);
  const fs::path original = shipped_database(p, "sakila", "shipped.db");
  const auto dump = schema_of;
  const auto rows = row_counts;
  const auto adopted = p.retort("init --from-db " + original.string() + " --models-out " +
                                (p.app() / "models" / "schema.hpp").string());
  ASSERT_EQ(adopted.exit_code, 0) << adopted.output;
  EXPECT_EQ(files_in(p.versions()), std::vector<std::string>{"0001_baseline.sql"});
  ASSERT_TRUE(fs::exists(p.app() / "models" / "schema.sql"));

  p.configure();
  auto built = p.build_app();
  ASSERT_EQ(built.exit_code, 0) << built.output;
  EXPECT_FALSE(contains(built.output, "wrote draft")) << built.output;
  EXPECT_EQ(files_in(p.versions()), std::vector<std::string>{"0001_baseline.sql"});
  EXPECT_EQ(p.retort("check").exit_code, 0);

  fs::copy_file(original, p.db());
  const auto schema_before = dump(original);
  const auto rows_before = rows(original);
  auto ran = p.run_app();
  ASSERT_EQ(ran.exit_code, 0) << ran.output;
  EXPECT_EQ(ran.output, "applied 0001\n");
  EXPECT_EQ(dump(p.db()), schema_before);
  EXPECT_EQ(rows(p.db()), rows_before);
  EXPECT_EQ(Database(p.db().string()).rows("SELECT revision FROM retort_migrations"),
            std::vector<std::string>{"0001"});
  const auto checked = p.retort("check --db " + p.db().string() + " 2>&1");
  EXPECT_EQ(checked.exit_code, 0) << checked.output;

  // The first generated revision: a new column on the adopted `actor`.
  const fs::path header = p.app() / "models" / "schema.hpp";
  std::string text = testing::read_text(header);
  const auto actor = text.find(" Actor {");
  ASSERT_NE(actor, std::string::npos) << text;
  text.insert(text.find("};", actor), "  std::optional<std::string> nickname;\n");
  testing::write_text(header, text);
  built = p.build_app();
  ASSERT_EQ(built.exit_code, 0) << built.output;
  EXPECT_TRUE(contains(built.output, "wrote draft revision 0002")) << built.output;
  ASSERT_EQ(p.retort("migrate -m nicknames").exit_code, 0);
  ASSERT_EQ(p.build_app().exit_code, 0);
  ran = p.run_app();
  ASSERT_EQ(ran.exit_code, 0) << ran.output;
  EXPECT_EQ(ran.output, "applied 0002\n");
  EXPECT_EQ(rows(p.db()), rows_before);
  EXPECT_EQ(Database(p.db().string()).rows("SELECT count(*) FROM actor WHERE nickname IS NULL"),
            Database(original.string()).rows("SELECT count(*) FROM actor"));

  // The upgraded database and a fresh one made by the revisions both have the head schema.
  const fs::path fresh = p.app() / "fresh.db";
  ASSERT_EQ(p.run_app_with(fresh.string()).exit_code, 0);
  for (const fs::path& db : {p.db(), fresh}) {
    const auto clean = p.retort("check --db " + db.string() + " 2>&1");
    EXPECT_EQ(clean.exit_code, 0) << db << clean.output;
  }
}

// calibre's library database, adopted through an installed package: the header declares the SQL
// functions its views and triggers call, and the application registers them. A change whose
// CHECK, index and view call title_sort() is refused by the CLI, which defines no function, and
// applied by the application with every row kept and calibre's triggers and views there again.
TEST_F(PackageTest, CalibreLibraryAdoptedChangedAndUpgradedByItsApplication) {
  ProjectSetup setup = package();
  setup.project = "calibre";
  ConsumerProject p(setup, false);
  const fs::path original = shipped_database(p, "calibre", "metadata.db");
  const fs::path header = p.app() / "models" / "schema.hpp";
  const auto adopted =
      p.retort("init --from-db " + original.string() + " --models-out " + header.string());
  ASSERT_EQ(adopted.exit_code, 0) << adopted.output;
  // title_sort, uuid4, sortconcat, books_list_filter and, before SQLite 3.44, concat.
  EXPECT_TRUE(contains(adopted.output, "SQL functions of the application, declared in the header"))
      << adopted.output;
  EXPECT_TRUE(contains(testing::read_text(header), "RETORT_SQL_FUNCTION(\"title_sort\", 1);"));
  p.configure();
  auto built = p.build_app();
  ASSERT_EQ(built.exit_code, 0) << built.output;
  EXPECT_FALSE(contains(built.output, "wrote draft")) << built.output;

  fs::copy_file(original, p.db());
  const auto rows_before = row_counts(original);
  auto ran = p.run_app();
  ASSERT_EQ(ran.exit_code, 0) << ran.output;
  EXPECT_EQ(ran.output, "adopted 0001\n");
  EXPECT_EQ(schema_of(p.db()), schema_of(original));

  // The change: a CHECK and an index over title_sort(title) on books (a rebuild), and a view.
  std::string text = testing::read_text(header);
  const std::string books = "RETORT_TABLE(\"books\")";
  ASSERT_NE(text.find(books), std::string::npos);
  text.replace(text.find(books), books.size(),
               books + " RETORT_CHECK(\"title_sort(title) <> ''\")" +
                   " RETORT_INDEX_ON(\"books_title_sort\", \"title_sort(title)\")");
  testing::write_text(header, text);
  std::ofstream(p.app() / "models" / "schema.sql", std::ios::app)
      << "\nCREATE VIEW books_by_sort AS SELECT id, title_sort(title) AS sort FROM books;\n";
  built = p.build_app();
  ASSERT_EQ(built.exit_code, 0) << built.output;
  EXPECT_TRUE(contains(built.output, "wrote draft revision 0002")) << built.output;
  ASSERT_EQ(p.retort("migrate -m \"sort titles\"").exit_code, 0);
  const std::string revision = testing::read_text(p.versions() / "0002_sort_titles.sql");
  EXPECT_TRUE(contains(revision, "-- +retort Up\n-- +retort function: title_sort/1\n")) << revision;
  ASSERT_EQ(p.build_app().exit_code, 0);

  const auto schema_before = schema_of(p.db());
  const auto refused = p.retort("upgrade --db " + p.db().string() + " 2>&1");
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_TRUE(contains(refused.output, "needs the SQL function 'title_sort' (1 argument)"))
      << refused.output;
  EXPECT_EQ(schema_of(p.db()), schema_before);

  ran = p.run_app();
  ASSERT_EQ(ran.exit_code, 0) << ran.output;
  EXPECT_EQ(ran.output, "applied 0002\n");
  EXPECT_EQ(row_counts(p.db()), rows_before);
  Database db(p.db().string());
  EXPECT_EQ(db.rows("SELECT count(*) FROM sqlite_schema WHERE type = 'trigger'"),
            Database(original.string())
                .rows("SELECT count(*) FROM sqlite_schema WHERE type = "
                      "'trigger'"));
  EXPECT_EQ(db.rows("SELECT name FROM pragma_index_list('books') WHERE name = 'books_title_sort'"),
            std::vector<std::string>{"books_title_sort"});
  const auto checked = p.retort("check --db " + p.db().string() + " 2>&1");
  EXPECT_EQ(checked.exit_code, 0) << checked.output;
}

}  // namespace
}  // namespace retort
