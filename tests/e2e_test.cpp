// End to end: consumer projects built with CMake in temporary directories, getting Retort each
// of the three ways (add_subdirectory, FetchContent, an installed package), with Ninja and with
// Unix Makefiles; their revisions sealed and applied, their builds' incrementality asserted.
#include "e2e_support.hpp"

namespace retort {
namespace {

using namespace e2e;  // NOLINT(google-build-using-namespace): the harness of every e2e test

// Build, seal, apply; change the models, apply; downgrade to base with the CLI.
void seal_upgrade_change_downgrade(const ConsumerProject& p) {
  auto built = p.build_app();
  ASSERT_EQ(built.exit_code, 0) << built.output;
  EXPECT_TRUE(contains(built.output, "wrote draft revision 0001")) << built.output;
  EXPECT_EQ(files_in(p.versions()), std::vector<std::string>{"0001_draft.sql"});

  const auto sealed = p.retort("migrate -m \"users table\"");
  ASSERT_EQ(sealed.exit_code, 0) << sealed.output;
  EXPECT_EQ(files_in(p.versions()), std::vector<std::string>{"0001_users_table.sql"});
  built = p.build_app();  // re-embeds the sealed file
  ASSERT_EQ(built.exit_code, 0) << built.output;
  EXPECT_EQ(files_in(p.versions()), std::vector<std::string>{"0001_users_table.sql"});

  auto ran = p.run_app();
  ASSERT_EQ(ran.exit_code, 0) << ran.output;
  EXPECT_EQ(ran.output, "applied 0001\ncurrent 0001\n");
  {
    // `version` from the mixin found through target_include_directories; `nickname` behind
    // the target's compile definition.
    Database db(p.db().string());
    EXPECT_EQ(db.tables(), (std::vector<std::string>{"retort_migrations", "users"}));
    EXPECT_EQ(db.rows("SELECT name, type, \"notnull\", pk FROM pragma_table_xinfo('users')"),
              (std::vector<std::string>{"version|INTEGER|1|0", "id|INTEGER|1|1",
                                        "username|VARCHAR(64)|1|0", "email|TEXT|0|0",
                                        "nickname|TEXT|0|0"}));
    EXPECT_EQ(db.rows("SELECT name, \"unique\" FROM pragma_index_list('users') ORDER BY name"),
              (std::vector<std::string>{"ix_users_email|1", "ix_users_username|1"}));
    EXPECT_EQ(db.rows("SELECT revision, draft FROM retort_migrations"),
              std::vector<std::string>{"0001|0"});
  }

  // Add a table with a foreign key: the next build writes draft 0002, the app applies it.
  std::ofstream(p.app() / "models" / "shop.hpp", std::ios::app)
      << "struct RETORT_TABLE(\"orders\") Order {\n"
         "  RETORT_PRIMARY_KEY std::int64_t id;\n"
         "  RETORT_REFERENCES(\"users\", \"id\") RETORT_ON_DELETE(\"CASCADE\") std::int64_t "
         "user_id;\n"
         "  RETORT_DEFAULT(\"0\") double total;\n"
         "};\n";
  built = p.build_app();
  ASSERT_EQ(built.exit_code, 0) << built.output;
  EXPECT_TRUE(contains(built.output, "wrote draft revision 0002")) << built.output;
  EXPECT_EQ(files_in(p.versions()),
            (std::vector<std::string>{"0001_users_table.sql", "0002_draft.sql"}));
  ran = p.run_app();
  ASSERT_EQ(ran.exit_code, 0) << ran.output;
  EXPECT_EQ(ran.output, "applied 0002\ncurrent 0002\n");
  {
    Database db(p.db().string());
    EXPECT_EQ(
        db.rows(
            "SELECT \"table\", \"from\", \"to\", on_delete FROM pragma_foreign_key_list('orders')"),
        std::vector<std::string>{"users|user_id|id|CASCADE"});
    EXPECT_EQ(db.rows("SELECT revision, draft FROM retort_migrations ORDER BY revision"),
              (std::vector<std::string>{"0001|0", "0002|1"}));
  }

  const auto down = p.retort("downgrade base --db " + p.db().string());
  ASSERT_EQ(down.exit_code, 0) << down.output;
  Database db(p.db().string());
  EXPECT_EQ(db.tables(), std::vector<std::string>{"retort_migrations"});
  EXPECT_TRUE(db.rows("SELECT * FROM retort_migrations").empty());
}

// What each kind of edit makes the build do, read from the build's own log.
void builds_only_what_changed(const ConsumerProject& p) {
  auto built = p.build_app();
  ASSERT_EQ(built.exit_code, 0) << built.output;
  EXPECT_EQ(count(built.output, kScan), 1u) << built.output;  // once, also with Make
  const fs::path draft = p.versions() / "0001_draft.sql";
  const auto drafted_at = fs::last_write_time(draft);

  built = p.build_app();  // no-op: no Retort step, nothing compiled or linked
  ASSERT_EQ(built.exit_code, 0) << built.output;
  EXPECT_FALSE(contains(built.output, kScan)) << built.output;
  EXPECT_FALSE(contains(built.output, "Linking")) << built.output;

  touch(p.app() / "main.cpp");  // the app's own source: compiled, not rescanned
  built = p.build_app();
  ASSERT_EQ(built.exit_code, 0) << built.output;
  EXPECT_FALSE(contains(built.output, kScan)) << built.output;
  EXPECT_TRUE(contains(built.output, "main.cpp.o")) << built.output;

  touch(p.app() / "include" / "shop" / "audit.hpp");  // a header a model includes: rescanned,
  built = p.build_app();                              // same result: nothing rewritten
  ASSERT_EQ(built.exit_code, 0) << built.output;
  EXPECT_TRUE(contains(built.output, kScan)) << built.output;
  EXPECT_FALSE(contains(built.output, kEmbedCompile)) << built.output;
  EXPECT_FALSE(contains(built.output, "Linking")) << built.output;
  EXPECT_EQ(fs::last_write_time(draft), drafted_at);

  touch(p.app() / "models" / "shop.hpp");  // the model itself: rescanned
  built = p.build_app();
  ASSERT_EQ(built.exit_code, 0) << built.output;
  EXPECT_TRUE(contains(built.output, kScan)) << built.output;
  EXPECT_FALSE(contains(built.output, kEmbedCompile)) << built.output;

  // Sealed with the CLI: the revision files change, so the build re-embeds them.
  ASSERT_EQ(p.retort("migrate -m \"first\"").exit_code, 0);
  built = p.build_app();
  ASSERT_EQ(built.exit_code, 0) << built.output;
  EXPECT_TRUE(contains(built.output, kEmbedCompile)) << built.output;

  // A data migration written by hand (or pulled from a teammate): re-embedded, then applied.
  testing::write_text(p.versions() / "0002_seed_admin.sql",
                      "-- +retort parent: 0001\n\n-- +retort Up\nINSERT INTO users (id, username) "
                      "VALUES (1, 'admin');\n\n-- +retort Down\nDELETE FROM users WHERE id = 1;\n");
  built = p.build_app();
  ASSERT_EQ(built.exit_code, 0) << built.output;
  EXPECT_TRUE(contains(built.output, kEmbedCompile)) << built.output;
  EXPECT_FALSE(fs::exists(p.versions() / "0003_draft.sql"));  // a data migration: no draft
  const auto ran = p.run_app();
  ASSERT_EQ(ran.exit_code, 0) << ran.output;
  EXPECT_EQ(ran.output, "applied 0001\napplied 0002\ncurrent 0002\n");
  EXPECT_EQ(Database(p.db().string()).rows("SELECT username FROM users"),
            std::vector<std::string>{"admin"});

  // Edited by hand before it was applied anywhere else: re-embedded too.
  touch(p.versions() / "0002_seed_admin.sql");
  built = p.build_app();
  ASSERT_EQ(built.exit_code, 0) << built.output;
  EXPECT_TRUE(contains(built.output, kScan)) << built.output;
}

// Every file the depfile names exists: a path that does not re-runs the scan at every build.
void expect_depfile_names_existing_files(const ConsumerProject& p) {
  const std::string depfile = testing::read_text(p.build() / "retort" / "app" / "scan.d");
  std::istringstream words(depfile);
  std::size_t checked = 0;
  for (std::string word; words >> word;) {
    if (word == "\\" || word.back() == ':') continue;
    EXPECT_TRUE(fs::exists(word)) << word << " in\n" << depfile;
    ++checked;
  }
  EXPECT_GT(checked, 10u) << depfile;  // the standard headers of types.hpp are among them
  EXPECT_TRUE(contains(depfile, "/models/types.hpp")) << depfile;
}

// A build with nothing changed runs no Retort step, compiles and links nothing.
void expect_no_op(const ConsumerProject& p, const std::string& after) {
  const auto built = p.build_app();
  ASSERT_EQ(built.exit_code, 0) << built.output;
  EXPECT_FALSE(contains(built.output, kScan)) << after << ":\n" << built.output;
  EXPECT_FALSE(contains(built.output, "Building")) << after << ":\n" << built.output;
  EXPECT_FALSE(contains(built.output, "Linking")) << after << ":\n" << built.output;
}

// The shape users have: a model that includes a project header which includes standard
// headers, a package from find_package. Build, build; seal, build, build; a revision renamed
// (as a rebase does), build, build: each second build does nothing.
void no_op_after_seal_and_rename(const ConsumerProject& p) {
  // Every file of the project (the models and the project headers they include) last changed
  // an hour ago, as most are: the step keeps its scan's memo whatever the machine's speed.
  const auto an_hour_ago = fs::file_time_type::clock::now() - std::chrono::hours(1);
  for (const auto& file : fs::recursive_directory_iterator(p.app())) {
    if (file.is_regular_file()) fs::last_write_time(file.path(), an_hour_ago);
  }
  auto built = p.build_app();
  ASSERT_EQ(built.exit_code, 0) << built.output;
  expect_depfile_names_existing_files(p);
  expect_no_op(p, "the first build");

  ASSERT_EQ(p.retort("migrate -m first").exit_code, 0);
  built = p.build_app();
  ASSERT_EQ(built.exit_code, 0) << built.output;
  EXPECT_TRUE(contains(built.output, kEmbedCompile)) << built.output;
  expect_no_op(p, "sealing");

  fs::rename(p.versions() / "0001_first.sql", p.versions() / "0001_renamed.sql");
  built = p.build_app();
  ASSERT_EQ(built.exit_code, 0) << built.output;
  EXPECT_TRUE(contains(built.output, kScan)) << built.output;
  expect_no_op(p, "a renamed revision");
  expect_depfile_names_existing_files(p);
  const auto ran = p.run_app();
  ASSERT_EQ(ran.exit_code, 0) << ran.output;
  EXPECT_EQ(ran.output, "applied 0001\ncurrent 0001\n");

  // Those builds recalled the scan from its memo; a project header the model includes (the
  // mixin, found through the target's include directories) then changes: the step scans again
  // and drafts the change.
  std::size_t memos = 0;
  for (const auto& f : fs::directory_iterator(p.build() / "retort" / "pch")) {
    memos += f.path().filename().string().rfind("scan-", 0) == 0;
  }
  EXPECT_EQ(memos, 1u);
  const fs::path mixin = p.app() / "include" / "shop" / "audit.hpp";
  std::string text = testing::read_text(mixin);
  text.replace(text.find("};"), 2, "  RETORT_DEFAULT(\"0\") std::int64_t created_at;\n};");
  testing::write_text(mixin, text);
  built = p.build_app();
  ASSERT_EQ(built.exit_code, 0) << built.output;
  EXPECT_TRUE(contains(built.output, "wrote draft revision 0002")) << built.output;
  EXPECT_TRUE(contains(testing::read_text(p.versions() / "0002_draft.sql"), "created_at"));
  expect_no_op(p, "a changed project header");
}

TEST(EndToEndTest, AddSubdirectoryWithNinja) {
  ConsumerProject p({});
  seal_upgrade_change_downgrade(p);
}

TEST(EndToEndTest, FetchContentWithMakefiles) {
  ConsumerProject p({"fetchcontent", "Unix Makefiles"});
  auto built = p.build_app();
  ASSERT_EQ(built.exit_code, 0) << built.output;
  EXPECT_EQ(count(built.output, kScan), 1u) << built.output;
  EXPECT_TRUE(contains(built.output, "wrote draft revision 0001")) << built.output;
  built = p.build_app();
  ASSERT_EQ(built.exit_code, 0) << built.output;
  EXPECT_FALSE(contains(built.output, kScan)) << built.output;
  const auto ran = p.run_app();
  ASSERT_EQ(ran.exit_code, 0) << ran.output;
  EXPECT_EQ(ran.output, "applied 0001\ncurrent 0001\n");
  EXPECT_EQ(p.retort("heads").output, "0001\n");
}

TEST(ConfigureTest, MissingLibclangNamesTheDebianPackage) {
  testing::TempDir tmp;
  const auto configured = run(
      cmake() + " -S " + RETORT_SOURCE_DIR + " -B " + (tmp.path() / "build").string() +
      " -G Ninja -DRETORT_BUILD_TESTS=OFF -DRETORT_BUILD_EXAMPLES=OFF -DRETORT_LLVM_VERSION=99");
  EXPECT_NE(configured.exit_code, 0);
  EXPECT_TRUE(contains(configured.output, "libclang 99 was not found")) << configured.output;
  EXPECT_TRUE(contains(configured.output, "libclang-99-dev")) << configured.output;
}

TEST_F(PackageTest, FindPackageWithNinja) {
  seal_upgrade_change_downgrade(ConsumerProject(package()));
}

TEST_F(PackageTest, InstallsThePublicHeadersAlone) {
  const fs::path include = installed_.prefix() / "include" / "retort";
  for (const char* header :
       {"annotations.hpp", "error.hpp", "progress.hpp", "revision.hpp", "runtime.hpp"}) {
    EXPECT_TRUE(fs::exists(include / header)) << header;
  }
  EXPECT_FALSE(fs::exists(include / "detail"));
}

TEST_F(PackageTest, IncrementalWithNinja) { builds_only_what_changed(ConsumerProject(package())); }

TEST_F(PackageTest, IncrementalWithMakefiles) {
  builds_only_what_changed(ConsumerProject(package("Unix Makefiles")));
}

TEST_F(PackageTest, NoOpAfterSealAndRenameWithNinja) {
  no_op_after_seal_and_rename(ConsumerProject(package()));
}

TEST_F(PackageTest, NoOpAfterSealAndRenameWithMakefiles) {
  no_op_after_seal_and_rename(ConsumerProject(package("Unix Makefiles")));
}

TEST(BuildTreePackageTest, FindPackageFromRetortsBuildDirectory) {
  ConsumerProject p({"package", "Ninja", RETORT_BINARY_DIR});
  const auto built = p.build_app();
  ASSERT_EQ(built.exit_code, 0) << built.output;
  EXPECT_TRUE(contains(built.output, "wrote draft revision 0001")) << built.output;
  const auto ran = p.run_app();
  ASSERT_EQ(ran.exit_code, 0) << ran.output;
  EXPECT_EQ(ran.output, "applied 0001\ncurrent 0001\n");
}

TEST_F(PackageTest, AppBuiltWithClang) {
  ProjectSetup setup = package();
  setup.extra = "-DCMAKE_CXX_COMPILER=clang++";
  ConsumerProject p(setup);
  const auto built = p.build_app();
  ASSERT_EQ(built.exit_code, 0) << built.output;
  const auto ran = p.run_app();
  ASSERT_EQ(ran.exit_code, 0) << ran.output;
  EXPECT_EQ(ran.output, "applied 0001\ncurrent 0001\n");
}

TEST_F(PackageTest, CheckFailsWhileModelsNeedARevisionAndPassesOnceSealed) {
  ConsumerProject p(package());
  p.configure("-DAPP_CHECK=ON");
  auto built = p.build_app();
  EXPECT_NE(built.exit_code, 0) << built.output;
  EXPECT_TRUE(contains(built.output, "the models differ from the last sealed revision"))
      << built.output;
  EXPECT_FALSE(fs::exists(p.app() / "migrations"));

  p.configure("-DAPP_CHECK=OFF");
  ASSERT_EQ(p.build_app().exit_code, 0);  // writes the draft
  p.configure("-DAPP_CHECK=ON");
  built = p.build_app();
  EXPECT_NE(built.exit_code, 0) << built.output;
  EXPECT_TRUE(contains(built.output, "a draft revision exists: 0001_draft.sql")) << built.output;
  ASSERT_EQ(p.retort("migrate -m first").exit_code, 0);
  p.configure("-DAPP_CHECK=ON");
  built = p.build_app();
  EXPECT_EQ(built.exit_code, 0) << built.output;

  std::ofstream(p.app() / "models" / "shop.hpp", std::ios::app)
      << "struct RETORT_TABLE(\"tags\") Tag { RETORT_PRIMARY_KEY std::int64_t id; };\n";
  built = p.build_app();
  EXPECT_NE(built.exit_code, 0) << built.output;
  EXPECT_EQ(files_in(p.versions()), std::vector<std::string>{"0001_first.sql"});
}

TEST_F(PackageTest, BadModelFailsTheBuildAtItsLineAndWritesNothing) {
  ConsumerProject p(package());
  std::ofstream(p.app() / "models" / "shop.hpp", std::ios::app)
      << "struct RETORT_TABLE(\"bad\") Bad { RETORT_PRIMARY_KEY long id; void* pointer; };\n";
  const auto built = p.build_app();
  EXPECT_NE(built.exit_code, 0);
  EXPECT_TRUE(contains(built.output,
                       "models/shop.hpp:16:68: error: column 'pointer' has unsupported type "
                       "'void *'"))
      << built.output;
  EXPECT_FALSE(fs::exists(p.app() / "migrations"));
}

TEST_F(PackageTest, TwoTargetsEachWithItsOwnRepository) {
  ProjectSetup setup = package();
  setup.project = "multi";
  ConsumerProject p(setup);
  const auto built = p.build_app();
  ASSERT_EQ(built.exit_code, 0) << built.output;
  const std::string shop = testing::read_text(p.app() / "shop_migrations/versions/0001_draft.sql");
  EXPECT_TRUE(contains(shop, "CREATE TABLE customers")) << shop;
  EXPECT_TRUE(contains(shop, "CREATE TABLE invoices")) << shop;
  EXPECT_FALSE(contains(shop, "operators")) << shop;
  const auto ran = p.run_app("admin");
  ASSERT_EQ(ran.exit_code, 0) << ran.output;
  EXPECT_EQ(Database(p.db().string()).tables(),
            (std::vector<std::string>{"operators", "retort_migrations"}));
}

}  // namespace
}  // namespace retort
