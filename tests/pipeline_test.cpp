// Draft planning and verification: the stages chained.
#include "pipeline.hpp"

#include <gtest/gtest.h>

#include "repository_support.hpp"
#include "schema_support.hpp"
#include "test_support.hpp"

namespace retort {
namespace {

using testing::col;
using testing::parent_child;
using testing::seal;
using testing::TempDir;

// parent_child() sealed in `dir`; returns the models with the parent's name column retyped,
// which rebuilds the parent that the child references.
Schema sealed_then_parent_retyped(const std::filesystem::path& dir) {
  init_repository(dir);
  seal(dir, parent_child(), "first");
  Schema next = parent_child();
  const_cast<Table&>(*next.find_table("parent")).columns[1].type = "VARCHAR(20)";
  return next;
}

TEST(PipelineTest, FirstDraftCreatesTablesAndVerifies) {
  TempDir tmp;
  init_repository(tmp.path());
  const Repository repo = load_repository(tmp.path());
  const Draft draft = plan_draft(repo, parent_child(), true);
  ASSERT_TRUE(draft.revision);
  EXPECT_TRUE(draft.report.ok());
  EXPECT_EQ(draft.revision->id, "0001");
  EXPECT_EQ(draft.revision->file_name, "0001_draft.sql");
  EXPECT_EQ(schema_from_json(draft.revision->schema_json), parent_child());
}

TEST(PipelineTest, DraftIsWrittenOnlyWhenItsContentChanges) {
  TempDir tmp;
  init_repository(tmp.path());
  const Draft draft = plan_draft(load_repository(tmp.path()), parent_child(), false);
  EXPECT_EQ(write_draft(load_repository(tmp.path()), draft.revision), DraftWrite::kWritten);
  const auto file = tmp.path() / "versions" / "0001_draft.sql";
  const auto written_at = std::filesystem::last_write_time(file);
  EXPECT_EQ(write_draft(load_repository(tmp.path()), draft.revision), DraftWrite::kUnchanged);
  EXPECT_EQ(std::filesystem::last_write_time(file), written_at);
  EXPECT_EQ(write_draft(load_repository(tmp.path()), std::nullopt), DraftWrite::kRemoved);
  EXPECT_FALSE(std::filesystem::exists(file));
}

TEST(PipelineTest, SealedModelsGiveNoDraft) {
  TempDir tmp;
  init_repository(tmp.path());
  seal(tmp.path(), parent_child(), "parent and child");
  const Repository repo = load_repository(tmp.path());
  ASSERT_EQ(repo.revisions.size(), 1u);
  EXPECT_EQ(repo.revisions[0].file_name, "0001_parent_and_child.sql");
  EXPECT_EQ(repo.revisions[0].message, "parent and child");
  EXPECT_FALSE(plan_draft(repo, parent_child(), false).revision.has_value());
}

TEST(PipelineTest, RebuildOfAReferencedTableIsVerifiedWithRows) {
  TempDir tmp;
  init_repository(tmp.path());
  seal(tmp.path(), parent_child(), "first");
  Schema next = parent_child();
  Table& parent = const_cast<Table&>(*next.find_table("parent"));
  parent.columns[2].not_null = true;  // note: NULL → default
  parent.columns[2].default_sql = "'none'";
  parent.columns[1].type = "VARCHAR(20)";
  const Draft draft = plan_draft(load_repository(tmp.path()), next, true);
  ASSERT_TRUE(draft.revision);
  EXPECT_TRUE(draft.revision->foreign_keys_off);
  EXPECT_NE(draft.revision->up_sql.find("COALESCE(note, 'none')"), std::string::npos);
  EXPECT_TRUE(draft.report.ok()) << draft.report.problems.at(0);
  EXPECT_TRUE(draft.report.notes.empty());
}

// The build step replays the sealed history while it scans; a replay serves only the history it
// replayed, and proves what verify_revision() proves from scratch.
TEST(PipelineTest, AHistoryReplayedAheadProvesTheSameAndOnlyForItsHistory) {
  TempDir tmp;
  const Schema next = sealed_then_parent_retyped(tmp.path());
  const Repository repo = load_repository(tmp.path());
  ReplayedHistory replayed(repo.sealed(), repo.sealed_schema());
  EXPECT_TRUE(replayed.replays(repo.sealed()));
  EXPECT_FALSE(replayed.replays({}));
  const Draft draft = plan_draft(repo, next, true, SealedAhead{std::nullopt, std::move(replayed)});
  ASSERT_TRUE(draft.revision);
  EXPECT_TRUE(draft.report.ok()) << draft.report.problems.at(0);
  // A replay of another history is not used, nor its schema as the diff's base.
  const Draft fresh =
      plan_draft(repo, next, true, SealedAhead{std::nullopt, ReplayedHistory({}, {})});
  ASSERT_TRUE(fresh.revision);
  EXPECT_TRUE(fresh.report.ok());
  EXPECT_EQ(fresh.revision->up_sql, draft.revision->up_sql);
  // A replay that does not give the sealed schema fails the proof, as from scratch.
  Schema other = parent_child();
  other.tables.pop_back();
  const VerifyReport wrong =
      verify_revision(ReplayedHistory(repo.sealed(), other), *draft.revision, next);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.problems, verify_revision(repo.sealed(), *draft.revision, other, next).problems);
}

// parent_child() sealed, and the models with a column added: the draft to tamper with.
struct ExtraColumnDraft {
  ExtraColumnDraft() {
    init_repository(tmp.path());
    seal(tmp.path(), parent_child(), "first");
    const_cast<Table&>(*next.find_table("parent")).columns.push_back(col("extra", "TEXT", false));
    repo = load_repository(tmp.path());
    draft = *plan_draft(repo, next, false).revision;
  }
  VerifyReport verify() const {
    return verify_revision(repo.sealed(), draft, repo.sealed_schema(), next);
  }
  TempDir tmp;
  Schema next = parent_child();
  Repository repo;
  Revision draft;
};

TEST(PipelineTest, VerificationCatchesAWrongDownScript) {
  ExtraColumnDraft bad;
  bad.draft.down_sql = "SELECT 1;";
  const VerifyReport report = bad.verify();
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.problems[0].find("down: table 'parent': unexpected column extra"),
            std::string::npos)
      << report.problems[0];
}

