// Runs steps on PostgreSQL.
#include "pg_backend.hpp"

#include <libpq-fe.h>

#include <functional>
#include <optional>
#include <thread>
#include <utility>

#include "pg_locks.hpp"
#include "pg_outside.hpp"
#include "pg_version_table.hpp"
#include "retort/detail/fnv1a.hpp"
#include "retort/detail/pg.hpp"

namespace retort::detail::pg {
namespace {

constexpr const char* kLockNotAvailable = "55P03";
// 'RTRT': the first key of Retort's advisory locks; the second is the schema's.
constexpr const char* kLockClass = "1381258324";

// A step's transaction: BEGIN, the statements' lock_timeout, the runner lock (polled: a waiter
// never sits in the server holding a snapshot, which would deadlock with a concurrent index
// build) and the version table's rows in one round trip; the table created the first time.
// The step's record goes with its COMMIT. Rolled back unless committed.
class Transaction final : public Held {
 public:
  Transaction(PGconn* conn, const PostgresqlOptions& options, const std::string& keys,
              bool& table_ready, Transaction*& current)
      : conn_(conn), table_ready_(table_ready), current_(current) {
    const auto give_up = std::chrono::steady_clock::now() + options.wait_for_runner;
    // Notices ("already exists, skipping") stay off the application's output. The rows are read
    // by a statement of their own, after the lock: its snapshot sees the last holder's commit.
    const std::string begin =
        "BEGIN; SET LOCAL client_min_messages = warning; SET LOCAL lock_timeout = " +
        literal(std::to_string(options.lock_timeout.count()) + "ms") +
        "; SELECT pg_try_advisory_xact_lock(" + keys + ")" + (table_ready_ ? "; " + kReadRows : "");
    std::chrono::milliseconds pause(10);
    for (;;) {
      open_ = true;
      const std::vector<Result> got = exec_each(conn, begin);
      const PGresult* lock = got[table_ready_ ? got.size() - 2 : got.size() - 1].get();
      if (value(lock, 0, 0) == "t") {
        if (table_ready_) rows_ = rows_of(got.back().get());
        break;
      }
      exec(conn, "ROLLBACK");
      open_ = false;
      if (std::chrono::steady_clock::now() > give_up) {
        throw Error("another process has been migrating this database for longer than " +
                    std::to_string(options.wait_for_runner.count()) + " ms; " + holder(keys));
      }
      std::this_thread::sleep_for(pause);
      pause = std::min(pause * 2, std::chrono::milliseconds(250));
    }
    // Once a transaction of this connection committed, the table is there (the runner lock
    // keeps other Retort sessions from dropping it meanwhile).
    if (!table_ready_) exec(conn, kVersionTableDdl + ";\n" + kVersionTableColumns);
    current_ = this;
  }
  ~Transaction() override {
    if (current_ == this) current_ = nullptr;
    if (open_) try_exec(conn_, "ROLLBACK");
  }
  // `sql` runs in the round trip of the COMMIT; `failed` turns its failure into the step's.
  void defer(std::string sql, std::function<void(const Failure&)> failed) {
    deferred_ = std::move(sql);
    failed_ = std::move(failed);
  }
  // The version table's rows read as it began, once (the step plans from them); none when it
  // began before the table was sure to exist.
  std::optional<std::vector<AppliedRow>> take_rows() { return std::exchange(rows_, std::nullopt); }
  void commit() override {
    try {
      exec(conn_, deferred_.empty() ? "COMMIT" : deferred_ + ";\nCOMMIT");
    } catch (const Failure& f) {
      // Still in the transaction: the deferred statement failed, not the COMMIT.
      if (failed_ && in_transaction(conn_)) failed_(f);
      throw;
    }
    open_ = false;
    table_ready_ = true;
  }

