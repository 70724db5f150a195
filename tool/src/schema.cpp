// Schema helpers: lookup, dependency order, naming rules, affinity and the JSON snapshot.
#include "schema.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "retort/detail/sql_lexer.hpp"
#include "retort/error.hpp"

namespace retort {

using nlohmann::json;

const Column* Table::find_column(const std::string& column) const {
  for (const Column& c : columns) {
    if (c.name == column) return &c;
  }
  return nullptr;
}

const Table* Schema::find_table(const std::string& table) const {
  for (const Table& t : tables) {
    if (t.name == table) return &t;
  }
  return nullptr;
}

const SqlObject* Schema::find_object(const std::string& object) const {
  for (const SqlObject& o : objects) {
    if (o.name == object) return &o;
  }
  return nullptr;
}

std::string kind_name(SqlObject::Kind kind) {
  switch (kind) {
    case SqlObject::Kind::kVirtualTable:
      return "virtual table";
    case SqlObject::Kind::kView:
      return "view";
    case SqlObject::Kind::kTrigger:
      return "trigger";
    case SqlObject::Kind::kMaterializedView:
      return "materialized view";
    case SqlObject::Kind::kFunction:
      return "function";
    case SqlObject::Kind::kExtension:
      return "extension";
  }
  return "";
}

bool operator==(const SqlObject& a, const SqlObject& b) {
  return a.kind == b.kind && a.dialect == b.dialect && a.name == b.name &&
         normalize_sql(a.sql) == normalize_sql(b.sql);
}

namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

namespace {

// The order kinds of objects are created in when nothing else decides: what others use first.
int rank(SqlObject::Kind kind) {
  switch (kind) {
    case SqlObject::Kind::kExtension:
      return 0;
    case SqlObject::Kind::kFunction:
      return 1;
    case SqlObject::Kind::kVirtualTable:
      return 2;
    case SqlObject::Kind::kView:
      return 3;
    case SqlObject::Kind::kMaterializedView:
      return 4;
    case SqlObject::Kind::kTrigger:
      return 5;
  }
  return 6;
}

// Links and orders the objects of one dialect (`objects`) against `schema`'s tables.
std::vector<SqlObject> linked(const Schema& schema, std::vector<SqlObject> objects) {
  std::map<std::string, std::string> names;  // lower case → as declared
  for (const Table& t : schema.tables) names.emplace(lower(t.name), t.name);
  for (const SqlObject& o : objects) names.emplace(lower(o.name), o.name);
  for (SqlObject& o : objects) {
    std::set<std::string> found;
    for (const SqlToken& t : lex_sql(o.sql)) {
      if (t.kind != SqlToken::Kind::kWord && t.kind != SqlToken::Kind::kName) continue;
      const auto it = names.find(lower(identifier_of(o.sql, t)));
      if (it != names.end() && it->second != o.name) found.insert(it->second);
    }
    o.depends_on.assign(found.begin(), found.end());
  }
  // Each next: the first (by kind, then by name) whose objects are all placed; on a cycle, the
  // first.
  std::vector<SqlObject> pending = std::move(objects);
  std::sort(pending.begin(), pending.end(), [](const SqlObject& a, const SqlObject& b) {
    return std::make_pair(rank(a.kind), a.name) < std::make_pair(rank(b.kind), b.name);
  });
  std::vector<SqlObject> out;
  while (!pending.empty()) {
    const auto placed = [&](const std::string& name) {
      return std::none_of(pending.begin(), pending.end(),
                          [&](const SqlObject& p) { return p.name == name; });
    };
    auto next = std::find_if(pending.begin(), pending.end(), [&](const SqlObject& o) {
      return std::all_of(o.depends_on.begin(), o.depends_on.end(), placed);
    });
    if (next == pending.end()) next = pending.begin();
    out.push_back(std::move(*next));
    pending.erase(next);
  }
  return out;
}

}  // namespace

void link_objects(Schema& schema) {
  // Each dialect's objects apart (SQLite's first), so that one dialect's view never waits for
  // another's of the same name.
  std::map<std::string, std::vector<SqlObject>> by_dialect;
  for (SqlObject& o : schema.objects) by_dialect[o.dialect].push_back(std::move(o));
  schema.objects.clear();
  for (auto& [dialect, objects] : by_dialect) {
    for (SqlObject& o : linked(schema, std::move(objects))) schema.objects.push_back(std::move(o));
  }
}

void sort_tables(Schema& schema) {
  std::map<std::string, Table> pending;
  for (Table& t : schema.tables) pending.emplace(t.name, std::move(t));
  schema.tables.clear();
  while (!pending.empty()) {
    // The first table by name whose parents are all placed; on a cycle, the first by name.
    auto next = std::find_if(pending.begin(), pending.end(), [&](const auto& entry) {
      return std::all_of(entry.second.foreign_keys.begin(), entry.second.foreign_keys.end(),
                         [&](const ForeignKey& fk) {
                           return fk.ref_table == entry.first || !pending.count(fk.ref_table);
                         });
    });
    if (next == pending.end()) next = pending.begin();
    schema.tables.push_back(std::move(next->second));
    pending.erase(next);
  }
}

std::string key_column(const std::string& key) {
  // Drop a trailing ASC/DESC and COLLATE name, then see whether one identifier is left.
  std::vector<std::string> words;
  std::string word;
  bool quoted = false;
  for (char ch : key) {
    if (ch == '"') quoted = !quoted;
    if (!quoted && (ch == ' ' || ch == '\t')) {
      if (!word.empty()) words.push_back(word);
      word.clear();
    } else {
      word += ch;
    }
  }
  if (!word.empty()) words.push_back(word);
  if (!words.empty() && (to_upper(words.back()) == "ASC" || to_upper(words.back()) == "DESC")) {
    words.pop_back();
  }
  if (words.size() >= 3 && to_upper(words[words.size() - 2]) == "COLLATE")
    words.resize(words.size() - 2);
  if (words.size() != 1) return "";
  const std::string& w = words[0];
  if (w.size() >= 2 && w.front() == '"' && w.back() == '"') {
    std::string name;
    for (std::size_t i = 1; i + 1 < w.size(); ++i) {
      if (w[i] == '"' && w[i + 1] == '"') ++i;
      name += w[i];
    }
    return name;
  }
  const auto identifier_char = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  };
  if (std::isdigit(static_cast<unsigned char>(w[0])) ||
      !std::all_of(w.begin(), w.end(), identifier_char)) {
    return "";
  }
  return w;
}

