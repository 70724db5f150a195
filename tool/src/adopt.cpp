// Reads a live database into a Schema and writes the model header a person would have written.
#include "adopt.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "retort/detail/cpp_keywords.hpp"
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

namespace {

bool identifier(const std::string& s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  const bool chars = std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
  // Names with a double underscore, or an underscore and a capital first, are the compiler's.
  const bool reserved =
      s.find("__") != std::string::npos ||
      (s.size() > 1 && s[0] == '_' && std::isupper(static_cast<unsigned char>(s[1])));
  return chars && !reserved && !detail::is_cpp_keyword(s);
}

// A C++ identifier for `name`: itself when it is one, else its letters and digits with `_`
// between words, and a `_` after a keyword.
std::string member_name(const std::string& name) {
  if (identifier(name)) return name;
  std::string out;
  for (char c : name) {
    const bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '_';
    if (ok) {
      out += c;
    } else if (!out.empty() && out.back() != '_') {
      out += '_';
    }
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  while (out.size() > 1 && out[0] == '_') out.erase(0, 1);
  if (out.empty() || std::isdigit(static_cast<unsigned char>(out[0]))) out = "c_" + out;
  while (!identifier(out)) out += '_';
  return out;
}

// UpperCamelCase: each run of letters and digits capitalised, the rest dropped.
std::string struct_name(const std::string& table) {
  std::string out;
  bool next_upper = true;
  for (char c : table) {
    if (!std::isalnum(static_cast<unsigned char>(c))) {
      next_upper = true;
      continue;
    }
    out += next_upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    next_upper = false;
  }
  if (out.empty() || std::isdigit(static_cast<unsigned char>(out[0]))) out = "Table" + out;
  return out;
}

// `text` as a C++ string literal.
std::string literal(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

// The C++ type a column's declared type maps to, and the type that mapping declares.
std::pair<std::string, std::string> cpp_type(const Column& c, bool strict) {
  const std::string declared = to_upper(c.type);
  if (declared == "BOOLEAN" && !strict) return {"bool", "BOOLEAN"};
  const std::string affinity = type_affinity(c.type);
  if (affinity == "INTEGER") return {"std::int64_t", "INTEGER"};
  if (affinity == "REAL") return {"double", "REAL"};
  if (affinity == "TEXT") return {"std::string", "TEXT"};
  if (affinity == "BLOB") return {"std::vector<std::uint8_t>", "BLOB"};
  // NUMERIC: dates and times are text in SQLite's own functions; other numbers are doubles.
  if (declared.find("DATE") != std::string::npos || declared.find("TIME") != std::string::npos) {
    return {"std::string", "TEXT"};
  }
  return {"double", "REAL"};
}

std::string join(const std::vector<std::string>& items, const std::string& separator) {
  std::string out;
  for (const std::string& i : items) out += (out.empty() ? "" : separator) + i;
  return out;
}

void render_table(const Table& t, const std::string& type_name, std::string& out) {
  std::vector<std::string> on_class = {"RETORT_TABLE(" + literal(t.name) + ")"};
  std::map<std::string, std::vector<std::string>> on_member;  // column → its annotations
  if (t.primary_key.size() == 1) {
    on_member[t.primary_key[0]].push_back("RETORT_PRIMARY_KEY");
    if (t.autoincrement) on_member[t.primary_key[0]].push_back("RETORT_AUTOINCREMENT");
  } else if (t.primary_key.size() > 1) {
    on_class.push_back("RETORT_PRIMARY_KEY_ON(" + literal(join(t.primary_key, ", ")) + ")");
  }
  if (t.without_rowid) on_class.push_back("RETORT_WITHOUT_ROWID");
  if (t.strict) on_class.push_back("RETORT_STRICT");
  for (const Check& c : t.checks) on_class.push_back("RETORT_CHECK(" + literal(c.expression) + ")");
  for (const UniqueConstraint& u : t.unique_constraints) {
    if (u.in_column) {
      on_member[u.columns[0]].push_back("RETORT_UNIQUE_CONSTRAINT");
    } else {
      on_class.push_back("RETORT_UNIQUE_CONSTRAINT_ON(" + literal(join(u.columns, ", ")) + ")");
    }
  }
  for (const Index& i : t.indexes) {
    // A member's RETORT_INDEX / RETORT_UNIQUE where the name is the one they derive.
    const std::string column = i.columns.size() == 1 ? key_column(i.columns[0]) : "";
    const bool single =
        !column.empty() && column_key(column) == i.columns[0] && !i.where && t.find_column(column);
    if (single && i.name == index_name(t.name, column, false)) {
      on_member[column].push_back(i.unique ? "RETORT_UNIQUE RETORT_INDEX" : "RETORT_INDEX");
      continue;
    }
    if (single && i.unique && i.name == index_name(t.name, column, true)) {
      on_member[column].push_back("RETORT_UNIQUE");
      continue;
    }
    on_class.push_back(std::string(i.unique ? "RETORT_UNIQUE_ON(" : "RETORT_INDEX_ON(") +
                       literal(i.name) + ", " + literal(join(i.columns, ", ")) +
                       (i.where ? ", " + literal(*i.where) : "") + ")");
  }
  for (const ForeignKey& fk : t.foreign_keys) {
    std::vector<std::string>& a = on_member[fk.columns[0]];
    a.push_back("RETORT_REFERENCES(" + literal(fk.ref_table) +
                (fk.ref_columns.empty() ? "" : ", " + literal(fk.ref_columns[0])) + ")");
    if (!fk.on_delete.empty()) a.push_back("RETORT_ON_DELETE(" + literal(fk.on_delete) + ")");
    if (!fk.on_update.empty()) a.push_back("RETORT_ON_UPDATE(" + literal(fk.on_update) + ")");
    if (fk.deferred) a.push_back("RETORT_DEFERRED");
  }
  out += "struct " + join(on_class, "\n    ") + (on_class.size() > 1 ? "\n    " : " ") + type_name +
         " {\n";
  std::set<std::string> members;
  for (const Column& c : t.columns) {
    std::vector<std::string> a;
    std::string member = member_name(c.name);
    while (!members.insert(member).second) member += '_';
    if (member != c.name) a.push_back("RETORT_COLUMN(" + literal(c.name) + ")");
    const auto [type, maps_to] = cpp_type(c, t.strict);
    const bool key = std::count(t.primary_key.begin(), t.primary_key.end(), c.name) > 0;
    const std::vector<std::string>& more = on_member[c.name];
    a.insert(a.end(), more.begin(), more.end());
    if (c.type != maps_to) a.push_back("RETORT_TYPE(" + literal(c.type) + ")");
    if (key && !c.not_null) a.push_back("RETORT_NULLABLE");
    if (c.default_sql) a.push_back("RETORT_DEFAULT(" + literal(*c.default_sql) + ")");
    if (c.collate) a.push_back("RETORT_COLLATE(" + literal(*c.collate) + ")");
    if (c.generated) {
      a.push_back(std::string(c.stored ? "RETORT_GENERATED_STORED(" : "RETORT_GENERATED(") +
                  literal(*c.generated) + ")");
    }
    const bool optional = !c.not_null && !key;
    out += "  " + join(a, " ") + (a.empty() ? "" : " ") +
           (optional ? "std::optional<" + type + ">" : type) + " " + member + ";\n";
  }
  out += "};\n";
}

}  // namespace

std::string render_model_header(const Schema& schema, const std::string& source,
                                const std::string& objects_file) {
  std::string out =
      "// The models of " + source +
      ", written by `retort init --from-db`: one annotated struct a\n"
      "// table, as the baseline revision creates them. Edit them as your own from now on;" +
      (objects_file.empty()
           ? std::string()
           : "\n// the views, triggers and virtual tables are in " + objects_file + ".") +
      "\n#pragma once\n\n#include <cstdint>\n#include <optional>\n#include <string>\n"
      "#include <vector>\n\n#include <retort/annotations.hpp>\n";
  if (!schema.functions.empty()) {
    out +=
        "\n// The SQL functions its views, triggers and expressions call that SQLite does not "
        "define:\n// the application registers them (sqlite3_create_function) before "
        "retort::upgrade().\n";
    for (const SqlFunction& f : schema.functions) {
      out += "RETORT_SQL_FUNCTION(" + literal(f.name) + ", " + std::to_string(f.nargs) + ");\n";
    }
  }
  std::set<std::string> names;
  // Tables by name, so that the file reads as a catalogue; the build orders them itself.
  std::vector<const Table*> tables;
  for (const Table& t : schema.tables) tables.push_back(&t);
  std::sort(tables.begin(), tables.end(),
            [](const Table* a, const Table* b) { return a->name < b->name; });
  for (const Table* t : tables) {
    std::string name = struct_name(t->name);
    while (!names.insert(name).second) name += '_';
    out += "\n";
    render_table(*t, name, out);
  }
  return out;
}

std::string render_objects_file(const Schema& schema) {
  std::string out;
  for (const SqlObject& o : schema.objects) out += (out.empty() ? "" : "\n") + o.sql + ";\n";
  return out;
}

}  // namespace retort
