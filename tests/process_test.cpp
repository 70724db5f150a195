// The `retort` executable as separate processes: many upgrading one file at once, one killed
// with SIGKILL in the middle of a long rebuild, and bad input at the command line.
#include <fcntl.h>
#include <grp.h>
#include <gtest/gtest.h>
#include <pwd.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <sstream>
#include <thread>

#include "test_support.hpp"

namespace retort {
namespace {

using testing::Database;
using testing::TempDir;

// Who runs a process: this test's own user, or (from root) another one.
struct RunAs {
  std::string executable = RETORT_CLI;
  const passwd* user = nullptr;  ///< switch to this user in the child
};

// A running `retort` with its output in a file.
class Process {
 public:
  Process(const std::vector<std::string>& args, const std::filesystem::path& output,
          const RunAs& as = {}) {
    pid_ = fork();
    if (pid_ == 0) {
      const int fd = open(output.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      dup2(fd, STDOUT_FILENO);
      dup2(fd, STDERR_FILENO);
      if (as.user && (setgroups(0, nullptr) != 0 || setgid(as.user->pw_gid) != 0 ||
                      setuid(as.user->pw_uid) != 0)) {
        _exit(126);
      }
      std::vector<char*> argv{const_cast<char*>(as.executable.c_str())};
      for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      execv(as.executable.c_str(), argv.data());
      _exit(127);
    }
  }
  // The exit code, or -signal when a signal ended it.
  int wait() {
    if (!ended_) {
      waitpid(pid_, &status_, 0);
      ended_ = true;
    }
    return WIFEXITED(status_) ? WEXITSTATUS(status_) : -WTERMSIG(status_);
  }
  // Whether it has ended, without waiting.
  bool ended() {
    if (!ended_ && waitpid(pid_, &status_, WNOHANG) == pid_) ended_ = true;
    return ended_;
  }
  void kill_now() { kill(pid_, SIGKILL); }

 private:
  pid_t pid_ = -1;
  int status_ = 0;
  bool ended_ = false;
};

// Polls until `ready()` or `p` has ended; returns ready(). Waits for an event, not for a time:
// the minute is only there so that a broken product fails the test rather than hanging it.
template <typename Ready>
bool wait_until(Process& p, Ready ready) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::minutes(1);
  while (!ready() && !p.ended() && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return ready();
}

// The test's side of the runtime's test-only pause points (runtime/src/test_pause.hpp): the
// directory that RETORT_TEST_PAUSE names for one process.
class PausePoints {
 public:
  explicit PausePoints(std::filesystem::path dir) : dir_(std::move(dir)) {
    std::filesystem::create_directories(dir_);
  }
  const std::filesystem::path& dir() const { return dir_; }
  // The process waits the first time it reaches `point`, until released.
  void hold(const std::string& point) const { testing::write_text(dir_ / (point + ".wait"), ""); }
  void release(const std::string& point) const {
    std::filesystem::remove(dir_ / (point + ".wait"));
  }
  bool reached(const std::string& point) const {
    return std::filesystem::exists(dir_ / (point + ".here"));
  }
  // Whether the process has waited for another's lock.
  bool waited_for_a_lock() const { return std::filesystem::exists(dir_ / "busy"); }