std::string column_key(const std::string& column) {
  if (!column.empty() && key_column(column) == column) return column;
  return detail::quote_identifier(column);
}

bool plain_unique(const Index& index) {
  return index.unique && !index.where &&
         std::all_of(index.columns.begin(), index.columns.end(), [](const std::string& k) {
           const std::string column = key_column(k);
           return !column.empty() && column_key(column) == k;
         });
}

std::string unique_constraint_name(const std::string& table,
                                   const std::vector<std::string>& columns) {
  std::string name = "uq_" + table;
  for (const std::string& c : columns) name += "_" + c;
  return name;
}

std::string index_name(const std::string& table, const std::string& column, bool unique_only) {
  return (unique_only ? "uq_" : "ix_") + table + "_" + column;
}

std::string foreign_key_name(const std::string& table, const std::string& column,
                             const std::string& ref_table) {
  return "fk_" + table + "_" + column + "_" + ref_table;
}

std::string primary_key_name(const std::string& table) { return "pk_" + table; }

std::string column_check_name(const std::string& table, const std::string& column) {
  return "ck_" + table + "_" + column;
}

std::string not_null_check_name(const std::string& table, const std::string& column) {
  return "nn_" + table + "_" + column;
}

std::string table_check_name(const std::string& table, int ordinal) {
  return "ck_" + table + "_" + std::to_string(ordinal);
}

