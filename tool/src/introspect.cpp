// PRAGMA-based introspection: the facts SQLite itself reports about each table.
#include "introspect.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <functional>
#include <stdexcept>

namespace retort {
namespace {

// Runs `sql` and calls `row` with each result row's columns as text ("NULL" for NULL).
void query(sqlite3* db, const std::string& sql,
           const std::function<void(const std::vector<std::string>&)>& row) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
    throw std::runtime_error("introspection failed at '" + sql + "': " + sqlite3_errmsg(db));
  }
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    std::vector<std::string> values;
    for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
      const unsigned char* t = sqlite3_column_text(stmt, i);
      values.emplace_back(t ? reinterpret_cast<const char*>(t) : "NULL");
    }
    row(values);
  }
  sqlite3_finalize(stmt);
  if (rc != SQLITE_DONE)
    throw std::runtime_error(std::string("introspection failed: ") + sqlite3_errmsg(db));
}

std::string literal(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

void describe_indexes(sqlite3* db, const std::string& table, std::vector<std::string>& facts) {
  query(db,
        "SELECT name, \"unique\", origin, partial FROM pragma_index_list(" + literal(table) + ")",
        [&](const std::vector<std::string>& idx) {
          std::string columns;
          query(db,
                "SELECT name, desc, coll FROM pragma_index_xinfo(" + literal(idx[0]) +
                    ") WHERE key = 1 ORDER BY seqno",
                [&](const std::vector<std::string>& c) {
                  columns += (columns.empty() ? "" : ", ") + c[0] + (c[1] == "1" ? " DESC" : "") +
                             (c[2] == "BINARY" ? "" : " COLLATE " + c[2]);
                });
          // Automatic indexes are named after the table's position, not by us: leave the name out.
          const std::string name = idx[2] == "c" ? idx[0] : "(automatic, " + idx[2] + ")";
          facts.push_back("index " + name + (idx[1] == "1" ? " unique" : "") +
                          (idx[3] == "1" ? " partial" : "") + " on (" + columns + ")");
        });
}

}  // namespace

LiveSchema introspect(sqlite3* db) {
  LiveSchema schema;
  query(db,
        "SELECT name, wr, strict FROM pragma_table_list WHERE schema = 'main' AND type = 'table' "
        "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> 'retort_migrations'",
        [&](const std::vector<std::string>& t) {
          std::vector<std::string>& facts = schema[t[0]];
          facts.push_back(std::string("table") + (t[1] == "1" ? " WITHOUT ROWID" : "") +
                          (t[2] == "1" ? " STRICT" : ""));
          query(db,
                "SELECT name, type, \"notnull\", dflt_value, pk, hidden FROM pragma_table_xinfo(" +
                    literal(t[0]) + ")",
                [&](const std::vector<std::string>& c) {
                  facts.push_back("column " + c[0] + " " + c[1] + (c[2] == "1" ? " NOT NULL" : "") +
                                  (c[3] == "NULL" ? "" : " DEFAULT " + c[3]) +
                                  (c[4] == "0" ? "" : " PRIMARY KEY #" + c[4]) +
                                  (c[5] == "0" ? "" : " hidden " + c[5]));
                });
          describe_indexes(db, t[0], facts);
          query(db,
                "SELECT \"table\", \"from\", \"to\", on_update, on_delete, seq FROM "
                "pragma_foreign_key_list(" +
                    literal(t[0]) + ")",
                [&](const std::vector<std::string>& f) {
                  facts.push_back("foreign key (" + f[1] + ") references " + f[0] + " (" + f[2] +
                                  ") on update " + f[3] + " on delete " + f[4]);
                });
          std::sort(facts.begin(), facts.end());
        });
  return schema;
}

std::vector<std::string> compare_schemas(const LiveSchema& expected, const LiveSchema& actual) {
  std::vector<std::string> out;
  for (const auto& [table, facts] : expected) {
    const auto it = actual.find(table);
    if (it == actual.end()) {
      out.push_back("missing table '" + table + "'");
      continue;
    }
    std::vector<std::string> missing, extra;
    std::set_difference(facts.begin(), facts.end(), it->second.begin(), it->second.end(),
                        std::back_inserter(missing));
    std::set_difference(it->second.begin(), it->second.end(), facts.begin(), facts.end(),
                        std::back_inserter(extra));
    for (const std::string& f : missing) out.push_back("table '" + table + "': missing " + f);
    for (const std::string& f : extra) out.push_back("table '" + table + "': unexpected " + f);
  }
  for (const auto& [table, facts] : actual) {
    if (!expected.count(table)) out.push_back("unexpected table '" + table + "'");
  }
  return out;
}

}  // namespace retort
