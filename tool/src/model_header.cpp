// The model header `retort init --from-db` writes: one annotated struct a table, as a person
// would have written it.
#include "model_header.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "retort/detail/cpp_keywords.hpp"
#include "retort/detail/sql_text.hpp"

namespace retort {
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

std::string join(const std::vector<std::string>& items, const std::string& separator) {
  std::string out;
  for (const std::string& i : items) out += (out.empty() ? "" : separator) + i;
  return out;
}

void render_table(const Table& t, const std::string& type_name, const MemberTypeOf& type_of,
                  std::string& out) {
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
    const MemberType m = type_of(t, c);
    const std::string& type = m.cpp;
    const bool key = std::count(t.primary_key.begin(), t.primary_key.end(), c.name) > 0;
    const std::vector<std::string>& more = on_member[c.name];
    a.insert(a.end(), more.begin(), more.end());
    a.insert(a.end(), m.annotations.begin(), m.annotations.end());
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

MemberType sqlite_member_type(const Table& t, const Column& c) {
  const std::string declared = to_upper(c.type);
  const auto typed = [&c](std::string cpp, const std::string& maps_to) {
    MemberType m{std::move(cpp), {}};
    if (c.type != maps_to) m.annotations.push_back("RETORT_TYPE(" + literal(c.type) + ")");
    return m;
  };
  if (declared == "BOOLEAN" && !t.strict) return typed("bool", "BOOLEAN");
  const std::string affinity = type_affinity(c.type);
  if (affinity == "INTEGER") return typed("std::int64_t", "INTEGER");
  if (affinity == "REAL") return typed("double", "REAL");
  if (affinity == "TEXT") return typed("std::string", "TEXT");
  if (affinity == "BLOB") return typed("std::vector<std::uint8_t>", "BLOB");
  // NUMERIC: dates and times are text in SQLite's own functions; other numbers are doubles.
  if (declared.find("DATE") != std::string::npos || declared.find("TIME") != std::string::npos) {
    return typed("std::string", "TEXT");
  }
  return typed("double", "REAL");
}

std::string cpp_literal(const std::string& text) { return literal(text); }

std::string render_model_header(const Schema& schema, const std::string& source,
                                const std::string& objects_file, const MemberTypeOf& type_of,
                                const std::string& objects_kinds) {
  std::string out =
      "// The models of " + source +
      ", written by `retort init --from-db`:\n"
      "// one annotated struct a table, as the baseline revision creates them. Edit them as your\n"
      "// own from now on" +
      (objects_file.empty() ? std::string(".")
                            : "; the " + objects_kinds + " are in\n// " + objects_file + ".") +
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
    render_table(*t, name, type_of, out);
  }
  return out;
}

std::string render_objects_file(const Schema& schema) {
  std::string out;
  for (const SqlObject& o : schema.objects) out += (out.empty() ? "" : "\n") + o.sql + ";\n";
  return out;
}

}  // namespace retort
