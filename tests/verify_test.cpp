// The proof of a revision on SQLite (verify.hpp, proof.cpp, sample_rows.cpp) with hand-built
// schemas and revisions: what it proves, and what it reports when a revision is wrong.
#include "verify.hpp"

#include <gtest/gtest.h>

#include "emit.hpp"
#include "revision_support.hpp"
#include "schema_support.hpp"

namespace retort {
namespace {

using testing::col;

Schema users_schema(bool with_bio = false, std::optional<std::string> name_check = {}) {
  Table t;
  t.name = "users";
  Column name = col("name", "TEXT", false);
  name.check = std::move(name_check);
  t.columns = {col("id", "INTEGER"), name};
  if (with_bio) t.columns.push_back(col("bio", "TEXT", false));
  t.primary_key = {"id"};
  return Schema{{t}};
}

// The sealed history that creates `before`, as the first revision would.
std::vector<Revision> history_of(const Schema& before) {
  const auto dialect = make_sqlite_dialect();
  return {testing::revision("0001", "", render_schema(*dialect, before), "DROP TABLE users;\n")};
}

Revision candidate(const std::string& up, const std::string& down) {
  return testing::revision("0002", "0001", up, down, true);
}

bool has(const std::vector<std::string>& lines, const std::string& part) {
  for (const std::string& line : lines) {
    if (line.find(part) != std::string::npos) return true;
  }
  return false;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& line : lines) out += line + "\n";
  return out;
}

TEST(VerifyTest, GeneratedRevisionIsProven) {
  const Schema before = users_schema();
  const Schema after = users_schema(true);
  const ChangeSet cs = diff_schemas(before, after);
  const auto dialect = make_sqlite_dialect();
  const VerifyReport report = verify_revision(
      history_of(before),
      candidate(render_changes(*dialect, cs.changes), render_changes(*dialect, invert(cs.changes))),
      before, after);
  EXPECT_TRUE(report.ok()) << joined(report.problems);
  EXPECT_TRUE(report.notes.empty()) << joined(report.notes);
}

TEST(VerifyTest, RevisionThatLosesRowsIsReported) {
  const Schema before = users_schema();
  const Schema after = users_schema(true);
  const VerifyReport report =
      verify_revision(history_of(before),
                      candidate("ALTER TABLE users ADD COLUMN bio TEXT;\nDELETE FROM users;\n",
                                "ALTER TABLE users DROP COLUMN bio;\n"),
                      before, after);
  EXPECT_FALSE(report.ok());
  EXPECT_TRUE(has(report.problems, "up: table 'users' had 2 rows, now 0"))
      << joined(report.problems);
}

TEST(VerifyTest, UpThatDoesNotGiveTheModelsIsReported) {
  const Schema before = users_schema();
  const Schema after = users_schema(true);
  const VerifyReport report =
      verify_revision(history_of(before), candidate("SELECT 1;\n", "SELECT 1;\n"), before, after);
  EXPECT_FALSE(report.ok());
  EXPECT_TRUE(has(report.problems, "up")) << joined(report.problems);
  EXPECT_TRUE(has(report.problems, "bio")) << joined(report.problems);
}

TEST(VerifyTest, HistoryThatDoesNotGiveTheSnapshotIsReported) {
  const Schema before = users_schema(true);
  const Schema after = users_schema(true);
  const VerifyReport report = verify_revision(
      history_of(users_schema()), candidate("SELECT 1;\n", "SELECT 1;\n"), before, after);
  EXPECT_TRUE(has(report.problems, "the sealed revisions")) << joined(report.problems);
}

TEST(VerifyTest, SampleRowsACheckRefusesAreNotesNotProblems) {
  const Schema before = users_schema(false, "length(name) > 100");
  const Schema after = users_schema(true, "length(name) > 100");
  const ChangeSet cs = diff_schemas(before, after);
  const auto dialect = make_sqlite_dialect();
  const VerifyReport report = verify_revision(
      history_of(before),
      candidate(render_changes(*dialect, cs.changes), render_changes(*dialect, invert(cs.changes))),
      before, after);
  EXPECT_TRUE(report.ok()) << joined(report.problems);
  EXPECT_TRUE(has(report.notes, "no sample row in 'users'")) << joined(report.notes);
}

}  // namespace
}  // namespace retort
