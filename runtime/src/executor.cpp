// Runs revisions: statements and markers of a section, one transaction per step.
#include "executor.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <map>

#include "draft_revert.hpp"
#include "fingerprint.hpp"
#include "retort/detail/functions.hpp"
#include "retort/detail/introspect.hpp"
#include "retort/detail/sqlite.hpp"
#include "version_table.hpp"

namespace retort::detail {
namespace {

std::string statement_text(const char* start, const char* end) {
  std::string s(start, end);
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  const auto last = s.find_last_not_of(" \t\r\n");
  return s.substr(first, last - first + 1);
}

std::string quote_identifier(const std::string& name) {
  std::string out = "\"";
  for (char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// Reports a rebuild's copy of `table`'s rows, announced by a copy marker: the table's row
// count first, an estimate while it runs (the last rowid inserted, from SQLite's progress
// handler, at most every 100 ms), the exact count when done.
class CopyProgress {
 public:
  CopyProgress(sqlite3* db, const ProgressCallback& progress, Progress base, std::string table)
      : db_(db), progress_(progress), event_(std::move(base)) {
    if (!progress_ || table.empty()) return;
    event_.event = Progress::Event::kRowsCopied;
    event_.table = std::move(table);
    event_.rows_total = count_rows();
    active_ = true;
    report(0);
    last_report_ = std::chrono::steady_clock::now();
    sqlite3_progress_handler(db_, 100000, &CopyProgress::tick, this);
  }
  ~CopyProgress() {
    if (active_) sqlite3_progress_handler(db_, 0, nullptr, nullptr);
  }
  void done() {
    if (active_) report(sqlite3_changes64(db_));
  }
  CopyProgress(const CopyProgress&) = delete;
  CopyProgress& operator=(const CopyProgress&) = delete;

 private:
  std::int64_t count_rows() {
    sqlite3_stmt* raw = nullptr;
    std::int64_t n = 0;
    const std::string sql = "SELECT count(*) FROM " + quote_identifier(event_.table);
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &raw, nullptr) == SQLITE_OK &&
        sqlite3_step(raw) == SQLITE_ROW) {
      n = sqlite3_column_int64(raw, 0);
    }
    sqlite3_finalize(raw);
    return n;
  }
  void report(std::int64_t rows) {
    event_.rows_done = std::clamp<std::int64_t>(rows, 0, event_.rows_total);
    progress_(event_);
  }
  static int tick(void* self) {
    auto* me = static_cast<CopyProgress*>(self);
    const auto now = std::chrono::steady_clock::now();
    if (now - me->last_report_ >= std::chrono::milliseconds(100)) {
      me->last_report_ = now;
      me->report(sqlite3_last_insert_rowid(me->db_));
    }
    return 0;
  }

  sqlite3* db_;
  const ProgressCallback& progress_;
  Progress event_;
  bool active_ = false;
  std::chrono::steady_clock::time_point last_report_;
};

// The hooks this program links, by name.
using HookTable = std::map<std::string, HookFunction, std::less<>>;

// What one step's run needs besides the SQL: who reports failures, hooks, and progress.
struct StepContext {
  sqlite3* db;
  const std::string& revision;
  const std::vector<std::string>& done;
  const HookTable& hooks;
  const ProgressCallback& progress;
  const Progress& event;
};

// Reports a hook's progress as kHookRows events: the first report, then at most one every
// 100 ms, and the one where the hook is done.
class HookReporter final : public HookProgress {
 public:
  HookReporter(const ProgressCallback& progress, Progress base, std::string hook)
      : progress_(progress), event_(std::move(base)) {
    event_.event = Progress::Event::kHookRows;
    event_.hook = std::move(hook);
  }
  void report(std::int64_t done, std::int64_t total) override {
    if (!progress_) return;
    const auto now = std::chrono::steady_clock::now();
    if (reported_ && done < total && now - last_report_ < std::chrono::milliseconds(100)) return;
    reported_ = true;
    last_report_ = now;
    event_.rows_done = done;
    event_.rows_total = total;
    progress_(event_);
  }

