// A seeded random walk of model changes: the walker that makes them, each one a user could
// make, valid on its own. Walked on SQLite (random_walk_test.cpp) and on PostgreSQL
// (postgresql_random_walk_test.cpp).
#ifndef RETORT_TESTS_RANDOM_WALK_HPP
#define RETORT_TESTS_RANDOM_WALK_HPP

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <stdexcept>
#include <string>

#include "retort/revision.hpp"
#include "schema.hpp"
#include "schema_support.hpp"

namespace retort::testing {

inline const char* const kTypes[] = {"INTEGER", "REAL", "TEXT", "BLOB"};

// Random model changes that a user could make, each valid on its own (no diagnostics expected).
class Walker {
 public:
  /// `postgresql`: only changes PostgreSQL can make to a table holding rows (a type changes
  /// only where every value casts), CHECKs PostgreSQL understands, views as PostgreSQL's
  /// objects, no triggers.
  explicit Walker(unsigned seed, bool postgresql = false) : rng_(seed), postgresql_(postgresql) {}

  // The next models: `schema` with one change; `what` says which.
  Schema step(Schema schema, std::string& what) {
    for (Table& t : schema.tables) {  // origins describe one step only
      t.origin.renamed_from.clear();
      for (Column& c : t.columns) c.origin.renamed_from.clear();
    }
    for (int attempt = 0; attempt < 100; ++attempt) {
      Schema next = schema;
      const std::map<std::string, std::string> objects = object_table_;
      if (mutate(next, what)) {
        name_constraints(next);
        sort_tables(next);
        declare_objects(next);
        return next;
      }
      object_table_ = objects;
    }
    throw std::runtime_error("no change applies");
  }

 private:
  int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
  bool coin() { return pick(2) == 0; }
  template <class T>
  T& any(std::vector<T>& v) {
    return v[static_cast<std::size_t>(pick(static_cast<int>(v.size())))];
  }

  static bool referenced(const Schema& s, const std::string& table) {
    return std::any_of(s.tables.begin(), s.tables.end(), [&](const Table& t) {
      return t.name != table &&
             std::any_of(t.foreign_keys.begin(), t.foreign_keys.end(),
                         [&](const ForeignKey& fk) { return fk.ref_table == table; });
    });
  }

  static bool in_key_or_reference(const Table& t, const std::string& column) {
    if (std::find(t.primary_key.begin(), t.primary_key.end(), column) != t.primary_key.end())
      return true;
    return std::any_of(t.foreign_keys.begin(), t.foreign_keys.end(),
                       [&](const ForeignKey& fk) { return fk.columns[0] == column; });
  }

  std::string value_of(const std::string& type) {
    if (type == "INTEGER") return std::to_string(pick(100));
    if (type == "REAL") return std::to_string(pick(100)) + ".5";
    if (type == "TEXT") return "'t" + std::to_string(pick(100)) + "'";
    return "x'0" + std::to_string(pick(10)) + "'";
  }

  Column new_column(const Table& t) {
    Column c = col("c" + std::to_string(next_++), kTypes[pick(t.strict ? 4 : 4)], false);
    switch (pick(4)) {
      case 0:
        c.not_null = true;
        c.default_sql = value_of(c.type);
        break;
      case 1:
        c.default_sql = value_of(c.type);
        break;
      case 2:
        if (!t.strict) {
          c.type = "TEXT";
          c.default_sql = "CURRENT_TIMESTAMP";  // not constant: added by a rebuild
        }
        break;
      default:
        break;
    }
    return c;
  }