 private:
  std::string holder(const std::string& keys) {
    std::string who = "its session is unknown";
    query_rows(conn_,
               "SELECT a.pid, a.state, left(a.query, 120) FROM pg_locks l JOIN pg_stat_activity "
               "a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted AND "
               "l.objsubid = 2 AND ARRAY[l.classid::bigint, l.objid::bigint] = ARRAY[" +
                   keys + "]::bigint[] LIMIT 1",
               [&who](const std::vector<std::string>& r) {
                 who = "session " + r[0] + " holds the lock (" + r[1] + ": " + r[2] + ")";
               });
    return who;
  }

  PGconn* conn_;
  bool& table_ready_;
  Transaction*& current_;
  std::optional<std::vector<AppliedRow>> rows_;
  bool open_ = false;
  std::string deferred_;
  std::function<void(const Failure&)> failed_;
};

// The runner lock held by the session (taken while its transaction holds it, so at once), until
// it goes: across a statement that runs outside any transaction. A session that ends lets go of
// it, so a killed process leaves no lock behind.
class SessionHold final : public Held {
 public:
  explicit SessionHold(PGconn* conn) : conn_(conn), keys_(runner_lock_keys(conn)) {
    exec(conn, "SELECT pg_try_advisory_lock(" + keys_ + ")");
  }
  ~SessionHold() override { try_exec(conn_, "SELECT pg_advisory_unlock(" + keys_ + ")"); }

 private:
  PGconn* conn_;
  std::string keys_;
};

// A hook may not change the schema: the catalog entries of the current schema, hashed
// before and after it.
class HookGuard final : public Held {
 public:
  explicit HookGuard(PGconn* conn) : conn_(conn), before_(catalog()) {}
  std::string refused() const override {
    if (PQtransactionStatus(conn_) == PQTRANS_INERROR) {
      return "a statement the hook ran failed, and the revision's transaction is aborted";
    }
    if (!in_transaction(conn_)) return "";  // the executor names it
    return catalog() == before_ ? ""
                                : "a hook may not change the schema: schema changes belong in "
                                  "the revision's SQL, where its snapshot sees them";
  }

 private:
  std::string catalog() const {
    const Result r =
        exec(conn_,
             "SELECT md5(coalesce(string_agg(x, ',' ORDER BY x), '')) FROM ("
             "SELECT concat_ws(' ', c.oid, c.relname, c.relkind, c.relnatts) FROM pg_class c "
             "WHERE c.relnamespace = current_schema()::regnamespace UNION ALL "
             "SELECT concat_ws(' ', a.attrelid, a.attname, a.atttypid, a.attnotnull, "
             "a.attisdropped) "
             "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
             "WHERE c.relnamespace = current_schema()::regnamespace AND a.attnum > 0 UNION ALL "
             "SELECT concat_ws(' ', oid, conname) FROM pg_constraint "
             "WHERE connamespace = current_schema()::regnamespace UNION ALL "
             "SELECT concat_ws(' ', oid, proname) FROM pg_proc "
             "WHERE pronamespace = current_schema()::regnamespace UNION ALL "
             "SELECT concat_ws(' ', t.oid, t.tgname, t.tgenabled) FROM pg_trigger t "
             "JOIN pg_class c ON c.oid = t.tgrelid "
             "WHERE c.relnamespace = current_schema()::regnamespace) s(x)");
    return value(r.get(), 0, 0);
  }

  PGconn* conn_;
  std::string before_;
};

class PostgresqlBackend final : public Backend {
 public:
  PostgresqlBackend(PGconn* conn, const PostgresqlOptions& options)
      : conn_(conn), options_(options) {}

  // The version table's comment holds the fingerprint of every revision (ids, checksums,
  // drafts), so nothing else is read when it matches.
  bool at_head(const std::vector<Revision>& revisions) override {
    return pg::fingerprint_at_head(conn_, revisions);
  }
  // Read in the round trip that began the step's transaction, when it did.
  std::vector<AppliedRow> read_applied() override {
    if (transaction_) {
      if (std::optional<std::vector<AppliedRow>> rows = transaction_->take_rows()) return *rows;
    }
    return pg::read_applied(conn_);
  }

