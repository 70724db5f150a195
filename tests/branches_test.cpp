// Teams: revisions sealed on branches of a real git repository, merged, and made one line again
// with `retort rebase`, from the user's side (the build step, the CLI, the runtime, real SQLite
// databases): two branches, one with two revisions and one of them edited by hand; three branches
// merged one after the other; a conflict; a developer's database from the moved branch; CI's
// `retort check` before and after.
#include <gtest/gtest.h>
#include <unistd.h>

#include <map>

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

constexpr const char* kUsers = R"(#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <retort/annotations.hpp>

struct RETORT_TABLE("users") User {
  RETORT_PRIMARY_KEY std::int64_t id;
  std::string name;
};
)";

// A project in a git repository: one header a table under models/, the repository under
// migrations/.
class Team {
 public:
  Team() {
    fs::create_directories(models());
    git("init -q -b main");
    git("config user.email team@example.com");
    git("config user.name Team");
    write("users.hpp", kUsers);
    EXPECT_EQ(build().written, DraftWrite::kWritten);
    seal("users");
    commit("users");
  }
  fs::path root() const { return tmp_.path() / "project"; }
  fs::path models() const { return root() / "models"; }
  std::string dir() const { return (root() / "migrations").string(); }
  fs::path versions() const { return root() / "migrations" / "versions"; }
  std::string db(const std::string& name) const { return (tmp_.path() / name).string(); }

  std::string git(const std::string& args) const {
    const auto ran = testing::run("cd " + root().string() + " && git " + args + " 2>&1");
    EXPECT_EQ(ran.exit_code, 0) << "git " << args << ": " << ran.output;
    return ran.output;
  }
  void commit(const std::string& message) const {
    git("add -A && git commit -qm '" + message + "'");
  }
  void write(const std::string& header, const std::string& text) const {
    testing::write_text(models() / header, text);
  }
  /// Inserts `text` before the closing brace of `header`'s struct `name`.
  void add_member(const std::string& header, const std::string& name,
                  const std::string& text) const {
    std::string h = testing::read_text(models() / header);
    h.insert(h.find("};", h.find(name)), "  " + text + "\n");
    write(header, h);
  }

  /// The build step of add_migrations() over every header under models/.
  Generated build(bool check = false) const {
    ScanRequest scan{{}, {"-I" RETORT_ANNOTATIONS_DIR}, ""};
    for (const auto& e : fs::directory_iterator(models()))
      scan.model_files.push_back(e.path().string());
    std::sort(scan.model_files.begin(), scan.model_files.end());
    return generate({dir(), scan, check, "", "", "", ""});
  }
  /// A branch from main whose one revision adds `member` to User, sealed, not committed.
  void branch_adding_to_users(const std::string& branch, const std::string& member,
                              const std::string& message) const {
    git("checkout -q main");
    git("checkout -q -b " + branch);
    add_member("users.hpp", "User", member);
    EXPECT_EQ(build().written, DraftWrite::kWritten) << branch;
    seal(message);
  }
  void seal(const std::string& message) const {
    const Cli sealed = cli({"migrate", "-m", message, "--dir", dir()});
    EXPECT_EQ(sealed.code, ExitCode::kDone) << sealed.err;
  }
  Cli retort(std::vector<std::string> args) const {
    args.insert(args.end(), {"--dir", dir()});
    return cli(args);
  }
  std::vector<Revision> revisions() const { return load_repository(dir()).revisions; }
  std::vector<std::string> files() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(versions())) {
      names.push_back(e.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }
  /// Every revision file's name and text.
  std::map<std::string, std::string> contents() const {
    std::map<std::string, std::string> out;
    for (const std::string& f : files()) out[f] = testing::read_text(versions() / f);
    return out;
  }

 private:
  TempDir tmp_;
};

constexpr const char* kPosts = R"(#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <retort/annotations.hpp>

struct RETORT_TABLE("posts") Post {
  RETORT_PRIMARY_KEY std::int64_t id;
  RETORT_REFERENCES("users", "id") std::int64_t user_id;
  std::string body;
};
)";