  bool mutate(Schema& s, std::string& what) {
    const int kind = s.tables.size() < 2 ? 0 : pick(21);
    if (kind == 0 || s.tables.empty()) {
      Table t;
      t.name = "t" + std::to_string(next_++);
      t.columns = {col("id", "INTEGER")};
      t.primary_key = {"id"};
      for (int i = pick(3); i >= 0; --i) t.columns.push_back(new_column(t));
      if (!s.tables.empty() && coin()) {
        const Table& parent = any(s.tables);
        t.columns.push_back(col(parent.name + "_id", "INTEGER", false));
        t.foreign_keys.push_back({"",
                                  {parent.name + "_id"},
                                  parent.name,
                                  {parent.primary_key[0]},
                                  coin() ? "CASCADE" : "",
                                  "",
                                  {}});
      }
      what = "create table " + t.name;
      s.tables.push_back(std::move(t));
      return true;
    }
    Table& t = any(s.tables);
    switch (kind) {
      case 1: {
        if (referenced(s, t.name)) return false;
        what = "drop table " + t.name;
        const std::string name = t.name;
        std::erase_if(object_table_, [&](const auto& o) { return o.second == name; });
        std::erase_if(s.tables, [&](const Table& x) { return x.name == name; });
        return true;
      }
      case 2: {
        const std::string old = t.name;
        t.name = "t" + std::to_string(next_++);
        t.origin.renamed_from = old;
        if (changed_type_.count(old)) changed_type_.insert(t.name);
        for (auto& [object, table] : object_table_) {  // as their author would edit them
          if (table == old) table = t.name;
        }
        for (Table& other : s.tables) {
          for (ForeignKey& fk : other.foreign_keys) {
            if (fk.ref_table == old) fk.ref_table = t.name;
          }
        }
        what = "rename table " + old + " to " + t.name;
        return true;
      }
      case 3:
      case 4: {
        t.columns.push_back(new_column(t));
        what = "add column " + t.name + "." + t.columns.back().name;
        return true;
      }
      case 5: {
        Column& c = any(t.columns);
        if (in_key_or_reference(t, c.name) || t.columns.size() < 2) return false;
        const std::string name = c.name;
        std::erase_if(t.indexes, [&](const Index& i) {
          return std::find(i.columns.begin(), i.columns.end(), name) != i.columns.end();
        });
        std::erase_if(t.columns, [&](const Column& x) { return x.name == name; });
        what = "drop column " + t.name + "." + name;
        return true;
      }
      case 6: {
        Column& c = any(t.columns);
        const std::string old = c.name;
        c.name = "c" + std::to_string(next_++);
        c.origin.renamed_from = old;
        rename_in(t.primary_key, old, c.name);
        for (ForeignKey& fk : t.foreign_keys) rename_in(fk.columns, old, c.name);
        for (Index& i : t.indexes) rename_in(i.columns, old, c.name);
        if (c.check) c.check = check_of(c.name);  // as its author would
        for (Table& other : s.tables) {
          for (ForeignKey& fk : other.foreign_keys) {
            if (fk.ref_table == t.name) rename_in(fk.ref_columns, old, c.name);
          }
        }
        what = "rename column " + t.name + "." + old + " to " + c.name;
        return true;
      }
      case 7: {
        Column& c = any(t.columns);
        if (in_key_or_reference(t, c.name) || t.strict) return false;
        const std::string old = c.type;
        c.type = kTypes[pick(4)];
        if (c.type == old || (postgresql_ && !casts(old, c.type))) return false;
        if (c.default_sql) c.default_sql = value_of(c.type);
        changed_type_.insert(t.name);
        what = "change type of " + t.name + "." + c.name + " to " + c.type;
        return true;
      }
      case 8: {
        Column& c = any(t.columns);
        if (in_key_or_reference(t, c.name)) return false;
        c.not_null = !c.not_null;
        if (c.not_null && !c.default_sql) c.default_sql = value_of(c.type);
        what = "toggle NOT NULL on " + t.name + "." + c.name;
        return true;
      }
      case 9: {
        Column& c = any(t.columns);
        const std::optional<std::string> old = c.default_sql;
        c.default_sql = value_of(c.type);
        if (in_key_or_reference(t, c.name) || c.default_sql == old) return false;
        what = "change default of " + t.name + "." + c.name;
        return true;
      }
      case 10:
      case 11: {
        Column& c = any(t.columns);
        const std::string name = c.name;
        const auto existing = std::find_if(t.indexes.begin(), t.indexes.end(), [&](const Index& i) {
          return i.columns == std::vector<std::string>{name};
        });
        if (existing != t.indexes.end()) {
          t.indexes.erase(existing);
          what = "drop index on " + t.name + "." + name;
        } else {
          t.indexes.push_back({"", {name}, false});
          what = "add index on " + t.name + "." + name;
        }
        return true;
      }
      case 12: {
        // STRICT refuses values of another type: switched on only where no type ever changed.
        if (!t.strict && changed_type_.count(t.name)) return false;
        t.strict = !t.strict;
        what = "toggle STRICT on " + t.name;
        return true;
      }
      case 13: {
        t.without_rowid = !t.without_rowid;
        what = "toggle WITHOUT ROWID on " + t.name;
        return true;
      }
      case 14: {
        if (t.foreign_keys.empty()) return false;
        ForeignKey& fk = t.foreign_keys[0];
        fk.on_delete = fk.on_delete.empty() ? "CASCADE" : "";
        what = "change ON DELETE of " + t.name;
        return true;
      }
      case 15: {
        if (t.foreign_keys.empty()) return false;
        t.foreign_keys.clear();
        what = "drop foreign key of " + t.name;
        return true;
      }
      case 16: {
        Column& c = any(t.columns);
        c.collate = c.collate ? std::nullopt : std::optional<std::string>("NOCASE");
        what = "toggle COLLATE NOCASE on " + t.name + "." + c.name;
        return true;
      }
      case 17: {
        Column& c = any(t.columns);
        c.check = c.check ? std::nullopt : std::optional<std::string>(check_of(c.name));
        what = "toggle CHECK on " + t.name + "." + c.name;
        return true;
      }
      case 19:
      case 20: {
        // A view over the table, or a trigger on it; removed again when it has one.
        if (kind == 20 && postgresql_) return false;
        const std::string prefix = kind == 19 ? "v" : "g";
        for (const auto& [object, table] : object_table_) {
          if (table == t.name && object.rfind(prefix, 0) == 0) {
            what = "drop " + object + " on " + t.name;
            object_table_.erase(object);
            return true;
          }
        }
        const std::string object = prefix + std::to_string(next_++);
        object_table_[object] = t.name;
        what = "create " + object + " on " + t.name;
        return true;
      }
      default: {
        const auto composite = std::find_if(t.indexes.begin(), t.indexes.end(),
                                            [](const Index& i) { return i.columns.size() == 2; });
        if (composite != t.indexes.end()) {
          t.indexes.erase(composite);
          what = "drop composite index of " + t.name;
          return true;
        }
        const std::string a = any(t.columns).name;
        const std::string b = any(t.columns).name;
        if (a == b) return false;
        t.indexes.push_back({"", {a, b}, false});
        what = "add composite index on " + t.name + " (" + a + ", " + b + ")";
        return true;
      }
    }
  }

