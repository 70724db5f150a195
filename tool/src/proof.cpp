// The proof of a revision over any dialect: which tables get rows, which rows must stay, and
// the up, down, up sequence.
#include "proof.hpp"

#include <algorithm>
#include <future>
#include <map>
#include <set>

#include "diff.hpp"
#include "functions.hpp"
#include "retort/error.hpp"

namespace retort {
namespace {

// The value sample row `row` holds in `column` of `table`, as an SQL literal: a foreign key
// points at its parent's row of the same number.
std::string sample_value(const ProofDialect& dialect, const Schema& schema, const Table& table,
                         const Column& column, int row) {
  for (const ForeignKey& fk : table.foreign_keys) {
    if (fk.columns.size() != 1 || fk.columns[0] != column.name) continue;
    const Table* parent = schema.find_table(fk.ref_table);
    const std::vector<std::string> none;
    const std::vector<std::string>& keys = !fk.ref_columns.empty() ? fk.ref_columns
                                           : parent                ? parent->primary_key
                                                                   : none;
    const Column* target = parent && !keys.empty() ? parent->find_column(keys[0]) : nullptr;
    // A self-reference points at the row itself; a reference to itself by the same column has
    // no sensible value.
    if (!target || target == &column) return "NULL";
    return sample_value(dialect, schema, *parent, *target, row);
  }
  const bool key = std::find(table.primary_key.begin(), table.primary_key.end(), column.name) !=
                   table.primary_key.end();
  if (row == 1 && !column.not_null && !key) return "NULL";
  return dialect.sample_value(column, row);
}

// The tables of `before` whose rows a revision can touch: those it changes, renames or drops
// (those it only creates have no rows yet), and those that reference them, transitively (a
// rebuilt parent's ON DELETE CASCADE would empty them). The rest keep their text, which the
// state checks prove, and so their rows.
std::set<std::string> touched_tables(const Schema& before, const Schema& after) {
  std::set<std::string> touched;
  std::set<std::string> kept;
  for (const TableMatch& m : match_tables(before, after)) {
    kept.insert(m.from->name);
    if (!(*m.from == *m.to)) touched.insert(m.from->name);
  }
  for (const Table& t : before.tables) {
    if (!kept.count(t.name)) touched.insert(t.name);
  }
  // The tables an object that comes, goes or changes names: rows prove it (an FTS5 index
  // rebuilt from them, a trigger that fires on them).
  for (const Schema* side : {&before, &after}) {
    const Schema* other = side == &before ? &after : &before;
    for (const SqlObject& o : side->objects) {
      const SqlObject* there = other->find_object(o.name);
      if (there && *there == o) continue;
      for (const std::string& name : o.depends_on) {
        if (before.find_table(name)) touched.insert(name);
      }
    }
  }
  for (bool grew = true; grew;) {
    grew = false;
    for (const Table& t : before.tables) {
      if (touched.count(t.name)) continue;
      for (const ForeignKey& fk : t.foreign_keys) {
        if (touched.count(fk.ref_table)) {
          grew = touched.insert(t.name).second;
          break;
        }
      }
    }
  }
  return touched;
}

// `tables` (of `before`) and the parents their foreign keys need rows in, transitively, before
// the revision and after it (a key it adds must find its parent's rows), by their old names.
std::set<std::string> with_parents(const Schema& before, const Schema& after,
                                   std::set<std::string> tables) {
  std::map<std::string, std::string> old_name;  // after's name → before's
  for (const Table& t : before.tables) old_name[t.name] = t.name;
  for (const TableMatch& m : match_tables(before, after)) old_name[m.to->name] = m.from->name;
  std::map<std::string, std::set<std::string>> parents;  // by before's names
  for (const Table& t : before.tables) {
    for (const ForeignKey& fk : t.foreign_keys) parents[t.name].insert(fk.ref_table);
  }
  for (const Table& t : after.tables) {
    const auto child = old_name.find(t.name);
    if (child == old_name.end()) continue;
    for (const ForeignKey& fk : t.foreign_keys) {
      if (const auto parent = old_name.find(fk.ref_table); parent != old_name.end()) {
        parents[child->second].insert(parent->second);
      }
    }
  }
  for (bool grew = true; grew;) {
    grew = false;
    for (const std::string& table : std::set<std::string>(tables)) {
      for (const std::string& parent : parents[table]) grew |= tables.insert(parent).second;
    }
  }
  return tables;
}

// Inserts two rows into each of `tables`, parents first. Rows a constraint rejects become notes.
void fill(ProofDatabase& db, const ProofDialect& dialect, const Schema& schema,
          const std::set<std::string>& tables, std::vector<std::string>& notes) {
  for (const Table& t : schema.tables) {
    if (!tables.count(t.name)) continue;
    for (int row = 0; row < 2; ++row) {
      std::vector<std::pair<std::string, std::string>> values;
      for (const Column& c : t.columns) {
        if (c.generated) continue;  // computed, never written
        values.emplace_back(c.name, sample_value(dialect, schema, t, c, row));
      }
      const std::string error = db.insert(t.name, values);
      if (!error.empty()) notes.push_back("no sample row in '" + t.name + "': " + error);
    }
  }
}

// The columns whose values a revision must carry over from `before` to `after` unchanged: the
// matched ones (same name or renamed) whose type keeps its affinity and that were not filled
// (nullable → NOT NULL with a default). Pairs of (old name, new name).
struct KeptTable {
  std::string old_name, new_name;
  std::vector<std::pair<std::string, std::string>> columns;
};

std::vector<KeptTable> kept_tables(const Schema& before, const Schema& after,
                                   const std::set<std::string>& touched) {
  std::vector<KeptTable> out;
  for (const TableMatch& m : match_tables(before, after)) {
    if (!touched.count(m.from->name)) continue;
    KeptTable kept{m.from->name, m.to->name, {}};
    for (const auto& [old_name, new_name] : m.columns) {
      const Column& was = *m.from->find_column(old_name);
      const Column& now = *m.to->find_column(new_name);
      if (narrows_type(was.type, now.type) || (now.not_null && !was.not_null)) continue;
      if (was.generated != now.generated) continue;  // computed from another expression
      kept.columns.emplace_back(old_name, new_name);
    }
    out.push_back(std::move(kept));
  }
  return out;
}

// The rows of every kept table, over its kept columns, on the `before` side (old names) or on
// the `after` side (new names).
using RowSnapshot = std::map<std::string, std::vector<std::string>>;
RowSnapshot snapshot_rows(ProofDatabase& db, const std::vector<KeptTable>& kept, bool after_side) {
  RowSnapshot out;
  for (const KeptTable& k : kept) {
    std::vector<std::string> columns;
    for (const auto& [old_name, new_name] : k.columns)
      columns.push_back(after_side ? new_name : old_name);
    out[k.new_name] = db.rows(after_side ? k.new_name : k.old_name, columns);
  }
  return out;
}

void check_rows_kept(const RowSnapshot& expected, const RowSnapshot& actual,
                     const std::string& step, std::vector<std::string>& problems) {
  for (const auto& [table, rows] : expected) {
    const std::vector<std::string>& now = actual.at(table);
    if (now == rows) continue;
    std::string detail = "table '" + table + "' had " + std::to_string(rows.size()) +
                         " rows, now " + std::to_string(now.size());
    if (now.size() == rows.size()) {
      const auto diff = std::mismatch(rows.begin(), rows.end(), now.begin());
      detail = "table '" + table + "': row " + *diff.first + " became " + *diff.second;
    }
    problems.push_back(step + ": " + detail);
  }
}

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
