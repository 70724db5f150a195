// End to end: consumer projects built with CMake in temporary directories, getting Retort each
// of the three ways (add_subdirectory, FetchContent, an installed package), with Ninja and with
// Unix Makefiles; their revisions sealed and applied, their builds' incrementality asserted.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <sstream>
#include <thread>

#include "test_support.hpp"

namespace retort {
namespace {

namespace fs = std::filesystem;
using testing::Database;
using testing::run;

std::string cmake() { return RETORT_CMAKE_COMMAND; }

// Retort installed from this build into a fresh prefix, then moved: the package is relocatable.
class InstalledRetort {
 public:
  InstalledRetort() {
    const auto installed = run(cmake() + " --install " + std::string(RETORT_BINARY_DIR) +
                               " --prefix " + (tmp_.path() / "first").string());
    EXPECT_EQ(installed.exit_code, 0) << installed.output;
    fs::rename(tmp_.path() / "first", prefix());
  }
  fs::path prefix() const { return tmp_.path() / "moved"; }

 private:
  testing::TempDir tmp_;
};

struct ProjectSetup {
  std::string via = "subdirectory";  ///< subdirectory, fetchcontent or package
  std::string generator = "Ninja";
  std::string prefix = "";           ///< the installed package, for "package"
  std::string extra = "";            ///< more -D options
  std::string project = "consumer";  ///< the directory under tests/e2e
};

class ConsumerProject {
 public:
  /// Copied from tests/e2e and configured, unless the test has work to do first.
  explicit ConsumerProject(ProjectSetup setup, bool configure_now = true)
      : setup_(std::move(setup)) {
    fs::copy(RETORT_TEST_DIR "/e2e/" + setup_.project, app(), fs::copy_options::recursive);
    if (!fs::exists(app() / "main.cpp")) {
      fs::copy_file(RETORT_TEST_DIR "/e2e/upgrade_main.cpp", app() / "main.cpp");
    }
    if (configure_now) configure();
  }
  void configure(const std::string& more = "") const {
    const auto configured =
        run(cmake() + " -S " + app().string() + " -B " + build().string() + " -G \"" +
            setup_.generator + "\" -DCMAKE_BUILD_TYPE=Release -DRETORT_SOURCE_DIR=" +
            RETORT_SOURCE_DIR + " -DRETORT_VIA=" + setup_.via +
            (setup_.prefix.empty() ? "" : " -DCMAKE_PREFIX_PATH=" + setup_.prefix) + " " +
            setup_.extra + " " + more);
    ASSERT_EQ(configured.exit_code, 0) << configured.output;
  }
  fs::path app() const { return tmp_.path() / "app"; }
  fs::path build() const { return tmp_.path() / "build"; }
  fs::path versions() const { return app() / "migrations" / "versions"; }
  fs::path db() const { return tmp_.path() / "app.db"; }

  testing::CommandResult build_app() const {
    return run(cmake() + " --build " + build().string() + " -j 2");
  }
  testing::CommandResult retort(const std::string& args) const {
    const fs::path tool = setup_.via == "package" ? fs::path(setup_.prefix) / "bin" / "retort"
                          : setup_.via == "fetchcontent"
                              ? build() / "_deps" / "retort-build" / "tool" / "retort"
                              : build() / "retort" / "tool" / "retort";
    return run(tool.string() + " " + args + " --dir " + (app() / "migrations").string());
  }
  testing::CommandResult run_app(const std::string& name = "app") const {
    return run((build() / name).string() + " " + db().string());
  }
  /// The target `app` with these arguments (a shell's words).
  testing::CommandResult run_app_with(const std::string& args) const {
    return run((build() / "app").string() + " " + args);
  }