std::vector<std::string> differences(const std::string& expected, const std::string& actual) {
  const Database a(expected), b(actual);
  return compare_databases(a.get(), b.get());
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(BranchesTest, TwoBranchesMergeAndRebaseIntoOneLineThatEveryDatabaseReaches) {
  const Team team;
  // Branch a: one column. Its database is at a's head, with rows.
  team.git("checkout -q -b a");
  team.add_member("users.hpp", "User", "std::optional<std::string> email;");
  ASSERT_EQ(team.build().written, DraftWrite::kWritten);
  team.seal("add email");
  team.commit("email");
  ASSERT_EQ(upgrade(fs::path(team.db("a.db")), team.revisions(), "head").size(), 2u);
  Database(team.db("a.db")).exec("INSERT INTO users VALUES (1, 'Ada', 'ada@example.com')");

  // Branch b, from main: a table, sealed and then edited by hand (a data statement), and a
  // second revision after it. A developer's database applied both.
  team.git("checkout -q main");
  team.git("checkout -q -b b");
  team.write("posts.hpp", kPosts);
  ASSERT_EQ(team.build().written, DraftWrite::kWritten);
  team.seal("posts table");
  const fs::path posts = team.versions() / "0002_posts_table.sql";
  std::string edited = testing::read_text(posts);
  edited.insert(edited.find("\n-- +retort Down"),
                "UPDATE users SET name = trim(name);  -- edited by hand\n");
  testing::write_text(posts, edited);
  team.add_member("posts.hpp", "Post", "std::optional<std::string> title;");
  const Generated titles = team.build();
  ASSERT_EQ(titles.written, DraftWrite::kWritten) << titles.error.value_or("");
  team.seal("post titles");
  team.commit("posts");
  ASSERT_EQ(upgrade(fs::path(team.db("dev.db")), team.revisions(), "head").size(), 3u);

  // Merged: the build, CI's check and every other verb refuse, naming both files and the
  // remedy; heads and history show the branches.
  team.git("checkout -q a");
  team.git("merge -q --no-edit b");
  const auto before_rebase = team.contents();
  const Generated refused = team.build();
  ASSERT_TRUE(refused.error);
  EXPECT_TRUE(contains(*refused.error, "retort rebase 0002_posts_table")) << *refused.error;
  const Cli checked = team.retort({"check"});
  EXPECT_EQ(checked.code, ExitCode::kFailed);
  for (const char* part :
       {"0002_add_email.sql", "0002_posts_table.sql", "retort rebase 0002_posts_table"}) {
    EXPECT_TRUE(contains(checked.err, part)) << checked.err;
  }
  EXPECT_EQ(team.retort({"upgrade", "--db", team.db("x.db")}).code, ExitCode::kFailed);
  EXPECT_EQ(team.retort({"heads"}).out, "0002  0002_add_email.sql\n0003  0003_post_titles.sql\n");
  const Cli history = team.retort({"history"});
  EXPECT_EQ(history.code, ExitCode::kDone) << history.err;
  EXPECT_TRUE(contains(history.out, "base -> 0001  users  [0001_users.sql]  (branchpoint)"))
      << history.out;
  EXPECT_TRUE(contains(history.out, "0002_add_email.sql]  (head)")) << history.out;
  EXPECT_EQ(team.contents(), before_rebase);

  // The rebase: b's two revisions follow a's, the edited one keeps its SQL, the other is
  // written afresh; the merged models need no draft; CI's check passes.
  const Cli rebased = team.retort({"rebase", "0002_posts"});
  ASSERT_EQ(rebased.code, ExitCode::kDone) << rebased.err;
  EXPECT_TRUE(contains(rebased.out,
                       "moved 0002_posts_table.sql to 0003_posts_table.sql (SQL "
                       "kept as edited)"))
      << rebased.out;
  EXPECT_TRUE(contains(rebased.out,
                       "moved 0003_post_titles.sql to 0004_post_titles.sql (SQL "
                       "written afresh)"))
      << rebased.out;
  EXPECT_EQ(team.files(),
            (std::vector<std::string>{"0001_users.sql", "0002_add_email.sql",
                                      "0003_posts_table.sql", "0004_post_titles.sql"}));
  const std::string moved = testing::read_text(team.versions() / "0003_posts_table.sql");
  EXPECT_TRUE(contains(moved, "-- +retort parent: 0002\n")) << moved;
  EXPECT_TRUE(contains(moved, "-- +retort message: posts table\n")) << moved;
  EXPECT_TRUE(contains(moved, "UPDATE users SET name = trim(name);  -- edited by hand")) << moved;
  EXPECT_TRUE(contains(moved, "-- +retort rebased-from: 0002 ")) << moved;
  EXPECT_TRUE(contains(moved, "\"email\"")) << "the snapshot holds both branches' changes\n"
                                            << moved;
  EXPECT_EQ(team.retort({"heads"}).out, "0004\n");
  const Generated after = team.build();
  EXPECT_FALSE(after.error) << *after.error;
  EXPECT_EQ(after.written, DraftWrite::kNone);
  EXPECT_EQ(team.retort({"check"}).code, ExitCode::kDone);
  team.commit("rebased b behind a");

  // A fresh database and a's both reach the same schema; a's rows are kept.
  EXPECT_EQ(upgrade(fs::path(team.db("fresh.db")), team.revisions(), "head").size(), 4u);
  EXPECT_EQ(upgrade(fs::path(team.db("a.db")), team.revisions(), "head"),
            (std::vector<std::string>{"0003", "0004"}));
  EXPECT_EQ(differences(team.db("fresh.db"), team.db("a.db")), std::vector<std::string>{});
  EXPECT_EQ(Database(team.db("a.db")).rows("SELECT * FROM users"),
            std::vector<std::string>{"1|Ada|ada@example.com"});
  EXPECT_EQ(team.retort({"check", "--db", team.db("a.db")}).code, ExitCode::kDone);

  // The developer's database applied b's revisions under their old ids: refused with the way
  // back, which works from the down scripts stored in it.
  try {
    upgrade(fs::path(team.db("dev.db")), team.revisions(), "head");
    ADD_FAILURE() << "the developer's database was upgraded";
  } catch (const Error& e) {
    const std::string what = e.what();
    EXPECT_TRUE(contains(what, "renumbered it as '0003' (0003_posts_table.sql)")) << what;
    EXPECT_TRUE(contains(what, "retort downgrade 0001 --db " + team.db("dev.db"))) << what;
  }
  const Cli back = team.retort({"downgrade", "0001", "--db", team.db("dev.db")});
  ASSERT_EQ(back.code, ExitCode::kDone) << back.err;
  EXPECT_EQ(upgrade(fs::path(team.db("dev.db")), team.revisions(), "head").size(), 3u);
  EXPECT_EQ(differences(team.db("fresh.db"), team.db("dev.db")), std::vector<std::string>{});
}

std::string table_header(const std::string& table, const std::string& model) {
  return "#pragma once\n#include <cstdint>\n#include <optional>\n#include <string>\n#include "
         "<retort/annotations.hpp>\n\nstruct RETORT_TABLE(\"" +
         table + "\") " + model + " {\n  RETORT_PRIMARY_KEY std::int64_t id;\n};\n";
}

// Three branches each add a table; merged into main one after the other, each merge is refused
// until the merged branch is rebased, and CI's check passes only then.
TEST(BranchesTest, ThreeBranchesMergedOneAfterTheOther) {
  const Team team;
  const std::vector<std::string> branches = {"tags", "likes", "notes"};
  for (const std::string& branch : branches) {
    team.git("checkout -q main");
    team.git("checkout -q -b " + branch);
    team.write(branch + ".hpp", table_header(branch, "Model_" + branch));
    const Generated built = team.build();
    ASSERT_EQ(built.written, DraftWrite::kWritten) << branch << built.error.value_or("");
    team.seal(branch + " table");
    team.commit(branch);
  }
  // The last branch also leaves a draft in its tree: the next build rewrites it.
  team.add_member("notes.hpp", "Model_notes", "std::optional<std::string> text;");
  ASSERT_EQ(team.build().written, DraftWrite::kWritten);
  team.commit("notes: work in progress");
  team.git("checkout -q main");
  team.git("merge -q --no-edit tags");  // a fast-forward
  EXPECT_EQ(team.retort({"check"}).code, ExitCode::kDone);
  for (const std::string& branch : {std::string("likes"), std::string("notes")}) {
    team.git("merge -q --no-edit " + branch);
    const Cli ci = team.retort({"check"});
    EXPECT_EQ(ci.code, ExitCode::kFailed) << branch;
    EXPECT_TRUE(contains(ci.err, "retort rebase 0002_" + branch + "_table")) << ci.err;
    const Cli rebased = team.retort({"rebase", "0002_" + branch});
    ASSERT_EQ(rebased.code, ExitCode::kDone) << rebased.err;
    team.commit("rebased " + branch);
  }
  EXPECT_EQ(team.files(),
            (std::vector<std::string>{"0001_users.sql", "0002_tags_table.sql", "0003_draft.sql",
                                      "0003_likes_table.sql", "0004_notes_table.sql"}));
  // The draft from the notes branch no longer follows the newest revision: CI refuses it, the
  // build writes it afresh.
  EXPECT_EQ(team.retort({"check"}).code, ExitCode::kFailed);
  EXPECT_EQ(team.retort({"heads"}).out, "0004\n");  // the stale draft is no branch
  const Generated built = team.build();
  ASSERT_FALSE(built.error) << *built.error;
  EXPECT_EQ(built.written, DraftWrite::kWritten);
  EXPECT_EQ(team.files().back(), "0005_draft.sql");
  EXPECT_TRUE(contains(testing::read_text(team.versions() / "0005_draft.sql"),
                       "ALTER TABLE notes ADD COLUMN text"));
  EXPECT_EQ(team.retort({"heads"}).out, "0005\n");  // the draft follows the newest revision
  team.seal("note texts");
  EXPECT_EQ(team.retort({"check"}).code, ExitCode::kDone);
  EXPECT_EQ(upgrade(fs::path(team.db("fresh.db")), team.revisions(), "head").size(), 5u);
  EXPECT_EQ(Database(team.db("fresh.db")).tables(),
            (std::vector<std::string>{"likes", "notes", "retort_migrations", "tags", "users"}));
}

// The same column added with two types: the rebase names the table, the column and both
// revisions, and leaves migrations/ byte-identical.
TEST(BranchesTest, AConflictIsNamedAndNothingIsWritten) {
  const Team team;
  team.branch_adding_to_users("a", "std::optional<std::string> score;", "score as text");
  team.commit("a");
  team.branch_adding_to_users("b", "std::optional<std::int64_t> score;", "score as number");
  team.commit("b");
  team.git("checkout -q a");
  testing::run("cd " + team.root().string() + " && git merge -q --no-edit b 2>&1");
  team.git("checkout --ours models/users.hpp");  // the header conflict, resolved as a's
  team.commit("merged b");
  const auto before = team.contents();
  const Cli rebased = team.retort({"rebase", "0002_score_as_number"});
  EXPECT_EQ(rebased.code, ExitCode::kFailed);
  EXPECT_TRUE(contains(rebased.err,
                       "table 'users', column 'score': added differently on both branches (by "
                       "'0002_score_as_text.sql' and by '0002_score_as_number.sql')"))
      << rebased.err;
  EXPECT_TRUE(contains(rebased.err, "nothing was written")) << rebased.err;
  EXPECT_EQ(team.contents(), before);
}

// A table dropped on one branch and changed on the other is a conflict too; a rebase named
// ambiguously or with nothing to follow is refused.
TEST(BranchesTest, DroppedOnOneChangedOnTheOtherAndBadNames) {
  const Team team;
  team.git("checkout -q -b a");
  team.write("posts.hpp", kPosts);
  ASSERT_EQ(team.build().written, DraftWrite::kWritten);
  team.seal("posts");
  team.commit("posts");
  const Cli alone = team.retort({"rebase", "0002_posts"});
  EXPECT_EQ(alone.code, ExitCode::kFailed);
  EXPECT_TRUE(contains(alone.err, "no other branch follows '0001_users.sql'")) << alone.err;
  team.git("checkout -q -b b");
  fs::remove(team.models() / "users.hpp");
  std::string posts = kPosts;
  posts.erase(posts.find("  RETORT_REFERENCES"),
              posts.find("  std::string body") - posts.find("  RETORT_REFERENCES"));
  team.write("posts.hpp", posts);
  ASSERT_EQ(team.build().written, DraftWrite::kWritten);
  EXPECT_EQ(team.retort({"migrate", "-m", "no users", "--allow-destructive"}).code,
            ExitCode::kDone);
  team.commit("b");
  team.git("checkout -q a");
  team.git("checkout -q -b c");
  team.add_member("users.hpp", "User", "std::optional<std::string> email;");
  ASSERT_EQ(team.build().written, DraftWrite::kWritten);
  team.seal("email");
  team.commit("c");
  testing::run("cd " + team.root().string() + " && git merge -q --no-edit b 2>&1");
  team.commit("merged b, keeping users.hpp");  // the modify/delete conflict, resolved as c's
  const Cli prefix = team.retort({"rebase", "0003"});
  EXPECT_EQ(prefix.code, ExitCode::kFailed);
  EXPECT_TRUE(contains(prefix.err, "names several revision files")) << prefix.err;
  const auto before = team.contents();
  const Cli rebased = team.retort({"rebase", "0003_email"});
  EXPECT_EQ(rebased.code, ExitCode::kFailed);
  EXPECT_TRUE(contains(rebased.err,
                       "table 'users': dropped on one branch, changed on the other (by "
                       "'0003_no_users.sql' and by '0003_email.sql')"))
      << rebased.err;
  EXPECT_EQ(team.contents(), before);
}

// A revision a person edited keeps its SQL through a rebase, hooks included, but only once it is
// proven on the merged schema: a hand-written rebuild that would drop the other branch's column
// fails verification, and nothing is written.
TEST(BranchesTest, KeptRevisionsAreProvenAgainstTheMergedSchema) {
  const Team team;
  team.branch_adding_to_users("a", "std::optional<std::string> email;", "add email");
  team.commit("a");
  team.branch_adding_to_users("b", "std::optional<std::int64_t> age;", "add age");
  const fs::path age = team.versions() / "0002_add_age.sql";
  const std::string sealed = testing::read_text(age);
  std::string hooked = sealed;
  hooked.insert(hooked.find("\n-- +retort Down"), "-- +retort hook: fill_ages\n");
  testing::write_text(age, hooked);
  team.commit("b");
  team.git("checkout -q a");
  testing::run("cd " + team.root().string() + " && git merge -q --no-edit b 2>&1");
  std::string header = testing::read_text(team.models() / "users.hpp");
  for (const char* mark : {"<<<<<<< HEAD\n", "=======\n", ">>>>>>> b\n"}) {
    header.erase(header.find(mark), std::string(mark).size());
  }
  team.write("users.hpp", header);
  team.commit("merged b");

  const Cli kept = team.retort({"rebase", "0002_add_age"});
  ASSERT_EQ(kept.code, ExitCode::kDone) << kept.err;
  EXPECT_TRUE(contains(kept.out, "(SQL kept as edited)")) << kept.out;
  const std::string moved = testing::read_text(team.versions() / "0003_add_age.sql");
  EXPECT_TRUE(contains(moved,
                       "ALTER TABLE users ADD COLUMN age INTEGER;\n-- +retort hook: "
                       "fill_ages\n"))
      << moved;
  EXPECT_EQ(team.build().written, DraftWrite::kNone);

  // Back to the merge, with b's revision rebuilding users by hand, without the email column.
  team.git("reset -q --hard HEAD && git clean -qfd");
  const std::string up =
      sealed.substr(sealed.find("-- +retort Up\n"),
                    sealed.find("\n-- +retort Down") - sealed.find("-- +retort Up\n"));
  std::string rebuilt = sealed;
  rebuilt.replace(rebuilt.find(up), up.size(),
                  "-- +retort Up\n"
                  "CREATE TABLE users_new (id INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL, "
                  "age INTEGER);\n"
                  "INSERT INTO users_new (id, name) SELECT id, name FROM users;\n"
                  "DROP TABLE users;\n"
                  "ALTER TABLE users_new RENAME TO users;\n");
  testing::write_text(age, rebuilt);
  team.commit("a rebuild by hand");
  const auto before = team.contents();
  const Cli refused = team.retort({"rebase", "0002_add_age"});
  EXPECT_EQ(refused.code, ExitCode::kFailed);
  EXPECT_TRUE(contains(refused.err,
                       "'0002_add_age.sql', moved as '0003_add_age.sql', fails "
                       "verification against the merged schema"))
      << refused.err;
  EXPECT_TRUE(contains(refused.err, "email")) << refused.err;
  EXPECT_EQ(team.contents(), before);
}

// An unedited revision whose SQL must change on the merged schema is written afresh: b's rebuild
// of users (its name made optional) must carry a's email column, which b's file as sealed never
// knew, in the new table, in the copy of the rows and in its Down.
TEST(BranchesTest, AMovedRebuildIsWrittenAfreshForTheMergedSchema) {
  const Team team;
  team.branch_adding_to_users("a", "std::optional<std::string> email;", "add email");
  team.commit("a");
  ASSERT_EQ(upgrade(fs::path(team.db("a.db")), team.revisions(), "head").size(), 2u);
  Database(team.db("a.db")).exec("INSERT INTO users VALUES (1, 'Ada', 'ada@example.com')");
  team.git("checkout -q main");
  team.git("checkout -q -b b");
  std::string optional_name = kUsers;
  optional_name.replace(optional_name.find("std::string name;"), 17,
                        "std::optional<std::string> name;");
  team.write("users.hpp", optional_name);
  ASSERT_EQ(team.build().written, DraftWrite::kWritten);
  team.seal("optional name");
  team.commit("b");
  const std::string sealed = testing::read_text(team.versions() / "0002_optional_name.sql");
  ASSERT_TRUE(contains(sealed, "INSERT INTO _retort_new_users (id, name)\n")) << sealed;
  team.git("checkout -q a");
  testing::run("cd " + team.root().string() + " && git merge -q --no-edit b 2>&1");
  std::string merged = optional_name;
  merged.insert(merged.find("};"), "  std::optional<std::string> email;\n");
  team.write("users.hpp", merged);
  team.commit("merged b");

  const Cli rebased = team.retort({"rebase", "0002_optional_name"});
  ASSERT_EQ(rebased.code, ExitCode::kDone) << rebased.err;
  EXPECT_TRUE(contains(rebased.out,
                       "moved 0002_optional_name.sql to 0003_optional_name.sql (SQL written "
                       "afresh)"))
      << rebased.out;
  const std::string moved = testing::read_text(team.versions() / "0003_optional_name.sql");
  const std::string up = moved.substr(0, moved.find("-- +retort Down"));
  const std::string down = moved.substr(moved.find("-- +retort Down"));
  for (const std::string& section : {up, down}) {
    EXPECT_TRUE(contains(section, "    email TEXT\n);\n")) << section;
    EXPECT_TRUE(contains(section,
                         "INSERT INTO _retort_new_users (id, name, email)\n"
                         "    SELECT id, name, email FROM users;\n"))
        << section;
  }
  EXPECT_TRUE(contains(up, "    name TEXT,\n")) << up;
  EXPECT_TRUE(contains(down, "    name TEXT NOT NULL,\n")) << down;
  EXPECT_EQ(team.build().written, DraftWrite::kNone);
  // a's database takes it and keeps its row, email included.
  EXPECT_EQ(upgrade(fs::path(team.db("a.db")), team.revisions(), "head"),
            std::vector<std::string>{"0003"});
  EXPECT_EQ(Database(team.db("a.db")).rows("SELECT id, name, email FROM users"),
            std::vector<std::string>{"1|Ada|ada@example.com"});
}

// Every name and text under versions/, hidden files included; "(directory)" for a directory.
std::map<std::string, std::string> everything(const fs::path& versions) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::directory_iterator(versions)) {
    out[e.path().filename().string()] =
        e.is_directory() ? "(directory)" : testing::read_text(e.path());
  }
  return out;
}

