// Adopting databases that shipped without Retort, from the user's side: real schemas from public
// projects (and one of SQLite's quirks) with rows are adopted with `retort init --from-db`, built
// with the written header (no draft), started on a copy of the original (nothing changed but the
// version table), changed (a new column, every row kept), and compared with a fresh database made
// by the revisions. Then every refusal: nothing written, nothing changed.
#include <gtest/gtest.h>

#include <sstream>

#include "cli_support.hpp"
#include "pipeline.hpp"
#include "retort/detail/introspect.hpp"
#include "retort/runtime.hpp"
#include "test_support.hpp"

namespace retort {
namespace {

namespace fs = std::filesystem;
using testing::Cli;
using testing::cli;
using testing::Database;
using testing::TempDir;

// The database as text without what adopting it may add: the version table and the header's
// user_version (Retort's start-up fingerprint, unless the application owns that field).
std::vector<std::string> dump_without_retort(const std::string& path) {
  std::vector<std::string> out;
  const std::vector<std::string> all = Database(path).dump();
  for (std::size_t i = 1; i < all.size(); ++i) {
    if (all[i].find("retort_migrations") == std::string::npos) out.push_back(all[i]);
  }
  return out;
}

std::vector<std::string> differences(const std::string& expected, const std::string& actual) {
  const Database a(expected), b(actual);
  return compare_databases(a.get(), b.get());
}

// A project adopting `fixture`: the original database, the repository and the models.
class Adoption {
 public:
  explicit Adoption(const std::string& fixture) {
    Database(original())
        .exec(testing::read_text(RETORT_TEST_DIR "/fixtures/adopt/" + fixture + ".sql"));
  }
  std::string original() const { return (tmp_.path() / "original.db").string(); }
  std::string app() const { return (tmp_.path() / "app.db").string(); }
  std::string dir() const { return (tmp_.path() / "project" / "migrations").string(); }
  fs::path header() const { return tmp_.path() / "project" / "models" / "schema.hpp"; }
  fs::path objects() const { return tmp_.path() / "project" / "models" / "schema.sql"; }

  Cli adopt() const {
    return cli(
        {"init", "--from-db", original(), "--dir", dir(), "--models-out", header().string()});
  }
  // The build step of add_migrations() over the written models.
  Generated build(bool check) const {
    ScanRequest scan{{header().string()}, {"-I" RETORT_ANNOTATIONS_DIR}, ""};
    if (fs::exists(objects())) scan.object_files = {objects().string()};
    return generate({dir(), scan, check, "", "", "", ""});
  }
  std::vector<Revision> revisions() const { return load_repository(dir()).revisions; }

