// PRAGMA-based introspection: the facts SQLite itself reports about each table.
#include "retort/detail/introspect.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <functional>
#include <stdexcept>

#include "retort/detail/sql_lexer.hpp"
#include "retort/detail/sql_text.hpp"
#include "retort/detail/sqlite.hpp"

namespace retort {
namespace {

using detail::query_rows;

// An index key that is a column (bare or quoted), with any COLLATE or ASC/DESC after it.
bool key_names_column(const std::string& key) {
  std::vector<SqlToken> tokens;
  for (const SqlToken& t : lex_sql(key)) {
    if (!t.blank()) tokens.push_back(t);
  }
  if (tokens.empty() ||
      (tokens[0].kind != SqlToken::Kind::kWord && tokens[0].kind != SqlToken::Kind::kName)) {
    return false;
  }
  std::size_t i = 1;
  const auto word = [&](std::size_t at) {
    return at < tokens.size() ? to_upper(key.substr(tokens[at].offset, tokens[at].length)) : "";
  };
  if (word(i) == "COLLATE") i += 2;
  if (word(i) == "ASC" || word(i) == "DESC") ++i;
  return i == tokens.size();
}

// A column's collation and AUTOINCREMENT, which no PRAGMA reports.
std::string column_metadata(sqlite3* db, const std::string& table, const std::string& column) {
  const char* collation = nullptr;
  int autoincrement = 0;
  if (sqlite3_table_column_metadata(db, "main", table.c_str(), column.c_str(), nullptr, &collation,
                                    nullptr, nullptr, &autoincrement) != SQLITE_OK) {
    return "";  // a hidden column of a virtual table has none
  }
  std::string out;
  if (collation && std::string(collation) != "BINARY") out += std::string(" COLLATE ") + collation;
  if (autoincrement) out += " AUTOINCREMENT";
  return out;
}

}  // namespace

std::vector<std::string> check_expressions(const std::string& sql) {
  std::vector<std::string> out;
  const auto upper = [](char c) {
    return static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  };
  const auto word_char = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$' ||
           static_cast<unsigned char>(c) >= 0x80;
  };
  // Skips a quoted token starting at i; returns the index just past it.
  const auto skip_quoted = [&sql](std::size_t i) {
    const char close = sql[i] == '[' ? ']' : sql[i];
    for (++i; i < sql.size(); ++i) {
      if (sql[i] != close) continue;
      if (close != ']' && i + 1 < sql.size() && sql[i + 1] == close) {
        ++i;  // a doubled quote inside the token
        continue;
      }
      return i + 1;
    }
    return i;
  };
  std::size_t i = 0;
  while (i < sql.size()) {
    const char c = sql[i];
    if (c == '\'' || c == '"' || c == '`' || c == '[') {
      i = skip_quoted(i);
      continue;
    }
    if (!word_char(c)) {
      ++i;
      continue;
    }
    std::size_t end = i;
    while (end < sql.size() && word_char(sql[end])) ++end;
    std::string word;
    for (std::size_t k = i; k < end; ++k) word += upper(sql[k]);
    i = end;
    if (word != "CHECK") continue;
    while (i < sql.size() && std::isspace(static_cast<unsigned char>(sql[i]))) ++i;
    if (i >= sql.size() || sql[i] != '(') continue;
    // The expression up to the matching parenthesis, whitespace runs collapsed to one space.
    int depth = 0;
    std::string expression;
    const std::size_t start = i;
    while (i < sql.size()) {
      const char d = sql[i];
      if (d == '\'' || d == '"' || d == '`' || d == '[') {
        const std::size_t next = skip_quoted(i);
        expression.append(sql, i, next - i);
        i = next;
        continue;
      }
      if (d == '(') ++depth;
      if (d == ')' && --depth == 0) break;
      if (i > start) {
        if (!std::isspace(static_cast<unsigned char>(d))) {
          expression += d;
        } else if (!expression.empty() && expression.back() != ' ') {
          expression += ' ';
        }
      }
      ++i;
    }
    while (!expression.empty() && expression.back() == ' ') expression.pop_back();
    out.push_back(expression);
    ++i;
  }
  return out;
}

namespace {

// A CREATE TABLE statement's definitions between its outer parentheses (the first outside
// quotes: the table's name may hold one), split at their top-level commas, each collapsed and
// in upper case.
std::vector<std::string> table_definitions(const std::string& sql) {
  std::size_t body = std::string::npos;
  char quote = 0;
  for (std::size_t i = 0; i < sql.size() && body == std::string::npos; ++i) {
    if (quote) {
      if (sql[i] == quote) quote = 0;
    } else if (sql[i] == '"' || sql[i] == '`' || sql[i] == '[') {
      quote = sql[i] == '[' ? ']' : sql[i];
    } else if (sql[i] == '(') {
      body = i + 1;
    }
  }
  const auto end = sql.rfind(')');
  if (body == std::string::npos || end == std::string::npos || end < body) return {};
  std::vector<std::string> parts = split_sql_list(sql.substr(body, end - body));
  for (std::string& p : parts) p = collapse_blanks(to_upper(p));
  return parts;
}

// A definition's leading name, unquoted ("B C" in `"B C" INTEGER ...`).
std::string unquote_name(const std::string& definition) {
  if (!definition.empty() &&
      (definition.front() == '"' || definition.front() == '`' || definition.front() == '[')) {
    const char close = definition.front() == '[' ? ']' : definition.front();
    return definition.substr(1, definition.find(close, 1) - 1);
  }
  return definition.substr(0, definition.find(' '));
}

}  // namespace

