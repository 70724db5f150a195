// `retort transfer` as a user runs it: a migration repository on disk, a SQLite file, the
// fixture's PostgreSQL server; exit codes and what it prints.
#include <gtest/gtest.h>

#include "cli_support.hpp"
#include "pg_support.hpp"
#include "transfer_support.hpp"

namespace retort {
namespace {

using testing::cli;
using testing::PgDatabase;
using testing::TempDir;

struct Project {
  TempDir dir;
  std::string migrations = (dir.path() / "migrations").string();
  std::string app = (dir.path() / "app.db").string();

  explicit Project(const std::vector<Revision>& revisions = testing::shop_revisions()) {
    testing::write_repository(migrations, revisions);
    testing::make_shop(app, revisions);
  }
  testing::Cli transfer(const PgDatabase& db, const std::vector<std::string>& more = {}) const {
    std::vector<std::string> args = {"transfer", "--from", app,       "--to",
                                     db.url(),   "--dir",  migrations};
    args.insert(args.end(), more.begin(), more.end());
    return cli(args);
  }
};

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(TransferCliTest, MovesTheDatabaseAndSaysWhatItProved) {
  Project project;
  PgDatabase db;
  const testing::Cli r = project.transfer(db);
  EXPECT_EQ(r.code, ExitCode::kDone) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_TRUE(contains(r.out,
                       "retort: created the schema of revision 0002 from the postgresql "
                       "sections\n"))
      << r.out;
  EXPECT_TRUE(contains(r.out, "retort: copied users: 3 rows, checksum "));
  EXPECT_TRUE(contains(r.out,
                       " on both sides, sequence of id public.users_id_seq set, an insert "
                       "without a key proven (it drew 5)\n"))
      << r.out;
  EXPECT_TRUE(contains(r.out, "retort: copied post_tags: 3 rows, checksum "));
  EXPECT_TRUE(contains(r.out, "retort: transferred 2515 rows in 6 tables at revision 0002 from '" +
                                  project.app + "' to '"))
      << r.out;
  EXPECT_EQ(db.rows("SELECT count(*) FROM posts"), std::vector<std::string>{"2500"});
  // A second run finds the rows there and refuses.
  const testing::Cli again = project.transfer(db);
  EXPECT_EQ(again.code, ExitCode::kFailed);
  EXPECT_TRUE(contains(again.err,
                       "retort: error: the PostgreSQL database already holds rows (in "
                       "'settings', 'tags', 'users', 'posts', 'comments', "
                       "'post_tags')"))
      << again.err;
}

TEST(TransferCliTest, ADryRunListsTheBadValuesExitsOneAndWritesNothing) {
  Project project;
  testing::Database(project.app)
      .exec("UPDATE users SET active = 2 WHERE id = 1; UPDATE comments SET upvotes = 'many'");
  PgDatabase db;
  const testing::Cli r = project.transfer(db, {"--dry-run"});
  EXPECT_EQ(r.code, ExitCode::kFailed);
  EXPECT_TRUE(contains(r.out,
                       "retort: bad value in table 'users', row id=1, column 'active': 2 "
                       "(2 in a boolean column: SQLite keeps booleans as 0 or 1)\n"))
      << r.out;
  EXPECT_TRUE(contains(r.out,
                       "retort: bad value in table 'comments', row id=3, column "
                       "'upvotes': 'many' (text in an integer column)\n"))
      << r.out;
  EXPECT_TRUE(contains(r.out, "retort: comments: 3 rows, 3 of them with values it cannot hold"));
  EXPECT_TRUE(contains(r.out, "; nothing was written\n")) << r.out;
  EXPECT_EQ(r.err,
            "retort: error: 4 values in 4 rows cannot be held by their PostgreSQL columns (listed "
            "above): correct them in the SQLite database and transfer again\n");
  EXPECT_EQ(db.tables(), std::vector<std::string>{});
  // Without --dry-run: the same list, the same exit code, nothing written.
  const testing::Cli real = project.transfer(db);
  EXPECT_EQ(real.code, ExitCode::kFailed);
  EXPECT_TRUE(contains(real.out, "column 'upvotes': 'many'")) << real.out;
  EXPECT_TRUE(contains(real.err, "nothing was written")) << real.err;
  EXPECT_EQ(db.tables(), std::vector<std::string>{});
}

TEST(TransferCliTest, ACleanDryRunExitsZero) {
  Project project;
  PgDatabase db;
  const testing::Cli r = project.transfer(db, {"--dry-run"});
  EXPECT_EQ(r.code, ExitCode::kDone) << r.err;
  EXPECT_TRUE(contains(r.out, "retort: dry run: '" + project.app + "' to '")) << r.out;
  EXPECT_TRUE(contains(r.out,
                       ": 2515 rows in 6 tables at revision 0002; the empty target would "
                       "get its schema first; nothing was written\n"))
      << r.out;
  EXPECT_EQ(db.tables(), std::vector<std::string>{});
}

TEST(TransferCliTest, RefusesWithExitOneAndSaysWhy) {
  Project sqlite_only(testing::shop_revisions(false));
  PgDatabase db;
  const testing::Cli r = sqlite_only.transfer(db);
  EXPECT_EQ(r.code, ExitCode::kFailed);
  EXPECT_TRUE(contains(r.err, "retort: error: the revisions have no postgresql sections")) << r.err;

  Project project;
  const testing::Cli file =
      cli({"transfer", "--from", project.app, "--to", "other.db", "--dir", project.migrations});
  EXPECT_EQ(file.code, ExitCode::kFailed);
  EXPECT_EQ(file.err,
            "retort: error: '--to' takes a PostgreSQL connection string (postgresql://... or "
            "host=... dbname=...), not 'other.db'\n");
  const testing::Cli missing = cli({"transfer", "--from", project.app + ".missing", "--to",
                                    db.url(), "--dir", project.migrations});
  EXPECT_EQ(missing.code, ExitCode::kFailed);
  EXPECT_EQ(missing.err, "retort: error: no SQLite database at '" + project.app + ".missing'\n");
  EXPECT_EQ(cli({"transfer", "--from", project.app}).code, ExitCode::kUsage);
  EXPECT_EQ(db.tables(), std::vector<std::string>{});
}

}  // namespace
}  // namespace retort