std::string type_affinity(const std::string& declared_type) {
  const std::string t = to_upper(declared_type);
  if (t.find("INT") != std::string::npos) return "INTEGER";
  if (t.find("CHAR") != std::string::npos || t.find("CLOB") != std::string::npos ||
      t.find("TEXT") != std::string::npos) {
    return "TEXT";
  }
  if (t.empty() || t.find("BLOB") != std::string::npos) return "BLOB";
  if (t.find("REAL") != std::string::npos || t.find("FLOA") != std::string::npos ||
      t.find("DOUB") != std::string::npos) {
    return "REAL";
  }
  return "NUMERIC";
}

bool narrows_type(const std::string& from, const std::string& to) {
  const std::string a = type_affinity(from);
  const std::string b = type_affinity(to);
  // BOOLEAN (NUMERIC affinity) and INTEGER both hold a C++ bool as 0 or 1: a RETORT_STRICT
  // switch maps bool between them without touching a value.
  const auto boolean = [](const std::string& t) { return to_upper(t) == "BOOLEAN"; };
  if ((boolean(from) && b == "INTEGER") || (a == "INTEGER" && boolean(to))) return false;
  return a != b;
}

namespace {

json column_to_json(const Column& c) {
  json j = {{"name", c.name}, {"type", c.type}};
  if (c.not_null) j["not_null"] = true;
  if (c.default_sql) j["default"] = *c.default_sql;
  if (c.collate) j["collate"] = *c.collate;
  if (c.check) j["check"] = *c.check;
  if (c.generated) j["generated"] = *c.generated;
  if (c.stored) j["stored"] = true;
  for (const DialectColumn& d : c.dialects) {
    json x = json::object();
    if (d.type) x["type"] = *d.type;
    if (d.default_sql) x["default"] = *d.default_sql;
    if (d.check) x["check"] = *d.check;
    if (d.generated) x["generated"] = *d.generated;
    j["for"][d.dialect] = x;
  }
  return j;
}

json table_to_json(const Table& t) {
  json j = {{"name", t.name}, {"columns", json::array()}};
  for (const Column& c : t.columns) j["columns"].push_back(column_to_json(c));
  if (!t.primary_key.empty()) j["primary_key"] = t.primary_key;
  if (t.autoincrement) j["autoincrement"] = true;
  if (t.without_rowid) j["without_rowid"] = true;
  if (t.strict) j["strict"] = true;
  for (const ForeignKey& fk : t.foreign_keys) {
    json f = {{"name", fk.name},
              {"columns", fk.columns},
              {"ref_table", fk.ref_table},
              {"ref_columns", fk.ref_columns}};
    if (!fk.on_delete.empty()) f["on_delete"] = fk.on_delete;
    if (!fk.on_update.empty()) f["on_update"] = fk.on_update;
    if (fk.deferred) f["deferred"] = true;
    j["foreign_keys"].push_back(f);
  }
  for (const Check& c : t.checks) {
    json x = {{"name", c.name}, {"expression", c.expression}};
    if (!c.dialect.empty()) x["dialect"] = c.dialect;
    j["checks"].push_back(x);
  }
  for (const UniqueConstraint& u : t.unique_constraints) {
    json x = {{"name", u.name}, {"columns", u.columns}};
    if (u.in_column) x["in_column"] = true;
    j["unique_constraints"].push_back(x);
  }
  for (const Index& i : t.indexes) {
    json x = {{"name", i.name}, {"columns", i.columns}};
    if (i.unique) x["unique"] = true;
    if (i.where) x["where"] = *i.where;
    j["indexes"].push_back(x);
  }
  return j;
}

template <typename T>
T value_or(const json& j, const char* key, T fallback) {
  const auto it = j.find(key);
  return it == j.end() ? fallback : it->get<T>();
}

std::optional<std::string> optional_string(const json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end()) return std::nullopt;
  return it->get<std::string>();
}

