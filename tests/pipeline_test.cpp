// Draft planning, verification, the repository on disk and the CLI verbs around them.
#include "embed.hpp"
#include "pipeline.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "cli.hpp"
#include "schema_support.hpp"
#include "test_support.hpp"

namespace retort {
namespace {

using testing::TempDir;

using testing::col;

Schema parent_child() {
  Table parent;
  parent.name = "parent";
  parent.columns = {col("id", "INTEGER"), col("name", "TEXT"), col("note", "TEXT", false)};
  parent.primary_key = {"id"};
  parent.indexes = {{"uq_parent_name", {"name"}, true}};
  Table child;
  child.name = "child";
  child.columns = {col("id", "INTEGER"), col("parent_id", "INTEGER")};
  child.primary_key = {"id"};
  child.foreign_keys = {
      {"fk_child_parent_id_parent", {"parent_id"}, "parent", {"id"}, "CASCADE", "", {}}};
  Schema s{{parent, child}};
  sort_tables(s);
  return s;
}

// Plans, verifies, writes and seals one revision; returns its id.
std::string seal(const std::filesystem::path& dir, const Schema& models,
                 const std::string& message) {
  const Repository repo = load_repository(dir);
  const Draft draft = plan_draft(repo, models, true);
  EXPECT_TRUE(draft.report.ok()) << (draft.report.problems.empty() ? "" : draft.report.problems[0]);
  EXPECT_TRUE(draft.revision.has_value());
  write_draft(repo, draft.revision);
  seal_draft(load_repository(dir), message);
  return draft.revision->id;
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

TEST(IntrospectTest, CheckExpressionsSkipQuotesAndNestedParentheses) {
  EXPECT_EQ(
      check_expressions("CREATE TABLE \"t\" (\"check\" TEXT CHECK ( length(\"check\")\n  > 0 ),"
                        " b TEXT DEFAULT 'CHECK (x)', CONSTRAINT \"c\" check((b) IN ('a)', 'b')))"),
      (std::vector<std::string>{"length(\"check\") > 0", "(b) IN ('a)', 'b')"}));
}

TEST(PipelineTest, EmbedSourceCarriesEveryRevisionVerbatim) {
  TempDir tmp;
  init_repository(tmp.path());
  seal(tmp.path(), parent_child(), "first \"quoted\" ?? message");
  const std::string source = render_embed_source(load_repository(tmp.path()));
  EXPECT_NE(source.find("{\"0001_first_quoted_message.sql\","), std::string::npos);
  EXPECT_NE(source.find("retort::embedded_revisions()"), std::string::npos);
  EXPECT_NE(source.find("\\\"quoted\\\" \\?\\? message"), std::string::npos);
}

// A repository at `<tmp>/m` with parent_child() sealed as 0001, and a database path beside it.
struct SealedRepository {
  SealedRepository() {
    init_repository(tmp.path() / "m");
    seal(tmp.path() / "m", parent_child(), "first");
  }
  TempDir tmp;
  std::string dir = (tmp.path() / "m").string();
  std::string db = (tmp.path() / "app.db").string();
};

struct Cli {
  ExitCode code;
  std::string out, err;
};

Cli cli(const std::vector<std::string>& args) {
  std::ostringstream out, err;
  const ExitCode code = run_cli(args, out, err);
  return {code, out.str(), err.str()};
}

TEST(CliTest, BadModelsWriteNothingAndExitOne) {
  TempDir tmp;
  const std::string dir = (tmp.path() / "migrations").string();
  const Cli r = cli(
      {"generate", "--dir", dir, "--models", RETORT_TEST_DIR "/fixtures/scanner/unknown_type.hpp"});
  EXPECT_EQ(r.code, ExitCode::kFailed);
  EXPECT_NE(r.err.find("unknown_type.hpp:7:22: error: column 'lookup' has unsupported type"),
            std::string::npos)
      << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir));
}

TEST(CliTest, UsageErrorsExitTwo) {
  EXPECT_EQ(cli({}).code, ExitCode::kUsage);
  EXPECT_EQ(cli({"upgrade"}).code, ExitCode::kUsage);  // --db is required
  EXPECT_EQ(cli({"frobnicate"}).code, ExitCode::kUsage);
}

TEST(CliTest, MigrateRefusesDestructiveDraftWithoutFlag) {
  TempDir tmp;
  init_repository(tmp.path());
  seal(tmp.path(), parent_child(), "first");
  Schema next = parent_child();
  std::erase_if(next.tables, [](const Table& t) { return t.name == "child"; });
  write_draft(load_repository(tmp.path()),
              plan_draft(load_repository(tmp.path()), next, false).revision);
  const std::string dir = tmp.path().string();
  const Cli refused = cli({"migrate", "-m", "drop child", "--dir", dir});
  EXPECT_EQ(refused.code, ExitCode::kFailed);
  EXPECT_NE(refused.err.find("drop table \"child\""), std::string::npos) << refused.err;
  EXPECT_NE(load_repository(tmp.path()).draft(), nullptr);
  EXPECT_EQ(cli({"migrate", "-m", "drop child", "--dir", dir, "--allow-destructive"}).code,
            ExitCode::kDone);
  EXPECT_EQ(load_repository(tmp.path()).draft(), nullptr);
}

TEST(CliTest, UpgradeCurrentHistoryDowngradeOnAFile) {
  const SealedRepository repo;
  const std::string& dir = repo.dir;
  const std::string& db = repo.db;
  EXPECT_EQ(cli({"upgrade", "--dir", dir, "--db", db}).out, "retort: upgraded 0001\n");
  EXPECT_EQ(cli({"current", "--dir", dir, "--db", db}).out, "0001\n");
  EXPECT_NE(
      cli({"history", "--dir", dir, "--db", db}).out.find("0001  base -> 0001  first  (current)"),
      std::string::npos);
  EXPECT_EQ(cli({"downgrade", "base", "--dir", dir, "--db", db}).out, "retort: downgraded 0001\n");
  EXPECT_EQ(cli({"current", "--dir", dir, "--db", db}).out, "base\n");
  EXPECT_EQ(cli({"upgrade", "0009", "--dir", dir, "--db", db}).code, ExitCode::kFailed);
}

TEST(CliTest, SqlFlagPrintsScriptsAndChangesNothing) {
  const SealedRepository repo;
  const std::string& dir = repo.dir;
  const std::string& db = repo.db;
  const Cli up = cli({"upgrade", "--sql", "--dir", dir, "--db", db});
  EXPECT_EQ(up.code, ExitCode::kDone);
  EXPECT_NE(up.out.find("CREATE TABLE parent"), std::string::npos) << up.out;
  EXPECT_NE(up.out.find("BEGIN IMMEDIATE;"), std::string::npos) << up.out;
  EXPECT_NE(up.out.find("INSERT INTO retort_migrations"), std::string::npos) << up.out;
  EXPECT_FALSE(std::filesystem::exists(db));
  cli({"upgrade", "--dir", dir, "--db", db});
  const Cli down = cli({"downgrade", "--sql", "--dir", dir, "--db", db});
  EXPECT_NE(down.out.find("DROP TABLE child"), std::string::npos) << down.out;
  EXPECT_EQ(cli({"current", "--dir", dir, "--db", db}).out, "0001\n");

  // The printed scripts are what the runtime does: run by SQLite itself, the runtime agrees.
  const std::string other = (repo.tmp.path() / "offline.db").string();
  testing::Database(other).exec(up.out);
  EXPECT_EQ(cli({"current", "--dir", dir, "--db", other}).out, "0001\n");
  EXPECT_EQ(cli({"upgrade", "--dir", dir, "--db", other}).out, "retort: nothing to upgrade\n");
  testing::Database(other).exec(
      cli({"downgrade", "base", "--sql", "--dir", dir, "--db", other}).out);
  EXPECT_EQ(cli({"current", "--dir", dir, "--db", other}).out, "base\n");
  EXPECT_EQ(testing::Database(other).tables(), std::vector<std::string>{"retort_migrations"});
  // The scripts keep the start-up fingerprint as the runtime does: after the script's
  // downgrade, an upgrade applies again instead of finding the old fingerprint.
  EXPECT_EQ(cli({"upgrade", "--dir", dir, "--db", other}).out, "retort: upgraded 0001\n");
  EXPECT_EQ(testing::Database(other).rows("PRAGMA user_version"),
            testing::Database(db).rows("PRAGMA user_version"));
  // A database whose application set user_version: scripts leave the field alone.
  testing::Database(other).exec("PRAGMA user_version = 5");
  EXPECT_EQ(cli({"downgrade", "--sql", "--dir", dir, "--db", other}).out.find("user_version"),
            std::string::npos);
}

}  // namespace
}  // namespace retort

