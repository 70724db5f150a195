// What a draft's revert drops: DROP TABLE and DROP COLUMN statements of its down script.
#include "draft_revert.hpp"

#include <cstdio>
#include <set>

#include "retort/detail/sql_lexer.hpp"
#include "retort/detail/sql_text.hpp"
#include "retort/detail/sqlite.hpp"

namespace retort::detail {
namespace {

// The statement's words and names, upper-cased words beside the identifiers they spell.
struct Words {
  std::vector<std::string> upper;
  std::vector<std::string> names;
};

Words words_of(const std::string& statement) {
  Words w;
  for (const SqlToken& t : lex_sql(statement)) {
    if (t.kind != SqlToken::Kind::kWord && t.kind != SqlToken::Kind::kName) continue;
    w.upper.push_back(t.kind == SqlToken::Kind::kWord
                          ? to_upper(statement.substr(t.offset, t.length))
                          : std::string());
    w.names.push_back(identifier_of(statement, t));
  }
  return w;
}

std::string count_of(sqlite3* db, const std::string& sql) {
  std::string n = "0";
  try {
    query_rows(db, sql, [&n](const std::vector<std::string>& row) { n = row[0]; });
  } catch (const std::exception&) {
    // a table the script drops that does not exist: the revert itself will say so
  }
  return n;
}

std::string rows(const std::string& n) { return " (" + n + (n == "1" ? " row)" : " rows)"); }

}  // namespace

std::vector<std::string> what_revert_drops(sqlite3* db, const std::string& down_sql) {
  std::vector<Words> statements;
  for (const SqlStatement& s : split_statements(down_sql)) statements.push_back(words_of(s.text));
  std::set<std::string> renamed_into;  // tables a later `ALTER TABLE x RENAME TO t` makes again
  for (const Words& w : statements) {
    const std::size_t n = w.upper.size();
    if (n >= 6 && w.upper[0] == "ALTER" && w.upper[n - 3] == "RENAME" && w.upper[n - 2] == "TO") {
      renamed_into.insert(to_upper(w.names[n - 1]));
    }
  }
  std::vector<std::string> out;
  for (const Words& w : statements) {
    const std::size_t n = w.upper.size();
    if (n >= 3 && w.upper[0] == "DROP" && w.upper[1] == "TABLE") {
      const std::string& table = w.names[n - 1];
      if (renamed_into.count(to_upper(table))) continue;
      const std::string count = count_of(db, "SELECT count(*) FROM " + quote_identifier(table));
      if (count != "0") out.push_back("table '" + table + "'" + rows(count));
    } else if (n >= 6 && w.upper[0] == "ALTER" && w.upper[n - 3] == "DROP") {
      const std::string& table = w.names[2];
      const std::string& column = w.names[n - 1];
      const std::string count =
          count_of(db, "SELECT count(*) FROM " + quote_identifier(table) + " WHERE " +
                           quote_identifier(column) + " IS NOT NULL");
      if (count != "0") out.push_back("column '" + table + "." + column + "'" + rows(count));
    }
  }
  return out;
}

void announce_draft_revert(sqlite3* db, const std::string& revision, const std::string& down_sql) {
  const std::vector<std::string> drops = what_revert_drops(db, down_sql);
  if (drops.empty()) return;
  std::string list;
  for (const std::string& d : drops) list += (list.empty() ? "" : ", ") + d;
  std::fprintf(stderr,
               "retort: warning: draft revision %s changed since this database applied it; "
               "reverting it with its stored down script drops %s\n",
               revision.c_str(), list.c_str());
}

}  // namespace retort::detail
