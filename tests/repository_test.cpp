// The migration repository on disk: loading, atomic writes, slugs, sealing.
#include "repository.hpp"

#include <gtest/gtest.h>

#include "repository_support.hpp"
#include "retort/error.hpp"
#include "test_support.hpp"

namespace retort {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

TEST(RepositoryTest, MissingVersionsDirectoryIsAnErrorThatSaysWhatToDo) {
  TempDir tmp;
  try {
    load_repository(tmp.path() / "nowhere");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("run 'retort init'"), std::string::npos) << e.what();
  }
}

TEST(RepositoryTest, WritesOnlyWhenTheContentChangesAndLeavesNoTemporaryFile) {
  TempDir tmp;
  const fs::path file = tmp.path() / "f.sql";
  EXPECT_TRUE(write_file_if_changed(file, "a"));
  const auto written_at = fs::last_write_time(file);
  EXPECT_FALSE(write_file_if_changed(file, "a"));
  EXPECT_EQ(fs::last_write_time(file), written_at);
  EXPECT_TRUE(write_file_if_changed(file, "b"));
  EXPECT_EQ(read_file(file), "b");
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(tmp.path())) ++entries;
  EXPECT_EQ(entries, 1u);
}

TEST(RepositoryTest, SlugsAreLowercaseWordsAndNeverDraft) {
  EXPECT_EQ(slugify("Add users table!"), "add_users_table");
  EXPECT_EQ(slugify("draft"), "revision");
  EXPECT_EQ(slugify("ünïcode"), "n_code");
  EXPECT_EQ(slugify(std::string(60, 'a')).size(), 40u);
}

TEST(RepositoryTest, SealingRenamesTheDraftKeepsItsSqlAndNextIdFollows) {
  TempDir tmp;
  init_repository(tmp.path());
  const Repository empty = load_repository(tmp.path());
  EXPECT_EQ(empty.next_id(), "0001");
  testing::seal(tmp.path(), testing::parent_child(), "First one");
  const Repository repo = load_repository(tmp.path());
  ASSERT_EQ(repo.revisions.size(), 1u);
  EXPECT_EQ(repo.revisions[0].file_name, "0001_first_one.sql");
  EXPECT_EQ(repo.revisions[0].message, "First one");
  EXPECT_EQ(repo.draft(), nullptr);
  EXPECT_EQ(repo.next_id(), "0002");
  EXPECT_EQ(repo.sealed_schema(), testing::parent_child());
}

}  // namespace
}  // namespace retort