namespace retort {
namespace {

TEST(CliTest, StampRecordsARevisionWithoutRunningIt) {
  const SealedRepository repo;
  const std::string& dir = repo.dir;
  const std::string& db = repo.db;
  const Cli stamped = cli({"stamp", "0001", "--dir", dir, "--db", db});
  EXPECT_EQ(stamped.code, ExitCode::kDone) << stamped.err;
  EXPECT_EQ(cli({"current", "--dir", dir, "--db", db}).out, "0001\n");
  EXPECT_EQ(testing::Database(db).tables(), std::vector<std::string>{"retort_migrations"});
  EXPECT_EQ(cli({"stamp", "--dir", dir, "--db", db}).code, ExitCode::kUsage);
}

TEST(CliTest, CheckWithDbListsDriftFromTheHeadSchema) {
  const SealedRepository repo;
  const std::string& dir = repo.dir;
  const std::string& db = repo.db;
  cli({"upgrade", "--dir", dir, "--db", db});
  EXPECT_EQ(cli({"check", "--dir", dir, "--db", db}).code, ExitCode::kDone);
  {
    testing::Database live(db);
    live.exec("ALTER TABLE parent ADD COLUMN sneaky TEXT");
  }
  const Cli drift = cli({"check", "--dir", dir, "--db", db});
  EXPECT_EQ(drift.code, ExitCode::kFailed);
  EXPECT_NE(drift.out.find("drift: table 'parent': unexpected column sneaky TEXT"),
            std::string::npos)
      << drift.out;
}

}  // namespace
}  // namespace retort
