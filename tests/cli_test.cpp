// The verbs of `retort` run in-process: exit codes, output, files and databases they touch.
#include <gtest/gtest.h>

#include <sstream>

#include "cli_support.hpp"
#include "repository_support.hpp"
#include "retort/runtime.hpp"
#include "test_support.hpp"

namespace retort {
namespace {

using testing::Cli;
using testing::cli;
using testing::parent_child;
using testing::seal;
using testing::TempDir;

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

TEST(CliTest, VersionPrintsTheProjectVersionAndUsageNamesTheProgram) {
  std::ostringstream out, err;
  EXPECT_EQ(run_cli({"--version"}, out, err), ExitCode::kDone);
  EXPECT_EQ(out.str(), std::string("retort ") + RETORT_VERSION + "\n");
  std::ostringstream help, help_err;
  EXPECT_EQ(run_cli({"--help"}, help, help_err), ExitCode::kDone);
  EXPECT_NE(help.str().find("Usage: retort [OPTIONS] SUBCOMMAND"), std::string::npos) << help.str();
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

// The CLI has no hooks: a revision naming one is refused whole, and marked where it is listed.
TEST(CliTest, RevisionsWithHooksAreRefusedAndMarked) {
  const SealedRepository repo;
  const std::string& dir = repo.dir;
  const std::string& db = repo.db;
  // A hand-written data migration after 0001: a statement, then the hook, down and up.
  testing::write_text(repo.tmp.path() / "m" / "versions" / "0002_fill_names.sql",
                      "-- +retort parent: 0001\n-- +retort message: fill names\n\n"
                      "-- +retort Up\nUPDATE parent SET note = 'filled';\n"
                      "-- +retort hook: fill_names\n\n"
                      "-- +retort Down\n-- +retort hook: clear_names\n");
  const std::string refusal = "revision 0002 runs the C++ hook 'fill_names'";
  const Cli fresh = cli({"upgrade", "--dir", dir, "--db", db});
  EXPECT_EQ(fresh.code, ExitCode::kFailed);
  EXPECT_NE(fresh.err.find("retort: error: " + refusal), std::string::npos) << fresh.err;
  EXPECT_FALSE(std::filesystem::exists(db)) << "refused, yet the database was created";
  EXPECT_EQ(cli({"upgrade", "0001", "--dir", dir, "--db", db}).code, ExitCode::kDone);
  const std::string at_0001 = testing::read_text(db);
  const Cli up = cli({"upgrade", "--dir", dir, "--db", db});
  EXPECT_EQ(up.code, ExitCode::kFailed);
  EXPECT_NE(up.err.find(refusal), std::string::npos) << up.err;
  const Cli up_sql = cli({"upgrade", "--sql", "--dir", dir, "--db", db});
  EXPECT_EQ(up_sql.code, ExitCode::kFailed);
  EXPECT_NE(up_sql.err.find(refusal), std::string::npos) << up_sql.err;
  EXPECT_EQ(up_sql.out, "");
  EXPECT_EQ(testing::read_text(db), at_0001);

  // A database the application took to 0002 (its hooks linked): the CLI cannot go back.
  std::vector<Revision> linked = load_repository(repo.tmp.path() / "m").revisions;
  for (Revision& r : linked) {
    for (Hook& h : r.hooks) h.function = [](sqlite3*, HookProgress&) {};
  }
  EXPECT_EQ(upgrade(std::filesystem::path(db), linked), std::vector<std::string>{"0002"});
  const std::string at_0002 = testing::read_text(db);
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"downgrade", "--dir", dir, "--db", db},
        std::vector<std::string>{"downgrade", "base", "--sql", "--dir", dir, "--db", db}}) {
    const Cli down = cli(args);
    EXPECT_EQ(down.code, ExitCode::kFailed);
    EXPECT_NE(down.err.find("revision 0002 runs the C++ hook 'clear_names'"), std::string::npos)
        << down.err;
  }
  EXPECT_EQ(testing::read_text(db), at_0002);

  EXPECT_NE(cli({"history", "--dir", dir})
                .out.find("0002  0001 -> 0002  fill names  [hooks fill_names, clear_names]\n"),
            std::string::npos);
  EXPECT_NE(
      cli({"show", "0002", "--dir", dir})
          .out.find("-- retort: runs the C++ hooks fill_names, clear_names: only the application "
                    "applies this revision"),
      std::string::npos);
}

// The build step's line says whether it wrote a new draft or rewrote the one there, and counts
// its changes in words.
TEST(CliTest, ARewrittenDraftIsSaidToBeRewritten) {
  TempDir tmp;
  const std::string dir = (tmp.path() / "migrations").string();
  const std::filesystem::path models = tmp.path() / "models.hpp";
  const std::string head =
      "#include <cstdint>\n#include <retort/annotations.hpp>\nstruct RETORT_TABLE(\"t\") T {\n"
      "  RETORT_PRIMARY_KEY std::int64_t id;\n";
  const auto generate = [&] {
    return cli(
        {"generate", "--dir", dir, "--models", models.string(), "--", "-I" RETORT_ANNOTATIONS_DIR});
  };
  testing::write_text(models, head + "};\n");
  const Cli first = generate();
  EXPECT_NE(first.out.find("retort: wrote draft revision 0001 (1 change) to "), std::string::npos)
      << first.out << first.err;
  testing::write_text(models, head + "  std::int64_t n;\n};\n");
  const Cli second = generate();
  EXPECT_NE(second.out.find("retort: rewrote draft revision 0001 (1 change) to "),
            std::string::npos)
      << second.out << second.err;
}

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
