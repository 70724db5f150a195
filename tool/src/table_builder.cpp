// Turns ModelClass into Table: type mapping, naming, a member's and a class's annotations.
#include "table_builder.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "dialects.hpp"
#include "functions.hpp"
#include "retort/revision.hpp"
#include "schema_builder.hpp"

namespace retort {

SchemaBuild Builder::run(const std::vector<ModelClass>& models,
                         const std::vector<Annotation>& functions) {
  out_.schema.functions = declared_functions(functions, out_.diagnostics);
  std::map<std::string, SourceLoc> seen;
  for (const ModelClass& m : models) {
    Table t = build_table(m);
    if (t.name.empty()) continue;
    if (auto [it, fresh] = seen.emplace(t.name, t.origin.loc); !fresh) {
      error(t.origin.loc, "table '" + t.name + "' is already declared by another model");
      out_.diagnostics.push_back({Severity::kNote, it->second, "first declared here"});
      continue;
    }
    out_.schema.tables.push_back(std::move(t));
  }
  check_index_names();
  // Expressions are tried on SQLite only where the repository has it: a repository for
  // PostgreSQL alone holds PostgreSQL's (now(), casts), which its proof tries on the server.
  if (sqlite_) {
    check_generated_columns();
    check_sql_of_indexes();
  }
  for (const Table& t : out_.schema.tables) check_references(t);
  if (sqlite_) {
    for (Diagnostic& d : undeclared_calls(expressions_, out_.schema.functions)) {
      out_.diagnostics.push_back(std::move(d));
    }
  }
  sort_tables(out_.schema);
  return std::move(out_);
}

void Builder::error(const SourceLoc& loc, std::string message) {
  out_.diagnostics.push_back({Severity::kError, loc, std::move(message)});
}

Table Builder::build_table(const ModelClass& m) {
  Table t;
  const Found found = check_annotations(m.annotations, Place::kClass);
  if (found.count("table") == 0) {
    if (!m.annotations.empty()) {
      error(m.loc, "class '" + m.name + "' has Retort annotations but no RETORT_TABLE(name)");
    }
    return t;
  }
  if (found.count("table") > 1) error(m.loc, "class '" + m.name + "' has two RETORT_TABLEs");
  t.name = trim(found.find("table")->second->args[0]);
  t.origin.loc = m.loc;
  if (t.name.rfind("sqlite_", 0) == 0 || t.name == "retort_migrations") {
    error(found.find("table")->second->loc, "table name '" + t.name + "' is reserved");
  }
  if (auto it = found.find("renamed_from"); it != found.end()) {
    t.origin.renamed_from = trim(it->second->args[0]);
  }
  t.without_rowid = found.count("without_rowid") > 0;
  t.strict = found.count("strict") > 0;
  for (const ModelField& f : m.fields) add_field(t, f);
  add_class_constraints(t, found, m.loc);
  std::sort(t.indexes.begin(), t.indexes.end(),
            [](const Index& a, const Index& b) { return a.name < b.name; });
  return t;
}

void Builder::add_field(Table& t, const ModelField& f) {
  const Found found = check_annotations(f.annotations, Place::kMember);
  if (found.count("transient")) return;
  const auto arg = [&found](const char* key) -> std::optional<std::string> {
    const auto it = found.find(key);
    if (it == found.end()) return std::nullopt;
    return trim(it->second->args[0]);
  };
  Column c;
  c.name = arg("column").value_or(f.name);
  c.origin = {f.loc, arg("renamed_from").value_or("")};
  if (t.find_column(c.name)) error(f.loc, "column '" + c.name + "' is declared twice");
  c.type = arg("type").value_or(sql_type_of(f.kind));
  if (c.type.empty() && !found.count("type")) {
    error(f.loc, "column '" + c.name + "' has unsupported type '" + f.type_spelling +
                     "'; map it with RETORT_TYPE(\"TEXT\") or mark it RETORT_TRANSIENT");
  }
  if (t.strict && f.kind == ValueKind::kBool && !arg("type")) c.type = "INTEGER";
  const bool primary = found.count("primary_key") > 0;
  if (found.count("nullable") && found.count("not_null")) {
    error(f.loc, "column '" + c.name + "' is both RETORT_NULLABLE and RETORT_NOT_NULL");
  }
  // A key is NOT NULL unless RETORT_NULLABLE says otherwise (SQLite's legacy nullable keys).
  const bool nullable = found.count("nullable") > 0;
  if (nullable) nullable_keys_.insert({t.name, c.name});
  c.not_null = primary ? !nullable : found.count("not_null") || !(f.optional || nullable);
  c.default_sql = arg("default");
  c.collate = arg("collate");
  c.check = arg("check");
  for (const char* key : {"default", "check", "generated", "generated_stored"}) {
    if (const auto it = found.find(key); it != found.end()) {
      expressions_.push_back({it->second->args[0], macro_of(key), it->second->loc});
    }
  }
  add_generated(t, c, found, primary);
  add_dialect_parts(c, f, found);
  if (primary) t.primary_key.push_back(c.name);
  if (found.count("autoincrement")) {
    t.autoincrement = true;
    if (!primary || to_upper(c.type) != "INTEGER") {
      error(found.find("autoincrement")->second->loc,
            "RETORT_AUTOINCREMENT needs an INTEGER RETORT_PRIMARY_KEY column");
    }
  }
  const bool unique = found.count("unique") > 0;
  if (const auto it = found.find("unique_constraint"); it != found.end()) {
    if (unique) {
      error(it->second->loc, "column '" + c.name +
                                 "' has both RETORT_UNIQUE (an index) and "
                                 "RETORT_UNIQUE_CONSTRAINT; keep one");
    }
    t.unique_constraints.push_back({unique_constraint_name(t.name, {c.name}), {c.name}, true});
  }
  if (unique || found.count("index")) {
    t.indexes.push_back(
        {index_name(t.name, c.name, !found.count("index")), {column_key(c.name)}, unique});
  }
  add_foreign_key(t, c, found);
  t.columns.push_back(std::move(c));
}

// RETORT_GENERATED / RETORT_GENERATED_STORED: one of them, on a column that is not a key
// and has no default; its expression is tried on SQLite at the end (check_sql_of_tables).
void Builder::add_generated(const Table& t, Column& c, const Found& found, bool primary) {
  const auto virtual_form = found.find("generated");
  const auto stored_form = found.find("generated_stored");
  const auto it = virtual_form != found.end() ? virtual_form : stored_form;
  if (it == found.end()) return;
  if (virtual_form != found.end() && stored_form != found.end()) {
    error(stored_form->second->loc,
          "column '" + c.name + "' is both RETORT_GENERATED and RETORT_GENERATED_STORED");
    return;
  }
  if (found.count("default")) {
    error(found.find("default")->second->loc,
          "generated column '" + c.name + "' cannot have a RETORT_DEFAULT");
    return;
  }
  if (primary) {
    error(it->second->loc, "generated column '" + c.name + "' cannot be a primary key");
    return;
  }
  c.generated = collapse_blanks(it->second->args[0]);
  c.stored = it == stored_form;
  generated_to_try_.push_back({t.name, c.name, it->second->loc});
}

// RETORT_*_FOR(dialect, ...): SQLite's go into the column itself, another dialect's into its
// DialectColumn; with PostgreSQL, the column's PostgreSQL type (RETORT_TYPE applies to every
// dialect).
void Builder::add_dialect_parts(Column& c, const ModelField& f, const Found& found) {
  std::map<std::string, DialectColumn> parts;
  for (const char* key : {"type_for", "default_for", "check_for", "generated_for"}) {
    const auto [first, last] = found.equal_range(key);
    for (auto it = first; it != last; ++it) {
      const Annotation& a = *it->second;
      const std::string dialect = trim(a.args[0]);
      const std::string value = trim(a.args[1]);
      if (!is_known_dialect(dialect)) {
        error(a.loc, "unknown dialect '" + dialect + "' in " + macro_of(key) +
                         " (known: sqlite, postgresql)");
        continue;
      }
      if (std::string(key) == "generated_for" && !c.generated) {
        error(a.loc,
              "RETORT_GENERATED_FOR needs RETORT_GENERATED or RETORT_GENERATED_STORED "
              "on the same member");
        continue;
      }
      DialectColumn& d = parts[dialect];
      d.dialect = dialect;
      std::optional<std::string>& slot = std::string(key) == "type_for"      ? d.type
                                         : std::string(key) == "default_for" ? d.default_sql
                                         : std::string(key) == "check_for"   ? d.check
                                                                             : d.generated;
      if (slot) {
        error(a.loc, macro_of(key) + " for '" + dialect + "' is given twice");
        continue;
      }
      slot = std::string(key) == "generated_for" ? collapse_blanks(value) : value;
      c.origin.annotations[std::string(key) + ":" + dialect] = a.loc;
    }
  }
  if (const auto it = parts.find(kSqlite); it != parts.end()) {
    const DialectColumn& own = it->second;
    if (own.type) c.type = *own.type;
    if (own.default_sql) c.default_sql = own.default_sql;
    if (own.check) c.check = own.check;
    if (own.generated) c.generated = own.generated;
    parts.erase(it);
  }
  if (postgresql_) {
    DialectColumn& d = parts[kPostgresql];
    d.dialect = kPostgresql;
    if (!d.type) {
      const auto type = found.find("type");
      d.type = type != found.end() ? trim(type->second->args[0]) : postgresql_type(f);
    }
    // Recorded only where it says more than SQLite's type does (std::int32_t: INTEGER, not
    // BIGINT), so that the snapshot stays as it was for most columns.
    if (d.type == postgresql_type(c.type)) d.type.reset();
    if (const auto collate = found.find("collate"); collate != found.end() &&
                                                    sqlite_collation(*c.collate) &&
                                                    to_upper(*c.collate) != "BINARY") {
      out_.diagnostics.push_back(
          {Severity::kWarning, collate->second->loc,
           "PostgreSQL has no collation like SQLite's " + to_upper(*c.collate) + ": column '" +
               c.name +
               "' compares as written there (for text compared without case, "
               "RETORT_TYPE_FOR(\"postgresql\", \"CITEXT\") with the citext extension)"});
    }
  }
  for (auto& [dialect, d] : parts) {
    if (d.type || d.default_sql || d.check || d.generated) c.dialects.push_back(std::move(d));
  }
  for (const auto& [key, annotation] : found) {
    c.origin.annotations.emplace(key, annotation->loc);
  }
}

void Builder::add_foreign_key(Table& t, const Column& c, const Found& found) {
  const auto ref = found.find("references");
  for (const char* action : {"on_delete", "on_update"}) {
    const auto it = found.find(action);
    if (it == found.end()) continue;
    static const std::set<std::string> kActions = {"CASCADE", "SET NULL", "SET DEFAULT", "RESTRICT",
                                                   "NO ACTION"};
    if (ref == found.end()) {
      error(it->second->loc, macro_of(action) + " needs RETORT_REFERENCES on the same member");
    } else if (!kActions.count(to_upper(trim(it->second->args[0])))) {
      error(it->second->loc, macro_of(action) +
                                 " takes CASCADE, SET NULL, SET DEFAULT, "
                                 "RESTRICT or NO ACTION, not '" +
                                 it->second->args[0] + "'");
    }
  }
  if (const auto it = found.find("deferred"); it != found.end() && ref == found.end()) {
    error(it->second->loc, "RETORT_DEFERRED needs RETORT_REFERENCES on the same member");
  }
  if (ref == found.end()) return;
  ForeignKey fk;
  fk.deferred = found.count("deferred") > 0;
  fk.ref_table = trim(ref->second->args[0]);
  fk.name = foreign_key_name(t.name, c.name, fk.ref_table);
  fk.columns = {c.name};
  // One argument: the parent's primary key, as `REFERENCES parent` without columns.
  if (ref->second->args.size() > 1) fk.ref_columns = {trim(ref->second->args[1])};
  if (auto it = found.find("on_delete"); it != found.end())
    fk.on_delete = to_upper(trim(it->second->args[0]));
  if (auto it = found.find("on_update"); it != found.end())
    fk.on_update = to_upper(trim(it->second->args[0]));
  fk.loc = ref->second->loc;
  t.foreign_keys.push_back(std::move(fk));
}

// Columns named in a class annotation must exist; reports the first unknown one.
bool Builder::columns_exist(const Table& t, const std::vector<std::string>& columns,
                            const SourceLoc& loc) {
  for (const std::string& c : columns) {
    if (c.empty() || !t.find_column(c)) {
      error(loc, "table '" + t.name + "' has no column '" + c + "'");
      return false;
    }
  }
  return true;
}

void Builder::add_class_constraints(Table& t, const Found& found, const SourceLoc& class_loc) {
  if (auto it = found.find("primary_key_on"); it != found.end()) {
    if (!t.primary_key.empty()) {
      error(it->second->loc,
            "RETORT_PRIMARY_KEY_ON and RETORT_PRIMARY_KEY on a member both "
            "name a primary key; keep one");
    }
    const std::vector<std::string> columns = split_columns(it->second->args[0]);
    if (columns_exist(t, columns, it->second->loc)) {
      t.primary_key = columns;
      for (Column& c : t.columns) {
        if (std::count(columns.begin(), columns.end(), c.name)) {
          c.not_null = !nullable_keys_.count({t.name, c.name});
        }
      }
    }
  }
  if (t.autoincrement && t.primary_key.size() != 1) {
    error(class_loc, "RETORT_AUTOINCREMENT needs a single-column primary key");
  }
  if (t.without_rowid && t.primary_key.empty()) {
    error(class_loc, "a RETORT_WITHOUT_ROWID table needs a primary key");
  }
  if (t.without_rowid && t.autoincrement) {
    error(class_loc, "a RETORT_WITHOUT_ROWID table cannot use RETORT_AUTOINCREMENT");
  }
  for (const char* key : {"index_on", "unique_on"}) {
    const auto [first, last] = found.equal_range(key);
    for (auto it = first; it != last; ++it) add_index_on(t, *it->second);
  }
  const auto [first_unique, last_unique] = found.equal_range("unique_constraint_on");
  for (auto it = first_unique; it != last_unique; ++it) {
    const std::vector<std::string> columns = split_columns(it->second->args[0]);
    if (!columns_exist(t, columns, it->second->loc)) continue;
    t.unique_constraints.push_back({unique_constraint_name(t.name, columns), columns, false});
  }
  // RETORT_CHECK and RETORT_CHECK_FOR counted together, in source order.
  std::vector<const Annotation*> checks;
  for (const char* key : {"check", "check_for"}) {
    const auto [first, last] = found.equal_range(key);
    for (auto it = first; it != last; ++it) checks.push_back(it->second);
  }
  std::sort(checks.begin(), checks.end(), [](const Annotation* a, const Annotation* b) {
    return std::tie(a->loc.line, a->loc.column) < std::tie(b->loc.line, b->loc.column);
  });
  int ordinal = 0;
  for (const Annotation* a : checks) {
    const bool one_dialect = a->key == "check_for";
    const std::string dialect = one_dialect ? trim(a->args[0]) : "";
    if (one_dialect && !is_known_dialect(dialect)) {
      error(a->loc, "unknown dialect '" + dialect +
                        "' in RETORT_CHECK_FOR (known: sqlite, "
                        "postgresql)");
      continue;
    }
    t.checks.push_back(
        {table_check_name(t.name, ++ordinal), trim(a->args[one_dialect ? 1 : 0]), dialect});
    if (dialect.empty() || dialect == kSqlite) {
      expressions_.push_back({a->args[one_dialect ? 1 : 0],
                              one_dialect ? "RETORT_CHECK_FOR" : "RETORT_CHECK", a->loc});
    }
  }
}

// RETORT_INDEX_ON / RETORT_UNIQUE_ON: keys that name columns must name the table's; keys
// with expressions and conditions are tried on SQLite at the end (check_sql_of_indexes).
void Builder::add_index_on(Table& t, const Annotation& a) {
  Index index{trim(a.args[0]), split_keys(a.args[1]), a.key == "unique_on", std::nullopt};
  if (a.args.size() > 2) index.where = collapse_blanks(a.args[2]);
  for (std::size_t i = 1; i < a.args.size(); ++i) {
    expressions_.push_back({a.args[i], macro_of(a.key), a.loc});
  }
  bool plain = !index.where;
  for (const std::string& k : index.columns) {
    const std::string column = key_column(k);
    if (k.empty()) {
      error(a.loc, macro_of(a.key) + " has an empty key");
      return;
    }
    if (!column.empty() && !t.find_column(column)) {
      error(a.loc, "table '" + t.name + "' has no column '" + column + "'");
      return;
    }
    plain = plain && column == k;
  }
  if (!plain) to_try_.push_back({t.name, index.name, a.loc});
  t.indexes.push_back(std::move(index));
}

SchemaBuild build_schema(const std::vector<ModelClass>& models,
                         const std::vector<Annotation>& functions,
                         const std::vector<std::string>& dialects) {
  return Builder(dialects).run(models, functions);
}

}  // namespace retort
