// The offline `--sql` scripts (offline.cpp): what they hold, and that the sqlite3 shell's run of
// them leaves a database as upgrade() and downgrade() do.
#include <gtest/gtest.h>

#include "retort/error.hpp"
#include "retort/runtime.hpp"
#include "revision_support.hpp"
#include "test_support.hpp"

namespace retort {
namespace {

using testing::Database;
using testing::revision;
using testing::two_revisions;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::vector<std::string> applied_rows(const Database& db) {
  return db.rows("SELECT revision, checksum, draft FROM retort_migrations ORDER BY revision");
}

TEST(OfflineTest, UpgradeScriptLeavesTheDatabaseAsUpgradeDoes) {
  Database by_runtime;
  Database by_script;
  upgrade(by_runtime.get(), two_revisions());
  const std::string script = upgrade_sql(two_revisions(), std::nullopt, "head");
  by_script.exec(script);
  EXPECT_EQ(by_script.tables(), by_runtime.tables());
  EXPECT_EQ(applied_rows(by_script), applied_rows(by_runtime));
  EXPECT_EQ(current(by_script.get()), "0002");
}

TEST(OfflineTest, EachRevisionIsOneTransactionInOrder) {
  const std::string script = upgrade_sql(two_revisions(), std::nullopt, "head");
  EXPECT_EQ(script.rfind("CREATE TABLE IF NOT EXISTS retort_migrations", 0), 0u) << script;
  const std::size_t first = script.find("-- upgrade to 0001\nBEGIN IMMEDIATE;\nCREATE TABLE users");
  const std::size_t second =
      script.find("-- upgrade to 0002\nBEGIN IMMEDIATE;\nCREATE TABLE posts");
  ASSERT_NE(first, std::string::npos) << script;
  ASSERT_NE(second, std::string::npos) << script;
  EXPECT_LT(first, second);
  EXPECT_NE(script.find("COMMIT;\n", first), std::string::npos);
  EXPECT_EQ(script.back(), '\n');
}

TEST(OfflineTest, FromARevisionRunsOnlyWhatFollowsIt) {
  const std::string script = upgrade_sql(two_revisions(), "0001", "head");
  EXPECT_FALSE(contains(script, "upgrade to 0001")) << script;
  EXPECT_TRUE(contains(script, "upgrade to 0002")) << script;
  EXPECT_TRUE(upgrade_sql(two_revisions(), "0002", "head").find("upgrade to") == std::string::npos);
}

TEST(OfflineTest, DowngradeScriptRunsDownSectionsAndRemovesRows) {
  Database db;
  upgrade(db.get(), two_revisions());
  const std::string script = downgrade_sql(two_revisions(), "0002", "base");
  EXPECT_LT(script.find("-- revert 0002"), script.find("-- revert 0001")) << script;
  EXPECT_TRUE(contains(script, "DROP TABLE posts;")) << script;
  db.exec(script);
  EXPECT_EQ(db.tables(), std::vector<std::string>{"retort_migrations"});
  EXPECT_TRUE(applied_rows(db).empty());
  EXPECT_EQ(current(db.get()), std::nullopt);
}

TEST(OfflineTest, ForeignKeysOffRevisionIsCheckedAndSwitchedBackOn) {
  std::vector<Revision> revisions = two_revisions();
  revisions[1].foreign_keys_off = true;
  const std::string script = upgrade_sql(revisions, "0001", "head");
  EXPECT_TRUE(contains(script, "PRAGMA foreign_keys = OFF;\nBEGIN IMMEDIATE;\n")) << script;
  EXPECT_TRUE(contains(script, "PRAGMA foreign_key_check;\nINSERT INTO retort_migrations"))
      << script;
  EXPECT_TRUE(contains(script, "COMMIT;\nPRAGMA foreign_keys = ON;\n")) << script;
}

TEST(OfflineTest, HooksAndApplicationFunctionsAreRefusedWithTheWayOut) {
  const std::vector<Revision> hooked = {
      revision("0001", "", "CREATE TABLE t (id INTEGER PRIMARY KEY);\n-- +retort hook: fill\n",
               "DROP TABLE t;")};
  try {
    upgrade_sql(hooked, std::nullopt, "head");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_TRUE(contains(e.what(), "runs the C++ hook 'fill'")) << e.what();
    EXPECT_TRUE(contains(e.what(), "upgrade with the application that links it")) << e.what();
  }
  const std::vector<Revision> calling = {
      revision("0001", "", "-- +retort function: title_sort/1\nCREATE VIEW v AS SELECT 1;\n",
               "DROP VIEW v;")};
  try {
    upgrade_sql(calling, std::nullopt, "head");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_TRUE(contains(e.what(), "which the sqlite3 shell does not define")) << e.what();
  }
}

TEST(OfflineTest, UnknownStartingRevisionIsAnError) {
  EXPECT_THROW(upgrade_sql(two_revisions(), "0009", "head"), Error);
  EXPECT_THROW(downgrade_sql(two_revisions(), "0002", "0009"), Error);
}

}  // namespace
}  // namespace retort
