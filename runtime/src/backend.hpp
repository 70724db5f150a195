// What the executor needs of one database, behind one interface: SQLite's implementation is
// sqlite_backend.cpp, PostgreSQL's postgresql/pg_backend.cpp. The planner and the executor are
// written once, over it.
#ifndef RETORT_RUNTIME_BACKEND_HPP
#define RETORT_RUNTIME_BACKEND_HPP

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "plan.hpp"
#include "retort/error.hpp"
#include "retort/progress.hpp"
#include "retort/revision.hpp"

namespace retort::detail {

/// The step being run: what a failure names, and where progress goes.
struct StepContext {
  const std::string& revision;
  const std::vector<std::string>& done;  ///< revisions this call finished before this one
  const ProgressCallback& progress;
  const Progress& event;  ///< the step's kStarted event, the base of its other reports
};

/// Something held until it goes: a transaction (rolled back unless committed), the runner
/// lock, a hook's guard.
class Held {
 public:
  virtual ~Held() = default;
  /// Commits a transaction; nothing for other holds.
  virtual void commit() {}
  /// A hook's guard: the first thing the hook did that a hook may not (docs/data-migrations.md),
  /// "" when none.
  virtual std::string refused() const { return ""; }
};

/// A statement did not get a lock within the backend's lock timeout. The step is rolled back
/// and, while the backend's tries last, run again.
class LockTimeout : public MigrationError {
 public:
  using MigrationError::MigrationError;
};

/// What a statement that runs outside a transaction (a phase of its own) has left in the
/// database, as far as the backend can tell.
enum class OutsideState {
  kUnknown,  ///< nothing tells: it is run, then recorded
  kNotDone,  ///< to be run (what a failed run left is cleared first)
  kDone,     ///< its effect is in place: recorded without running it again
};

/// Reports `statement` of the step to the progress callback as `event` (kStatement before it
/// runs, kStatementDone after).
void report_statement(const StepContext& c, Progress::Event event, const std::string& statement);

class Backend {
 public:
  virtual ~Backend() = default;

  /// Whether the database holds exactly `revisions`, from one cheap read, without planning;
  /// false also when that read cannot tell (the executor then reads the version table).
  virtual bool at_head(const std::vector<Revision>& revisions) = 0;
  /// The version table's rows, oldest first (down scripts left out); none when it does not
  /// exist. Throws Error.
  virtual std::vector<AppliedRow> read_applied() = 0;

  /// Held while this call runs steps, so that other processes wait and then find them done.
  virtual std::unique_ptr<Held> hold_runner_lock() = 0;
  /// Begins a step's transaction, with foreign keys off around it when asked, and creates the
  /// version table inside it when missing. Throws Error.
  virtual std::unique_ptr<Held> begin(bool foreign_keys_off) = 0;

  /// Runs the statements of a section's SQL part; `copy_table`, when not empty, names the table
  /// whose rows the first statement copies (progress). Throws MigrationError naming the
  /// statement.
  virtual void run_statements(const StepContext& c, const std::string& sql,
                              const std::string& copy_table) = 0;

  /// Whether this program links `hook` for this database.
  virtual bool linked(const Hook& hook) const = 0;
  /// Watches what a hook does until it goes.
  virtual std::unique_ptr<Held> guard_hook() = 0;
  /// Calls the hook's function for this database (it may throw).
  virtual void call_hook(const Hook& hook, HookProgress& progress) = 0;
  /// Whether the step's transaction is still open (a hook may have ended it).
  virtual bool in_transaction() = 0;

  /// Checks the database once a step's section ran (SQLite: its foreign keys, when they were
  /// off). Throws MigrationError.
  virtual void check_step(const StepContext& c, const Step& step) = 0;
  /// Records what `step` did, in the version table and whatever else follows the applied
  /// revisions; `applied` are the rows before it. Throws MigrationError.
  virtual void record(const StepContext& c, const std::vector<AppliedRow>& applied,
                      const Step& step) = 0;
  /// Records that `phases_done` of the `phases` of the section `sql` that `step` runs are done:
  /// the revision under way (fewer; 0 before its first statement outside a transaction runs),
  /// or wholly applied or reverted (all). Only sections with phases (PostgreSQL's). Throws
  /// MigrationError.
  virtual void record_phases(const StepContext& c, const Step& step, const std::string& sql,
                             int phases_done, int phases);
  /// Inside a step's transaction: what `statement`, which runs outside one, has left.
  virtual OutsideState outside_state(const std::string&) { return OutsideState::kUnknown; }
  /// With no transaction open: runs `statement` by itself under the lock timeout, after clearing
  /// what a failed run of it left. Throws LockTimeout, MigrationError.
  virtual void run_outside(const StepContext& c, const std::string& statement);
  /// Inside a step's transaction: keeps the runner lock once the transaction ends, until it
  /// goes (across a statement outside a transaction and the transaction recording it).
  virtual std::unique_ptr<Held> hold_across() { return std::make_unique<Held>(); }
  /// The down script recorded when `revision` was applied. Throws MigrationError.
  virtual std::string stored_down_sql(const std::string& revision,
                                      const std::vector<std::string>& done) = 0;

  /// How often a step whose statement timed out on a lock (LockTimeout) is tried in all, and
  /// the pause before the second try (it doubles after each).
  virtual int tries() const { return 1; }
  virtual std::chrono::milliseconds first_pause() const { return {}; }
  /// After a LockTimeout of `statement`, once the step is rolled back: who held the lock, as far
  /// as the database can tell ("" when it cannot).
  virtual std::string lock_holder(const std::string&) { return ""; }

  /// Throws Error, before anything runs, when `section` of `revision` needs an application
  /// function (its `-- +retort function:` markers) the connection does not define (SQLite).
  virtual void expect_functions(const std::string&, const std::string&) {}
  /// Throws Error, before anything runs, when `section` of `revision` has a phase this
  /// connection cannot run (PostgreSQL: a statement outside a transaction, through a pooler).
  virtual void expect_phases(const std::string&, const std::string&) {}
  /// Says what reverting the applied draft `revision` with `down_sql` drops, before it runs at
  /// an upgrade (SQLite: on stderr, the tables and columns that hold rows).
  virtual void announce_revert(const std::string&, const std::string&) {}

  /// Whether the database holds tables, views or triggers of its own: one that existed before
  /// Retort (asked only when it has no version rows).
  virtual bool holds_schema() = 0;
  /// What tells this database apart from an empty one on which `baseline`'s Up ran.
  virtual std::vector<std::string> differences_from(const Revision& baseline) = 0;
  /// Adopting: gives the database's constraints the names `baseline` gives them where only the
  /// names differ (PostgreSQL; SQLite keeps constraint names in no catalog), inside the step's
  /// transaction; one line per rename, "table 't': constraint a renamed b".
  virtual std::vector<std::string> align_names(const StepContext&, const Revision&) { return {}; }
};

enum class Direction { kUp, kDown };

}  // namespace retort::detail

#endif  // RETORT_RUNTIME_BACKEND_HPP
