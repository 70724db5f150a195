// Reads a live database into a Schema and writes the model header a person would have written.
#include "adopt.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "retort/detail/introspect.hpp"
#include "retort/detail/sql_lexer.hpp"
#include "retort/detail/sqlite.hpp"

namespace retort {
namespace {

using detail::query_rows;
using detail::sql_literal;

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The column definitions and table constraints of a CREATE TABLE statement, as written (blanks
// collapsed).
std::vector<std::string> definitions(const std::string& sql) {
  std::vector<SqlToken> tokens;
  for (const SqlToken& t : lex_sql(sql)) {
    if (!t.blank()) tokens.push_back(t);
  }
  std::size_t open = 0;
  while (open < tokens.size() &&
         !(tokens[open].kind == SqlToken::Kind::kOther && sql[tokens[open].offset] == '(')) {
    ++open;
  }
  const auto close = sql.rfind(')');
  if (open == tokens.size() || close == std::string::npos) return {};
  std::vector<std::string> out;
  const std::size_t begin = tokens[open].offset + 1;
  for (const std::string& d : split_sql_list(sql.substr(begin, close - begin))) {
    out.push_back(collapse_blanks(d));
  }
  return out;
}

// The name a definition starts with, unquoted.
std::string leading_name(const std::string& definition) {
  for (const SqlToken& t : lex_sql(definition)) {
    if (!t.blank()) return identifier_of(definition, t);
  }
  return "";
}

// A generated column's expression, as written, from its definition.
std::optional<std::string> generated_expression(const std::string& definition) {
  const std::string upper = to_upper(definition);
  const auto as = upper.find(" AS (");
  if (as == std::string::npos) return std::nullopt;
  int depth = 0;
  for (std::size_t i = as + 4; i < definition.size(); ++i) {
    if (definition[i] == '(') ++depth;
    if (definition[i] == ')' && --depth == 0) {
      return collapse_blanks(definition.substr(as + 5, i - as - 5));
    }
  }
  return std::nullopt;
}

bool table_constraint(const std::string& definition) {
  const std::string u = to_upper(definition);
  for (const char* word : {"CONSTRAINT ", "PRIMARY KEY", "UNIQUE", "CHECK", "FOREIGN KEY"}) {
    if (u.rfind(word, 0) == 0) return true;
  }
  return false;
}

Table read_table(sqlite3* db, const std::string& name, bool without_rowid, bool strict,
                 const std::string& sql, std::vector<std::string>& problems) {
  Table t;
  t.name = name;
  t.without_rowid = without_rowid;
  t.strict = strict;
  const std::vector<std::string> defs = definitions(sql);
  std::map<int, std::string> key;  // position in the key → column
  query_rows(db,
             "SELECT name, type, \"notnull\", dflt_value IS NOT NULL, dflt_value, pk, hidden FROM "
             "pragma_table_xinfo(" +
                 sql_literal(name) + ")",
             [&](const std::vector<std::string>& r) {
               Column c;
               c.name = r[0];
               c.type = r[1];
               c.not_null = r[2] == "1";
               // `DEFAULT ""` is a string to SQLite, but in the parentheses the dialect writes
               // around other defaults an identifier: kept as the string it is.
               if (r[3] == "1") c.default_sql = fold_double_quoted(r[4]);
               if (r[5] != "0") key[std::stoi(r[5])] = c.name;
               if (r[6] == "2" || r[6] == "3") {
                 c.stored = r[6] == "3";
                 for (const std::string& d : defs) {
                   if (!table_constraint(d) && lower(leading_name(d)) == lower(c.name)) {
                     c.generated = generated_expression(d);
                   }
                 }
               }
               const char* collation = nullptr;
               int autoincrement = 0;
               if (sqlite3_table_column_metadata(db, "main", name.c_str(), c.name.c_str(), nullptr,
                                                 &collation, nullptr, nullptr,
                                                 &autoincrement) == SQLITE_OK) {
                 if (collation && to_upper(collation) != "BINARY") c.collate = collation;
                 if (autoincrement) t.autoincrement = true;
               }
               t.columns.push_back(std::move(c));
             });
  for (const auto& [position, column] : key) t.primary_key.push_back(column);
  // The rowid alias (a rowid table's one INTEGER key, without an index of its own) is never
  // NULL, though its definition need not say NOT NULL: a plain RETORT_PRIMARY_KEY.
  bool key_index = false;
  query_rows(db, "SELECT 1 FROM pragma_index_list(" + sql_literal(name) + ") WHERE origin = 'pk'",
             [&key_index](const std::vector<std::string>&) { key_index = true; });
  if (!without_rowid && !key_index && t.primary_key.size() == 1) {
    for (Column& c : t.columns) {
      if (c.name == t.primary_key[0] && to_upper(c.type) == "INTEGER") c.not_null = true;
    }
  }
  int n = 0;
  for (const std::string& check : check_expressions(sql)) {
    t.checks.push_back({table_check_name(name, ++n), check});
  }
  // Foreign keys, one per member, in column order.
  std::map<std::string, int> columns_of;  // foreign key id → its columns so far
  const std::set<std::string> deferred = deferred_columns(sql);
  query_rows(db,
             "SELECT id, \"table\", \"from\", \"to\" IS NULL, \"to\", on_update, on_delete FROM "
             "pragma_foreign_key_list(" +
                 sql_literal(name) + ") ORDER BY id, seq",
             [&](const std::vector<std::string>& r) {
               if (++columns_of[r[0]] > 1) {
                 problems.push_back("table '" + name + "': the foreign key to '" + r[1] +
                                    "' has several columns, which RETORT_REFERENCES cannot "
                                    "declare");
                 return;
               }
               ForeignKey fk;
               fk.columns = {r[2]};
               fk.ref_table = r[1];
               if (r[3] == "0") fk.ref_columns = {r[4]};
               fk.on_update = r[5] == "NO ACTION" ? "" : r[5];
               fk.on_delete = r[6] == "NO ACTION" ? "" : r[6];
               fk.deferred = deferred.count(to_upper(r[2])) > 0;
               fk.name = foreign_key_name(name, r[2], r[1]);
               t.foreign_keys.push_back(std::move(fk));
             });
  std::map<std::string, int> members_with_keys;
  for (const ForeignKey& fk : t.foreign_keys) {
    if (++members_with_keys[fk.columns[0]] > 1) {
      problems.push_back("table '" + name + "': column '" + fk.columns[0] +
                         "' has two foreign keys, which RETORT_REFERENCES cannot declare");
    }
  }
  const auto position = [&t](const std::string& column) {
    return std::find_if(t.columns.begin(), t.columns.end(),
                        [&](const Column& c) { return c.name == column; }) -
           t.columns.begin();
  };
  std::stable_sort(t.foreign_keys.begin(), t.foreign_keys.end(),
                   [&](const ForeignKey& a, const ForeignKey& b) {
                     return position(a.columns[0]) < position(b.columns[0]);
                   });
  // Indexes: UNIQUE constraints (origin u) and CREATE INDEX (origin c).
  std::vector<std::string> table_level_unique;  // "a,b" of each UNIQUE (...) in the text
  for (const std::string& d : defs) {
    std::string u = to_upper(d);
    if (u.rfind("CONSTRAINT ", 0) == 0) {
      const auto after = u.find(' ', 11);
      u = after == std::string::npos ? "" : u.substr(after + 1);
    }
    if (u.rfind("UNIQUE", 0) != 0) continue;
    const auto open = d.find('(');
    const auto close = d.find(')', open);
    if (open == std::string::npos || close == std::string::npos) continue;
    std::string columns;
    for (const std::string& c : split_sql_list(d.substr(open + 1, close - open - 1))) {
      columns += (columns.empty() ? "" : ",") + lower(leading_name(collapse_blanks(c)));
    }
    table_level_unique.push_back(columns);
  }
  std::vector<UniqueConstraint> in_column, at_table;
  query_rows(
      db,
      "SELECT i.name, i.\"unique\", i.origin, s.sql FROM pragma_index_list(" + sql_literal(name) +
          ") i LEFT JOIN sqlite_schema s ON s.type = 'index' AND s.name = i.name ORDER BY i.seq "
          "DESC",
      [&](const std::vector<std::string>& r) {
        if (r[2] == "pk") return;
        std::vector<std::string> columns;
        query_rows(db,
                   "SELECT name FROM pragma_index_info(" + sql_literal(r[0]) + ") ORDER BY seqno",
                   [&](const std::vector<std::string>& c) { columns.push_back(c[0]); });
        if (r[2] == "u") {
          std::string joined;
          for (const std::string& c : columns) joined += (joined.empty() ? "" : ",") + lower(c);
          const bool at_table_level =
              columns.size() > 1 ||
              std::count(table_level_unique.begin(), table_level_unique.end(), joined) > 0;
          (at_table_level ? at_table : in_column)
              .push_back({unique_constraint_name(name, columns), columns, !at_table_level});
          return;
        }
        const IndexParts parts = index_parts(r[3]);
        Index index{r[0], {}, r[1] == "1", parts.where};
        for (const std::string& k : parts.keys) {
          // A plain column is keyed as a model's member keys it (its bare name, which the
          // dialect quotes as needed, or "a name with spaces"); anything else (an expression,
          // COLLATE, DESC) stays as written.
          const std::vector<SqlToken> tokens = lex_sql(k);
          const bool plain = tokens.size() == 1 && (tokens[0].kind == SqlToken::Kind::kWord ||
                                                    tokens[0].kind == SqlToken::Kind::kName);
          index.columns.push_back(plain ? column_key(identifier_of(k, tokens[0])) : k);
        }
        t.indexes.push_back(std::move(index));
      });
  std::sort(in_column.begin(), in_column.end(),
            [&](const UniqueConstraint& a, const UniqueConstraint& b) {
              return position(a.columns[0]) < position(b.columns[0]);
            });
  t.unique_constraints = in_column;
  t.unique_constraints.insert(t.unique_constraints.end(), at_table.begin(), at_table.end());
  std::sort(t.indexes.begin(), t.indexes.end(),
            [](const Index& a, const Index& b) { return a.name < b.name; });
  return t;
}

}  // namespace

Adoption read_live_schema(sqlite3* db) {
  Adoption out;
  std::map<std::string, std::string> create_sql;
  query_rows(db, "SELECT name, sql FROM sqlite_schema WHERE type = 'table'",
             [&](const std::vector<std::string>& r) { create_sql[r[0]] = r[1]; });
  query_rows(db,
             "SELECT name, wr, strict FROM pragma_table_list WHERE schema = 'main' AND type = "
             "'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> 'retort_migrations' "
             "ORDER BY name",
             [&](const std::vector<std::string>& r) {
               out.schema.tables.push_back(
                   read_table(db, r[0], r[1] == "1", r[2] == "1", create_sql[r[0]], out.problems));
             });
  for (const auto& [name, object] : introspect_objects(db)) {
    SqlObject o;
    o.name = name;
    o.kind = object.first == "view"      ? SqlObject::Kind::kView
             : object.first == "trigger" ? SqlObject::Kind::kTrigger
                                         : SqlObject::Kind::kVirtualTable;
    out.schema.objects.push_back(std::move(o));
  }
  query_rows(db, "SELECT name, sql FROM sqlite_schema WHERE sql IS NOT NULL",
             [&](const std::vector<std::string>& r) {
               for (SqlObject& o : out.schema.objects) {
                 if (o.name == r[0]) o.sql = r[1];
               }
             });
  sort_tables(out.schema);
  link_objects(out.schema);
  return out;
}

}  // namespace retort
