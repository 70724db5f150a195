// The version table on in-memory databases: its rows as record() writes them, as an offline
// script writes them, and as stamp rewrites them.
#include "version_table.hpp"

#include <gtest/gtest.h>

#include "retort/error.hpp"
#include "revision_support.hpp"
#include "test_support.hpp"

namespace retort {
namespace {

using detail::AppliedRow;
using detail::Step;
using testing::Database;
using testing::two_revisions;

// The rows of the version table but for the time each was applied.
std::vector<std::string> rows_of(const Database& db) {
  return db.rows(
      "SELECT revision, parent, checksum, draft, foreign_keys_off, down_sql FROM "
      "retort_migrations ORDER BY revision");
}

Step apply(const Revision& r) { return {Step::kApply, r.id, r.foreign_keys_off, &r, {}}; }

TEST(VersionTableTest, NoTableReadsAsNoRevisionApplied) {
  Database db;
  EXPECT_TRUE(detail::read_applied(db.get()).empty());
  EXPECT_TRUE(db.tables().empty());
}

TEST(VersionTableTest, RecordInsertsMarksSealedAndDeletesRows) {
  Database db;
  db.exec(detail::kVersionTableDdl);
  std::vector<Revision> revisions = two_revisions();
  revisions[1].draft = true;
  revisions[1].foreign_keys_off = true;
  detail::record(db.get(), apply(revisions[0]), {});
  detail::record(db.get(), apply(revisions[1]), {"0001"});
  std::vector<AppliedRow> applied = detail::read_applied(db.get());
  ASSERT_EQ(applied.size(), 2u);
  EXPECT_EQ(applied[0].revision, "0001");
  EXPECT_EQ(applied[0].checksum, revisions[0].checksum);
  EXPECT_FALSE(applied[0].draft);
  EXPECT_TRUE(applied[1].draft);
  EXPECT_TRUE(applied[1].foreign_keys_off);
  EXPECT_TRUE(applied[1].down_sql.empty()) << "down scripts are read only to revert";
  EXPECT_EQ(detail::stored_down_sql(db.get(), "0002", {}), revisions[1].down_sql);

  detail::record(db.get(), {Step::kMarkSealed, "0002", false, nullptr, {}}, {});
  EXPECT_FALSE(detail::read_applied(db.get())[1].draft);
  detail::record(db.get(), {Step::kRevert, "0002", false, nullptr, {}}, {});
  applied = detail::read_applied(db.get());
  ASSERT_EQ(applied.size(), 1u);
  EXPECT_EQ(applied[0].revision, "0001");
}

TEST(VersionTableTest, MissingDownScriptNamesTheRevision) {
  Database db;
  db.exec(detail::kVersionTableDdl);
  try {
    detail::stored_down_sql(db.get(), "0007", {"0006"});
    FAIL() << "no error";
  } catch (const MigrationError& e) {
    EXPECT_EQ(e.revision(), "0007");
    EXPECT_EQ(e.applied(), std::vector<std::string>{"0006"});
    EXPECT_NE(std::string(e.what()).find("no recorded down script"), std::string::npos) << e.what();
  }
}

TEST(VersionTableTest, OfflineRowsAreTheRowsRecordWrites) {
  const std::vector<Revision> revisions = two_revisions();
  Database recorded;
  recorded.exec(detail::kVersionTableDdl);
  Database scripted;
  scripted.exec(detail::kVersionTableDdl);
  for (const Revision& r : revisions) {
    detail::record(recorded.get(), apply(r), {});
    scripted.exec(detail::insert_row_sql(r));
  }
  EXPECT_EQ(rows_of(scripted), rows_of(recorded));
  EXPECT_EQ(rows_of(recorded).size(), 2u);
  detail::record(recorded.get(), {Step::kRevert, "0002", false, nullptr, {}}, {});
  scripted.exec(detail::delete_row_sql("0002"));
  EXPECT_EQ(rows_of(scripted), rows_of(recorded));
}

TEST(VersionTableTest, RewriteReplacesEveryRowAndCreatesTheTable) {
  const std::vector<Revision> revisions = two_revisions();
  Database db;
  detail::rewrite_applied(db.get(), revisions, 2);
  EXPECT_EQ(detail::read_applied(db.get()).size(), 2u);
  detail::rewrite_applied(db.get(), revisions, 1);
  const std::vector<AppliedRow> applied = detail::read_applied(db.get());
  ASSERT_EQ(applied.size(), 1u);
  EXPECT_EQ(applied[0].revision, "0001");
  detail::rewrite_applied(db.get(), revisions, 0);
  EXPECT_TRUE(detail::read_applied(db.get()).empty());
  EXPECT_EQ(db.tables(), std::vector<std::string>{"retort_migrations"});
}

}  // namespace
}  // namespace retort
