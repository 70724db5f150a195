// Runs revisions: a section's statements and markers, one transaction per step.
#include "executor.hpp"

#include <algorithm>
#include <optional>
#include <thread>

#include "hooks.hpp"
#include "retort/error.hpp"
#include "test_pause.hpp"

namespace retort::detail {
namespace {

// The section a step runs: the revision's Up, or the down script stored when it was applied;
// "" for marking a draft sealed.
std::string section_of(Backend& db, const Step& step, const std::vector<std::string>& done) {
  if (step.kind == Step::kApply) return step.up->up_sql;
  if (step.kind == Step::kRevert) {
    return step.down_sql.empty() ? db.stored_down_sql(step.revision, done) : step.down_sql;
  }
  return "";
}

// Runs a section: its statements in order, its markers where they stand.
void run_section(Backend& db, const StepContext& c, const std::vector<Revision>& revisions,
                 const std::string& sql) {
  std::string copy_table;
  for (SectionPart& part : split_section(sql)) {
    switch (part.kind) {
      case SectionPart::Kind::kCopy:
        copy_table = std::move(part.text);
        break;
      case SectionPart::Kind::kSql:
        db.run_statements(c, part.text, copy_table);
        copy_table.clear();
        break;
      case SectionPart::Kind::kHook:
        run_hook(db, c, revisions, part.text);
        break;
    }
  }
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

}  // namespace

std::vector<std::string> migrate(Backend& db, const std::vector<Revision>& revisions,
                                 std::string_view target, Direction direction,
                                 const ProgressCallback& progress) {
  std::vector<std::string> done;
  // Up to date, the common start-up: one cheap read, nothing planned.
  if (direction == Direction::kUp && target == "head" && !revisions.empty() &&
      db.at_head(revisions)) {
    return done;
  }
  const Planner plan = planner(direction);
  const std::vector<AppliedRow> applied_at_start = db.read_applied();
  std::vector<Step> steps = plan(applied_at_start, revisions, target);
  // Before anything runs: the hooks and application functions the planned steps need, so that
  // a program without them (the retort CLI) changes nothing rather than stopping halfway. An
  // adopted database's baseline is recorded, not run.
  const bool adopting = applied_at_start.empty() && !steps.empty() && db.holds_schema();
  std::vector<std::pair<std::string, std::string>> sections;
  for (const Step& step : steps) {
    if (adopting && step.kind == Step::kApply && step.up->baseline) continue;
    sections.emplace_back(step.revision, section_of(db, step, {}));
  }
  expect_hooks_linked(db, revisions, sections);
  for (const auto& [revision, sql] : sections) db.expect_functions(revision, sql);
  if (steps.empty()) return done;
  test_pause("planned");
  const std::unique_ptr<Held> runner = db.hold_runner_lock();
  const std::size_t planned = steps.size();
  std::size_t step_number = 0;
  int tries = 0;  // of the step being run
  std::chrono::milliseconds pause = db.first_pause();
  while (!steps.empty()) {
    const bool foreign_keys_off = steps.front().foreign_keys_off;
    std::optional<Progress> finished;
    try {
      const std::unique_ptr<Held> tx = db.begin(foreign_keys_off);
      const std::vector<AppliedRow> applied = db.read_applied();
      steps = plan(applied, revisions, target);
      if (steps.empty()) {
        tx->commit();
        break;
      }
      if (steps.front().foreign_keys_off != foreign_keys_off) continue;  // again, with the pragma
      test_pause("locked");
      const Step& step = steps.front();
      Progress event;
      event.event = Progress::Event::kStarted;
      event.revision = step.revision;
      event.reverting = step.kind == Step::kRevert;
      event.step = std::min(step_number + 1, planned);
      event.steps = planned;
      if (progress && step.kind != Step::kMarkSealed && tries == 0) progress(event);
      const StepContext context{step.revision, done, progress, event};
      if (step.kind == Step::kApply && step.up->baseline && applied.empty() && db.holds_schema()) {
        event.renamed = adopt(db, context, step);
        event.adopted = true;
      } else {
        const std::string sql = section_of(db, step, done);
        // A changed draft reverted at start-up: the developer did not ask for it, so what it
        // drops is said.
        if (step.kind == Step::kRevert && direction == Direction::kUp) {
          db.announce_revert(step.revision, sql);
        }
        run_section(db, context, revisions, sql);
        db.check_step(context, step);
        test_pause("ran-" + step.revision);
      }
      db.record(context, applied, step);
      tx->commit();
      ++step_number;
      if (step.kind != Step::kMarkSealed) {
        event.event = Progress::Event::kFinished;
        finished = event;
      }
    } catch (const LockTimeout& e) {
      // Rolled back: the transaction went with the scope. Wait, then plan and run it again.
      if (++tries >= db.tries()) {
        const std::string holder = db.lock_holder();
        throw MigrationError(e.revision(), e.statement(),
                             e.sqlite_message() + " (tried " + std::to_string(tries) + " times" +
                                 (holder.empty() ? "" : "; " + holder) + ")",
                             done);
      }
      std::this_thread::sleep_for(pause);
      pause *= 2;
      continue;
    }
    tries = 0;
    pause = db.first_pause();
    if (finished) {
      // An upgrade returns what it applied: a changed draft it reverted first is applied again.
      if (finished->reverting == false || direction != Direction::kUp) {
        done.push_back(finished->revision);
      }
      if (progress) progress(*finished);
    }
    steps.erase(steps.begin());
  }
  return done;
}

}  // namespace retort::detail
