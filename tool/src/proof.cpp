// The proof of a revision over any dialect: the sealed history replayed, then the up, down, up
// sequence over the sample rows (sample_rows.hpp).
#include "proof.hpp"

#include <future>
#include <set>

#include "functions.hpp"
#include "retort/error.hpp"
#include "sample_rows.hpp"

namespace retort {
namespace {

// Hooks transform rows and never the schema (the runtime refuses schema changes inside one),
// so replaying revisions to prove schemas skips them.
void skip_hook(sqlite3*, HookProgress&) {}
void skip_postgresql_hook(PGconn*, HookProgress&) {}

std::vector<Revision> without_hooks(std::vector<Revision> revisions) {
  for (Revision& r : revisions) {
    for (Hook& h : r.hooks) {
      h.function = &skip_hook;
      h.postgresql_function = &skip_postgresql_hook;
    }
  }
  return revisions;
}

// The functions `revisions` say their sections call (markers), each once.
std::vector<SqlFunction> marked(const std::vector<Revision>& revisions, bool up, bool down) {
  std::vector<SqlFunction> out;
  for (const Revision& r : revisions) {
    for (const std::string* section : {up ? &r.up_sql : nullptr, down ? &r.down_sql : nullptr}) {
      if (!section) continue;
      for (const detail::AppFunction& f : detail::section_functions(*section)) {
        if (!find_function(out, f.name)) out.push_back({f.name, f.nargs, {}});
      }
    }
  }
  return out;
}

// The union of function lists, by name, the first one's first.
std::vector<SqlFunction> united(std::initializer_list<std::vector<SqlFunction>> lists) {
  std::vector<SqlFunction> out;
  for (const std::vector<SqlFunction>& list : lists) {
    for (const SqlFunction& f : list) {
      if (!find_function(out, f.name)) out.push_back(f);
    }
  }
  return out;
}

}  // namespace

struct ReplayedHistory::State {
  std::shared_ptr<ProofDialect> dialect;
  std::vector<Revision> history;  ///< hooks skipped
  Schema before;
  std::vector<std::string> checksums;  ///< of `history`, to tell whether it is still current
  std::unique_ptr<ProofDatabase> expected_before;
  std::unique_ptr<ProofDatabase> db;  ///< at the newest sealed revision
  std::vector<std::string> problems;  ///< the history does not give `before`
};

ReplayedHistory::ReplayedHistory(std::shared_ptr<ProofDialect> dialect,
                                 const std::vector<Revision>& history, const Schema& before)
    : state(std::make_unique<State>()) {
  State& s = *state;
  s.dialect = std::move(dialect);
  s.history = without_hooks(history);
  s.before = before;
  for (const Revision& r : history) s.checksums.push_back(r.id + " " + r.checksum);
  try {
    s.expected_before = s.dialect->expected(before);
    s.db = s.dialect->scratch();
    s.db->define_functions(united({before.functions, marked(history, true, false)}));
    if (!history.empty()) s.db->upgrade(s.history);
    s.db->expect(*s.expected_before, "the sealed revisions", s.problems);
  } catch (const std::exception& e) {
    s.problems.push_back(e.what());
  }
}

ReplayedHistory::~ReplayedHistory() = default;
ReplayedHistory::ReplayedHistory(ReplayedHistory&&) noexcept = default;
ReplayedHistory& ReplayedHistory::operator=(ReplayedHistory&&) noexcept = default;

const Schema& ReplayedHistory::before() const { return state->before; }

bool ReplayedHistory::replays(const std::vector<Revision>& history) const {
  if (history.size() != state->checksums.size()) return false;
  for (std::size_t i = 0; i < history.size(); ++i) {
    if (state->checksums[i] != history[i].id + " " + history[i].checksum) return false;
  }
  return true;
}

VerifyReport prove(ReplayedHistory replayed, const Revision& candidate, const Schema& after) {
  VerifyReport report;
  auto& problems = report.problems;
  ReplayedHistory::State& state = *replayed.state;
  ProofDialect& dialect = *state.dialect;
  try {
    // The expected schema after the revision, made on a second thread meanwhile.
    std::future<std::unique_ptr<ProofDatabase>> expected_after_later =
        std::async(std::launch::async, [&dialect, &after] { return dialect.expected(after); });
    problems = state.problems;
    if (!problems.empty()) return report;
    const Schema& before = state.before;
    ProofDatabase& expected_before = *state.expected_before;
    std::vector<Revision> all = std::move(state.history);
    all.push_back(candidate);  // a rebased revision may name hooks
    all = without_hooks(std::move(all));
    std::unique_ptr<ProofDatabase> db = std::move(state.db);
    // Stand-ins for every function the schemas declare or a revision says it calls; Up and
    // Down run without them until SQLite asks for one, so that the revision can say which its
    // statements call (the runtime needs the application to define those).
    const std::vector<SqlFunction> declared =
        united({after.functions, before.functions, marked(all, true, true)});
    db->define_functions(declared);
    const std::vector<SqlFunction> marked_up = marked({candidate}, true, false);
    const std::vector<SqlFunction> marked_down = marked({candidate}, false, true);
    const std::set<std::string> touched = touched_tables(before, after);
    fill(*db, dialect, before, with_parents(before, after, touched), report.notes);
    const std::vector<KeptTable> kept = kept_tables(before, after, touched);
    const RowSnapshot rows = snapshot_rows(*db, kept, false);

    db->watch_locks(candidate.id, report);
    report.needs_up = db->noting_functions(declared, marked_up, [&] { db->upgrade(all); });
    const std::unique_ptr<ProofDatabase> expected_after = expected_after_later.get();
    db->expect(*expected_after, "up", problems);
    check_rows_kept(rows, snapshot_rows(*db, kept, true), "up", problems);
    try {
      report.needs_down = db->noting_functions(declared, marked_down, [&] { db->downgrade(all); });
      db->expect(expected_before, "down", problems);
      check_rows_kept(rows, snapshot_rows(*db, kept, false), "down", problems);
    } catch (const Error& e) {
      // Undoing a destructive step cannot bring back what it dropped: a NOT NULL reference,
      // say, has no row to point at. Such a down is refused at run time with rows present
      // (and rolled back); it is proven on tables without rows instead.
      if (candidate.destructive.empty()) throw;
      report.notes.push_back(std::string("down refuses these rows: ") + e.what());
      db = dialect.scratch();
      db->define_functions(declared);
      report.locks_down.clear();  // measured again, where it runs to its end
      db->watch_locks(candidate.id, report);
      db->upgrade(all);
      report.needs_down = db->noting_functions(declared, marked_down, [&] { db->downgrade(all); });
      db->expect(expected_before, "down (no rows)", problems);
    }
    db->upgrade(all);
    db->expect(*expected_after, "up again", problems);
  } catch (const std::exception& e) {
    problems.push_back(e.what());
  }
  return report;
}

}  // namespace retort
