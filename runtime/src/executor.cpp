// Runs revisions: a section's statements and markers, one transaction per step, or per phase
// when the section has phases (statements outside a transaction, commits between).
#include "executor.hpp"

#include <algorithm>
#include <optional>
#include <thread>

#include "hooks.hpp"
#include "retort/error.hpp"
#include "test_pause.hpp"

namespace retort::detail {
namespace {

// The section a step runs: the revision's Up, or the down script stored when it was applied, or
// (finishing a revision left in part) the section as it started; "" for marking a draft sealed.
std::string section_of(Backend& db, const Step& step, const std::vector<std::string>& done) {
  if (step.section) return *step.section;
  if (step.kind == Step::kApply) return step.up->up_sql;
  if (step.kind == Step::kRevert) {
    return step.down_sql.empty() ? db.stored_down_sql(step.revision, done) : step.down_sql;
  }
  return "";
}

// Runs a phase's statements in order, its markers where they stand.
void run_parts(Backend& db, const StepContext& c, const std::vector<Revision>& revisions,
               const std::vector<SectionPart>& parts) {
  std::string copy_table;
  for (const SectionPart& part : parts) {
    switch (part.kind) {
      case SectionPart::Kind::kCopy:
        copy_table = part.text;
        break;
      case SectionPart::Kind::kSql:
        db.run_statements(c, part.text, copy_table);
        copy_table.clear();
        break;
      case SectionPart::Kind::kHook:
        run_hook(db, c, revisions, part.text);
        break;
      default:  // a lock certificate; phase markers are gone
        break;
    }
  }
}

// The statement of a phase that runs outside a transaction, without blanks around it or its
// semicolon.
std::string statement_of(const SectionPhase& phase) {
  std::string out;
  for (const SectionPart& part : phase.parts) {
    if (part.kind == SectionPart::Kind::kSql) out += part.text;
  }
  const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!out.empty() && (blank(out.back()) || out.back() == ';')) out.pop_back();
  out.erase(0, std::find_if_not(out.begin(), out.end(), blank) - out.begin());
  return out;
}

// Adopting an existing database: it must be what the baseline creates on an empty one, once its
// constraints carry the baseline's names. Then the baseline is recorded as applied without
// running. Returns the renames.
std::vector<std::string> adopt(Backend& db, const StepContext& c, const Step& step) {
  std::vector<std::string> renamed = db.align_names(c, *step.up);
  const std::vector<std::string> differences = db.differences_from(*step.up);
  if (differences.empty()) return renamed;
  std::string list;
  for (const std::string& d : differences) list += "\n  " + d;
  throw Error(
      "the database was not created by Retort, and its schema is not the one the "
      "baseline revision " +
      step.revision + " creates (" + std::to_string(differences.size()) +
      " differences); nothing was changed:" + list);
}

Planner planner(Direction direction) {
  return direction == Direction::kUp ? plan_upgrade : plan_downgrade;
}

// The steps planned from one read, run one transaction at a time (each planning again inside
// its transaction), with retries after lock timeouts and waits for other sessions.
class Migration {
 public:
  Migration(Backend& db, const std::vector<Revision>& revisions, std::string_view target,
            Direction direction, const ProgressCallback& progress, std::size_t planned)
      : db_(db),
        revisions_(revisions),
        target_(target),
        direction_(direction),
        plan_(planner(direction)),
        progress_(progress),
        planned_(planned) {}

  std::vector<std::string> run();

 private:
  enum class Outcome { kAllDone, kProgress };

  Outcome next();
  Progress started(const Step& step);
  Outcome run_phased(Held& tx, const Step& step, const StepContext& c, const std::string& sql);
  Outcome outside(Held& tx, const Step& step, const StepContext& c, const std::string& sql,
                  int phase, int phases, const std::string& statement);
  void record_after_outside(const Step& step, const StepContext& c, const std::string& sql,
                            int phase, int phases, const std::string& statement);
  Outcome finished(const Step& step, Progress event);