  // Each step's transaction takes the lock (begin()).
  std::unique_ptr<Held> hold_runner_lock() override { return std::make_unique<Held>(); }
  std::unique_ptr<Held> begin(bool) override {
    if (keys_.empty()) keys_ = runner_lock_keys(conn_);
    return std::make_unique<Transaction>(conn_, options_, keys_, table_ready_, transaction_);
  }

  void run_statements(const StepContext& c, const std::string& sql, const std::string&) override {
    for (const std::string& statement : split_statements(sql)) {
      report_statement(c, Progress::Event::kStatement, statement);
      run(c, statement, [&] { exec(conn_, statement); });
      report_statement(c, Progress::Event::kStatementDone, statement);
    }
  }

  void record_phases(const StepContext& c, const Step& step, const std::string& sql,
                     int phases_done, int phases) override {
    pg::record_phases(conn_, step, sql, phases_done, phases, c.done);
    pg::write_fingerprint(conn_, pg::read_applied(conn_));
  }
  OutsideState outside_state(const std::string& statement) override {
    return pg::outside_state(conn_, statement);
  }
  std::unique_ptr<Held> hold_across() override { return std::make_unique<SessionHold>(conn_); }
  void run_outside(const StepContext& c, const std::string& statement) override {
    if (split_statements(statement).size() != 1) {
      throw MigrationError(c.revision, statement,
                           "a statement after '-- +retort no-transaction' runs by itself: write "
                           "one statement there",
                           c.done);
    }
    run(c, statement, [&] { pg::run_outside(conn_, statement, options_.lock_timeout); });
  }

  // Before anything runs: a statement outside a transaction needs the server session to itself
  // from one transaction to the next (the runner lock, its lock_timeout), which a pooler in
  // transaction mode does not give.
  void expect_phases(const std::string& revision, const std::string& sql) override {
    for (const SectionPhase& phase : section_phases(sql)) {
      if (phase.transaction) continue;
      if (!through_pooler_) through_pooler_ = through_pooler(conn_);
      if (!*through_pooler_) return;
      std::string statement;
      for (const SectionPart& p : phase.parts) {
        if (p.kind == SectionPart::Kind::kSql) statement += p.text;
      }
      throw Error("revision " + revision + " runs a statement outside a transaction (" +
                  split_statements(statement).front() +
                  "), which needs a server session of its own from one transaction to the next "
                  "(a lock held across it, its lock_timeout); this connection reaches the server "
                  "through a pooler (PgBouncer in transaction mode gives each transaction any "
                  "session): connect to the server directly to migrate (docs/live-changes.md); "
                  "nothing was changed");
    }
  }

  bool linked(const Hook& hook) const override { return hook.postgresql_function != nullptr; }
  std::unique_ptr<Held> guard_hook() override { return std::make_unique<HookGuard>(conn_); }
  void call_hook(const Hook& hook, HookProgress& progress) override {
    hook.postgresql_function(conn_, progress);
  }
  bool in_transaction() override { return PQtransactionStatus(conn_) == PQTRANS_INTRANS; }

  void check_step(const StepContext&, const Step&) override {}

  void record(const StepContext& c, const std::vector<AppliedRow>& applied,
              const Step& step) override {
    // With the COMMIT that follows: one round trip (the executor commits at once).
    const std::string sql = pg::record_sql(step);
    if (!transaction_) throw MigrationError(step.revision, sql, "no transaction is open", c.done);
    transaction_->defer(sql + ";\n" + pg::fingerprint_sql(after(applied, step)),
                        [revision = step.revision, sql, done = c.done](const Failure& f) {
                          throw MigrationError(revision, sql, f.what(), done);
                        });
  }
  std::string stored_down_sql(const std::string& revision,
                              const std::vector<std::string>& done) override {
    return pg::stored_down_sql(conn_, revision, done);
  }

  int tries() const override { return std::max(1, options_.tries); }
  std::chrono::milliseconds first_pause() const override { return options_.first_pause; }
  std::string lock_holder(const std::string& statement) override {
    return pg::lock_holder(conn_, statement);
  }