 private:
  TempDir tmp_;
};

class AdoptTest : public ::testing::TestWithParam<std::string> {};

TEST_P(AdoptTest, AdoptsStartsChangesAndKeepsEveryRow) {
  const Adoption a(GetParam());
  const std::vector<std::string> before = dump_without_retort(a.original());
  const Cli adopted = a.adopt();
  ASSERT_EQ(adopted.code, ExitCode::kDone) << adopted.err;
  const fs::path baseline = fs::path(a.dir()) / "versions" / "0001_baseline.sql";
  ASSERT_TRUE(fs::exists(baseline));
  EXPECT_NE(testing::read_text(baseline).find("-- +retort baseline\n"), std::string::npos);
  EXPECT_EQ(dump_without_retort(a.original()), before);  // only read

  // The header is C++ both compilers take, and the first build finds nothing to write.
  for (const char* compiler : {"g++", "clang++"}) {
    if (testing::run(std::string("command -v ") + compiler).exit_code != 0) continue;
    const auto compiled = testing::run(
        std::string(compiler) + " -std=c++17 -fsyntax-only -x c++ -I" RETORT_ANNOTATIONS_DIR " " +
        a.header().string() + " 2>&1");
    EXPECT_EQ(compiled.exit_code, 0) << compiler << ": " << compiled.output;
  }
  const Generated first = a.build(true);
  EXPECT_FALSE(first.error) << *first.error;

  // Started on a copy of the original: the baseline is recorded, nothing else changes.
  fs::copy_file(a.original(), a.app());
  EXPECT_EQ(upgrade(fs::path(a.app()), a.revisions(), "head"), std::vector<std::string>{"0001"});
  EXPECT_EQ(dump_without_retort(a.app()), before);
  EXPECT_EQ(current(fs::path(a.app())), "0001");
  const Cli checked = cli({"check", "--dir", a.dir(), "--db", a.app()});
  EXPECT_EQ(checked.code, ExitCode::kDone) << checked.out << checked.err;

  // A new column on the first model: generated, proven, sealed, applied with every row kept.
  std::string header = testing::read_text(a.header());
  header.insert(header.find("};"), "  std::optional<std::string> adopted_note;\n");
  testing::write_text(a.header(), header);
  const Generated changed = a.build(false);
  ASSERT_FALSE(changed.error) << *changed.error;
  ASSERT_EQ(changed.written, DraftWrite::kWritten);
  seal_draft(load_repository(a.dir()), "a note");
  std::map<std::string, std::string> counts;
  for (const std::string& t : Database(a.app()).tables()) {
    if (t == "retort_migrations") continue;
    counts[t] = Database(a.app()).rows("SELECT count(*) FROM \"" + t + "\"")[0];
  }
  EXPECT_EQ(upgrade(fs::path(a.app()), a.revisions(), "head"), std::vector<std::string>{"0002"});
  for (const auto& [table, count] : counts) {
    EXPECT_EQ(Database(a.app()).rows("SELECT count(*) FROM \"" + table + "\"")[0], count) << table;
  }
  // A database made by the revisions alone is the adopted one.
  const std::string fresh = a.app() + ".fresh";
  upgrade(fs::path(fresh), a.revisions(), "head");
  EXPECT_EQ(differences(a.app(), fresh), std::vector<std::string>{});
  EXPECT_EQ(cli({"check", "--dir", a.dir(), "--db", a.app()}).code, ExitCode::kDone);
}

INSTANTIATE_TEST_SUITE_P(RealSchemas, AdoptTest,
                         ::testing::Values("chinook", "sakila", "northwind", "django", "anki",
                                           "quirks", "syncthing", "calibre"));

TEST(AdoptRefusalTest, KeepsTheApplicationsUserVersion) {
  const Adoption a("quirks");
  ASSERT_EQ(a.adopt().code, ExitCode::kDone);
  fs::copy_file(a.original(), a.app());
  upgrade(fs::path(a.app()), a.revisions(), "head");
  EXPECT_EQ(Database(a.app()).rows("PRAGMA user_version"), std::vector<std::string>{"7"});
}

TEST(AdoptRefusalTest, ADifferentDatabaseIsRefusedAtStartUpAndLeftAsItWas) {
  const Adoption a("chinook");
  ASSERT_EQ(a.adopt().code, ExitCode::kDone);
  fs::copy_file(a.original(), a.app());
  Database(a.app()).exec(
      "DROP INDEX IFK_TrackGenreId; ALTER TABLE Artist ADD COLUMN Country TEXT;"
      "CREATE VIEW extra AS SELECT 1;");
  const std::vector<std::string> before = Database(a.app()).dump();
  try {
    upgrade(fs::path(a.app()), a.revisions(), "head");
    ADD_FAILURE() << "a database that differs from the baseline was adopted";
  } catch (const Error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("(3 differences)"), std::string::npos) << what;
    EXPECT_NE(what.find("table 'Track': missing index IFK_TrackGenreId on (GenreId)"),
              std::string::npos)
        << what;
    EXPECT_NE(what.find("table 'Artist': unexpected column Country TEXT"), std::string::npos)
        << what;
    EXPECT_NE(what.find("unexpected view 'extra'"), std::string::npos) << what;
  }
  EXPECT_EQ(Database(a.app()).dump(), before);
}

TEST(AdoptRefusalTest, IntoARepositoryWithRevisionsOrFromAnotherFileNothingIsWritten) {
  const Adoption a("chinook");
  ASSERT_EQ(a.adopt().code, ExitCode::kDone);
  fs::remove(a.header());
  const Cli again = a.adopt();
  EXPECT_EQ(again.code, ExitCode::kFailed);
  EXPECT_NE(again.err.find("already has revisions"), std::string::npos) << again.err;
  EXPECT_FALSE(fs::exists(a.header()));

  TempDir tmp;
  const fs::path text = tmp.path() / "notes.db";
  testing::write_text(text, "these are notes, not a database\n");
  const Cli not_sqlite =
      cli({"init", "--from-db", text.string(), "--dir", (tmp.path() / "migrations").string(),
           "--models-out", (tmp.path() / "schema.hpp").string()});
  EXPECT_EQ(not_sqlite.code, ExitCode::kFailed);
  EXPECT_NE(not_sqlite.err.find("cannot read"), std::string::npos) << not_sqlite.err;
  EXPECT_FALSE(fs::exists(tmp.path() / "migrations"));
  EXPECT_FALSE(fs::exists(tmp.path() / "schema.hpp"));

  const Cli missing = cli({"init", "--from-db", (tmp.path() / "none.db").string(), "--dir",
                           (tmp.path() / "migrations").string()});
  EXPECT_EQ(missing.code, ExitCode::kFailed);
  EXPECT_FALSE(fs::exists(tmp.path() / "none.db"));
}

TEST(AdoptRefusalTest, WhatTheAnnotationsCannotDeclareIsNamed) {
  TempDir tmp;
  const std::string db = (tmp.path() / "composite.db").string();
  Database(db).exec(
      "CREATE TABLE a (x INTEGER, y INTEGER, PRIMARY KEY (x, y));"
      "CREATE TABLE b (id INTEGER PRIMARY KEY, x INTEGER, y INTEGER,"
      "  FOREIGN KEY (x, y) REFERENCES a (x, y));");
  const Cli r = cli({"init", "--from-db", db, "--dir", (tmp.path() / "migrations").string(),
                     "--models-out", (tmp.path() / "schema.hpp").string()});
  EXPECT_EQ(r.code, ExitCode::kFailed);
  EXPECT_NE(r.err.find("table 'b': the foreign key to 'a' has several columns"), std::string::npos)
      << r.err;
  EXPECT_FALSE(fs::exists(tmp.path() / "schema.hpp"));
  EXPECT_FALSE(fs::exists(tmp.path() / "migrations"));
}

}  // namespace
}  // namespace retort
