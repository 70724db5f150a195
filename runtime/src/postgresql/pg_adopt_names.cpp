// An adopted PostgreSQL database's constraints, which PostgreSQL or their author named, matched
// by definition with the baseline's and renamed to the names Retort derives.
#include <algorithm>
#include <map>

#include "pg_backend.hpp"
#include "retort/detail/pg.hpp"

namespace retort::detail::pg {
namespace {

constexpr std::string_view kConstraint = "constraint ";

// A fact "constraint NAME DEFINITION" split into its name and definition; false for others.
bool split_constraint(const std::string& fact, std::string& name, std::string& definition) {
  if (fact.rfind(kConstraint, 0) != 0) return false;
  const std::size_t space = fact.find(' ', kConstraint.size());
  if (space == std::string::npos) return false;
  name = fact.substr(kConstraint.size(), space - kConstraint.size());
  definition = fact.substr(space + 1);
  return true;
}

// The constraints of `facts` that `other` lacks: definition → their names, sorted.
std::map<std::string, std::vector<std::string>> unmatched(const std::vector<std::string>& facts,
                                                          const std::vector<std::string>& other) {
  std::map<std::string, std::vector<std::string>> out;
  for (const std::string& f : facts) {
    std::string name, definition;
    if (std::find(other.begin(), other.end(), f) != other.end()) continue;
    if (split_constraint(f, name, definition)) out[definition].push_back(name);
  }
  for (auto& [definition, names] : out) std::sort(names.begin(), names.end());
  return out;
}

}  // namespace

std::vector<ConstraintRename> constraint_renames(const LiveSchema& expected,
                                                 const LiveSchema& actual) {
  std::vector<ConstraintRename> out;
  for (const auto& [table, expected_facts] : expected) {
    const auto found = actual.find(table);
    if (found == actual.end()) continue;
    const auto wanted = unmatched(expected_facts, found->second);
    const auto have = unmatched(found->second, expected_facts);
    for (const auto& [definition, names] : wanted) {
      const auto same = have.find(definition);
      if (same == have.end()) continue;
      // Several alike (two equal CHECKs): paired in name order, so the outcome is one.
      for (std::size_t i = 0; i < std::min(names.size(), same->second.size()); ++i) {
        out.push_back({table, same->second[i], names[i]});
      }
    }
  }
  return out;
}

LiveSchema renamed(LiveSchema schema, const std::vector<ConstraintRename>& renames) {
  for (const ConstraintRename& r : renames) {
    for (std::string& fact : schema[r.table]) {
      std::string name, definition;
      if (split_constraint(fact, name, definition) && name == r.from) {
        fact = std::string(kConstraint) + r.to + " " + definition;
      }
    }
    std::sort(schema[r.table].begin(), schema[r.table].end());
  }
  return schema;
}

std::string rename_statement(const ConstraintRename& r) {
  return "ALTER TABLE " + identifier(r.table) + " RENAME CONSTRAINT " + identifier(r.from) +
         " TO " + identifier(r.to) + ";\n";
}

std::vector<std::string> adoption_differences(PGconn* conn, const std::string& create_sql,
                                              std::vector<ConstraintRename>& renames) {
  if (in_transaction(conn)) {
    throw Error("the connection is inside a transaction block; compare outside one");
  }
  exec(conn, "BEGIN");
  SchemaPair facts;
  try {
    facts = read_in_savepoint(conn, create_sql);
  } catch (...) {
    try_exec(conn, "ROLLBACK");
    throw;
  }
  exec(conn, "ROLLBACK");
  if (!facts.error.empty()) return {facts.error};
  renames = constraint_renames(facts.expected, facts.actual);
  std::vector<std::string> out = compare_schemas(facts.expected, renamed(facts.actual, renames));
  for (std::string& d : compare_objects(facts.expected_objects, facts.actual_objects)) {
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace retort::detail::pg