 private:
  const ProgressCallback& progress_;
  Progress event_;
  bool reported_ = false;
  std::chrono::steady_clock::time_point last_report_;
};

// While a hook runs, an authorizer refuses what a hook may not do (docs/data-migrations.md):
// end or nest the revision's transaction, switch foreign keys, change the schema (the
// revision's snapshot would not know; temporary tables are fine). The first refusal is kept,
// so that the revision fails with it even when the hook ignores the error.
class HookGuard {
 public:
  explicit HookGuard(sqlite3* db) : db_(db) {
    sqlite3_set_authorizer(db_, &HookGuard::check, this);
  }
  ~HookGuard() { sqlite3_set_authorizer(db_, nullptr, nullptr); }
  const std::string& refused() const { return refused_; }
  HookGuard(const HookGuard&) = delete;
  HookGuard& operator=(const HookGuard&) = delete;

 private:
  static int check(void* self, int action, const char* a, const char* b, const char*, const char*) {
    auto* me = static_cast<HookGuard*>(self);
    std::string why;
    switch (action) {
      case SQLITE_TRANSACTION:
        why = std::string("run ") + (a ? a : "BEGIN") +
              ": the revision's transaction belongs to the runtime";
        break;
      case SQLITE_PRAGMA:
        if (a && b &&
            (sqlite3_stricmp(a, "foreign_keys") == 0 ||
             sqlite3_stricmp(a, "writable_schema") == 0)) {
          why = std::string("set PRAGMA ") + a + ": the runtime sets it around the revision";
        }
        break;
      case SQLITE_CREATE_INDEX:
      case SQLITE_CREATE_TABLE:
      case SQLITE_CREATE_TRIGGER:
      case SQLITE_CREATE_VIEW:
      case SQLITE_CREATE_VTABLE:
      case SQLITE_DROP_INDEX:
      case SQLITE_DROP_TABLE:
      case SQLITE_DROP_TRIGGER:
      case SQLITE_DROP_VIEW:
      case SQLITE_DROP_VTABLE:
      case SQLITE_ALTER_TABLE:
        why = std::string("change the schema (") + (a ? a : "") +
              "): schema changes belong in the revision's SQL, where its snapshot sees them";
        break;
      default:
        break;
    }
    if (why.empty()) return SQLITE_OK;
    if (me->refused_.empty()) me->refused_ = "a hook may not " + why;
    return SQLITE_DENY;
  }

  sqlite3* db_;
  std::string refused_;
};

// Runs hook `name` inside the revision's transaction. Whatever it throws, a refused action,
// or a transaction it ended fails the revision with statement "hook NAME".
void run_hook(const StepContext& c, const std::string& name) {
  const std::string statement = "hook " + name;
  const auto found = c.hooks.find(name);
  if (found == c.hooks.end()) {
    throw MigrationError(c.revision, statement, "this program does not link the hook", c.done);
  }
  HookReporter reporter(c.progress, c.event, name);
  std::string failure;
  {
    const HookGuard guard(c.db);
    try {
      found->second(c.db, reporter);
    } catch (const std::exception& e) {
      failure = e.what();
    } catch (...) {
      failure = "the hook threw an exception that is not a std::exception";
    }
    if (!guard.refused().empty())
      failure = guard.refused() + (failure.empty() ? "" : "; " + failure);
  }
  if (failure.empty() && sqlite3_get_autocommit(c.db)) {
    failure =
        "the revision's transaction ended inside the hook (a statement with OR ROLLBACK, or "
        "an I/O error), so the revision is not recorded";
  }
  if (!failure.empty()) throw MigrationError(c.revision, statement, failure, c.done);
}

// Runs every statement of `sql`; `copy_table`, when set, names the table whose rows the first
// statement copies. A failure names the revision and the statement.
void run_statements(const StepContext& c, const std::string& sql, std::string copy_table) {
  const char* tail = sql.c_str();
  while (*tail) {
    const char* start = tail;
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(c.db, start, -1, &raw, &tail) != SQLITE_OK) {
      const char* semi = std::strchr(start, ';');
      throw MigrationError(c.revision,
                           statement_text(start, semi ? semi + 1 : start + std::strlen(start)),
                           sqlite3_errmsg(c.db), c.done);
    }
    if (!raw) continue;  // only blanks or comments were left
    const Statement statement(raw);
    CopyProgress copy(c.db, c.progress, c.event, std::move(copy_table));
    copy_table.clear();
    int rc;
    while ((rc = sqlite3_step(raw)) == SQLITE_ROW) {
    }
    if (rc != SQLITE_DONE) {
      throw MigrationError(c.revision, statement_text(start, tail), sqlite3_errmsg(c.db), c.done);
    }
    copy.done();
  }
}

// Runs a section: its statements in order, its markers where they stand.
void run_section(const StepContext& c, const std::string& sql) {
  std::string copy_table;
  for (SectionPart& part : split_section(sql)) {
    switch (part.kind) {
      case SectionPart::Kind::kCopy:
        copy_table = std::move(part.text);
        break;
      case SectionPart::Kind::kSql:
        run_statements(c, part.text, std::move(copy_table));
        copy_table.clear();
        break;
      case SectionPart::Kind::kHook:
        run_hook(c, part.text);
        break;
    }
  }
}

void check_foreign_keys(sqlite3* db, const std::string& revision,
                        const std::vector<std::string>& done) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, "PRAGMA foreign_key_check", -1, &raw, nullptr) != SQLITE_OK) {
    throw MigrationError(revision, "PRAGMA foreign_key_check", sqlite3_errmsg(db), done);
  }
  const Statement statement(raw);
  if (sqlite3_step(raw) == SQLITE_ROW) {
    throw MigrationError(revision, "PRAGMA foreign_key_check",
                         "a row of table '" + column_text(raw, 0) +
                             "' references a missing row of table '" + column_text(raw, 2) + "'",
                         done);
  }
}

