// End to end, two branches of a team's repository each sealing a revision: merged, rebased,
// built and started.
#include "e2e_support.hpp"

namespace retort {
namespace {

using namespace e2e;  // NOLINT(google-build-using-namespace): the harness of every e2e test

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

}  // namespace
}  // namespace retort
