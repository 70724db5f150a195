// Compares two schemas table by table and column by column; chooses ALTER or rebuild.
#include "diff.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <unordered_map>

namespace retort {
namespace {

// One table present on both sides (possibly renamed), and what happens to it.
struct TablePair {
  const Table* old_table;
  const Table* new_table;
  std::map<std::string, std::string> old_name_of;  // new column → old column, matched ones
  std::vector<std::pair<std::string, std::string>> renamed_columns;  // (old, new)
  std::vector<Column> added;
  std::vector<Column> dropped;
  bool rebuild = false;
  bool retyped = false;  // a kept column changes type or generating expression
};

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

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

bool same_column_shape(const Column& a, const Column& b) {
  return a.type == b.type && a.not_null == b.not_null && a.default_sql == b.default_sql &&
         a.collate == b.collate && a.check == b.check && a.generated == b.generated &&
         a.stored == b.stored;
}

class Differ {
 public:
  Differ(const Schema& from, const Schema& to, const DiffRules& rules = {})
      : from_(from), to_(to), rules_(rules) {
    for (const Table& t : from.tables) old_tables_.emplace(t.name, &t);
    for (const Table& t : to.tables) new_tables_.emplace(t.name, &t);
  }

  std::vector<TableMatch> matches() {
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

  ChangeSet run() {
    match_tables();
    for (TablePair& p : pairs_) match_columns(p);
    for (TablePair& p : pairs_) plan_pair(p);
    rebuild_children_of_rebuilt_renames();
    emit();
    return std::move(out_);
  }

 private:
  void error(const SourceLoc& loc, std::string message) {
    out_.diagnostics.push_back({Severity::kError, loc, std::move(message)});
  }

  void match_tables() {
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

  const Table* old_table(const std::string& name) const {
    const auto it = old_tables_.find(name);
    return it == old_tables_.end() ? nullptr : it->second;
  }

  void match_columns(TablePair& p) {
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
        error(c.origin.loc, "RETORT_RENAMED_FROM names column '" + was + "', which table '" +
                                o.name + "' does not have (or still has)");
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
  std::pair<std::string, std::vector<std::string>> new_target(const ForeignKey& fk) const {
    if (const auto it = pair_of_old_.find(fk.ref_table); it != pair_of_old_.end()) {
      const TablePair& p = pairs_[it->second];
      return {p.new_table->name, to_new_names(p, fk.ref_columns)};
    }
    return {fk.ref_table, fk.ref_columns};
  }

  // Everything but columns and indexes equal, once old names are mapped to new ones.
  // Constraint names derived from table or column names are not compared.
  bool same_table_shape(const TablePair& p) const {
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
          new_target(a) != std::make_pair(b.ref_table, b.ref_columns) ||
          a.on_delete != b.on_delete || a.on_update != b.on_update || a.deferred != b.deferred) {
        return false;
      }
    }
    for (std::size_t i = 0; i < o.checks.size(); ++i) {
      if (o.checks[i].expression != n.checks[i].expression) return false;
    }
    return true;
  }

  void plan_pair(TablePair& p) {
    const Table& o = *p.old_table;
    const Table& n = *p.new_table;
    p.rebuild = !same_table_shape(p);
    for (const auto& [new_name, old_name] : p.old_name_of) {
      const Column& before = *o.find_column(old_name);
      const Column& after = *n.find_column(new_name);
      if (!same_column_shape(before, after)) p.rebuild = true;
      if (before.type != after.type || before.generated != after.generated) p.retyped = true;
      if (after.not_null && !before.not_null && !after.default_sql && !after.generated) {
        error(after.origin.loc,
              "column '" + after.name +
                  "' becomes NOT NULL without a default; "
                  "add RETORT_DEFAULT(...) so that rows holding NULL get a value");
      }
      if (narrows_type(before.type, after.type)) {
        out_.destructive.push_back("change type of \"" + n.name + "\".\"" + after.name +
                                   "\" from " + before.type + " to " + after.type);
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
      p.rebuild = p.rebuild || !p.added.empty() || !p.dropped.empty() ||
                  !p.renamed_columns.empty() || o.name != n.name || !same_names(p);
    }
  }

  // Constraint names as stored equal (a snapshot written before a naming rule changed keeps
  // its names until the table changes).
  static bool same_names(const TablePair& p) {
    const Table& o = *p.old_table;
    const Table& n = *p.new_table;
    for (std::size_t i = 0; i < o.foreign_keys.size() && i < n.foreign_keys.size(); ++i) {
      if (o.foreign_keys[i].name != n.foreign_keys[i].name) return false;
    }
    for (std::size_t i = 0; i < o.checks.size() && i < n.checks.size(); ++i) {
      if (o.checks[i].name != n.checks[i].name) return false;
    }
    for (std::size_t i = 0; i < o.unique_constraints.size() && i < n.unique_constraints.size();
         ++i) {
      if (o.unique_constraints[i].name != n.unique_constraints[i].name) return false;
    }
    return true;
  }

  // A rebuilt table's renamed columns are not renamed by ALTER TABLE, so the REFERENCES of its
  // children keep the old names: such children are rebuilt too (until nothing changes).
  void rebuild_children_of_rebuilt_renames() {
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

  bool index_kept(const TablePair& p, const Index& old_index) const {
    if (p.rebuild && !rules_.alters_in_place) return false;
    return std::any_of(
        p.new_table->indexes.begin(), p.new_table->indexes.end(), [&](const Index& i) {
          return i.name == old_index.name && i.unique == old_index.unique &&
                 i.where == old_index.where && i.columns == to_new_names(p, old_index.columns);
        });
  }

  bool index_new(const TablePair& p, const Index& new_index) const {
    if (p.rebuild && !rules_.alters_in_place) return true;
    return std::none_of(
        p.old_table->indexes.begin(), p.old_table->indexes.end(),
        [&](const Index& i) { return index_kept(p, i) && i.name == new_index.name; });
  }

  // The old tables whose views and triggers must go before the change and come back after it:
  // dropped, renamed, rebuilt, or losing or renaming a column (SQLite checks, and rewrites, the
  // text of every view and trigger then). Adding a column or changing indexes leaves them be.
  std::set<std::string> tables_objects_must_leave() const {
    std::set<std::string> out;
    for (const Table* t : dropped_) out.insert(t->name);
    for (const TablePair& p : pairs_) {
      const bool rebuilt = p.rebuild && !rules_.alters_in_place;
      // PostgreSQL expands a view's `SELECT *` when it creates it: a column added to its table
      // reaches the view only when it is created again.
      const bool expands_star = rules_.alters_in_place && !p.added.empty();
      if (rebuilt || expands_star || p.retyped || p.old_table->name != p.new_table->name ||
          !p.dropped.empty() || !p.renamed_columns.empty()) {
        out.insert(p.old_table->name);
      }
    }
    return out;
  }

  // Objects removed or changed, and views and triggers that name a table that changes (or such
  // an object), transitively: by old name. A virtual table goes only when it is itself removed
  // or changed (its index would be lost); it is destructive then.
  std::set<std::string> objects_to_drop() {
    std::set<std::string> leaving = tables_objects_must_leave();
    std::set<std::string> out;
    for (const SqlObject& o : from_.objects) {
      const SqlObject* now = to_.find_object(o.name);
      if (!now || !(*now == o)) out.insert(o.name);
    }
    for (bool grew = true; grew;) {
      grew = false;
      for (const SqlObject& o : from_.objects) {
        if (out.count(o.name) || o.kind == SqlObject::Kind::kVirtualTable) continue;
        const bool names_leaving =
            std::any_of(o.depends_on.begin(), o.depends_on.end(),
                        [&](const std::string& n) { return leaving.count(n) || out.count(n); });
        if (names_leaving) grew = out.insert(o.name).second;
      }
    }
    for (const SqlObject& o : from_.objects) {
      if (out.count(o.name) && o.kind == SqlObject::Kind::kVirtualTable) {
        out_.destructive.push_back(std::string(to_.find_object(o.name) ? "re-create" : "drop") +
                                   " virtual table \"" + o.name + "\"");
      }
    }
    return out;
  }

  void emit() {
    auto& changes = out_.changes;
    const std::set<std::string> dropped_objects = objects_to_drop();
    for (auto it = from_.objects.rbegin(); it != from_.objects.rend(); ++it) {
      if (dropped_objects.count(it->name)) changes.push_back(DropObject{*it});
    }
    for (const TablePair& p : pairs_) {
      for (const Index& i : p.old_table->indexes) {
        if (!index_kept(p, i)) changes.push_back(DropIndex{p.old_table->name, i});
      }
    }
    for (auto it = dropped_.rbegin(); it != dropped_.rend(); ++it) {
      changes.push_back(DropTable{**it});
      out_.destructive.push_back("drop table \"" + (*it)->name + "\"");
    }
    for (const TablePair& p : pairs_) {
      if (p.old_table->name != p.new_table->name) {
        changes.push_back(RenameTable{p.old_table->name, p.new_table->name});
      }
    }
    // A dialect that checks foreign keys when they are declared (PostgreSQL) needs a key
    // that a new table's foreign key references in place first: such foreign keys are added
    // once the tables are altered.
    std::vector<RebuildTable> later;
    for (const Table* t : created_) {
      Table now = *t;
      if (rules_.alters_in_place) {
        const auto altered = [this](const ForeignKey& fk) {
          return std::any_of(pairs_.begin(), pairs_.end(), [&](const TablePair& p) {
            return p.rebuild && p.new_table->name == fk.ref_table;
          });
        };
        const auto first =
            std::stable_partition(now.foreign_keys.begin(), now.foreign_keys.end(),
                                  [&](const ForeignKey& fk) { return !altered(fk); });
        if (first != now.foreign_keys.end()) {
          Table bare = now;
          bare.foreign_keys.erase(bare.foreign_keys.begin() + (first - now.foreign_keys.begin()),
                                  bare.foreign_keys.end());
          Table full = *t;
          bare.indexes.clear();
          full.indexes.clear();
          std::vector<std::pair<std::string, std::string>> copy;
          for (const Column& c : t->columns) {
            if (!c.generated) copy.emplace_back(c.name, c.name);
          }
          later.push_back({bare, std::move(full), std::move(copy)});
          now.foreign_keys = later.back().from.foreign_keys;
        }
      }
      changes.push_back(CreateTable{std::move(now)});
    }
    for (const TablePair& p : pairs_) emit_alter(p);
    for (RebuildTable& r : later) changes.push_back(std::move(r));
    for (const TablePair& p : pairs_) {
      for (const Index& i : p.new_table->indexes) {
        if (index_new(p, i)) changes.push_back(CreateIndex{p.new_table->name, i});
      }
    }
    for (const SqlObject& o : to_.objects) {
      if (!from_.find_object(o.name) || dropped_objects.count(o.name)) {
        changes.push_back(CreateObject{o});
      }
    }
    decide_foreign_keys();
  }

  void emit_alter(const TablePair& p) {
    auto& changes = out_.changes;
    const std::string& name = p.new_table->name;
    if (p.rebuild) {
      Table before = *p.old_table;
      before.name = name;
      before.indexes.clear();  // dropped before the rebuild, created after it (or kept)
      if (rules_.alters_in_place) {
        // A renamed parent keeps its foreign keys (they follow the table, not its name): the
        // same key, under the parent's new names, as the table's own `to` names it.
        for (ForeignKey& fk : before.foreign_keys) {
          std::tie(fk.ref_table, fk.ref_columns) = new_target(fk);
        }
      }
      Table after = *p.new_table;
      after.indexes.clear();
      const std::string names_from = p.old_table->name != name ? p.old_table->name : std::string();
      std::vector<std::pair<std::string, std::string>> copy;
      for (const Column& c : after.columns) {
        if (c.generated) continue;  // computed, never written; a plain one may copy a generated
        if (auto it = p.old_name_of.find(c.name); it != p.old_name_of.end()) {
          copy.emplace_back(c.name, it->second);
        }
      }
      changes.push_back(
          RebuildTable{std::move(before), std::move(after), std::move(copy), names_from, ""});
      return;
    }
    // Drops first: a column may be renamed onto the name of one that goes.
    for (const Column& c : p.dropped) changes.push_back(DropColumn{name, c});
    for (const auto& [was, now] : p.renamed_columns)
      changes.push_back(RenameColumn{name, was, now});
    for (const Column& c : p.added) changes.push_back(AddColumn{name, c});
  }

  // PRAGMA foreign_keys must be OFF when a table is rebuilt, or when a table that another one
  // references is dropped (ON DELETE actions would fire, or the drop would fail). One flag
  // covers both directions: creating a table needs nothing, and the down step that drops a new
  // parent drops its new children first.
  void decide_foreign_keys() {
    std::set<std::string> referenced_tables;
    for (const Schema* s : {&from_, &to_}) {
      for (const Table& t : s->tables) {
        for (const ForeignKey& fk : t.foreign_keys) {
          if (fk.ref_table != t.name) referenced_tables.insert(fk.ref_table);
        }
      }
    }
    const auto referenced = [&](const std::string& table) {
      return referenced_tables.count(table) > 0;
    };
    if (rules_.alters_in_place) return;
    for (const Change& c : out_.changes) {
      if (std::holds_alternative<RebuildTable>(c)) out_.foreign_keys_off = true;
      if (auto* d = std::get_if<DropTable>(&c); d && referenced(d->table.name)) {
        out_.foreign_keys_off = true;
      }
    }
  }

  const Schema& from_;
  const Schema& to_;
  DiffRules rules_;
  std::unordered_map<std::string, const Table*> old_tables_, new_tables_;
  std::unordered_map<std::string, std::size_t> pair_of_old_;  // old table name → its pair
  std::vector<TablePair> pairs_;
  std::vector<const Table*> created_;
  std::vector<const Table*> dropped_;
  ChangeSet out_;
};

struct Inverter {
  Change operator()(const CreateTable& c) const { return DropTable{c.table}; }
  Change operator()(const DropTable& c) const { return CreateTable{c.table}; }
  Change operator()(const RenameTable& c) const { return RenameTable{c.to, c.from}; }
  Change operator()(const AddColumn& c) const { return DropColumn{c.table, c.column}; }
  Change operator()(const DropColumn& c) const { return AddColumn{c.table, c.column}; }
  Change operator()(const RenameColumn& c) const { return RenameColumn{c.table, c.to, c.from}; }
  Change operator()(const RebuildTable& c) const {
    std::vector<std::pair<std::string, std::string>> copy;
    for (const auto& [to_column, from_column] : c.copy) copy.emplace_back(from_column, to_column);
    // Keep the old table's column order for the copy list.
    std::stable_sort(copy.begin(), copy.end(), [&c](const auto& a, const auto& b) {
      const auto position = [&c](const std::string& name) {
        const auto& cols = c.from.columns;
        return std::find_if(cols.begin(), cols.end(),
                            [&](const Column& x) { return x.name == name; }) -
               cols.begin();
      };
      return position(a.first) < position(b.first);
    });
    // Undone, the table goes back to its old name after the rename is undone too.
    return RebuildTable{c.to, c.from, std::move(copy), c.names_to, c.names_from};
  }
  Change operator()(const CreateIndex& c) const { return DropIndex{c.table, c.index}; }
  Change operator()(const DropIndex& c) const { return CreateIndex{c.table, c.index}; }
  Change operator()(const CreateObject& c) const { return DropObject{c.object}; }
  Change operator()(const DropObject& c) const { return CreateObject{c.object}; }
};

}  // namespace

ChangeSet diff_schemas(const Schema& from, const Schema& to) { return Differ(from, to).run(); }

ChangeSet diff_schemas(const Schema& from, const Schema& to, const DiffRules& rules) {
  return Differ(from, to, rules).run();
}

std::vector<TableMatch> match_tables(const Schema& from, const Schema& to) {
  return Differ(from, to).matches();
}

std::vector<Change> invert(const std::vector<Change>& changes) {
  std::vector<Change> out;
  for (auto it = changes.rbegin(); it != changes.rend(); ++it)
    out.push_back(std::visit(Inverter{}, *it));
  return out;
}

}  // namespace retort
