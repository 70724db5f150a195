// The annotation vocabulary: which keys exist, where each may stand, how many arguments it
// takes, and the checks of a class's or member's annotations against it.
#include <algorithm>

#include "table_builder.hpp"

namespace retort {

const std::map<std::string, KeyRule>& key_rules() {
  static const std::map<std::string, KeyRule> rules = {
      {"table", {Place::kClass, 1}},
      {"index_on", {Place::kClass, 2, 3}},
      {"unique_on", {Place::kClass, 2, 3}},
      {"primary_key_on", {Place::kClass, 1}},
      {"without_rowid", {Place::kClass, 0}},
      {"strict", {Place::kClass, 0}},
      {"renamed_from", {Place::kBoth, 1}},
      {"check", {Place::kBoth, 1}},
      {"column", {Place::kMember, 1}},
      {"primary_key", {Place::kMember, 0}},
      {"autoincrement", {Place::kMember, 0}},
      {"unique", {Place::kMember, 0}},
      {"index", {Place::kMember, 0}},
      {"type", {Place::kMember, 1}},
      {"default", {Place::kMember, 1}},
      {"nullable", {Place::kMember, 0}},
      {"not_null", {Place::kMember, 0}},
      {"references", {Place::kMember, 1, 2}},
      {"on_delete", {Place::kMember, 1}},
      {"on_update", {Place::kMember, 1}},
      {"collate", {Place::kMember, 1}},
      {"transient", {Place::kMember, 0}},
      {"deferred", {Place::kMember, 0}},
      {"generated", {Place::kMember, 1}},
      {"generated_stored", {Place::kMember, 1}},
      {"unique_constraint", {Place::kMember, 0}},
      {"unique_constraint_on", {Place::kClass, 1}},
      {"type_for", {Place::kMember, 2}},
      {"default_for", {Place::kMember, 2}},
      {"check_for", {Place::kBoth, 2}},
      {"generated_for", {Place::kMember, 2}},
  };
  return rules;
}

std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

std::string macro_of(const std::string& key) { return "RETORT_" + to_upper(key); }

std::vector<std::string> split_columns(const std::string& list) {
  std::vector<std::string> out = split_sql_list(list);
  for (std::string& c : out) c = trim(c);
  return out;
}

// An index's keys: the list's items, blanks collapsed ("substr(a, 1, 2), b").
std::vector<std::string> split_keys(const std::string& list) {
  std::vector<std::string> keys = split_sql_list(list);
  for (std::string& k : keys) k = collapse_blanks(k);
  return keys;
}

std::string sql_type_of(ValueKind kind) {
  switch (kind) {
    case ValueKind::kBool:
      return "BOOLEAN";
    case ValueKind::kInteger:
      return "INTEGER";
    case ValueKind::kReal:
      return "REAL";
    case ValueKind::kText:
      return "TEXT";
    case ValueKind::kBlob:
      return "BLOB";
    case ValueKind::kUnsupported:
      break;
  }
  return "";
}

// Checks key, place and arguments; returns the usable annotations by key.
Found Builder::check_annotations(const std::vector<Annotation>& annotations, Place place) {
  Found found;
  for (const Annotation& a : annotations) {
    const auto rule = key_rules().find(a.key);
    if (rule == key_rules().end()) {
      error(a.loc, "unknown annotation 'retort:" + a.key + "'");
      continue;
    }
    if (rule->second.place != Place::kBoth && rule->second.place != place) {
      error(a.loc, macro_of(a.key) + (place == Place::kClass
                                          ? " belongs before a data member, not on a class"
                                          : " belongs between 'struct' and the class name"));
      continue;
    }
    const std::size_t most = std::max(rule->second.args, rule->second.max_args);
    if (a.args.size() < rule->second.args || a.args.size() > most) {
      error(a.loc, macro_of(a.key) + " takes " + std::to_string(rule->second.args) +
                       (most > rule->second.args ? " or " + std::to_string(most) : "") +
                       " argument(s)");
      continue;
    }
    // RETORT_TYPE("") is a column declared without a type, as SQLite allows.
    if (a.key != "type" && std::any_of(a.args.begin(), a.args.end(),
                                       [](const std::string& s) { return trim(s).empty(); })) {
      error(a.loc, macro_of(a.key) + " needs a non-empty argument");
      continue;
    }
    found.emplace(a.key, &a);
  }
  return found;
}

}  // namespace retort
