// What the two halves of the diff share: the Differ, which matches and plans (differ.cpp) and
// then orders the changes (diff_changes.cpp), and the pair of tables it plans.
#ifndef RETORT_TOOL_DIFFER_HPP
#define RETORT_TOOL_DIFFER_HPP

#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "diff.hpp"

namespace retort {

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

bool contains(const std::vector<std::string>& v, const std::string& s);

// `names` rewritten from old column names to new ones along the pair's column renames.
std::vector<std::string> to_new_names(const TablePair& p, std::vector<std::string> names);

class Differ {
 public:
  Differ(const Schema& from, const Schema& to, const DiffRules& rules = {})
      : from_(from), to_(to), rules_(rules) {
    for (const Table& t : from.tables) old_tables_.emplace(t.name, &t);
    for (const Table& t : to.tables) new_tables_.emplace(t.name, &t);
  }

  std::vector<TableMatch> matches();
  ChangeSet run();

 private:
  // differ.cpp: tables and columns matched, each pair planned
  void error(const SourceLoc& loc, std::string message);
  void match_tables();
  const Table* old_table(const std::string& name) const;
  void match_columns(TablePair& p);
  std::pair<std::string, std::vector<std::string>> new_target(const ForeignKey& fk) const;
  bool same_table_shape(const TablePair& p) const;
  void plan_pair(TablePair& p);
  static bool same_names(const TablePair& p);
  void rebuild_children_of_rebuilt_renames();

  // diff_changes.cpp: the changes in order
  bool index_kept(const TablePair& p, const Index& old_index) const;
  bool index_new(const TablePair& p, const Index& new_index) const;
  std::set<std::string> tables_objects_must_leave() const;
  std::set<std::string> objects_to_drop();
  void emit();
  void emit_alter(const TablePair& p);
  void decide_foreign_keys();

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

}  // namespace retort

#endif  // RETORT_TOOL_DIFFER_HPP