// PRAGMA foreign_keys is a no-op inside a transaction: switch it before BEGIN, restore after.
class ForeignKeysOff {
 public:
  ForeignKeysOff(sqlite3* db, bool wanted) : db_(db) {
    if (!wanted) return;
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db, "PRAGMA foreign_keys", -1, &raw, nullptr) == SQLITE_OK) {
      const Statement statement(raw);
      was_on_ = sqlite3_step(raw) == SQLITE_ROW && sqlite3_column_int(raw, 0) != 0;
    }
    if (was_on_) exec(db, "PRAGMA foreign_keys = OFF");
  }
  ~ForeignKeysOff() {
    if (was_on_) sqlite3_exec(db_, "PRAGMA foreign_keys = ON", nullptr, nullptr, nullptr);
  }
  ForeignKeysOff(const ForeignKeysOff&) = delete;
  ForeignKeysOff& operator=(const ForeignKeysOff&) = delete;

 private:
  sqlite3* db_;
  bool was_on_ = false;
};

// The section a step runs: the revision's Up, or the down script stored when it was applied;
// "" for marking a draft sealed.
std::string section_of(sqlite3* db, const Step& step, const std::vector<std::string>& done) {
  if (step.kind == Step::kApply) return step.up->up_sql;
  if (step.kind == Step::kRevert) {
    return step.down_sql.empty() ? stored_down_sql(db, step.revision, done) : step.down_sql;
  }
  return "";
}

void run_step(const StepContext& c, const Step& step) {
  run_section(c, section_of(c.db, step, c.done));
  if (step.foreign_keys_off) check_foreign_keys(c.db, step.revision, c.done);
  record(c.db, step, c.done);
}

// A database that Retort has not migrated yet, but that holds tables, views or triggers of
// its own: one that shipped before Retort.
bool existed_before_retort(sqlite3* db, const std::vector<AppliedRow>& applied) {
  if (!applied.empty()) return false;
  bool found = false;
  query_rows(db,
             "SELECT 1 FROM sqlite_schema WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND "
             "name <> 'retort_migrations' LIMIT 1",
             [&found](const std::vector<std::string>&) { found = true; });
  return found;
}

// Adopting an existing database: it must be, to SQLite's PRAGMAs and sqlite_schema, what the
// baseline creates on an empty one. Then the baseline is recorded as applied without running.
void adopt(const StepContext& c, const Step& step) {
  const Db expected = open_memory();
  register_stand_ins(expected.get(), section_functions(step.up->up_sql));
  exec(expected.get(), step.up->up_sql);
  const std::vector<std::string> differences = compare_databases(expected.get(), c.db);
  if (!differences.empty()) {
    std::string list;
    for (const std::string& d : differences) list += "\n  " + d;
    throw Error(
        "the database was not created by Retort, and its schema is not the one the "
        "baseline revision " +
        step.revision + " creates (" + std::to_string(differences.size()) +
        " differences); nothing was changed:" + list);
  }
  record(c.db, step, c.done);
}

HookTable linked_hooks(const std::vector<Revision>& revisions) {
  HookTable table;
  for (const Revision& r : revisions) {
    for (const Hook& h : r.hooks) {
      if (h.function) table.emplace(h.name, h.function);
    }
  }
  return table;
}

