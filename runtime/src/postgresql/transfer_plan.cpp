// Reads the tables of both databases and matches them into a Plan.
#include "transfer_plan.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "retort/detail/pg.hpp"
#include "retort/detail/sqlite.hpp"
#include "retort/error.hpp"
#include "retort/revision.hpp"

namespace retort::detail::transfer {
namespace {

// SQLite compares names without case, PostgreSQL with: tables and columns match either way.
std::string folded(std::string name) {
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

struct SourceTable {
  std::string name;
  bool rowid = true;
  /// folded name → the name as SQLite has it, and its position in the primary key (0: none)
  std::map<std::string, std::pair<std::string, int>> columns;
  std::int64_t autoincrement = 0;
};

// SQLite's ordinary tables; virtual tables go to `notes`, their shadow tables nowhere.
std::map<std::string, SourceTable> sqlite_tables(sqlite3* db, std::vector<std::string>& notes) {
  std::map<std::string, SourceTable> out;
  query_rows(db,
             "SELECT name, type, wr FROM pragma_table_list WHERE schema = 'main' AND " +
                 not_internal("name") + " ORDER BY name",
             [&](const std::vector<std::string>& r) {
               if (r[1] == "virtual") {
                 notes.push_back("virtual table '" + r[0] +
                                 "' is not copied: PostgreSQL has no virtual tables; fill its "
                                 "counterpart there from the copied rows");
               }
               if (r[1] != "table") return;
               out[folded(r[0])] = {r[0], r[2] == "0", {}};
             });
  for (auto& [folded_name, table] : out) {
    query_rows(
        db,
        "SELECT name, pk FROM pragma_table_xinfo(" + sql_literal(table.name) + ") WHERE hidden = 0",
        [&table](const std::vector<std::string>& r) {
          table.columns[folded(r[0])] = {r[0], std::stoi(r[1])};
        });
  }
  bool counters = false;
  query_rows(db, "SELECT 1 FROM sqlite_schema WHERE name = 'sqlite_sequence'",
             [&counters](const std::vector<std::string>&) { counters = true; });
  if (!counters) return out;
  query_rows(db, "SELECT name, seq FROM sqlite_sequence",
             [&out](const std::vector<std::string>& r) {
               const auto found = out.find(folded(r[0]));
               if (found != out.end() && r[1] != "NULL")
                 found->second.autoincrement = std::stoll(r[1]);
             });
  return out;
}

// The current schema's tables (not partitions) but the version table: `alias` is pg_class.
std::string target_tables(const std::string& alias) {
  return alias + ".relnamespace = current_schema()::regnamespace AND " + alias +
         ".relkind IN ('r', 'p') AND NOT " + alias + ".relispartition AND " + alias +
         ".relname <> " + pg::literal(kVersionTable);
}

std::map<std::string, TablePlan> postgresql_tables(PGconn* conn) {
  std::map<std::string, TablePlan> out;
  pg::query_rows(conn, "SELECT c.relname FROM pg_class c WHERE " + target_tables("c"),
                 [&out](const std::vector<std::string>& r) { out[folded(r[0])].name = r[0]; });
  pg::query_rows(conn,
                 "SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), t.typname, "
                 "t.typtype = 'b', a.atttypmod, a.attnotnull FROM pg_attribute a "
                 "JOIN pg_class c ON c.oid = a.attrelid JOIN pg_type t ON t.oid = a.atttypid "
                 "WHERE a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '' AND " +
                     target_tables("c") + " ORDER BY c.relname, a.attnum",
                 [&out](const std::vector<std::string>& r) {
                   TargetColumn column{r[1], r[2], kind_of(r[3], r[4] == "t"), -1, r[6] == "t"};
                   const int typmod = std::stoi(r[5]);
                   if (r[3] == "varchar" && typmod >= 4) column.max_chars = typmod - 4;
                   out[folded(r[0])].columns.push_back(std::move(column));
                 });
  pg::query_rows(
      conn,
      "SELECT c.relname, p.relname FROM pg_constraint con "
      "JOIN pg_class c ON c.oid = con.conrelid JOIN pg_class p ON p.oid = "
      "con.confrelid WHERE con.contype = 'f' AND NOT con.condeferrable AND c.oid <> "
      "p.oid AND " +
          target_tables("c") + " ORDER BY 1, 2",
      [&out](const std::vector<std::string>& r) { out[folded(r[0])].parents.push_back(r[1]); });
  const std::string qualified = "quote_ident(current_schema()) || '.' || quote_ident(c.relname)";
  pg::query_rows(conn,
                 "SELECT c.relname, a.attname, pg_get_serial_sequence(" + qualified +
                     ", a.attname) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
                     "WHERE a.attnum > 0 AND NOT a.attisdropped AND " +
                     target_tables("c") + " AND pg_get_serial_sequence(" + qualified +
                     ", a.attname) IS NOT NULL ORDER BY c.relname, a.attnum",
                 [&out](const std::vector<std::string>& r) {
                   out[folded(r[0])].sequences.push_back({r[1], r[2]});
                 });
  pg::query_rows(conn,
                 "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = "
                 "t.tgrelid WHERE NOT t.tgisinternal AND " +
                     target_tables("c"),
                 [&out](const std::vector<std::string>& r) { out[folded(r[0])].triggers = true; });
  return out;
}

// Fills what SQLite knows of `plan`: its key (or rowid), its AUTOINCREMENT counter, and the
// canonical order. Differences in columns go to `differences`.
void match_columns(const SourceTable& source, TablePlan& plan,
                   std::vector<std::string>& differences) {
  std::set<std::string> target;
  std::vector<std::pair<int, std::size_t>> key;
  for (std::size_t i = 0; i < plan.columns.size(); ++i) {
    const std::string name = folded(plan.columns[i].name);
    target.insert(name);
    const auto found = source.columns.find(name);
    if (found == source.columns.end()) {
      differences.push_back("table '" + plan.name + "': column '" + plan.columns[i].name +
                            "' is in PostgreSQL only");
    } else if (found->second.second > 0) {
      key.emplace_back(found->second.second, i);
    }
  }
  for (const auto& [name, column] : source.columns) {
    if (!target.count(name)) {
      differences.push_back("table '" + plan.name + "': column '" + column.first +
                            "' is in SQLite only");
    }
  }
  std::sort(key.begin(), key.end());
  for (const auto& [position, index] : key) plan.key.push_back(index);
  if (plan.key.empty() && source.rowid) {
    for (const char* alias : {"rowid", "_rowid_", "oid"}) {
      if (!source.columns.count(alias)) {
        plan.rowid = alias;
        break;
      }
    }
  }
  plan.by_name.resize(plan.columns.size());
  for (std::size_t i = 0; i < plan.by_name.size(); ++i) plan.by_name[i] = i;
  std::sort(plan.by_name.begin(), plan.by_name.end(), [&plan](std::size_t a, std::size_t b) {
    return plan.columns[a].name < plan.columns[b].name;
  });
  plan.autoincrement = source.autoincrement;
}

// Parents first, ties by name (Kahn's algorithm over the map's order); in a cycle of foreign
// keys, the first of its tables by name (the copy sets foreign keys aside).
std::vector<TablePlan> ordered(std::map<std::string, TablePlan> tables) {
  std::vector<TablePlan> out;
  std::set<std::string> placed;
  while (!tables.empty()) {
    auto ready = std::find_if(tables.begin(), tables.end(), [&](const auto& entry) {
      return std::all_of(entry.second.parents.begin(), entry.second.parents.end(),
                         [&](const std::string& p) { return placed.count(folded(p)) > 0; });
    });
    if (ready == tables.end()) ready = tables.begin();
    placed.insert(ready->first);
    out.push_back(std::move(ready->second));
    tables.erase(ready);
  }
  return out;
}

}  // namespace

bool TablePlan::reads_other() const {
  return std::any_of(columns.begin(), columns.end(),
                     [](const TargetColumn& c) { return c.kind == Kind::kOther; });
}

std::string quoted(const std::string& name) {
  std::string out = "\"";
  for (const char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

Plan plan_tables(sqlite3* from, PGconn* to, std::vector<std::string>* differences) {
  Plan plan;
  const std::map<std::string, SourceTable> source = sqlite_tables(from, plan.notes);
  std::map<std::string, TablePlan> target = postgresql_tables(to);
  std::vector<std::string> found_differences;
  for (const auto& [name, table] : source) {
    if (!target.count(name)) {
      found_differences.push_back("table '" + table.name + "' is in SQLite only");
    }
  }
  for (auto it = target.begin(); it != target.end();) {
    const auto found = source.find(it->first);
    const std::size_t before = found_differences.size();
    if (found == source.end()) {
      found_differences.push_back("table '" + it->second.name + "' is in PostgreSQL only");
    } else {
      match_columns(found->second, it->second, found_differences);
    }
    it = found_differences.size() == before ? std::next(it) : target.erase(it);
  }
  for (auto& [name, table] : target) {
    // Parents outside the copy do not hold the order up.
    table.parents.erase(
        std::remove_if(table.parents.begin(), table.parents.end(),
                       [&](const std::string& p) { return !target.count(folded(p)); }),
        table.parents.end());
  }
  if (differences) {
    differences->insert(differences->end(), found_differences.begin(), found_differences.end());
  } else if (!found_differences.empty()) {
    std::string list;
    for (const std::string& d : found_differences) list += "\n  " + d;
    throw Error("the two databases do not hold the same tables, though their revisions agree:" +
                list + "\ncompare each with the repository's head ('retort check --db') first");
  }
  plan.tables = ordered(std::move(target));
  return plan;
}

}  // namespace retort::detail::transfer