 private:
  std::filesystem::path dir_;
};

// Runs `body` with the environment variable `name` set to `value`, for the processes it starts.
template <typename Body>
void with_env(const char* name, const std::string& value, Body body) {
  setenv(name, value.c_str(), 1);
  body();
  unsetenv(name);
}

void write_revision(const std::filesystem::path& dir, const std::string& id,
                    const std::string& parent, const std::string& up, const std::string& down) {
  testing::write_text(dir / "versions" / (id + "_rev.sql"),
                      "-- +retort parent: " + (parent.empty() ? "base" : parent) +
                          "\n-- +retort foreign-keys: off\n\n-- +retort Up\n" + up +
                          "\n\n-- +retort Down\n" + down + "\n");
}

// 0001 creates `items` with `rows` rows, 0002 rebuilds it (a type change), 0003 adds an index.
void write_repository(const std::filesystem::path& dir, int rows) {
  write_revision(dir, "0001", "",
                 "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, price TEXT);\n"
                 "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " +
                     std::to_string(rows) +
                     ")\nINSERT INTO items SELECT i, 'item ' || i, i || '.5' FROM n;",
                 "DROP TABLE items;");
  const auto rebuild = [](const std::string& type) {
    return "CREATE TABLE \"_retort_new_items\" (id INTEGER PRIMARY KEY, name TEXT NOT NULL, "
           "price " +
           type +
           ");\n-- +retort copy: items\nINSERT INTO \"_retort_new_items\" (id, name, price) SELECT "
           "id, name, price FROM "
           "items;\nDROP TABLE items;\nALTER TABLE \"_retort_new_items\" RENAME TO items;";
  };
  write_revision(dir, "0002", "0001", rebuild("REAL"), rebuild("TEXT"));
  write_revision(dir, "0003", "0002", "CREATE INDEX ix_items_name ON items (name);",
                 "DROP INDEX ix_items_name;");
}

TEST(ProcessTest, EightProcessesUpgradingOneFileApplyEachRevisionOnce) {
  TempDir tmp;
  const auto dir = tmp.path() / "migrations";
  write_repository(dir, 20000);
  for (int round = 0; round < 20; ++round) {
    const auto db = tmp.path() / ("app" + std::to_string(round) + ".db");
    std::vector<Process> processes;
    for (int i = 0; i < 8; ++i) {
      processes.emplace_back(
          std::vector<std::string>{"upgrade", "--dir", dir.string(), "--db", db.string()},
          tmp.path() / ("out" + std::to_string(i)));
    }
    std::map<std::string, int> applied;  // "upgraded 0002" lines over all outputs
    for (int i = 0; i < 8; ++i) {
      const std::string output = testing::read_text(tmp.path() / ("out" + std::to_string(i)));
      EXPECT_EQ(processes[static_cast<std::size_t>(i)].wait(), 0)
          << "round " << round << ": " << output;
    }
    for (int i = 0; i < 8; ++i) {
      std::istringstream lines(testing::read_text(tmp.path() / ("out" + std::to_string(i))));
      EXPECT_EQ(lines.str().find('\r'), std::string::npos) << "a progress line in piped output";
      for (std::string line; std::getline(lines, line);) {
        if (line.rfind("retort: upgraded ", 0) == 0) ++applied[line.substr(17)];
      }
    }
    EXPECT_EQ(applied, (std::map<std::string, int>{{"0001", 1}, {"0002", 1}, {"0003", 1}}))
        << "round " << round;
    Database check(db.string());
    EXPECT_EQ(check.rows("SELECT revision FROM retort_migrations ORDER BY revision"),
              (std::vector<std::string>{"0001", "0002", "0003"}));
    EXPECT_EQ(check.rows("SELECT count(*), typeof(price) FROM items GROUP BY 2"),
              std::vector<std::string>{"20000|real"});
    EXPECT_EQ(check.rows("SELECT name FROM pragma_index_list('items')"),
              std::vector<std::string>{"ix_items_name"});
    if (HasFailure()) break;
  }
}

// Whether a killed process left a hot journal beside `db`: it held a write transaction.
bool hot_journal(const std::filesystem::path& db) {
  const std::filesystem::path journal = db.string() + "-journal";
  std::error_code ec;
  return std::filesystem::exists(journal, ec) && std::filesystem::file_size(journal, ec) > 0;
}

// SIGKILL at random moments: ten times, a fresh copy of `seeded` is upgraded by the process
// `start(db, output)` makes, killed within the time an undisturbed run takes (and a quarter
// more). Then `inspect(db)` checks the database and returns the revision it found, a second run
// must succeed, and `finished(db)` checks the result. Prints where the killed runs left it
// ("inside": in a write transaction). Where kills land for certain: kill_when_paused().
template <typename Start, typename Inspect, typename Finished>
void kill_at_random_moments(const std::filesystem::path& seeded, const std::filesystem::path& work,
                            unsigned seed, Start start, Inspect inspect, Finished finished) {
  const auto out = work / "out";
  std::filesystem::copy_file(seeded, work / "timing.db");
  const auto begin = std::chrono::steady_clock::now();
  Process timing = start(work / "timing.db", out);
  ASSERT_EQ(timing.wait(), 0) << testing::read_text(out);
  const auto run_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::steady_clock::now() - begin)
                          .count();
  std::mt19937 rng(seed);
  std::map<std::string, int> outcomes;
  for (int round = 0; round < 10; ++round) {
    const auto db = work / "app.db";
    std::filesystem::remove(db);
    std::filesystem::copy_file(seeded, db);
    Process p = start(db, out);
    std::this_thread::sleep_for(std::chrono::milliseconds(
        std::uniform_int_distribution<long>(0, run_ms + run_ms / 4)(rng)));
    p.kill_now();
    p.wait();
    const bool inside = hot_journal(db);
    {
      Database check(db.string());  // the first open rolls a hot journal back
      EXPECT_EQ(check.rows("PRAGMA integrity_check"), std::vector<std::string>{"ok"});
    }
    ++outcomes[inspect(db) + (inside ? " inside" : "")];
    Process again = start(db, out);
    EXPECT_EQ(again.wait(), 0) << testing::read_text(out);
    finished(db);
  }
  std::string seen;
  for (const auto& [rev, n] : outcomes) seen += rev + "×" + std::to_string(n) + " ";
  std::cout << "killed runs found the database at: " << seen << "\n";
}

// A SIGKILL that lands where the test chose: a fresh copy of `seeded` is upgraded by the process
// `start_paused(db, output)` makes, which waits at a point the test holds; once `paused()` says
// it is there, it is killed. It must have held a write transaction (its hot journal is left),
// `inspect(db)` must find the database at `before` (rolled back), and a second run, started by
// `start`, must succeed, `finished(db)` checking the result.
template <typename StartPaused, typename Paused, typename Start, typename Inspect,
          typename Finished>
void kill_when_paused(const std::filesystem::path& seeded, const std::filesystem::path& work,
                      StartPaused start_paused, Paused paused, Start start, Inspect inspect,
                      Finished finished, const std::string& before) {
  const auto db = work / "paused.db";
  const auto out = work / "paused.out";
  std::filesystem::remove(db);
  std::filesystem::copy_file(seeded, db);
  Process p = start_paused(db, out);
  const bool there = wait_until(p, paused);
  p.kill_now();
  p.wait();
  ASSERT_TRUE(there) << "it never reached the point: " << testing::read_text(out);
  EXPECT_TRUE(hot_journal(db)) << "the kill landed outside a write transaction";
  {
    Database check(db.string());  // the first open rolls the hot journal back
    EXPECT_EQ(check.rows("PRAGMA integrity_check"), std::vector<std::string>{"ok"});
  }
  EXPECT_EQ(inspect(db), before);
  Process again = start(db, out);
  EXPECT_EQ(again.wait(), 0) << testing::read_text(out);
  finished(db);
}

// Killed at random moments, and once for certain inside the rebuild's transaction: its rows
// copied, the old table dropped and the new one renamed, not yet recorded or committed.
TEST(ProcessTest, KilledDuringARebuildLeavesThePreviousOrTheNextRevision) {
  TempDir tmp;
  const auto dir = tmp.path() / "migrations";
  write_repository(dir, 200000);
  const auto base = tmp.path() / "base.db";
  Process first({"upgrade", "0001", "--dir", dir.string(), "--db", base.string()},
                tmp.path() / "out");
  ASSERT_EQ(first.wait(), 0) << testing::read_text(tmp.path() / "out");
  const auto start = [&dir](const std::filesystem::path& db, const std::filesystem::path& out) {
    return Process({"upgrade", "--dir", dir.string(), "--db", db.string()}, out);
  };
  const auto inspect = [](const std::filesystem::path& db) {
    Database check(db.string());
    const std::string at = check.rows("SELECT max(revision) FROM retort_migrations")[0];
    const std::string price_type =
        check.rows("SELECT type FROM pragma_table_info('items') WHERE name = 'price'")[0];
    EXPECT_EQ(check.rows("SELECT count(*) FROM items"), std::vector<std::string>{"200000"});
    EXPECT_EQ(price_type, at == "0001" ? "TEXT" : "REAL") << at;
    EXPECT_TRUE(at == "0001" || at == "0002" || at == "0003") << at;
    EXPECT_EQ(check.rows("SELECT name FROM sqlite_schema WHERE name LIKE '_retort%'"),
              std::vector<std::string>{});
    return at;
  };
  const auto finished = [](const std::filesystem::path& db) {
    Database done(db.string());
    EXPECT_EQ(done.rows("SELECT max(revision) FROM retort_migrations"),
              std::vector<std::string>{"0003"});
    EXPECT_EQ(done.rows("SELECT count(*), typeof(price) FROM items GROUP BY 2"),
              std::vector<std::string>{"200000|real"});
  };
  kill_at_random_moments(base, tmp.path(), 7, start, inspect, finished);
  const PausePoints points(tmp.path() / "points");
  kill_when_paused(
      base, tmp.path(),
      [&](const std::filesystem::path& db, const std::filesystem::path& out) {
        points.hold("ran-0002");
        std::optional<Process> p;
        with_env("RETORT_TEST_PAUSE", points.dir().string(), [&] { p.emplace(start(db, out)); });
        return *p;
      },
      [&points] { return points.reached("ran-0002"); }, start, inspect, finished, "0001");
}

// The hook app (tests/hook_app): revision 0002 adds first_name and last_name, then its hook
// split_full_name fills them, logging each run to $HOOK_LOG.
const std::string kHookRepository = RETORT_TEST_DIR "/hook_app/migrations";

// A database at 0001 (the CLI can apply it: no hook) holding `rows` people.
void people_database(const std::filesystem::path& db, const std::filesystem::path& out, int rows) {
  Process p({"upgrade", "0001", "--dir", kHookRepository, "--db", db.string()}, out);
  ASSERT_EQ(p.wait(), 0) << testing::read_text(out);
  Database(db.string())
      .exec("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " +
            std::to_string(rows) +
            ") INSERT INTO people (id, full_name) SELECT i, 'First' || i || ' Last' || i FROM n");
}

std::string split_rows(const std::filesystem::path& db) {
  return Database(db.string())
      .rows(
          "SELECT count(*) FROM people WHERE first_name = 'First' || id AND last_name = 'Last' "
          "|| id")[0];
}

TEST(ProcessTest, EightApplicationsStartingAtOnceRunTheHookOnce) {
  TempDir tmp;
  const auto seeded = tmp.path() / "seeded.db";
  people_database(seeded, tmp.path() / "out", 20000);
  const RunAs app{RETORT_HOOK_APP};
  for (int round = 0; round < 10 && !HasFailure(); ++round) {
    const auto db = tmp.path() / ("app" + std::to_string(round) + ".db");
    std::filesystem::copy_file(seeded, db);
    const auto log = tmp.path() / ("hooks" + std::to_string(round) + ".log");
    std::vector<Process> processes;
    with_env("HOOK_LOG", log.string(), [&] {
      for (int i = 0; i < 8; ++i) {
        processes.emplace_back(std::vector<std::string>{db.string()},
                               tmp.path() / ("out" + std::to_string(i)), app);
      }
    });
    int applied = 0;
    for (int i = 0; i < 8; ++i) {
      const std::string output = testing::read_text(tmp.path() / ("out" + std::to_string(i)));
      EXPECT_EQ(processes[static_cast<std::size_t>(i)].wait(), 0) << output;
    }
    for (int i = 0; i < 8; ++i) {
      const std::string output = testing::read_text(tmp.path() / ("out" + std::to_string(i)));
      if (output.find("applied 0002\n") != std::string::npos) ++applied;
      EXPECT_NE(output.find("current 0002\n"), std::string::npos) << output;
    }
    EXPECT_EQ(applied, 1) << "round " << round;
    // The hook's own side effect, outside the database: one run in all.
    EXPECT_EQ(testing::read_text(log), "split_full_name\n") << "round " << round;
    EXPECT_EQ(split_rows(db), "20000");
  }
}

// Killed at random moments, and once for certain inside the hook: halfway through its rows,
// waiting until the file HOOK_PAUSE_FILE names is removed (tests/e2e/hooks/hooks.cpp).
TEST(ProcessTest, KilledDuringAHookLeavesThePreviousOrTheNextRevision) {
  TempDir tmp;
  const auto seeded = tmp.path() / "seeded.db";
  people_database(seeded, tmp.path() / "out", 200000);
  const auto start = [](const std::filesystem::path& db, const std::filesystem::path& out) {
    return Process({db.string()}, out, RunAs{RETORT_HOOK_APP});
  };
  const auto inspect = [](const std::filesystem::path& db) {
    Database check(db.string());
    const std::string at = check.rows("SELECT max(revision) FROM retort_migrations")[0];
    EXPECT_EQ(check.rows("SELECT count(*) FROM people"), std::vector<std::string>{"200000"});
    if (at == "0001") {  // the ALTERs before the hook went with it
      EXPECT_EQ(check.rows("SELECT name FROM pragma_table_info('people')"),
                (std::vector<std::string>{"id", "full_name"}));
    } else {
      EXPECT_EQ(at, "0002");
      EXPECT_EQ(split_rows(db), "200000");
    }
    return at;
  };
  const auto finished = [](const std::filesystem::path& db) {
    EXPECT_EQ(split_rows(db), "200000");
  };
  // The hook pauses halfway through its rows, so that most kills land inside it.
  with_env("HOOK_SLEEP_MS", "300",
           [&] { kill_at_random_moments(seeded, tmp.path(), 11, start, inspect, finished); });
  const auto in_hook = tmp.path() / "in-hook";
  kill_when_paused(
      seeded, tmp.path(),
      [&](const std::filesystem::path& db, const std::filesystem::path& out) {
        std::optional<Process> p;
        with_env("HOOK_PAUSE_FILE", in_hook.string(), [&] { p.emplace(start(db, out)); });
        return *p;
      },
      [&in_hook] { return std::filesystem::exists(in_hook); }, start, inspect, finished, "0001");
}

TEST(ProcessTest, BuildDirectoriesGeneratingAtOnceAgreeOnTheDraft) {
  TempDir tmp;
  testing::write_text(
      tmp.path() / "models.hpp",
      "#include <cstdint>\n#include <string>\n#include <retort/annotations.hpp>\n"
      "struct RETORT_TABLE(\"notes\") Note {\n"
      "  RETORT_PRIMARY_KEY std::int64_t id;\n  RETORT_INDEX std::string text;\n};\n");
  const auto dir = tmp.path() / "migrations";
  for (int round = 0; round < 10 && !HasFailure(); ++round) {
    std::filesystem::remove_all(dir);
    std::vector<Process> builds;
    for (int i = 0; i < 4; ++i) {
      const auto out = tmp.path() / ("build" + std::to_string(i));
      std::filesystem::create_directories(out);
      builds.emplace_back(std::vector<std::string>{"generate", "--dir", dir.string(), "--embed",
                                                   (out / "revisions.cpp").string(), "--models",
                                                   (tmp.path() / "models.hpp").string()},
                          out / "log");
    }
    for (int i = 0; i < 4; ++i) {
      EXPECT_EQ(builds[static_cast<std::size_t>(i)].wait(), 0)
          << testing::read_text(tmp.path() / ("build" + std::to_string(i)) / "log");
    }
    std::vector<std::string> files;
    for (const auto& e : std::filesystem::directory_iterator(dir / "versions")) {
      files.push_back(e.path().filename().string());
    }
    EXPECT_EQ(files, std::vector<std::string>{"0001_draft.sql"}) << "round " << round;
    const std::string draft = testing::read_text(dir / "versions" / "0001_draft.sql");
    EXPECT_NE(draft.find("CREATE INDEX ix_notes_text"), std::string::npos) << draft;
    for (int i = 0; i < 4; ++i) {  // every build embedded that same draft
      const std::string embedded =
          testing::read_text(tmp.path() / ("build" + std::to_string(i)) / "revisions.cpp");
      EXPECT_NE(embedded.find("ix_notes_text"), std::string::npos);
    }
  }
}

// libclang is loaded only by a scan: the dynamic loader's own log (LD_DEBUG) of each process.
TEST(ProcessTest, OnlyAScanLoadsLibclang) {
  TempDir tmp;
  const auto dir = tmp.path() / "migrations";
  write_repository(dir, 10);
  const std::string cli = "LD_DEBUG=files " + std::string(RETORT_CLI);
  const std::string db = (tmp.path() / "app.db").string();
  for (const std::string verb : {"upgrade", "current", "history", "downgrade base"}) {
    const auto r =
        testing::run(cli + " " + verb + " --dir " + dir.string() + " --db " + db + " 2>&1");
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("libsqlite3"), std::string::npos) << r.output;  // the log is there
    EXPECT_EQ(r.output.find("libclang"), std::string::npos) << verb << ":\n" << r.output;
  }
  testing::write_text(tmp.path() / "model.hpp",
                      "#include <retort/annotations.hpp>\n"
                      "struct RETORT_TABLE(\"t\") T { RETORT_PRIMARY_KEY long id; };\n");
  const auto scan = testing::run(cli + " check --dir " + (tmp.path() / "empty").string() +
                                 " --models " + (tmp.path() / "model.hpp").string() + " 2>&1");
  EXPECT_NE(scan.output.find("libclang"), std::string::npos) << scan.output;
}

// The build step whose models are unchanged since its last scan recalls that scan from the memo
// without loading libclang at all (README, docs/build.md), as the loader's own log shows; the
// scan before it did load libclang, and both wrote the same draft.
TEST(ProcessTest, ABuildStepFromTheMemoDoesNotLoadLibclang) {
  TempDir tmp;
  const auto model = tmp.path() / "models" / "note.hpp";
  testing::write_text(model,
                      "#include <cstdint>\n#include <string>\n#include <retort/annotations.hpp>\n"
                      "struct RETORT_TABLE(\"notes\") Note {\n"
                      "  RETORT_PRIMARY_KEY std::int64_t id;\n  std::string text;\n};\n");
  // Settled: the memo is not written from files changed within two seconds of the scan.
  std::filesystem::last_write_time(
      model, std::filesystem::file_time_type::clock::now() - std::chrono::hours(1));
  const auto embed = tmp.path() / "revisions.cpp";
  const std::string step = "LD_DEBUG=files " + std::string(RETORT_CLI) + " generate --dir " +
                           (tmp.path() / "migrations").string() + " --embed " + embed.string() +
                           " --models " + model.string() + " --pch-dir " +
                           (tmp.path() / "pch").string() + " 2>&1";
  const auto scanned = testing::run(step);
  ASSERT_EQ(scanned.exit_code, 0) << scanned.output;
  EXPECT_NE(scanned.output.find("libclang"), std::string::npos) << scanned.output;
  const std::string embedded = testing::read_text(embed);
  EXPECT_NE(embedded.find("CREATE TABLE notes"), std::string::npos) << embedded;
  const auto recalled = testing::run(step);
  ASSERT_EQ(recalled.exit_code, 0) << recalled.output;
  EXPECT_NE(recalled.output.find("libsqlite3"), std::string::npos) << recalled.output;
  EXPECT_EQ(recalled.output.find("libclang"), std::string::npos) << recalled.output;
  EXPECT_EQ(testing::read_text(embed), embedded);
}

TEST(ProcessTest, ProgressLineOnATerminalOnly) {
  TempDir tmp;
  const auto dir = tmp.path() / "migrations";
  write_repository(dir, 20000);
  const std::string upgrade = std::string(RETORT_CLI) + " upgrade --dir " + dir.string() +
                              " --db " + (tmp.path() / "tty.db").string();
  // script(1) runs it on a pseudo-terminal.
  const auto on_tty = testing::run("script -qec '" + upgrade + "' /dev/null");
  ASSERT_EQ(on_tty.exit_code, 0) << on_tty.output;
  EXPECT_NE(on_tty.output.find("\r\033[Kretort: [2/3] applying 0002: copying \"items\" "),
            std::string::npos)
      << on_tty.output;
  EXPECT_NE(on_tty.output.find("20000/20000 rows"), std::string::npos) << on_tty.output;
  const auto piped = testing::run(upgrade + " 2>&1 | cat");
  ASSERT_EQ(piped.exit_code, 0);
  EXPECT_EQ(piped.output, "retort: nothing to upgrade\n");
  const auto fresh = testing::run(std::string(RETORT_CLI) + " upgrade --dir " + dir.string() +
                                  " --db " + (tmp.path() / "piped.db").string() + " 2>&1 | cat");
  EXPECT_EQ(fresh.output, "retort: upgraded 0001\nretort: upgraded 0002\nretort: upgraded 0003\n");
}

// Two processes racing to one database, the race made certain by the runtime's test-only pause
// points: A plans from one read and waits; B begins a step's transaction, plans again inside it
// and waits there. A, let go, must then wait for B's lock (it reports that it waited) rather than
// begin a transaction of its own; B, let go, applies its steps. A then plans again under the
// lock and runs only what is left: each revision is applied once.
TEST(ProcessTest, AProcessThatPlannedWaitsForTheLockAndPlansAgainUnderIt) {
  TempDir tmp;
  const auto dir = tmp.path() / "migrations";
  write_repository(dir, 1000);
  const auto db = tmp.path() / "app.db";
  Process first({"upgrade", "0001", "--dir", dir.string(), "--db", db.string()},
                tmp.path() / "out");
  ASSERT_EQ(first.wait(), 0) << testing::read_text(tmp.path() / "out");
  const PausePoints a(tmp.path() / "a"), b(tmp.path() / "b");
  a.hold("planned");
  a.hold("locked");
  b.hold("locked");
  const auto start = [&](const PausePoints& points, const std::string& out) {
    std::optional<Process> p;
    with_env("RETORT_TEST_PAUSE", points.dir().string(), [&] {
      p.emplace(std::vector<std::string>{"upgrade", "--dir", dir.string(), "--db", db.string()},
                tmp.path() / out);
    });
    return *p;
  };
  Process process_a = start(a, "out-a");
  EXPECT_TRUE(wait_until(process_a, [&a] { return a.reached("planned"); }));
  Process process_b = start(b, "out-b");
  EXPECT_TRUE(wait_until(process_b, [&b] { return b.reached("locked"); }));
  a.release("planned");
  wait_until(process_a, [&a] { return a.waited_for_a_lock() || a.reached("locked"); });
  EXPECT_TRUE(a.waited_for_a_lock()) << "no contention: A did not wait for B's lock";
  EXPECT_FALSE(a.reached("locked")) << "A began a step while B held the lock";
  b.release("locked");
  wait_until(process_a, [&a] { return a.reached("locked"); });
  a.release("locked");
  EXPECT_EQ(process_b.wait(), 0) << testing::read_text(tmp.path() / "out-b");
  EXPECT_EQ(process_a.wait(), 0) << testing::read_text(tmp.path() / "out-a");
  std::map<std::string, int> applied;  // "upgraded 0002" lines of both
  for (const char* out : {"out-a", "out-b"}) {
    std::istringstream lines(testing::read_text(tmp.path() / out));
    for (std::string line; std::getline(lines, line);) {
      if (line.rfind("retort: upgraded ", 0) == 0) ++applied[line.substr(17)];
    }
  }
  EXPECT_EQ(applied, (std::map<std::string, int>{{"0002", 1}, {"0003", 1}}));
  Database check(db.string());
  EXPECT_EQ(check.rows("SELECT revision FROM retort_migrations ORDER BY revision"),
            (std::vector<std::string>{"0001", "0002", "0003"}));
  EXPECT_EQ(check.rows("SELECT count(*), typeof(price) FROM items GROUP BY 2"),
            std::vector<std::string>{"1000|real"});
}

// Bad input: a clear message, exit code 1, and nothing created or changed.
class BadInputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    write_repository(dir, 10);
    Process p({"upgrade", "0001", "--dir", dir.string(), "--db", db.string()}, out);
    ASSERT_EQ(p.wait(), 0);
    before = testing::read_text(db);
  }
  // Runs retort; expects exit 1, `message` in its output and the database file unchanged.
  void expect_refused(const std::vector<std::string>& args, const std::string& message,
                      const RunAs& as = {}) {
    Process p(args, out, as);
    EXPECT_EQ(p.wait(), 1);
    const std::string output = testing::read_text(out);
    EXPECT_NE(output.find("retort: error: "), std::string::npos) << output;
    EXPECT_NE(output.find(message), std::string::npos) << output;
    EXPECT_EQ(testing::read_text(db), before);
  }

  TempDir tmp;
  std::filesystem::path dir = tmp.path() / "migrations";
  std::filesystem::path db = tmp.path() / "app.db";
  std::filesystem::path out = tmp.path() / "out";
  std::string before;
};

