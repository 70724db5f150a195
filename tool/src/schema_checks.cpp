// The whole schema's checks, once every table is built: generated columns and indexes over
// expressions tried on SQLite in memory, index names used twice, and what foreign keys reference.
#include <algorithm>
#include <set>

#include "dialects.hpp"
#include "emit.hpp"
#include "retort/detail/sqlite.hpp"
#include "table_builder.hpp"

namespace retort {

using detail::Db;
using detail::open_memory;
using detail::try_exec;

// Generated columns: each added, in declaration order, to an empty copy of its table without
// them in memory, so that a bad expression fails at its annotation. A failing one is left
// out, as a bad index is, so that it raises no second error further on.
void Builder::check_generated_columns() {
  if (generated_to_try_.empty()) return;
  const Db db = open_memory();
  register_stand_ins(db.get(), out_.schema.functions);
  const auto dialect = make_sqlite_dialect();
  std::set<std::string> created;
  for (const GeneratedToTry& g : generated_to_try_) {
    Table* t = mutable_table(g.table);
    if (!t) continue;
    if (created.insert(t->name).second) {
      Table bare;
      bare.name = t->name;
      for (const Column& c : t->columns) {
        if (!c.generated) bare.columns.push_back(c);
      }
      bare.primary_key = t->primary_key;
      if (!try_exec(db.get(), dialect->create_table(bare)).empty()) continue;  // reported
    }
    const auto column = std::find_if(t->columns.begin(), t->columns.end(),
                                     [&g](const Column& c) { return c.name == g.column; });
    if (column == t->columns.end() || !column->generated) continue;
    Column trial = *column;
    trial.stored = false;  // ADD COLUMN takes the VIRTUAL form; the expression is the same
    trial.not_null = false;
    trial.check.reset();
    const std::string message = try_exec(db.get(), dialect->render(AddColumn{t->name, trial}));
    if (detail::missing_function(message)) {
      t->columns.erase(column);  // reported at its annotation: undeclared_calls()
    } else if (!message.empty()) {
      error(g.loc, "generated column '" + column->name + "' does not work on table '" + t->name +
                       "': " + message);
      t->columns.erase(column);
    }
  }
}

Table* Builder::mutable_table(const std::string& name) {
  const auto t = std::find_if(out_.schema.tables.begin(), out_.schema.tables.end(),
                              [&name](const Table& x) { return x.name == name; });
  return t == out_.schema.tables.end() ? nullptr : &*t;
}

// Indexes over expressions or with a condition: created on an empty copy of their table in
// memory, so that a bad expression or an unknown column in it fails at the annotation.
void Builder::check_sql_of_indexes() {
  if (to_try_.empty()) return;
  const Db db = open_memory();
  register_stand_ins(db.get(), out_.schema.functions);
  const auto dialect = make_sqlite_dialect();
  std::set<std::string> created;
  for (const IndexToTry& i : to_try_) {
    Table* t = mutable_table(i.table);
    if (!t) continue;
    if (created.insert(t->name).second) {
      Table bare = *t;
      bare.indexes.clear();
      bare.foreign_keys.clear();
      if (!try_exec(db.get(), dialect->create_table(bare)).empty()) continue;  // reported
    }
    const auto index = std::find_if(t->indexes.begin(), t->indexes.end(),
                                    [&i](const Index& x) { return x.name == i.index; });
    if (index == t->indexes.end()) continue;
    const std::string message = try_exec(db.get(), dialect->create_index(t->name, *index));
    if (detail::missing_function(message)) {
      t->indexes.erase(index);  // reported at its annotation: undeclared_calls()
    } else if (!message.empty()) {
      error(i.loc,
            "index '" + index->name + "' does not work on table '" + t->name + "': " + message);
      t->indexes.erase(index);  // as an index naming an unknown column: left out
    }
  }
}

void Builder::check_index_names() {
  std::set<std::string> names;
  for (const Table& t : out_.schema.tables) {
    for (const Index& i : t.indexes) {
      if (!names.insert(i.name).second) {
        error(t.origin.loc, "index name '" + i.name + "' is used twice");
      }
    }
  }
}

void Builder::check_references(const Table& t) {
  for (const ForeignKey& fk : t.foreign_keys) {
    const Table* parent = out_.schema.find_table(fk.ref_table);
    if (!parent) {
      error(fk.loc, "RETORT_REFERENCES names unknown table '" + fk.ref_table + "'");
      continue;
    }
    const std::vector<std::string>& target =
        fk.ref_columns.empty() ? parent->primary_key : fk.ref_columns;
    if (target.size() != 1) {
      error(fk.loc, "RETORT_REFERENCES(\"" + fk.ref_table + "\") needs a column: table '" +
                        fk.ref_table + "' has no single-column primary key");
      continue;
    }
    const std::string& column = target[0];
    if (!parent->find_column(column)) {
      error(fk.loc, "RETORT_REFERENCES names unknown column '" + column + "' of table '" +
                        fk.ref_table + "'");
      continue;
    }
    const auto keys_name_target = [&target](const Index& i) {
      std::vector<std::string> columns;
      for (const std::string& k : i.columns) columns.push_back(key_column(k));
      return plain_unique(i) && columns == target;
    };
    const bool keyed =
        parent->primary_key == target ||
        std::any_of(parent->unique_constraints.begin(), parent->unique_constraints.end(),
                    [&](const UniqueConstraint& u) { return u.columns == target; }) ||
        std::any_of(parent->indexes.begin(), parent->indexes.end(), keys_name_target);
    if (!keyed) {
      error(fk.loc,
            "column '" + column + "' of table '" + fk.ref_table +
                "' is neither its primary key nor unique; a foreign key must reference one");
    }
  }
}

}  // namespace retort