Table table_from_json(const json& j) {
  Table t;
  t.name = j.at("name").get<std::string>();
  for (const json& c : j.at("columns")) {
    t.columns.push_back({c.at("name").get<std::string>(),
                         c.at("type").get<std::string>(),
                         value_or(c, "not_null", false),
                         optional_string(c, "default"),
                         optional_string(c, "collate"),
                         optional_string(c, "check"),
                         {},
                         optional_string(c, "generated"),
                         value_or(c, "stored", false)});
    const json dialects = c.value("for", json::object());
    for (const auto& [dialect, x] : dialects.items()) {
      t.columns.back().dialects.push_back(
          {dialect, optional_string(x, "type"), optional_string(x, "default"),
           optional_string(x, "check"), optional_string(x, "generated")});
    }
  }
  t.primary_key = value_or(j, "primary_key", std::vector<std::string>{});
  t.autoincrement = value_or(j, "autoincrement", false);
  t.without_rowid = value_or(j, "without_rowid", false);
  t.strict = value_or(j, "strict", false);
  for (const json& f : j.value("foreign_keys", json::array())) {
    t.foreign_keys.push_back({f.at("name").get<std::string>(),
                              f.at("columns").get<std::vector<std::string>>(),
                              f.at("ref_table").get<std::string>(),
                              f.at("ref_columns").get<std::vector<std::string>>(),
                              value_or(f, "on_delete", std::string{}),
                              value_or(f, "on_update", std::string{}),
                              value_or(f, "deferred", false),
                              {}});
  }
  for (const json& c : j.value("checks", json::array())) {
    t.checks.push_back({c.at("name").get<std::string>(), c.at("expression").get<std::string>(),
                        value_or(c, "dialect", std::string{})});
  }
  for (const json& u : j.value("unique_constraints", json::array())) {
    t.unique_constraints.push_back({u.at("name").get<std::string>(),
                                    u.at("columns").get<std::vector<std::string>>(),
                                    value_or(u, "in_column", false)});
  }
  for (const json& i : j.value("indexes", json::array())) {
    t.indexes.push_back(
        {i.at("name").get<std::string>(), i.at("columns").get<std::vector<std::string>>(),
         value_or(i, "unique", false),
         i.contains("where") ? std::optional(i.at("where").get<std::string>()) : std::nullopt});
  }
  return t;
}

SqlObject object_from_json(const json& j) {
  SqlObject o;
  const std::string kind = j.at("object").get<std::string>();
  for (const auto k : {SqlObject::Kind::kVirtualTable, SqlObject::Kind::kView,
                       SqlObject::Kind::kTrigger, SqlObject::Kind::kMaterializedView,
                       SqlObject::Kind::kFunction, SqlObject::Kind::kExtension}) {
    if (kind_name(k) == kind) o.kind = k;
  }
  if (kind_name(o.kind) != kind) throw Error("unknown kind of object '" + kind + "'");
  o.name = j.at("name").get<std::string>();
  o.sql = j.at("sql").get<std::string>();
  o.dialect = value_or(j, "dialect", std::string{});
  return o;
}

}  // namespace

std::string schema_to_json(const Schema& schema) {
  std::string out;
  for (const Table& t : schema.tables) out += table_to_json(t).dump() + "\n";
  for (const SqlObject& o : schema.objects) {
    json j = {{"object", kind_name(o.kind)}, {"name", o.name}, {"sql", o.sql}};
    if (!o.dialect.empty()) j["dialect"] = o.dialect;
    out += j.dump() + "\n";
  }
  for (const SqlFunction& f : schema.functions) {
    out += json{{"function", f.name}, {"nargs", f.nargs}}.dump() + "\n";
  }
  return out;
}

Schema schema_from_json(const std::string& text) {
  Schema schema;
  std::istringstream lines(text);
  std::string line;
  try {
    while (std::getline(lines, line)) {
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      const json j = json::parse(line);
      if (j.contains("object")) {
        schema.objects.push_back(object_from_json(j));
      } else if (j.contains("function")) {
        schema.functions.push_back(
            {j.at("function").get<std::string>(), j.at("nargs").get<int>(), {}});
      } else {
        schema.tables.push_back(table_from_json(j));
      }
    }
  } catch (const json::exception& e) {
    throw Error(std::string("malformed schema snapshot: ") + e.what());
  }
  sort_tables(schema);
  link_objects(schema);
  return schema;
}

}  // namespace retort
