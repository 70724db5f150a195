// What a SQLite database and a PostgreSQL database can both say of their schema, in one form:
// tables, columns and their nullability, primary keys, indexes by name, unique constraints,
// foreign keys with their actions, how many CHECKs; types are each dialect's own and left out.
// The tests compare the two after the same history (both backends proven equal).
#ifndef RETORT_TESTS_LOGICAL_SCHEMA_HPP
#define RETORT_TESTS_LOGICAL_SCHEMA_HPP

#include <sqlite3.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "retort/detail/introspect.hpp"
#include "retort/detail/pg.hpp"
#include "retort/detail/sql_text.hpp"
#include "retort/detail/sqlite.hpp"

namespace retort::testing {

/// Per table, sorted lines.
using LogicalSchema = std::map<std::string, std::vector<std::string>>;

inline std::string action(std::string a) {
  a = to_upper(a);
  return a.empty() || a == "NONE" ? "NO ACTION" : a;
}

inline LogicalSchema logical_schema(sqlite3* db) {
  LogicalSchema out;
  std::vector<std::string> tables;
  // Ordinary tables only: not a virtual table, nor the shadow tables that hold its data.
  detail::query_rows(db,
                     "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = "
                     "'table' AND " +
                         detail::not_internal("name"),
                     [&](const std::vector<std::string>& r) { tables.push_back(r[0]); });
  for (const std::string& t : tables) {
    std::vector<std::string>& facts = out[t];
    const std::string table = detail::sql_literal(t);
    std::map<int, std::string> key;
    std::string sql;
    detail::query_rows(db, "SELECT sql FROM sqlite_schema WHERE name = " + table,
                       [&](const std::vector<std::string>& r) { sql = r[0]; });
    detail::query_rows(
        db,
        "SELECT name, \"notnull\", pk FROM pragma_table_xinfo(" + table +
            ") WHERE hidden IN (0, 2, 3)",
        [&](const std::vector<std::string>& r) {
          facts.push_back("column " + r[0] + (r[1] == "1" || r[2] != "0" ? " not null" : ""));
          if (r[2] != "0") key[std::stoi(r[2])] = r[0];
        });
    std::string pk;
    for (const auto& [n, c] : key) pk += (pk.empty() ? "" : ", ") + c;
    if (!pk.empty()) facts.push_back("primary key (" + pk + ")");
    detail::query_rows(
        db,
        "SELECT i.name, i.\"unique\", i.origin, i.partial, (SELECT group_concat(coalesce(x.name, "
        "'<expression>'), ', ') FROM pragma_index_xinfo(i.name) x WHERE x.key) FROM "
        "pragma_index_list(" +
            table + ") i WHERE i.origin <> 'pk'",
        [&](const std::vector<std::string>& r) {
          if (r[2] == "u") {
            facts.push_back("unique (" + r[4] + ")");
          } else {
            facts.push_back("index " + r[0] + (r[1] == "1" ? " unique" : "") +
                            (r[3] == "1" ? " partial" : "") + " (" + r[4] + ")");
          }
        });
    std::map<std::string, std::string> fks;  // id → line
    detail::query_rows(db,
                       "SELECT id, \"from\", \"table\", \"to\", on_delete, on_update FROM "
                       "pragma_foreign_key_list(" +
                           table + ") ORDER BY id, seq",
                       [&](const std::vector<std::string>& r) {
                         fks[r[0]] = "foreign key (" + r[1] + ") references " + r[2] + " (" + r[3] +
                                     ") on delete " + action(r[4]) + " on update " + action(r[5]);
                       });
    for (const auto& [id, line] : fks) facts.push_back(line);
    facts.push_back("checks " + std::to_string(check_expressions(sql).size()));
    std::sort(facts.begin(), facts.end());
  }
  return out;
}

inline LogicalSchema logical_schema(PGconn* conn) {
  LogicalSchema out;
  const std::string own =
      "c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r' AND c.relname <> "
      "'retort_migrations'";
  const auto rows = [&](const std::string& sql, const auto& f) {
    detail::pg::query_rows(conn, sql, f);
  };
  rows("SELECT c.relname FROM pg_class c WHERE " + own,
       [&](const std::vector<std::string>& r) { out[r[0]].push_back("checks 0"); });
  rows(
      "SELECT c.relname, a.attname, a.attnotnull FROM pg_attribute a JOIN pg_class c ON c.oid = "
      "a.attrelid WHERE a.attnum > 0 AND NOT a.attisdropped AND " +
          own,
      [&](const std::vector<std::string>& r) {
        out[r[0]].push_back("column " + r[1] + (r[2] == "t" ? " not null" : ""));
      });
  const std::string columns_of =
      "(SELECT string_agg(a.attname, ', ' ORDER BY k.n) FROM unnest(%s) WITH ORDINALITY k(att, n) "
      "JOIN pg_attribute a ON a.attrelid = %s AND a.attnum = k.att)";
  const auto cols = [&](const std::string& array, const std::string& rel) {
    std::string s = columns_of;
    s.replace(s.find("%s"), 2, array);
    s.replace(s.find("%s"), 2, rel);
    return s;
  };
  rows("SELECT c.relname, con.contype, " + cols("con.conkey", "con.conrelid") + ", r.relname, " +
           cols("con.confkey", "con.confrelid") +
           ", con.confdeltype, con.confupdtype FROM pg_constraint con JOIN pg_class c ON c.oid = "
           "con.conrelid LEFT JOIN pg_class r ON r.oid = con.confrelid WHERE " +
           own,
       [&](const std::vector<std::string>& r) {
         static const std::map<std::string, std::string> kActions = {{"a", "NO ACTION"},
                                                                     {"r", "RESTRICT"},
                                                                     {"c", "CASCADE"},
                                                                     {"n", "SET NULL"},
                                                                     {"d", "SET DEFAULT"}};
         std::vector<std::string>& facts = out[r[0]];
         if (r[1] == "p") facts.push_back("primary key (" + r[2] + ")");
         if (r[1] == "u") facts.push_back("unique (" + r[2] + ")");
         if (r[1] == "f") {
           facts.push_back("foreign key (" + r[2] + ") references " + r[3] + " (" + r[4] +
                           ") on delete " + kActions.at(r[5]) + " on update " + kActions.at(r[6]));
         }
         if (r[1] == "c") {
           for (std::string& f : facts) {
             if (f.rfind("checks ", 0) == 0)
               f = "checks " + std::to_string(std::stoi(f.substr(7)) + 1);
           }
         }
       });
  rows(
      "SELECT c.relname, i.relname, x.indisunique, x.indpred IS NOT NULL, (SELECT "
      "string_agg(CASE WHEN k.att = 0 THEN '<expression>' ELSE a.attname END, ', ' ORDER BY "
      "k.n) FROM unnest(x.indkey::int2[]) WITH ORDINALITY k(att, n) LEFT JOIN pg_attribute a ON "
      "a.attrelid = c.oid AND a.attnum = k.att) FROM pg_index x JOIN pg_class i ON i.oid = "
      "x.indexrelid JOIN pg_class c ON c.oid = x.indrelid WHERE " +
          own + " AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = i.oid)",
      [&](const std::vector<std::string>& r) {
        out[r[0]].push_back("index " + r[1] + (r[2] == "t" ? " unique" : "") +
                            (r[3] == "t" ? " partial" : "") + " (" + r[4] + ")");
      });
  for (auto& [table, facts] : out) std::sort(facts.begin(), facts.end());
  return out;
}

/// The lines one side has and the other lacks, "table 'x': sqlite only: ..." and the like.
inline std::vector<std::string> compare_logical(const LogicalSchema& sqlite,
                                                const LogicalSchema& postgresql) {
  std::vector<std::string> out;
  LogicalSchema all = sqlite;
  for (const auto& [t, f] : postgresql) all[t];
  for (const auto& [table, facts] : all) {
    const auto a = sqlite.find(table);
    const auto b = postgresql.find(table);
    const std::vector<std::string> none;
    const auto& left = a == sqlite.end() ? none : a->second;
    const auto& right = b == postgresql.end() ? none : b->second;
    std::vector<std::string> only_left, only_right;
    std::set_difference(left.begin(), left.end(), right.begin(), right.end(),
                        std::back_inserter(only_left));
    std::set_difference(right.begin(), right.end(), left.begin(), left.end(),
                        std::back_inserter(only_right));
    for (const auto& f : only_left) out.push_back("table '" + table + "': sqlite only: " + f);
    for (const auto& f : only_right) out.push_back("table '" + table + "': postgresql only: " + f);
  }
  return out;
}

}  // namespace retort::testing

#endif  // RETORT_TESTS_LOGICAL_SCHEMA_HPP
