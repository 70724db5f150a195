// The changes of a planned diff, in the order they can run: objects and indexes that go, tables
// dropped, renamed, created, altered or rebuilt, then indexes and objects that come; and whether
// foreign keys must be off meanwhile.
#include <algorithm>
#include <set>

#include "differ.hpp"

namespace retort {

bool Differ::index_kept(const TablePair& p, const Index& old_index) const {
  if (p.rebuild && !rules_.alters_in_place) return false;
  return std::any_of(p.new_table->indexes.begin(), p.new_table->indexes.end(), [&](const Index& i) {
    return i.name == old_index.name && i.unique == old_index.unique && i.where == old_index.where &&
           i.columns == to_new_names(p, old_index.columns);
  });
}

bool Differ::index_new(const TablePair& p, const Index& new_index) const {
  if (p.rebuild && !rules_.alters_in_place) return true;
  return std::none_of(p.old_table->indexes.begin(), p.old_table->indexes.end(),
                      [&](const Index& i) { return index_kept(p, i) && i.name == new_index.name; });
}

// The old tables whose views and triggers must go before the change and come back after it:
// dropped, renamed, rebuilt, or losing or renaming a column (SQLite checks, and rewrites, the
// text of every view and trigger then). Adding a column or changing indexes leaves them be.
std::set<std::string> Differ::tables_objects_must_leave() const {
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
std::set<std::string> Differ::objects_to_drop() {
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

void Differ::emit() {
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
      const auto first = std::stable_partition(now.foreign_keys.begin(), now.foreign_keys.end(),
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

void Differ::emit_alter(const TablePair& p) {
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
  for (const auto& [was, now] : p.renamed_columns) changes.push_back(RenameColumn{name, was, now});
  for (const Column& c : p.added) changes.push_back(AddColumn{name, c});
}

// PRAGMA foreign_keys must be OFF when a table is rebuilt, or when a table that another one
// references is dropped (ON DELETE actions would fire, or the drop would fail). One flag
// covers both directions: creating a table needs nothing, and the down step that drops a new
// parent drops its new children first.
void Differ::decide_foreign_keys() {
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

}  // namespace retort
