// Compares two schemas table by table and column by column; chooses ALTER or rebuild.
#include "differ.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <unordered_map>

#include "diff.hpp"

namespace retort {

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// `names` rewritten from old column names to new ones along the pair's column renames.
std::vector<std::string> to_new_names(const TablePair& p, std::vector<std::string> names) {
  for (std::string& n : names) {
    for (const auto& [new_name, old_name] : p.old_name_of) {
      if (old_name == n) {
        n = new_name;
        break;
      }
    }
  }
  return names;
}

namespace {

// A default SQLite can fill into existing rows by ADD COLUMN: no CURRENT_* and no expression.
bool constant_default(const std::string& sql) {
  const std::string u = to_upper(sql);
  return u.rfind("CURRENT_", 0) != 0 && sql.find('(') == std::string::npos;
}

bool references_column(const Table& t, const std::string& column) {
  return std::any_of(t.foreign_keys.begin(), t.foreign_keys.end(),
                     [&](const ForeignKey& fk) { return contains(fk.columns, column); });
}

bool in_unique_constraint(const Table& t, const std::string& column) {
  return std::any_of(t.unique_constraints.begin(), t.unique_constraints.end(),
                     [&](const UniqueConstraint& u) { return contains(u.columns, column); });
}

bool can_add_in_place(const Table& t, const Column& c) {
  if (contains(t.primary_key, c.name) || in_unique_constraint(t, c.name)) return false;
  // SQLite adds a VIRTUAL generated column in place, NOT NULL too; never a STORED one.
  if (c.generated) return !c.stored;
  if (c.default_sql && !constant_default(*c.default_sql)) return false;
  if (c.not_null && !c.default_sql) return false;
  const bool null_default = !c.default_sql || to_upper(*c.default_sql) == "NULL";
  return !(references_column(t, c.name) && !null_default);
}

// Also the inverse, adding it back, must work in place; else both directions rebuild.
bool can_drop_in_place(const Table& t, const Column& c) {
  return !contains(t.primary_key, c.name) && !references_column(t, c.name) && t.checks.empty() &&
         can_add_in_place(t, c);
}

bool same_column_shape(const Column& a, const Column& b) {
  return a.type == b.type && a.not_null == b.not_null && a.default_sql == b.default_sql &&
         a.collate == b.collate && a.check == b.check && a.generated == b.generated &&
         a.stored == b.stored;
}

}  // namespace

std::vector<TableMatch> Differ::matches() {
  match_tables();
  std::vector<TableMatch> out;
  for (TablePair& p : pairs_) {
    match_columns(p);
    TableMatch m{p.old_table, p.new_table, {}};
    for (const Column& c : p.new_table->columns) {
      if (auto it = p.old_name_of.find(c.name); it != p.old_name_of.end()) {
        m.columns.emplace_back(it->second, c.name);
      }
    }
    out.push_back(std::move(m));
  }
  return out;
}

ChangeSet Differ::run() {
  match_tables();
  for (TablePair& p : pairs_) match_columns(p);
  for (TablePair& p : pairs_) plan_pair(p);
  rebuild_children_of_rebuilt_renames();
  emit();
  return std::move(out_);
}

void Differ::error(const SourceLoc& loc, std::string message) {
  out_.diagnostics.push_back({Severity::kError, loc, std::move(message)});
}

void Differ::match_tables() {
  std::set<std::string> matched;
  for (const Table& t : to_.tables) {
    // A rename whose old table still exists (and is gone from the models) wins over a table
    // of the same name, which is then dropped; else the annotation is a leftover of a rename
    // already sealed.
    const std::string& was = t.origin.renamed_from;
    const bool renamed = !was.empty() && old_table(was) && !new_tables_.count(was);
    const Table* old = renamed ? old_table(was) : old_table(t.name);
    if (!old && !was.empty()) {
      error(t.origin.loc, "RETORT_RENAMED_FROM names table '" + was +
                              "', which the last revision does not have (or still has)");
      continue;
    }
    if (old) {
      matched.insert(old->name);
      pairs_.push_back({old, &t, {}, {}, {}, {}, false, false});
    } else {
      created_.push_back(&t);
    }
  }
  for (const Table& t : from_.tables) {
    if (!matched.count(t.name)) dropped_.push_back(&t);
  }
  for (std::size_t i = 0; i < pairs_.size(); ++i)
    pair_of_old_.emplace(pairs_[i].old_table->name, i);
}

const Table* Differ::old_table(const std::string& name) const {
  const auto it = old_tables_.find(name);
  return it == old_tables_.end() ? nullptr : it->second;
}

void Differ::match_columns(TablePair& p) {
  const Table& o = *p.old_table;
  const Table& n = *p.new_table;
  std::set<std::string> used;
  for (const Column& c : n.columns) {
    // As for tables: a rename whose old column still exists wins over the same name.
    const std::string& was = c.origin.renamed_from;
    if (!was.empty() && o.find_column(was) && !n.find_column(was) && !used.count(was)) {
      p.old_name_of[c.name] = was;
      p.renamed_columns.emplace_back(was, c.name);
    } else if (o.find_column(c.name) && !used.count(c.name)) {
      p.old_name_of[c.name] = c.name;
    } else if (!was.empty()) {
      error(c.origin.loc, "RETORT_RENAMED_FROM names column '" + was + "', which table '" + o.name +
                              "' does not have (or still has)");
      continue;
    } else {
      p.added.push_back(c);
      continue;
    }
    used.insert(p.old_name_of[c.name]);
  }
  for (const Column& c : o.columns) {
    if (!used.count(c.name)) p.dropped.push_back(c);
  }
}

// A foreign key's target under the new names: renaming a table or column rewrites the
// references to it in place (ALTER TABLE RENAME), so that alone rebuilds no child.
std::pair<std::string, std::vector<std::string>> Differ::new_target(const ForeignKey& fk) const {
  if (const auto it = pair_of_old_.find(fk.ref_table); it != pair_of_old_.end()) {
    const TablePair& p = pairs_[it->second];
    return {p.new_table->name, to_new_names(p, fk.ref_columns)};
  }
  return {fk.ref_table, fk.ref_columns};
}

// Everything but columns and indexes equal, once old names are mapped to new ones.
// Constraint names derived from table or column names are not compared.
bool Differ::same_table_shape(const TablePair& p) const {
  const Table& o = *p.old_table;
  const Table& n = *p.new_table;
  if (to_new_names(p, o.primary_key) != n.primary_key || o.autoincrement != n.autoincrement ||
      o.without_rowid != n.without_rowid || o.strict != n.strict ||
      o.foreign_keys.size() != n.foreign_keys.size() || o.checks.size() != n.checks.size() ||
      o.unique_constraints.size() != n.unique_constraints.size()) {
    return false;
  }
  for (std::size_t i = 0; i < o.unique_constraints.size(); ++i) {
    const UniqueConstraint& a = o.unique_constraints[i];
    const UniqueConstraint& b = n.unique_constraints[i];
    if (to_new_names(p, a.columns) != b.columns || a.in_column != b.in_column) return false;
  }
  for (std::size_t i = 0; i < o.foreign_keys.size(); ++i) {
    const ForeignKey& a = o.foreign_keys[i];
    const ForeignKey& b = n.foreign_keys[i];
    if (to_new_names(p, a.columns) != b.columns ||
        new_target(a) != std::make_pair(b.ref_table, b.ref_columns) || a.on_delete != b.on_delete ||
        a.on_update != b.on_update || a.deferred != b.deferred) {
      return false;
    }
  }
  for (std::size_t i = 0; i < o.checks.size(); ++i) {
    if (o.checks[i].expression != n.checks[i].expression) return false;
  }
  return true;
}

void Differ::plan_pair(TablePair& p) {
  const Table& o = *p.old_table;
  const Table& n = *p.new_table;
  p.rebuild = !same_table_shape(p);
  for (const auto& [new_name, old_name] : p.old_name_of) {
    const Column& before = *o.find_column(old_name);
    const Column& after = *n.find_column(new_name);
    if (!same_column_shape(before, after)) p.rebuild = true;
    if (before.type != after.type || before.generated != after.generated) p.retyped = true;
    if (after.not_null && !before.not_null && !after.default_sql && !after.generated) {
      error(after.origin.loc, "column '" + after.name +
                                  "' becomes NOT NULL without a default; "
                                  "add RETORT_DEFAULT(...) so that rows holding NULL get a value");
    }
    if (narrows_type(before.type, after.type)) {
      out_.destructive.push_back("change type of \"" + n.name + "\".\"" + after.name + "\" from " +
                                 before.type + " to " + after.type);
    }
  }
  for (const Column& c : p.added) {
    if (c.not_null && !c.default_sql && !c.generated) {
      error(c.origin.loc, "column '" + c.name +
                              "' is added NOT NULL without a default, but "
                              "table '" +
                              n.name +
                              "' may hold rows; add RETORT_DEFAULT(...) or "
                              "make it std::optional");
    }
    if (!can_add_in_place(n, c)) p.rebuild = true;
  }
  for (const Column& c : p.dropped) {
    if (!c.generated) {  // a generated column's values come back with it
      out_.destructive.push_back("drop column \"" + n.name + "\".\"" + c.name + "\"");
    }
    if (!can_drop_in_place(o, c)) p.rebuild = true;
  }
  // A dialect that alters in place renders every change of the table as one ALTER sequence.
  if (rules_.alters_in_place) {
    p.rebuild = p.rebuild || !p.added.empty() || !p.dropped.empty() || !p.renamed_columns.empty() ||
                o.name != n.name || !same_names(p);
  }
}

// Constraint names as stored equal (a snapshot written before a naming rule changed keeps
// its names until the table changes).
bool Differ::same_names(const TablePair& p) {
  const Table& o = *p.old_table;
  const Table& n = *p.new_table;
  for (std::size_t i = 0; i < o.foreign_keys.size() && i < n.foreign_keys.size(); ++i) {
    if (o.foreign_keys[i].name != n.foreign_keys[i].name) return false;
  }
  for (std::size_t i = 0; i < o.checks.size() && i < n.checks.size(); ++i) {
    if (o.checks[i].name != n.checks[i].name) return false;
  }
  for (std::size_t i = 0; i < o.unique_constraints.size() && i < n.unique_constraints.size(); ++i) {
    if (o.unique_constraints[i].name != n.unique_constraints[i].name) return false;
  }
  return true;
}

// A rebuilt table's renamed columns are not renamed by ALTER TABLE, so the REFERENCES of its
// children keep the old names: such children are rebuilt too (until nothing changes).
void Differ::rebuild_children_of_rebuilt_renames() {
  const auto refers_to_rebuilt_rename = [this](const TablePair& child) {
    for (const ForeignKey& fk : child.old_table->foreign_keys) {
      const auto it = pair_of_old_.find(fk.ref_table);
      if (it == pair_of_old_.end() || !pairs_[it->second].rebuild) continue;
      for (const auto& renamed : pairs_[it->second].renamed_columns) {
        if (contains(fk.ref_columns, renamed.first)) return true;
      }
    }
    return false;
  };
  for (bool changed = true; changed;) {
    changed = false;
    for (TablePair& p : pairs_) {
      if (!p.rebuild && refers_to_rebuilt_rename(p)) changed = p.rebuild = true;
    }
  }
}

ChangeSet diff_schemas(const Schema& from, const Schema& to) { return Differ(from, to).run(); }

ChangeSet diff_schemas(const Schema& from, const Schema& to, const DiffRules& rules) {
  return Differ(from, to, rules).run();
}

std::vector<TableMatch> match_tables(const Schema& from, const Schema& to) {
  return Differ(from, to).matches();
}

}  // namespace retort