  // The objects of `s` from object_table_: views read every column (SELECT *), so that only
  // what happens to their table matters; triggers fire on update and read the table.
  void declare_objects(Schema& s) const {
    s.objects.clear();
    for (const auto& [object, table] : object_table_) {
      SqlObject o;
      o.name = object;
      if (postgresql_) o.dialect = kPostgresql;
      if (object[0] == 'v') {
        // PostgreSQL expands `*` when it creates a view, in the table's column order, which
        // its history decides: its views name their column.
        const Table* t = s.find_table(table);
        const std::string key = t && !t->primary_key.empty() ? t->primary_key[0] : "id";
        o.sql = "CREATE VIEW " + object + " AS SELECT " + (postgresql_ ? "\"" + key + "\"" : "*") +
                " FROM \"" + table + "\"";
      } else {
        o.kind = SqlObject::Kind::kTrigger;
        o.sql = "CREATE TRIGGER " + object + " AFTER UPDATE ON \"" + table +
                "\" BEGIN\n  SELECT count(*) FROM \"" + table + "\";\nEND";
      }
      s.objects.push_back(std::move(o));
    }
    link_objects(s);
  }

  static void rename_in(std::vector<std::string>& names, const std::string& from,
                        const std::string& to) {
    std::replace(names.begin(), names.end(), from, to);
  }

  // Derived names, as the schema builder gives them.
  static void name_constraints(Schema& s) {
    for (Table& t : s.tables) {
      for (ForeignKey& fk : t.foreign_keys)
        fk.name = foreign_key_name(t.name, fk.columns[0], fk.ref_table);
      for (Index& i : t.indexes) {
        std::string columns = i.columns[0];
        for (std::size_t k = 1; k < i.columns.size(); ++k) columns += "_" + i.columns[k];
        i.name = index_name(t.name, columns, false);
      }
      std::sort(t.indexes.begin(), t.indexes.end(),
                [](const Index& a, const Index& b) { return a.name < b.name; });
    }
  }

  // A CHECK over column `name` that every row passes.
  std::string check_of(const std::string& name) const {
    return postgresql_ ? "\"" + name + "\" IS NULL OR \"" + name + "\" IS NOT NULL"
                       : "typeof(\"" + name + "\") <> 'x'";
  }

  // Whether PostgreSQL casts every value of type `from` to `to` (ALTER COLUMN ... USING).
  static bool casts(const std::string& from, const std::string& to) {
    return to == "TEXT" || (from == "INTEGER" && to == "REAL") ||
           (from == "REAL" && to == "INTEGER") || (from == "TEXT" && to == "BLOB");
  }

  std::mt19937 rng_;
  bool postgresql_;
  int next_ = 0;
  std::set<std::string> changed_type_;
  std::map<std::string, std::string> object_table_;  // view or trigger → its table
};

}  // namespace retort::testing

#endif  // RETORT_TESTS_RANDOM_WALK_HPP
