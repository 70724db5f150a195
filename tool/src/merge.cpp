// Three-way merge of schemas, element by element, keyed by name.
#include "merge.hpp"

#include <algorithm>
#include <functional>
#include <optional>

namespace retort {
namespace {

template <class T>
using KeyOf = std::function<std::string(const T&)>;

template <class T>
const T* find_keyed(const std::vector<T>& items, const std::string& key, const KeyOf<T>& key_of) {
  for (const T& item : items) {
    if (key_of(item) == key) return &item;
  }
  return nullptr;
}

// Merges lists of named elements. `both_changed(base, ours, theirs, key)` decides an element
// that both sides changed differently; `conflict(key, what)` records one that cannot be merged.
template <class T>
std::vector<T> merge_keyed(const std::vector<T>& base, const std::vector<T>& ours,
                           const std::vector<T>& theirs, const KeyOf<T>& key_of,
                           const std::function<T(const T&, const T&, const T&)>& both_changed,
                           const std::function<void(const std::string&, const char*)>& conflict) {
  std::vector<T> out;
  for (const T& o : ours) {
    const std::string key = key_of(o);
    const T* b = find_keyed(base, key, key_of);
    const T* t = find_keyed(theirs, key, key_of);
    if (!t) {
      if (!b) {
        out.push_back(o);  // added by ours
      } else if (!(*b == o)) {
        conflict(key, "dropped on one branch, changed on the other");
        out.push_back(o);
      }  // else dropped by theirs
    } else if (!b) {
      if (!(o == *t)) conflict(key, "added differently on both branches");
      out.push_back(o);
    } else if (*t == *b || o == *t) {
      out.push_back(o);
    } else if (o == *b) {
      out.push_back(*t);
    } else {
      out.push_back(both_changed(*b, o, *t));
    }
  }
  const auto in = [&key_of](const std::vector<T>& items, const std::string& key) {
    return find_keyed(items, key, key_of) != nullptr;
  };
  for (std::size_t i = 0; i < theirs.size(); ++i) {
    const std::string key = key_of(theirs[i]);
    if (in(ours, key)) continue;
    if (const T* b = find_keyed(base, key, key_of)) {
      if (!(*b == theirs[i])) conflict(key, "dropped on one branch, changed on the other");
      continue;  // dropped by ours
    }
    // Added by theirs: after the element it follows there, past what ours added at that place.
    std::size_t at = 0;
    if (i > 0) {
      const std::string before = key_of(theirs[i - 1]);
      for (std::size_t j = 0; j < out.size(); ++j) {
        if (key_of(out[j]) == before) at = j + 1;
      }
    }
    while (at < out.size() && !in(base, key_of(out[at])) && !in(theirs, key_of(out[at]))) ++at;
    out.insert(out.begin() + static_cast<std::ptrdiff_t>(at), theirs[i]);
  }
  return out;
}

// One value: the side that changed it, or a conflict when both did, differently.
template <class T>
T merge_value(const T& base, const T& ours, const T& theirs,
              const std::function<void()>& conflict) {
  if (theirs == base || ours == theirs) return ours;
  if (ours == base) return theirs;
  conflict();
  return ours;
}

class Merger {
 public:
  std::vector<MergeConflict> conflicts;

  Table table(const Table& b, const Table& o, const Table& t) {
    Table out = o;
    const std::string& name = o.name;
    const auto on_table = [this, &name](const std::string& what) {
      return [this, name, what] { conflicts.push_back({name, "", "", what}); };
    };
    out.columns = merge_keyed<Column>(
        b.columns, o.columns, t.columns, [](const Column& c) { return c.name; },
        [this, &name](const Column& b2, const Column& o2, const Column&) {
          conflicts.push_back({name, b2.name, "", "changed differently on both branches"});
          return o2;
        },
        [this, &name](const std::string& column, const char* what) {
          conflicts.push_back({name, column, "", what});
        });
    out.primary_key = merge_value(b.primary_key, o.primary_key, t.primary_key,
                                  on_table("its primary key changed differently"));
    out.autoincrement = merge_value(b.autoincrement, o.autoincrement, t.autoincrement,
                                    on_table("AUTOINCREMENT changed differently"));
    out.without_rowid = merge_value(b.without_rowid, o.without_rowid, t.without_rowid,
                                    on_table("WITHOUT ROWID changed differently"));
    out.strict = merge_value(b.strict, o.strict, t.strict, on_table("STRICT changed differently"));
    out.foreign_keys = named(b.foreign_keys, o.foreign_keys, t.foreign_keys, name, "foreign key");
    out.checks = named(b.checks, o.checks, t.checks, name, "check");
    out.unique_constraints = named(b.unique_constraints, o.unique_constraints, t.unique_constraints,
                                   name, "unique constraint");
    out.indexes = named(b.indexes, o.indexes, t.indexes, name, "index");
    std::sort(out.indexes.begin(), out.indexes.end(),
              [](const Index& x, const Index& y) { return x.name < y.name; });
    return out;
  }

 private:
  // Keys, checks, constraints and indexes, each whole, by name.
  template <class T>
  std::vector<T> named(const std::vector<T>& b, const std::vector<T>& o, const std::vector<T>& t,
                       const std::string& table, const std::string& kind) {
    const auto report = [this, &table, &kind](const std::string& key, const char* what) {
      conflicts.push_back({table, "", "", kind + " " + key + ": " + what});
    };
    return merge_keyed<T>(
        b, o, t, [](const T& item) { return item.name; },
        [&report](const T& b2, const T& o2, const T&) {
          report(b2.name, "changed differently on both branches");
          return o2;
        },
        report);
  }
};

}  // namespace

MergedSchema merge_schemas(const Schema& base, const Schema& ours, const Schema& theirs) {
  Merger merger;
  MergedSchema out;
  out.schema.tables = merge_keyed<Table>(
      base.tables, ours.tables, theirs.tables, [](const Table& t) { return t.name; },
      [&merger](const Table& b, const Table& o, const Table& t) { return merger.table(b, o, t); },
      [&merger](const std::string& table, const char* what) {
        merger.conflicts.push_back({table, "", "", what});
      });
  out.schema.objects = merge_keyed<SqlObject>(
      base.objects, ours.objects, theirs.objects, [](const SqlObject& x) { return x.name; },
      [&merger](const SqlObject& b, const SqlObject& o, const SqlObject&) {
        merger.conflicts.push_back({"", "", b.name, "changed differently on both branches"});
        return o;
      },
      [&merger](const std::string& object, const char* what) {
        merger.conflicts.push_back({"", "", object, what});
      });
  out.schema.functions = merge_keyed<SqlFunction>(
      base.functions, ours.functions, theirs.functions, [](const SqlFunction& f) { return f.name; },
      [&merger](const SqlFunction& b, const SqlFunction& o, const SqlFunction&) {
        merger.conflicts.push_back(
            {"", "", b.name, "SQL function declared with other arguments on both branches"});
        return o;
      },
      [&merger](const std::string& function, const char* what) {
        merger.conflicts.push_back({"", "", function, what});
      });
  std::sort(out.schema.functions.begin(), out.schema.functions.end(),
            [](const SqlFunction& a, const SqlFunction& b) { return a.name < b.name; });
  sort_tables(out.schema);
  link_objects(out.schema);
  out.conflicts = std::move(merger.conflicts);
  return out;
}

}  // namespace retort