TEST(PipelineTest, VerificationCatchesRowsACascadeDeletesInATableItDoesNotChange) {
  // A parent rebuilt with foreign keys on: dropping it deletes the child's rows (ON DELETE
  // CASCADE). The child's schema is unchanged, yet its rows are checked: it references the
  // rebuilt table.
  TempDir tmp;
  const Schema next = sealed_then_parent_retyped(tmp.path());
  const Repository repo = load_repository(tmp.path());
  Revision draft = *plan_draft(repo, next, false).revision;
  ASSERT_TRUE(draft.foreign_keys_off);
  draft.foreign_keys_off = false;
  const VerifyReport report = verify_revision(repo.sealed(), draft, repo.sealed_schema(), next);
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.problems[0].find("up: table 'child' had 2 rows, now 0"), std::string::npos)
      << report.problems[0];
}

TEST(PipelineTest, VerificationCatchesAChangedValue) {
  ExtraColumnDraft bad;
  bad.draft.up_sql += "UPDATE \"parent\" SET \"note\" = 'lost';\n";
  const VerifyReport report = bad.verify();
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.problems[0].find("up: table 'parent': row "), std::string::npos)
      << report.problems[0];
}

TEST(PipelineTest, VerificationSeesCollationAndChecks) {
  Schema plain = parent_child();
  Schema nocase = plain;
  const_cast<Column&>(*nocase.find_table("parent")->find_column("name")).collate = "NOCASE";
  Schema checked = plain;
  const_cast<Column&>(*checked.find_table("parent")->find_column("name")).check = "name <> ''";
  EXPECT_EQ(
      compare_schemas(live_schema_of(plain), live_schema_of(nocase)),
      (std::vector<std::string>{
          "table 'parent': missing column name TEXT NOT NULL",
          "table 'parent': missing index uq_parent_name unique on (name)",
          "table 'parent': unexpected column name TEXT NOT NULL COLLATE NOCASE",
          "table 'parent': unexpected index uq_parent_name unique on (name COLLATE NOCASE)"}));
  EXPECT_EQ(compare_schemas(live_schema_of(plain), live_schema_of(checked)),
            std::vector<std::string>{"table 'parent': unexpected check (name <> '')"});
}

}  // namespace
}  // namespace retort
