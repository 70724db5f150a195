// Schema helpers: lookup, dependency order, naming rules and type affinity.
#include "schema.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "retort/detail/sql_lexer.hpp"

namespace retort {

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

}  // namespace retort
