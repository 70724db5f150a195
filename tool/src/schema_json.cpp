// The schema's JSON snapshot: one line per table, object and function, written and read back.
#include <nlohmann/json.hpp>
#include <sstream>

#include "retort/error.hpp"
#include "schema.hpp"

namespace retort {

using nlohmann::json;

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