TEST_F(BadInputTest, MissingDirectory) {
  const auto missing = tmp.path() / "nowhere";
  expect_refused({"upgrade", "--dir", missing.string(), "--db", db.string()}, "nowhere");
  const auto fresh = tmp.path() / "fresh.db";
  expect_refused({"upgrade", "--dir", missing.string(), "--db", fresh.string()}, "nowhere");
  EXPECT_FALSE(std::filesystem::exists(fresh));
}

TEST_F(BadInputTest, FileThatIsNotADatabase) {
  testing::write_text(db, std::string(4096, 'x'));
  before = testing::read_text(db);
  expect_refused({"upgrade", "--dir", dir.string(), "--db", db.string()}, "file is not a database");
  expect_refused({"current", "--dir", dir.string(), "--db", db.string()}, "file is not a database");
}

TEST_F(BadInputTest, ReadOnlyDatabase) {
  namespace fs = std::filesystem;
  fs::permissions(db, fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
  RunAs as;
  if (geteuid() == 0) {
    // Root writes to read-only files: run retort as `nobody`, from a copy it can reach
    // whatever the permissions of the build tree.
    as.user = getpwnam("nobody");
    ASSERT_NE(as.user, nullptr) << "no user 'nobody' to run as";
    as.executable = (tmp.path() / "retort").string();
    fs::copy_file(RETORT_CLI, as.executable);
    fs::permissions(tmp.path(), fs::perms::owner_all | fs::perms::group_read |
                                    fs::perms::group_exec | fs::perms::others_read |
                                    fs::perms::others_exec);
  }
  expect_refused({"upgrade", "--dir", dir.string(), "--db", db.string()}, "readonly", as);
}

TEST_F(BadInputTest, CorruptRevisionFile) {
  testing::write_text(dir / "versions" / "0004_bad.sql", "-- +retort parent: 0003\nno sections\n");
  expect_refused({"upgrade", "--dir", dir.string(), "--db", db.string()}, "0004_bad.sql");
}

TEST_F(BadInputTest, UnknownTarget) {
  expect_refused({"upgrade", "0042", "--dir", dir.string(), "--db", db.string()},
                 "unknown revision target '0042'");
  expect_refused({"upgrade", "+9", "--dir", dir.string(), "--db", db.string()},
                 "beyond the newest revision");
  expect_refused({"downgrade", "0003", "--dir", dir.string(), "--db", db.string()},
                 "is not applied");
}

}  // namespace
}  // namespace retort
