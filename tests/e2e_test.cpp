// End to end: a consumer project built with CMake and Ninja, its revisions sealed and applied.
#include <gtest/gtest.h>

#include "test_support.hpp"

namespace retort {
namespace {

namespace fs = std::filesystem;
using testing::Database;
using testing::run;

class ConsumerProject {
 public:
  ConsumerProject() {
    fs::copy(RETORT_TEST_DIR "/e2e/consumer", app(), fs::copy_options::recursive);
    const auto configure =
        run(cmake() + " -S " + app().string() + " -B " + build().string() +
            " -G Ninja -DCMAKE_BUILD_TYPE=Release -DRETORT_SOURCE_DIR=" + RETORT_SOURCE_DIR);
    EXPECT_EQ(configure.exit_code, 0) << configure.output;
  }
  fs::path app() const { return tmp_.path() / "app"; }
  fs::path build() const { return tmp_.path() / "build"; }
  fs::path versions() const { return app() / "migrations" / "versions"; }
  fs::path db() const { return tmp_.path() / "app.db"; }

  testing::CommandResult build_app() const {
    return run(cmake() + " --build " + build().string() + " -j 2");
  }
  testing::CommandResult retort(const std::string& args) const {
    return run((build() / "retort" / "tool" / "retort").string() + " " + args + " --dir " +
               (app() / "migrations").string());
  }
  testing::CommandResult run_app() const {
    return run((build() / "app").string() + " " + db().string());
  }

 private:
  static std::string cmake() { return RETORT_CMAKE_COMMAND; }
  testing::TempDir tmp_;
};

std::vector<std::string> files_in(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

TEST(EndToEndTest, BuildSealUpgradeChangeAndDowngrade) {
  ConsumerProject p;
  auto built = p.build_app();
  ASSERT_EQ(built.exit_code, 0) << built.output;
  EXPECT_NE(built.output.find("wrote draft revision 0001"), std::string::npos) << built.output;
  EXPECT_EQ(files_in(p.versions()), std::vector<std::string>{"0001_draft.sql"});

  // A second build with no change runs no Retort step.
  built = p.build_app();
  EXPECT_EQ(built.exit_code, 0);
  EXPECT_EQ(built.output.find("Retort"), std::string::npos) << built.output;
  EXPECT_NE(built.output.find("no work to do"), std::string::npos) << built.output;

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
    Database db(p.db().string());
    EXPECT_EQ(db.tables(), (std::vector<std::string>{"retort_migrations", "users"}));
    EXPECT_EQ(db.rows("SELECT name, type, \"notnull\", pk FROM pragma_table_xinfo('users')"),
              (std::vector<std::string>{"id|INTEGER|1|1", "username|VARCHAR(64)|1|0",
                                        "email|TEXT|0|0", "password_hash|TEXT|0|0"}));
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
  EXPECT_NE(built.output.find("wrote draft revision 0002"), std::string::npos) << built.output;
  EXPECT_EQ(files_in(p.versions()),
            (std::vector<std::string>{"0001_users_table.sql", "0002_draft.sql"}));
  EXPECT_NE(testing::read_text(p.versions() / "0002_draft.sql").find("REFERENCES \"users\""),
            std::string::npos);
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

TEST(EndToEndTest, BadModelFailsTheBuildAtItsLineAndWritesNothing) {
  ConsumerProject p;
  std::ofstream(p.app() / "models" / "shop.hpp", std::ios::app)
      << "struct RETORT_TABLE(\"bad\") Bad { RETORT_PRIMARY_KEY long id; void* pointer; };\n";
  const auto built = p.build_app();
  EXPECT_NE(built.exit_code, 0);
  EXPECT_NE(
      built.output.find("shop.hpp:13:68: error: column 'pointer' has unsupported type 'void *'"),
      std::string::npos)
      << built.output;
  EXPECT_FALSE(fs::exists(p.app() / "migrations"));
}

}  // namespace
}  // namespace retort