// A rebase that fails while it writes its files writes none: the temporary file of the first
// moved revision is written, the second cannot be (a directory stands where it goes), and every
// file is left as it was, with no temporary file behind.
TEST(BranchesTest, ARebaseThatCannotWriteEveryFileWritesNone) {
  const Team team;
  team.branch_adding_to_users("a", "std::optional<std::string> email;", "add email");
  team.commit("a");
  team.git("checkout -q main");
  team.git("checkout -q -b b");
  team.write("posts.hpp", kPosts);
  ASSERT_EQ(team.build().written, DraftWrite::kWritten);
  team.seal("posts table");
  team.add_member("posts.hpp", "Post", "std::optional<std::string> title;");
  ASSERT_EQ(team.build().written, DraftWrite::kWritten);
  team.seal("post titles");
  team.commit("b");
  team.git("checkout -q a");
  team.git("merge -q --no-edit b");
  // Where the rebase (this process: the CLI runs in it) writes 0004_post_titles.sql first.
  const fs::path blocker =
      team.versions() / (".0004_post_titles.sql.rebase" + std::to_string(::getpid()));
  const auto before = everything(team.versions());
  fs::create_directory(blocker);
  const Cli failed = team.retort({"rebase", "0002_posts"});
  EXPECT_EQ(failed.code, ExitCode::kFailed);
  EXPECT_TRUE(contains(failed.err, "cannot write '" + blocker.string() + "'")) << failed.err;
  std::error_code ec;
  fs::remove(blocker, ec);  // the rebase's clean-up may have taken it: it stood at its path
  EXPECT_EQ(everything(team.versions()), before);

  const Cli rebased = team.retort({"rebase", "0002_posts"});
  ASSERT_EQ(rebased.code, ExitCode::kDone) << rebased.err;
  EXPECT_EQ(team.files(),
            (std::vector<std::string>{"0001_users.sql", "0002_add_email.sql",
                                      "0003_posts_table.sql", "0004_post_titles.sql"}));
}

}  // namespace
}  // namespace retort