  bool holds_schema() override {
    const Result r = exec(conn_,
                          "SELECT 1 FROM pg_class WHERE relnamespace = "
                          "current_schema()::regnamespace AND relkind IN ('r', 'p', 'v', 'm') "
                          "AND relname <> " +
                              literal(kVersionTable) + " LIMIT 1");
    return PQntuples(r.get()) > 0;
  }

  // The baseline run in a schema of its own inside the step's transaction, then rolled back.
  std::vector<std::string> differences_from(const Revision& baseline) override {
    return compared_in_savepoint(conn_, baseline.up_sql);
  }

  // The database's own constraint names (users_pkey, users_email_key) become the baseline's,
  // so that every later revision finds each constraint by the name its snapshot gives it.
  std::vector<std::string> align_names(const StepContext& c, const Revision& baseline) override {
    const SchemaPair facts = read_in_savepoint(conn_, baseline.up_sql);
    if (!facts.error.empty()) return {};  // differences_from() says it
    std::string sql;
    std::vector<std::string> out;
    for (const ConstraintRename& r : constraint_renames(facts.expected, facts.actual)) {
      sql += rename_statement(r);
      out.push_back("table '" + r.table + "': constraint " + r.from + " renamed " + r.to);
    }
    if (!sql.empty()) run_statements(c, sql, "");
    return out;
  }

 private:
  // Runs `action` for `statement`: a lock timeout is a LockTimeout (tried again), any other
  // failure a MigrationError.
  template <typename Action>
  void run(const StepContext& c, const std::string& statement, Action action) {
    try {
      action();
    } catch (const Failure& f) {
      if (f.sqlstate() == kLockNotAvailable) {
        throw LockTimeout(c.revision, statement, f.what(), c.done);
      }
      throw MigrationError(c.revision, statement, f.what(), c.done);
    }
  }

  PGconn* conn_;
  PostgresqlOptions options_;
  std::optional<bool> through_pooler_;
  std::string keys_;          ///< the runner lock's, read once
  bool table_ready_ = false;  ///< a transaction of this call committed: the version table exists
  Transaction* transaction_ = nullptr;  ///< the step's, while it lasts
};

}  // namespace

SchemaPair read_in_savepoint(PGconn* conn, const std::string& create_sql) {
  const std::string scratch = "retort_expected_" + std::to_string(PQbackendPID(conn));
  exec(conn, "SAVEPOINT retort_compare");
  SchemaPair out;
  try {
    out.actual = introspect(conn);
    out.actual_objects = introspect_objects(conn);
    exec(conn, "CREATE SCHEMA " + identifier(scratch));
    exec(conn, "SET LOCAL search_path = " + identifier(scratch));
    for (const std::string& statement : split_statements(create_sql)) exec(conn, statement);
    out.expected = introspect(conn);
    out.expected_objects = introspect_objects(conn);
  } catch (const Failure& f) {
    out.error = std::string("the expected schema does not run: ") + f.what();
  }
  exec(conn, "ROLLBACK TO SAVEPOINT retort_compare");
  return out;
}

std::vector<std::string> compared_in_savepoint(PGconn* conn, const std::string& create_sql) {
  const SchemaPair facts = read_in_savepoint(conn, create_sql);
  if (!facts.error.empty()) return {facts.error};
  std::vector<std::string> out = compare_schemas(facts.expected, facts.actual);
  for (std::string& d : compare_objects(facts.expected_objects, facts.actual_objects)) {
    out.push_back(std::move(d));
  }
  return out;
}

std::string runner_lock_keys(PGconn* conn) {
  const Result r = exec(conn, "SELECT current_schema()");
  Fnv1a hash;
  hash.add(value(r.get(), 0, 0));
  return std::string(kLockClass) + ", " +
         std::to_string(static_cast<std::int32_t>(hash.value() & 0x7fffffff));
}

std::unique_ptr<Backend> postgresql_backend(PGconn* conn, const PostgresqlOptions& options) {
  return std::make_unique<PostgresqlBackend>(conn, options);
}

}  // namespace retort::detail::pg