 private:
  ProjectSetup setup_;
  testing::TempDir tmp_;
};

std::vector<std::string> files_in(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::size_t count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

// A newer modification time, later than anything built so far (file systems with coarse
// timestamps included).
void touch(const fs::path& file) {
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  fs::last_write_time(file, fs::file_time_type::clock::now());
}

constexpr const char* kScan = "Retort: scanning";
constexpr const char* kEmbedCompile = "revisions.cpp.o";

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

class PackageTest : public ::testing::Test {
 protected:
  ProjectSetup package(const std::string& generator = "Ninja") const {
    return {"package", generator, installed_.prefix().string()};
  }
  InstalledRetort installed_;
};

TEST_F(PackageTest, FindPackageWithNinja) {
  seal_upgrade_change_downgrade(ConsumerProject(package()));
}

TEST_F(PackageTest, InstallsThePublicHeadersAlone) {
  const fs::path include = installed_.prefix() / "include" / "retort";
  for (const char* header : {"annotations.hpp", "error.hpp", "progress.hpp", "revision.hpp",
                             "runtime.hpp"}) {
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

// Two branches of a team's git repository each seal a revision; merged, the build fails naming
// both files and `retort rebase`; rebased, the build writes no draft, the database at the other
// branch's head upgrades, and a developer's database from the moved branch is refused at
// start-up until `retort downgrade` takes it back.
TEST_F(PackageTest, BranchesMergedThenRebasedBuildAndStart) {
  ProjectSetup setup = package();
  setup.project = "team";
  ConsumerProject p(setup);
  const auto git = [&p](const std::string& args) {
    const auto ran = run("cd " + p.app().string() + " && git " + args + " 2>&1");
    EXPECT_EQ(ran.exit_code, 0) << "git " << args << ": " << ran.output;
  };
  const auto add_member = [&p](const std::string& header, const std::string& member) {
    const fs::path file = p.app() / "models" / header;
    std::string text = testing::read_text(file);
    text.insert(text.rfind("};"), "  " + member + "\n");
    testing::write_text(file, text);
  };
  const auto build_and_seal = [&p](const std::string& message) {
    auto built = p.build_app();
    ASSERT_EQ(built.exit_code, 0) << built.output;
    ASSERT_EQ(p.retort("migrate -m \"" + message + "\"").exit_code, 0);
    built = p.build_app();
    ASSERT_EQ(built.exit_code, 0) << built.output;
  };
  git("init -q -b main && git config user.email team@example.com && git config user.name Team");
  build_and_seal("users and posts");
  git("add -A && git commit -qm start");

  git("checkout -q -b a");
  add_member("users.hpp", "std::optional<std::string> email;");
  build_and_seal("add email");
  git("add -A && git commit -qm email");
  const fs::path a_db = p.app().parent_path() / "a.db";  // outside the git tree
  EXPECT_EQ(p.run_app_with(a_db.string()).output, "applied 0001\napplied 0002\n");

  git("checkout -q main && git checkout -q -b b");
  add_member("posts.hpp", "std::optional<std::string> title;");
  build_and_seal("post titles");
  git("add -A && git commit -qm titles");
  const fs::path dev_db = p.app().parent_path() / "dev.db";
  EXPECT_EQ(p.run_app_with(dev_db.string()).output, "applied 0001\napplied 0002\n");

  git("checkout -q a && git merge -q --no-edit b");
  auto built = p.build_app();
  EXPECT_NE(built.exit_code, 0);
  EXPECT_TRUE(contains(built.output, "'0002_add_email.sql'")) << built.output;
  EXPECT_TRUE(contains(built.output, "'retort rebase 0002_post_titles'")) << built.output;
  EXPECT_EQ(p.retort("check").exit_code, 1);

  const auto rebased = p.retort("rebase 0002_post_titles");
  ASSERT_EQ(rebased.exit_code, 0) << rebased.output;
  EXPECT_EQ(files_in(p.versions()),
            (std::vector<std::string>{"0001_users_and_posts.sql", "0002_add_email.sql",
                                      "0003_post_titles.sql"}));
  built = p.build_app();
  ASSERT_EQ(built.exit_code, 0) << built.output;
  EXPECT_FALSE(contains(built.output, "wrote draft")) << built.output;
  EXPECT_EQ(p.retort("check").exit_code, 0);
  git("add -A && git commit -qm 'rebased b behind a'");

  EXPECT_EQ(p.run_app_with(a_db.string()).output, "applied 0003\n");
  EXPECT_EQ(p.retort("check --db " + a_db.string()).exit_code, 0);
  const auto refused = p.run_app_with(dev_db.string() + " 2>&1");
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_TRUE(contains(refused.output, "renumbered it as '0003'")) << refused.output;
  const auto back = p.retort("downgrade 0001 --db " + dev_db.string());
  ASSERT_EQ(back.exit_code, 0) << back.output;
  EXPECT_EQ(p.run_app_with(dev_db.string()).output, "applied 0002\napplied 0003\n");
  EXPECT_EQ(p.retort("check --db " + dev_db.string()).exit_code, 0);
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
