// The up/down/up proof of a revision, with sample rows, on in-memory SQLite databases.
#include "verify.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <set>

#include "diff.hpp"
#include "emit.hpp"
#include "functions.hpp"
#include "retort/detail/introspect.hpp"
#include "retort/detail/sqlite.hpp"
#include "retort/runtime.hpp"

namespace retort {
namespace {

using detail::Db;
using detail::open_memory;
using detail::query_rows;
using detail::try_exec;

// The value sample row `row` holds in `column` of `table`, as an SQL literal.
std::string sample_value(const Schema& schema, const Table& table, const Column& column, int row) {
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
    return sample_value(schema, *parent, *target, row);
  }
  const bool key = std::find(table.primary_key.begin(), table.primary_key.end(), column.name) !=
                   table.primary_key.end();
  if (row == 1 && !column.not_null && !key) return "NULL";
  const std::string affinity = type_affinity(column.type);
  std::string n = std::to_string(row + 1);
  if (affinity == "TEXT") return "'sample ✓ " + n + "'";
  if (affinity == "BLOB") return "x'00ff0" + n + "'";
  if (affinity == "REAL") return n + ".5";
  return n;
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
void fill(sqlite3* db, const Schema& schema, const std::set<std::string>& tables,
          std::vector<std::string>& notes) {
  const auto dialect = make_sqlite_dialect();
  for (const Table& t : schema.tables) {
    if (!tables.count(t.name)) continue;
    for (int row = 0; row < 2; ++row) {
      std::string columns, values;
      for (const Column& c : t.columns) {
        if (c.generated) continue;  // computed, never written
        columns += (columns.empty() ? "" : ", ") + dialect->quote(c.name);
        values += (values.empty() ? "" : ", ") + sample_value(schema, t, c, row);
      }
      const std::string error = try_exec(db, "INSERT INTO " + dialect->quote(t.name) + " (" +
                                                 columns + ") VALUES (" + values + ")");
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

// Every row of `table` over `columns` as one line of SQL literals (quote()), sorted.
std::vector<std::string> table_rows(sqlite3* db, const std::string& table,
                                    const std::vector<std::string>& columns) {
  const auto dialect = make_sqlite_dialect();
  std::string select = "''";
  for (const std::string& c : columns) select += " || quote(" + dialect->quote(c) + ") || '|'";
  std::vector<std::string> rows;
  query_rows(db, "SELECT " + select + " FROM " + dialect->quote(table),
             [&](const std::vector<std::string>& row) { rows.push_back(row[0]); });
  std::sort(rows.begin(), rows.end());
  return rows;
}

// The rows of every kept table, over its kept columns, on the `before` side (old names) or on
// the `after` side (new names).
using RowSnapshot = std::map<std::string, std::vector<std::string>>;
RowSnapshot snapshot_rows(sqlite3* db, const std::vector<KeptTable>& kept, bool after_side) {
  RowSnapshot out;
  for (const KeptTable& k : kept) {
    std::vector<std::string> columns;
    for (const auto& [old_name, new_name] : k.columns)
      columns.push_back(after_side ? new_name : old_name);
    out[k.new_name] = table_rows(db, after_side ? k.new_name : k.old_name, columns);
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

// SQLite finds the file and its foreign keys sound.
void expect_sound(sqlite3* db, const std::string& step, std::vector<std::string>& problems) {
  query_rows(db, "PRAGMA integrity_check", [&](const std::vector<std::string>& line) {
    if (line[0] != "ok") problems.push_back(step + ": integrity_check: " + line[0]);
  });
  query_rows(db,
             "SELECT \"table\" || ' row ' || rowid || ' -> ' || parent FROM "
             "pragma_foreign_key_check",
             [&](const std::vector<std::string>& line) {
               problems.push_back(step + ": foreign_key_check: " + line[0]);
             });
  // An FTS5 index agrees with its content (after a rebuild of the content table, say).
  std::vector<std::string> fts5;
  query_rows(db,
             "SELECT name FROM sqlite_schema WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL "
             "TABLE%USING fts5%'",
             [&fts5](const std::vector<std::string>& r) { fts5.push_back(r[0]); });
  for (const std::string& table : fts5) {
    const std::string quoted = make_sqlite_dialect()->quote(table);
    const std::string error =
        try_exec(db, "INSERT INTO " + quoted + " (" + quoted + ") VALUES ('integrity-check')");
    if (!error.empty()) problems.push_back(step + ": " + table + " integrity-check: " + error);
  }
}

// A schema created fresh on an in-memory database: its tables' text at once, their facts
// read only for the tables a check needs.
struct Expected {
  Db db;
  std::map<std::string, std::string> texts;
  LiveObjects objects;
};

Expected expected_of(const Schema& schema) {
  Db db = open_memory();
  register_stand_ins(db.get(), schema.functions);
  const std::string error = try_exec(db.get(), render_schema(*make_sqlite_dialect(), schema));
  if (!error.empty()) throw Error("the schema itself does not create: " + error);
  std::map<std::string, std::string> texts = table_texts(db.get());
  LiveObjects objects = introspect_objects(db.get());
  return {std::move(db), std::move(texts), std::move(objects)};
}

// The schema equals `expected`, and SQLite finds the file and its foreign keys sound. Only the
// tables whose text differs from the fresh database's are introspected: the cost follows what
// the revision touched.
void expect_state(sqlite3* db, const Expected& expected, const std::string& step,
                  std::vector<std::string>& problems) {
  const std::map<std::string, std::string> texts = table_texts(db);
  std::set<std::string> differ;
  for (const auto& [table, text] : texts) {
    const auto it = expected.texts.find(table);
    if (it == expected.texts.end() || it->second != text) differ.insert(table);
  }
  for (const auto& [table, text] : expected.texts) {
    if (!texts.count(table)) differ.insert(table);
  }
  if (!differ.empty()) {
    const LiveSchema wanted = introspect(expected.db.get(), &differ);
    for (const std::string& d : compare_schemas(wanted, introspect(db, &differ))) {
      problems.push_back(step + ": " + d);
    }
  }
  for (const std::string& d : compare_objects(expected.objects, introspect_objects(db))) {
    problems.push_back(step + ": " + d);
  }
  expect_sound(db, step, problems);
}

// Hooks transform rows and never the schema (the runtime refuses schema changes inside one),
// so replaying revisions to prove schemas skips them.
void skip_hook(sqlite3*, HookProgress&) {}

std::vector<Revision> without_hooks(std::vector<Revision> revisions) {
  for (Revision& r : revisions) {
    for (Hook& h : r.hooks) h.function = &skip_hook;
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

LiveSchema live_schema_of(const Schema& schema) { return introspect(expected_of(schema).db.get()); }

LiveObjects live_objects_of(const Schema& schema) { return expected_of(schema).objects; }

Db database_of(const Schema& schema) { return std::move(expected_of(schema).db); }

struct ReplayedHistory::State {
  std::vector<Revision> history;  ///< hooks skipped
  Schema before;
  std::vector<std::string> checksums;  ///< of `history`, to tell whether it is still current
  Expected expected_before;
  Db db;                              ///< at the newest sealed revision
  std::vector<std::string> problems;  ///< the history does not give `before`
};

ReplayedHistory::ReplayedHistory(const std::vector<Revision>& history, const Schema& before)
    : state(std::make_unique<State>()) {
  State& s = *state;
  s.history = without_hooks(history);
  s.before = before;
  for (const Revision& r : history) s.checksums.push_back(r.id + " " + r.checksum);
  try {
    s.expected_before = expected_of(before);
    s.db = open_memory();
    register_stand_ins(s.db.get(), united({before.functions, marked(history, true, false)}));
    if (!history.empty()) upgrade(s.db.get(), s.history, "head");
    expect_state(s.db.get(), s.expected_before, "the sealed revisions", s.problems);
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

namespace {

// The proof, once `replay` gives the replayed history. The expected schema after the revision
// comes from a fresh database built on a second thread meanwhile.
VerifyReport verify_replayed(const std::function<ReplayedHistory()>& replay,
                             const Revision& candidate, const Schema& after) {
  VerifyReport report;
  auto& problems = report.problems;
  try {
    std::future<Expected> expected_after_later =
        std::async(std::launch::async, [&after] { return expected_of(after); });
    ReplayedHistory replayed = replay();
    ReplayedHistory::State& state = *replayed.state;
    problems = state.problems;
    if (!problems.empty()) return report;
    const Schema& before = state.before;
    const Expected& expected_before = state.expected_before;
    std::vector<Revision> all = std::move(state.history);
    all.push_back(candidate);  // a rebased revision may name hooks
    all = without_hooks(std::move(all));
    Db db = std::move(state.db);
    // Stand-ins for every function the schemas declare or a revision says it calls; Up and
    // Down run without them until SQLite asks for one, so that the revision can say which its
    // statements call (the runtime needs the application to define those).
    const std::vector<SqlFunction> declared =
        united({after.functions, before.functions, marked(all, true, true)});
    register_stand_ins(db.get(), declared);
    const std::vector<SqlFunction> marked_up = marked({candidate}, true, false);
    const std::vector<SqlFunction> marked_down = marked({candidate}, false, true);
    const std::set<std::string> touched = touched_tables(before, after);
    fill(db.get(), before, with_parents(before, after, touched), report.notes);
    const std::vector<KeptTable> kept = kept_tables(before, after, touched);
    const RowSnapshot rows = snapshot_rows(db.get(), kept, false);

    report.needs_up =
        functions_needed(db.get(), declared, marked_up, [&] { upgrade(db.get(), all, "head"); });
    const Expected expected_after = expected_after_later.get();
    expect_state(db.get(), expected_after, "up", problems);
    check_rows_kept(rows, snapshot_rows(db.get(), kept, true), "up", problems);
    try {
      report.needs_down = functions_needed(db.get(), declared, marked_down,
                                           [&] { downgrade(db.get(), all, "-1"); });
      expect_state(db.get(), expected_before, "down", problems);
      check_rows_kept(rows, snapshot_rows(db.get(), kept, false), "down", problems);
    } catch (const Error& e) {
      // Undoing a destructive step cannot bring back what it dropped: a NOT NULL reference,
      // say, has no row to point at. Such a down is refused at run time with rows present
      // (and rolled back); it is proven on tables without rows instead.
      if (candidate.destructive.empty()) throw;
      report.notes.push_back(std::string("down refuses these rows: ") + e.what());
      db = open_memory();
      register_stand_ins(db.get(), declared);
      upgrade(db.get(), all, "head");
      report.needs_down = functions_needed(db.get(), declared, marked_down,
                                           [&] { downgrade(db.get(), all, "-1"); });
      expect_state(db.get(), expected_before, "down (no rows)", problems);
    }
    upgrade(db.get(), all, "head");
    expect_state(db.get(), expected_after, "up again", problems);
  } catch (const std::exception& e) {
    problems.push_back(e.what());
  }
  return report;
}

}  // namespace

VerifyReport verify_revision(const std::vector<Revision>& history, const Revision& candidate,
                             const Schema& before, const Schema& after) {
  return verify_replayed([&] { return ReplayedHistory(history, before); }, candidate, after);
}

VerifyReport verify_revision(ReplayedHistory replayed, const Revision& candidate,
                             const Schema& after) {
  return verify_replayed([&replayed] { return std::move(replayed); }, candidate, after);
}

}  // namespace retort