  Backend& db_;
  const std::vector<Revision>& revisions_;
  std::string_view target_;
  Direction direction_;
  Planner plan_;
  const ProgressCallback& progress_;
  std::size_t planned_;
  std::size_t step_number_ = 0;
  std::size_t left_ = 0;  ///< steps in the newest plan
  bool foreign_keys_off_ = false;
  std::string reported_;  ///< the step whose kStarted event was reported
  std::vector<std::string> done_;
};

std::vector<std::string> Migration::run() {
  int tries = 0;  // of the phase being run
  std::chrono::milliseconds pause = db_.first_pause();
  for (;;) {
    try {
      if (next() == Outcome::kAllDone) return done_;
      tries = 0;
      pause = db_.first_pause();
    } catch (const LockTimeout& e) {
      // Rolled back: the transaction went with the scope. Wait, then plan and run it again.
      if (++tries >= db_.tries()) {
        const std::string holder = db_.lock_holder(e.statement());
        throw MigrationError(e.revision(), e.statement(),
                             e.sqlite_message() + " (tried " + std::to_string(tries) + " times" +
                                 (holder.empty() ? "" : "; " + holder) + ")",
                             done_);
      }
      std::this_thread::sleep_for(pause);
      pause *= 2;
    }
  }
}

Progress Migration::started(const Step& step) {
  Progress event;
  event.event = Progress::Event::kStarted;
  event.revision = step.revision;
  event.reverting = step.kind == Step::kRevert;
  event.step = std::min(step_number_ + 1, planned_);
  event.steps = planned_;
  const std::string key = (event.reverting ? "-" : "+") + step.revision;
  if (progress_ && step.kind != Step::kMarkSealed && reported_ != key) progress_(event);
  reported_ = key;
  return event;
}

// One transaction: plans, then runs the first step whole, or its next phase.
Migration::Outcome Migration::next() {
  const std::unique_ptr<Held> tx = db_.begin(foreign_keys_off_);
  const std::vector<AppliedRow> applied = db_.read_applied();
  const std::vector<Step> steps = plan_(applied, revisions_, target_);
  if (steps.empty()) {
    tx->commit();
    return Outcome::kAllDone;
  }
  const Step& step = steps.front();
  left_ = steps.size();
  if (step.foreign_keys_off != foreign_keys_off_) {  // again, with the pragma
    foreign_keys_off_ = step.foreign_keys_off;
    return Outcome::kProgress;
  }
  test_pause("locked");
  Progress event = started(step);
  const StepContext context{step.revision, done_, progress_, event};
  if (step.kind == Step::kApply && step.up->baseline && applied.empty() && db_.holds_schema()) {
    event.renamed = adopt(db_, context, step);
    event.adopted = true;
  } else {
    const std::string sql = section_of(db_, step, done_);
    const std::vector<SectionPhase> phases = section_phases(sql);
    if (phases.size() > 1 || (phases.size() == 1 && !phases[0].transaction)) {
      return run_phased(*tx, step, context, sql);
    }
    // A changed draft reverted at start-up: the developer did not ask for it, so what it
    // drops is said.
    if (step.kind == Step::kRevert && direction_ == Direction::kUp) {
      db_.announce_revert(step.revision, sql);
    }
    if (!phases.empty()) run_parts(db_, context, revisions_, phases[0].parts);
    db_.check_step(context, step);
    test_pause("ran-" + step.revision);
  }
  db_.record(context, applied, step);
  tx->commit();
  return finished(step, event);
}

// The next phase of a section that has several: a transaction recorded with it, or a statement
// outside any.
Migration::Outcome Migration::run_phased(Held& tx, const Step& step, const StepContext& c,
                                         const std::string& sql) {
  const std::vector<SectionPhase> phases = section_phases(sql);
  const int total = static_cast<int>(phases.size());
  const int phase = std::min(step.phases_done, total - 1);
  if (!phases[phase].transaction) {
    return outside(tx, step, c, sql, phase, total, statement_of(phases[phase]));
  }
  if (phase == 0 && step.kind == Step::kRevert && direction_ == Direction::kUp) {
    db_.announce_revert(step.revision, sql);
  }
  run_parts(db_, c, revisions_, phases[phase].parts);
  db_.check_step(c, step);
  if (phase + 1 == total) test_pause("ran-" + step.revision);
  db_.record_phases(c, step, sql, phase + 1, total);
  tx.commit();
  return phase + 1 == total ? finished(step, c.event) : Outcome::kProgress;
}

// A statement that runs outside any transaction (CREATE INDEX CONCURRENTLY). The runner lock
// is held by the session from the transaction that decides to run it until the transaction
// that records it: other processes keep polling for it meanwhile, holding no snapshot. What the
// database holds decides whether it ran (an index there and valid), so a process killed
// between the statement and its record is followed by one that records it without running it.
Migration::Outcome Migration::outside(Held& tx, const Step& step, const StepContext& c,
                                      const std::string& sql, int phase, int phases,
                                      const std::string& statement) {
  if (db_.outside_state(statement) == OutsideState::kDone) {
    db_.record_phases(c, step, sql, phase + 1, phases);
    tx.commit();
    return phase + 1 == phases ? finished(step, c.event) : Outcome::kProgress;
  }
  // The row says the revision is under way before its first statement outside runs.
  if (phase == 0 && !step.section) db_.record_phases(c, step, sql, 0, phases);
  const std::unique_ptr<Held> across = db_.hold_across();
  tx.commit();
  report_statement(c, Progress::Event::kStatement, statement);
  db_.run_outside(c, statement);
  report_statement(c, Progress::Event::kStatementDone, statement);
  record_after_outside(step, c, sql, phase, phases, statement);
  return Outcome::kProgress;
}

// Records the statement that ran outside a transaction, when it is done or nothing tells.
void Migration::record_after_outside(const Step& step, const StepContext& c, const std::string& sql,
                                     int phase, int phases, const std::string& statement) {
  const std::unique_ptr<Held> tx = db_.begin(false);
  const std::vector<Step> steps = plan_(db_.read_applied(), revisions_, target_);
  const bool still = !steps.empty() && steps.front().revision == step.revision &&
                     steps.front().kind == step.kind && steps.front().phases_done == phase;
  const bool done = still && db_.outside_state(statement) != OutsideState::kNotDone;
  if (done) db_.record_phases(c, steps.front(), sql, phase + 1, phases);
  tx->commit();
  if (done && phase + 1 == phases) finished(step, c.event);
}

Migration::Outcome Migration::finished(const Step& step, Progress event) {
  ++step_number_;
  if (step.kind != Step::kMarkSealed) {
    // An upgrade returns what it applied: a changed draft it reverted first is applied again.
    // Each id once (a revision left in part is finished, then may be reverted).
    const bool listed = std::find(done_.begin(), done_.end(), step.revision) != done_.end();
    if ((!event.reverting || direction_ != Direction::kUp) && !listed) {
      done_.push_back(step.revision);
    }
    event.event = Progress::Event::kFinished;
    if (progress_) progress_(event);
  }
  return left_ <= 1 ? Outcome::kAllDone : Outcome::kProgress;
}

}  // namespace