// Before anything runs: every hook the planned steps name must be linked, so that a program
// without them (the retort CLI) changes nothing rather than stopping halfway.
void expect_hooks_linked(sqlite3* db, const std::vector<Step>& steps, const HookTable& hooks) {
  for (const Step& step : steps) {
    for (const std::string& name : section_hooks(section_of(db, step, {}))) {
      if (!hooks.count(name)) {
        throw Error("revision " + step.revision + " runs the C++ hook '" + name +
                    "', which this program does not link: hooks run only in the application "
                    "whose build embeds the revisions (add_migrations()); nothing was changed");
      }
    }
  }
}

// Before anything runs: every application function the planned steps need (their sections'
// markers) must be defined, so that a connection without them (the retort CLI's) changes
// nothing rather than stopping halfway. An adopted database's baseline is recorded, not run.
void expect_steps_functions_defined(sqlite3* db, const std::vector<Step>& steps, bool adopting) {
  for (const Step& step : steps) {
    if (adopting && step.kind == Step::kApply && step.up->baseline) continue;
    expect_functions_defined(db, step.revision, section_of(db, step, {}));
  }
}

}  // namespace

Transaction::Transaction(sqlite3* db) : db_(db) { exec(db, "BEGIN IMMEDIATE"); }

Transaction::~Transaction() {
  if (open_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

void Transaction::commit() {
  exec(db_, "COMMIT");
  open_ = false;
}

std::vector<std::string> migrate(sqlite3* db, const std::vector<Revision>& revisions,
                                 std::string_view target, Planner plan,
                                 const ProgressCallback& progress) {
  std::vector<std::string> done;
  // Set before the first read too: a reader meets a writer's pending lock while it commits.
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  // Up to date, the common start-up: the header holds the fingerprint of every revision (ids,
  // checksums, drafts), so nothing else is read, not even the schema.
  if (plan == plan_upgrade && target == "head" && !revisions.empty() &&
      user_version(db) == fingerprint_of(revisions, revisions.size())) {
    return done;
  }
  const std::vector<AppliedRow> applied_at_start = read_applied(db);
  std::vector<Step> steps = plan(applied_at_start, revisions, target);
  const HookTable hooks = linked_hooks(revisions);
  expect_hooks_linked(db, steps, hooks);
  expect_steps_functions_defined(db, steps, existed_before_retort(db, applied_at_start));
  const std::size_t planned = steps.size();
  std::size_t step_number = 0;
  while (!steps.empty()) {
    const bool foreign_keys_off = steps.front().foreign_keys_off;
    ForeignKeysOff fk_guard(db, foreign_keys_off);
    Transaction tx(db);
    exec(db, kVersionTableDdl);
    const std::vector<AppliedRow> applied = read_applied(db);
    steps = plan(applied, revisions, target);
    if (steps.empty()) {
      tx.commit();
      break;
    }
    if (steps.front().foreign_keys_off != foreign_keys_off) continue;  // retry with the pragma
    const Step& step = steps.front();
    const bool keep_fingerprint = owns_user_version(db, applied);
    Progress event;
    event.event = Progress::Event::kStarted;
    event.revision = step.revision;
    event.reverting = step.kind == Step::kRevert;
    event.step = std::min(++step_number, planned);
    event.steps = planned;
    if (progress && step.kind != Step::kMarkSealed) progress(event);
    const StepContext context{db, step.revision, done, hooks, progress, event};
    if (step.kind == Step::kApply && step.up->baseline && existed_before_retort(db, applied)) {
      adopt(context, step);
      event.adopted = true;
    } else {
      if (step.kind == Step::kRevert && plan == plan_upgrade) {
        announce_draft_revert(db, step.revision, section_of(db, step, done));
      }
      run_step(context, step);
    }
    if (keep_fingerprint) exec(db, set_user_version(fingerprint_of(after(applied, step))));
    tx.commit();
    if (step.kind != Step::kMarkSealed) {
      // An upgrade returns what it applied: a changed draft it reverted first is applied again.
      if (step.kind == Step::kApply || plan != plan_upgrade) done.push_back(step.revision);
      event.event = Progress::Event::kFinished;
      if (progress) progress(event);
    }
    steps.erase(steps.begin());
  }
  return done;
}

}  // namespace retort::detail
