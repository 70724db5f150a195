// Runs the C++ hooks a revision names, on whichever database the backend speaks.
#include "hooks.hpp"

#include <chrono>

#include "retort/error.hpp"

namespace retort::detail {
namespace {

// The hook named `name` as some revision binds it for `db`, or nullptr.
const Hook* find_linked(const Backend& db, const std::vector<Revision>& revisions,
                        const std::string& name) {
  for (const Revision& r : revisions) {
    for (const Hook& h : r.hooks) {
      if (h.name == name && db.linked(h)) return &h;
    }
  }
  return nullptr;
}

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

}  // namespace

void expect_hooks_linked(const Backend& db, const std::vector<Revision>& revisions,
                         const std::vector<std::pair<std::string, std::string>>& sections) {
  for (const auto& [revision, sql] : sections) {
    for (const std::string& name : section_hooks(sql)) {
      if (!find_linked(db, revisions, name)) {
        throw Error("revision " + revision + " runs the C++ hook '" + name +
                    "', which this program does not link: hooks run only in the application "
                    "whose build embeds the revisions (add_migrations()); nothing was changed");
      }
    }
  }
}

void run_hook(Backend& db, const StepContext& c, const std::vector<Revision>& revisions,
              const std::string& name) {
  const std::string statement = "hook " + name;
  const Hook* hook = find_linked(db, revisions, name);
  if (!hook) {
    throw MigrationError(c.revision, statement, "this program does not link the hook", c.done);
  }
  HookReporter reporter(c.progress, c.event, name);
  std::string failure;
  {
    const std::unique_ptr<Held> guard = db.guard_hook();
    try {
      db.call_hook(*hook, reporter);
    } catch (const std::exception& e) {
      failure = e.what();
    } catch (...) {
      failure = "the hook threw an exception that is not a std::exception";
    }
    const std::string refused = guard->refused();
    if (!refused.empty()) failure = refused + (failure.empty() ? "" : "; " + failure);
  }
  if (failure.empty() && !db.in_transaction()) {
    failure =
        "the revision's transaction ended inside the hook (a statement with OR ROLLBACK, or "
        "an I/O error), so the revision is not recorded";
  }
  if (!failure.empty()) throw MigrationError(c.revision, statement, failure, c.done);
}

}  // namespace retort::detail