std::map<std::string, std::string> generated_expressions(const std::string& sql) {
  std::map<std::string, std::string> out;
  for (const std::string& d : table_definitions(sql)) {
    const auto as = d.find(" AS (");
    if (as == std::string::npos || d.rfind("CONSTRAINT", 0) == 0 || d.rfind("CHECK", 0) == 0) {
      continue;
    }
    // The expression up to its matching parenthesis.
    int depth = 0;
    std::size_t close = as + 4;
    for (; close < d.size(); ++close) {
      if (d[close] == '(') ++depth;
      if (d[close] == ')' && --depth == 0) break;
    }
    const std::string expression = d.substr(as + 5, close - as - 5);
    const bool stored = d.find(" STORED", close) != std::string::npos;
    out[unquote_name(d)] = expression + (stored ? " STORED" : " VIRTUAL");
  }
  return out;
}

std::set<std::string> deferred_columns(const std::string& sql) {
  std::set<std::string> out;
  for (const std::string& d : table_definitions(sql)) {
    if (d.find("DEFERRABLE INITIALLY DEFERRED") == std::string::npos ||
        d.find("REFERENCES") == std::string::npos) {
      continue;
    }
    const auto fk = d.find("FOREIGN KEY");
    if (fk != std::string::npos && (fk == 0 || d.rfind("CONSTRAINT", 0) == 0)) {
      const auto open = d.find('(', fk);
      const auto close = d.find(')', open);
      for (const std::string& column : split_sql_list(d.substr(open + 1, close - open - 1))) {
        out.insert(unquote_name(collapse_blanks(column)));
      }
    } else {  // a column definition with its own REFERENCES clause
      out.insert(unquote_name(d));
    }
  }
  return out;
}

std::map<std::string, std::string> table_texts(sqlite3* db) {
  std::map<std::string, std::string> out;
  query_rows(db,
             std::string("SELECT tbl_name, type || ' ' || name || ': ' || ifnull(sql, '') FROM "
                         "sqlite_schema WHERE ") +
                 detail::not_internal("tbl_name") + " ORDER BY tbl_name, type, name",
             [&out](const std::vector<std::string>& row) { out[row[0]] += row[1] + "\n"; });
  return out;
}

