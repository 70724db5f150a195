// The sample rows a proof puts into a scratch database: which tables get them, their values,
// and which of them a revision must keep.
#include "sample_rows.hpp"

#include <algorithm>
#include <map>

#include "diff.hpp"

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

}  // namespace

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

}  // namespace retort