void report_statement(const StepContext& c, Progress::Event event, const std::string& statement) {
  if (!c.progress) return;
  Progress p = c.event;
  p.event = event;
  p.statement = statement;
  c.progress(p);
}

void Backend::record_phases(const StepContext& c, const Step&, const std::string&, int, int) {
  throw MigrationError(c.revision, "", "this database runs a revision in one transaction", c.done);
}

void Backend::run_outside(const StepContext& c, const std::string& statement) {
  throw MigrationError(c.revision, statement,
                       "this database runs no statement outside a transaction", c.done);
}

std::vector<std::string> migrate(Backend& db, const std::vector<Revision>& revisions,
                                 std::string_view target, Direction direction,
                                 const ProgressCallback& progress) {
  // Up to date, the common start-up: one cheap read, nothing planned.
  if (direction == Direction::kUp && target == "head" && !revisions.empty() &&
      db.at_head(revisions)) {
    return {};
  }
  const Planner plan = planner(direction);
  const std::vector<AppliedRow> applied_at_start = db.read_applied();
  const std::vector<Step> steps = plan(applied_at_start, revisions, target);
  // Before anything runs: the hooks, application functions and phases the planned steps need,
  // so that a program or connection without them changes nothing rather than stopping halfway.
  // An adopted database's baseline is recorded, not run.
  const bool adopting = applied_at_start.empty() && !steps.empty() && db.holds_schema();
  std::vector<std::pair<std::string, std::string>> sections;
  for (const Step& step : steps) {
    if (adopting && step.kind == Step::kApply && step.up->baseline) continue;
    sections.emplace_back(step.revision, section_of(db, step, {}));
  }
  expect_hooks_linked(db, revisions, sections);
  for (const auto& [revision, sql] : sections) {
    db.expect_functions(revision, sql);
    db.expect_phases(revision, sql);
  }
  if (steps.empty()) return {};
  test_pause("planned");
  const std::unique_ptr<Held> runner = db.hold_runner_lock();
  // Each transaction plans again: a relative target ("-1") counts from where this call started.
  const std::string fixed = absolute_target(applied_at_start, steps, target);
  return Migration(db, revisions, fixed, direction, progress, steps.size()).run();
}

}  // namespace retort::detail