LiveSchema introspect(sqlite3* db, const std::set<std::string>* only) {
  // One query per kind of fact over all tables (table-valued PRAGMA functions joined to
  // pragma_table_list), rather than several per table.
  std::string tables = "pragma_table_list t WHERE t.schema = 'main' AND t.type = 'table' AND " +
                       detail::not_internal("t.name");
  if (only) {
    std::string names;
    for (const std::string& name : *only) {
      names += (names.empty() ? "" : ", ") + detail::sql_literal(name);
    }
    tables += " AND t.name IN (" + names + ")";
  }
  LiveSchema schema;
  // The CREATE statements in one pass (a subquery per table would scan sqlite_schema n times).
  std::map<std::string, std::string> create_sql;
  query_rows(db, "SELECT name, sql FROM sqlite_schema WHERE type = 'table'",
             [&](const std::vector<std::string>& t) { create_sql[t[0]] = t[1]; });
  query_rows(db, "SELECT t.name, t.wr, t.strict FROM " + tables,
             [&](const std::vector<std::string>& t) {
               std::vector<std::string>& facts = schema[t[0]];
               facts.push_back(std::string("table") + (t[1] == "1" ? " WITHOUT ROWID" : "") +
                               (t[2] == "1" ? " STRICT" : ""));
               for (const std::string& check : check_expressions(create_sql[t[0]])) {
                 facts.push_back("check (" + check + ")");
               }
               // A generated column's expression, which PRAGMAs do not show.
               for (const auto& [column, expression] : generated_expressions(create_sql[t[0]])) {
                 facts.push_back("generated " + column + " as (" + expression + ")");
               }
             });
  // The rowid alias (a rowid table's one INTEGER key, without an index of its own) is never
  // NULL, whether its definition says NOT NULL or not; a double-quoted default is a string.
  query_rows(db,
             "SELECT t.name, c.name, c.type, c.\"notnull\" OR (t.wr = 0 AND c.pk = 1 AND "
             "upper(c.type) = 'INTEGER' AND (SELECT count(*) FROM pragma_table_info(t.name) k "
             "WHERE k.pk > 0) = 1 AND NOT EXISTS (SELECT 1 FROM pragma_index_list(t.name) i "
             "WHERE i.origin = 'pk')), c.dflt_value, c.pk, c.hidden FROM "
             "pragma_table_xinfo(t.name) c, " +
                 tables,
             [&](const std::vector<std::string>& c) {
               schema[c[0]].push_back(
                   "column " + c[1] + " " + c[2] + (c[3] == "1" ? " NOT NULL" : "") +
                   (c[4] == "NULL" ? "" : " DEFAULT " + fold_double_quoted(c[4])) +
                   (c[5] == "0" ? "" : " PRIMARY KEY #" + c[5]) +
                   (c[6] == "0" ? "" : " hidden " + c[6]) + column_metadata(db, c[0], c[1]));
             });
  // Index columns in key order; one fact per index. Automatic indexes are named after the
  // table's position, not by us: their name is left out.
  std::string current_table, current_index, fact, columns;
  const auto flush = [&] {
    if (!current_index.empty()) schema[current_table].push_back(fact + " on (" + columns + ")");
  };
  query_rows(
      db,
      "SELECT t.name, i.name, i.\"unique\", i.origin, i.partial, x.name, x.desc, x.coll FROM "
      "pragma_index_list(t.name) i, pragma_index_xinfo(i.name) x, " +
          tables + " AND x.key = 1 ORDER BY t.name, i.name, x.seqno",
      [&](const std::vector<std::string>& r) {
        if (r[0] != current_table || r[1] != current_index) {
          flush();
          current_table = r[0];
          current_index = r[1];
          columns.clear();
          fact = "index " + (r[3] == "c" ? r[1] : "(automatic, " + r[3] + ")") +
                 (r[2] == "1" ? " unique" : "") + (r[4] == "1" ? " partial" : "");
        }
        columns += (columns.empty() ? "" : ", ") + r[5] + (r[6] == "1" ? " DESC" : "") +
                   (r[7] == "BINARY" ? "" : " COLLATE " + r[7]);
      });
  flush();
  // An index over expressions or with a condition: PRAGMAs show neither, so its expressions and
  // condition, as written (blanks collapsed), are a fact too.
  query_rows(db,
             "SELECT t.name, s.name, s.sql FROM sqlite_schema s, " + tables +
                 " AND s.type = 'index' AND s.tbl_name = t.name AND s.sql IS NOT NULL AND ("
                 "EXISTS (SELECT 1 FROM pragma_index_list(t.name) i WHERE i.name = s.name AND "
                 "i.partial) OR EXISTS (SELECT 1 FROM pragma_index_xinfo(s.name) x WHERE x.key "
                 "AND x.cid = -2))",
             [&](const std::vector<std::string>& r) {
               const IndexParts parts = index_parts(r[2]);
               std::string expressions;
               for (const std::string& key : parts.keys) {
                 if (!key_names_column(key)) {
                   expressions += (expressions.empty() ? "" : ", ") + key;
                 }
               }
               schema[r[0]].push_back("index " + r[1] + " expressions (" + expressions + ")" +
                                      (parts.where ? " where " + *parts.where : ""));
             });
  query_rows(db,
             "SELECT t.name, f.\"table\", f.\"from\", f.\"to\", f.on_update, f.on_delete FROM "
             "pragma_foreign_key_list(t.name) f, " +
                 tables,
             [&](const std::vector<std::string>& f) {
               const bool deferred = deferred_columns(create_sql[f[0]]).count(to_upper(f[2])) > 0;
               schema[f[0]].push_back("foreign key (" + f[2] + ") references " + f[1] + " (" +
                                      f[3] + ") on update " + f[4] + " on delete " + f[5] +
                                      (deferred ? " deferrable initially deferred" : ""));
             });
  for (auto& [table, facts] : schema) std::sort(facts.begin(), facts.end());
  return schema;
}

LiveObjects introspect_objects(sqlite3* db) {
  LiveObjects out;
  query_rows(db,
             "SELECT type, name, sql FROM sqlite_schema WHERE (type IN ('view', 'trigger') OR "
             "(type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%')) AND " +
                 detail::not_internal("name"),
             [&out](const std::vector<std::string>& r) {
               out[r[1]] = {r[0] == "table" ? "virtual table" : r[0], normalize_sql(r[2])};
             });
  return out;
}

std::vector<std::string> compare_objects(const LiveObjects& expected, const LiveObjects& actual) {
  std::vector<std::string> out;
  for (const auto& [name, object] : expected) {
    const auto it = actual.find(name);
    if (it == actual.end()) {
      out.push_back("missing " + object.first + " '" + name + "'");
    } else if (it->second.first != object.first ||
               fold_double_quoted(it->second.second) != fold_double_quoted(object.second)) {
      out.push_back(object.first + " '" + name + "' differs: declared `" + object.second +
                    "`, found " + (it->second.first == object.first ? "" : it->second.first + " ") +
                    "`" + it->second.second + "`");
    }
  }
  for (const auto& [name, object] : actual) {
    if (!expected.count(name)) out.push_back("unexpected " + object.first + " '" + name + "'");
  }
  return out;
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

std::vector<std::string> compare_databases(sqlite3* expected, sqlite3* actual) {
  std::vector<std::string> out = compare_schemas(introspect(expected), introspect(actual));
  for (std::string& d : compare_objects(introspect_objects(expected), introspect_objects(actual))) {
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace retort
