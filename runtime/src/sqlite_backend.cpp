// Runs steps on SQLite: transactions, statements with copy progress, foreign-key guards, the
// version table and the start-up fingerprint.
#include "sqlite_backend.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstring>

#include "draft_revert.hpp"
#include "fingerprint.hpp"
#include "retort/detail/functions.hpp"
#include "retort/detail/introspect.hpp"
#include "retort/detail/sqlite.hpp"
#include "retort/error.hpp"
#include "sqlite_hook_guard.hpp"
#include "test_pause.hpp"
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

// Reports a rebuild's copy of `table`'s rows, announced by a copy marker: the table's row
// count first, an estimate while it runs (the last rowid inserted, from SQLite's progress
// handler, at most every 100 ms), the exact count when done.
class CopyProgress {
 public:
  CopyProgress(sqlite3* db, const ProgressCallback& progress, Progress base,
               const std::string& table)
      : db_(db), progress_(progress), event_(std::move(base)) {
    if (!progress_ || table.empty()) return;
    event_.event = Progress::Event::kRowsCopied;
    event_.table = table;
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
    std::int64_t n = 0;
    query_rows(db_, "SELECT count(*) FROM " + quote_identifier(event_.table),
               [&n](const std::vector<std::string>& row) { n = std::stoll(row[0]); });
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

class Transaction final : public Held {
 public:
  explicit Transaction(sqlite3* db) : db_(db) { exec(db, "BEGIN IMMEDIATE"); }
  ~Transaction() override {
    if (open_) try_exec(db_, "ROLLBACK");
  }
  void commit() override {
    exec(db_, "COMMIT");
    open_ = false;
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

 private:
  sqlite3* db_;
  bool open_ = true;
};

// PRAGMA foreign_keys is a no-op inside a transaction: switched off before BEGIN, restored
// after the transaction ends.
class StepTransaction final : public Held {
 public:
  StepTransaction(sqlite3* db, bool foreign_keys_off) : db_(db) {
    if (foreign_keys_off) {
      query_rows(db, "PRAGMA foreign_keys",
                 [this](const std::vector<std::string>& row) { was_on_ = row[0] != "0"; });
      if (was_on_) exec(db, "PRAGMA foreign_keys = OFF");
    }
    tx_ = std::make_unique<Transaction>(db);
    exec(db, kVersionTableDdl);
  }
  ~StepTransaction() override {
    tx_.reset();
    if (was_on_) try_exec(db_, "PRAGMA foreign_keys = ON");
  }
  void commit() override { tx_->commit(); }
  StepTransaction(const StepTransaction&) = delete;
  StepTransaction& operator=(const StepTransaction&) = delete;

 private:
  sqlite3* db_;
  bool was_on_ = false;
  std::unique_ptr<Transaction> tx_;
};

class SqliteBackend final : public Backend {
 public:
  explicit SqliteBackend(sqlite3* db) : db_(db) {
    // Set before the first read too: a reader meets a writer's pending lock while it commits.
    sqlite3_busy_timeout(db, kBusyTimeoutMs);
    test_observe_busy(db, kBusyTimeoutMs);
  }

  // The header holds the fingerprint of every revision (ids, checksums, drafts), so nothing
  // else is read, not even the schema.
  bool at_head(const std::vector<Revision>& revisions) override {
    return user_version(db_) == fingerprint_of(revisions, revisions.size());
  }
  std::vector<AppliedRow> read_applied() override { return detail::read_applied(db_); }

  // Each step's BEGIN IMMEDIATE is the lock: a second process waits in it.
  std::unique_ptr<Held> hold_runner_lock() override { return std::make_unique<Held>(); }
  std::unique_ptr<Held> begin(bool foreign_keys_off) override {
    return std::make_unique<StepTransaction>(db_, foreign_keys_off);
  }

  void run_statements(const StepContext& c, const std::string& sql,
                      const std::string& copy_table) override {
    const char* tail = sql.c_str();
    bool first = true;
    while (*tail) {
      const char* start = tail;
      std::string error;
      const Statement statement = try_prepare_first(db_, start, tail, error);
      if (!error.empty()) {
        const char* semi = std::strchr(start, ';');
        throw MigrationError(c.revision,
                             statement_text(start, semi ? semi + 1 : start + std::strlen(start)),
                             error, c.done);
      }
      if (!statement) continue;  // only blanks or comments were left
      sqlite3_stmt* raw = statement.get();
      const std::string text = statement_text(start, tail);
      report_statement(c, Progress::Event::kStatement, text);
      CopyProgress copy(db_, c.progress, c.event, first ? copy_table : std::string());
      first = false;
      int rc;
      while ((rc = sqlite3_step(raw)) == SQLITE_ROW) {
      }
      if (rc != SQLITE_DONE) throw MigrationError(c.revision, text, sqlite3_errmsg(db_), c.done);
      copy.done();
      report_statement(c, Progress::Event::kStatementDone, text);
    }
  }

  bool linked(const Hook& hook) const override { return hook.function != nullptr; }
  std::unique_ptr<Held> guard_hook() override { return guard_sqlite_hook(db_); }
  void call_hook(const Hook& hook, HookProgress& progress) override {
    hook.function(db_, progress);
  }
  bool in_transaction() override { return !sqlite3_get_autocommit(db_); }

  void check_step(const StepContext& c, const Step& step) override {
    if (!step.foreign_keys_off) return;
    std::string problem;
    try {
      query_rows(db_, "SELECT \"table\", parent FROM pragma_foreign_key_check LIMIT 1",
                 [&problem](const std::vector<std::string>& row) {
                   problem = "a row of table '" + row[0] + "' references a missing row of table '" +
                             row[1] + "'";
                 });
    } catch (const Error& e) {
      problem = e.what();
    }
    if (!problem.empty()) {
      throw MigrationError(c.revision, "PRAGMA foreign_key_check", problem, c.done);
    }
  }

  void record(const StepContext& c, const std::vector<AppliedRow>& applied,
              const Step& step) override {
    const bool keep_fingerprint = owns_user_version(db_, applied);
    detail::record(db_, step, c.done);
    if (keep_fingerprint) exec(db_, set_user_version(fingerprint_of(after(applied, step))));
  }

  std::string stored_down_sql(const std::string& revision,
                              const std::vector<std::string>& done) override {
    return detail::stored_down_sql(db_, revision, done);
  }

  void expect_functions(const std::string& revision, const std::string& section) override {
    expect_functions_defined(db_, revision, section);
  }
  void announce_revert(const std::string& revision, const std::string& down_sql) override {
    announce_draft_revert(db_, revision, down_sql);
  }

  bool holds_schema() override {
    bool found = false;
    query_rows(db_, "SELECT 1 FROM sqlite_schema WHERE " + not_internal("name") + " LIMIT 1",
               [&found](const std::vector<std::string>&) { found = true; });
    return found;
  }

  // Compared to SQLite's PRAGMAs and sqlite_schema with the baseline run on an empty database.
  std::vector<std::string> differences_from(const Revision& baseline) override {
    const Db expected = open_memory();
    register_stand_ins(expected.get(), section_functions(baseline.up_sql));
    exec(expected.get(), baseline.up_sql);
    return compare_databases(expected.get(), db_);
  }

 private:
  sqlite3* db_;
};

}  // namespace

std::unique_ptr<Backend> sqlite_backend(sqlite3* db) { return std::make_unique<SqliteBackend>(db); }

std::unique_ptr<Held> begin_immediate(sqlite3* db) { return std::make_unique<Transaction>(db); }

}  // namespace retort::detail
