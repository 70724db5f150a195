// Dialect names, PostgreSQL's types, and a schema projected onto one dialect.
#include "dialects.hpp"

#include <algorithm>

#include "retort/detail/sql_text.hpp"
#include "retort/error.hpp"
#include "retort/revision.hpp"

namespace retort {

const std::vector<std::string>& known_dialects() {
  static const std::vector<std::string> names = {kSqlite, kPostgresql};
  return names;
}

bool is_known_dialect(std::string_view name) {
  const auto& names = known_dialects();
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::vector<std::string> parse_dialects(const std::vector<std::string>& names) {
  std::vector<std::string> wanted;
  for (const std::string& list : names) {
    std::size_t start = 0;
    while (start <= list.size()) {
      const std::size_t comma = std::min(list.find(',', start), list.size());
      std::string name = list.substr(start, comma - start);
      name.erase(0, name.find_first_not_of(" \t"));
      name.erase(name.find_last_not_of(" \t") + 1);
      if (!name.empty()) {
        if (!is_known_dialect(name)) {
          throw Error("unknown dialect '" + name + "' (known: sqlite, postgresql)");
        }
        wanted.push_back(name);
      }
      start = comma + 1;
    }
  }
  if (wanted.empty()) throw Error("no dialect given (known: sqlite, postgresql)");
  std::vector<std::string> out;
  for (const std::string& d : known_dialects()) {
    if (std::find(wanted.begin(), wanted.end(), d) != wanted.end()) out.push_back(d);
  }
  return out;
}

std::string postgresql_type(const ModelField& f) {
  switch (f.kind) {
    case ValueKind::kBool:
      return "BOOLEAN";
    case ValueKind::kInteger:
      if (f.is_enum) return "INTEGER";
      if (f.bytes == 2 && !f.is_unsigned) return "SMALLINT";
      if (f.bytes < 4 || (f.bytes == 4 && !f.is_unsigned)) return "INTEGER";
      return "BIGINT";
    case ValueKind::kReal:
      return f.bytes == 4 ? "REAL" : "DOUBLE PRECISION";
    case ValueKind::kText:
      return "TEXT";
    case ValueKind::kBlob:
      return "BYTEA";
    case ValueKind::kUnsupported:
      break;
  }
  return "";
}

std::string postgresql_type(const std::string& sqlite_type) {
  const std::string upper = to_upper(sqlite_type);
  if (upper == "INTEGER") return "BIGINT";
  if (upper == "REAL") return "DOUBLE PRECISION";
  if (upper == "BLOB") return "BYTEA";
  return sqlite_type;
}

bool sqlite_collation(const std::string& name) {
  const std::string upper = to_upper(name);
  return upper == "BINARY" || upper == "NOCASE" || upper == "RTRIM";
}

namespace {

const DialectColumn* own(const Column& c, std::string_view dialect) {
  for (const DialectColumn& d : c.dialects) {
    if (d.dialect == dialect) return &d;
  }
  return nullptr;
}

Column column_for(Column c, std::string_view dialect) {
  const bool postgresql = dialect == kPostgresql;
  if (postgresql) c.type = postgresql_type(c.type);
  if (const DialectColumn* d = own(c, dialect)) {
    if (d->type) c.type = *d->type;
    if (d->default_sql) c.default_sql = *d->default_sql;
    if (d->check) c.check = *d->check;
    if (d->generated && c.generated) c.generated = *d->generated;
  }
  if (postgresql) {
    if (c.generated) c.stored = true;  // PostgreSQL 15 computes only STORED columns
    // SQLite's own collations: BINARY is PostgreSQL's default order too; NOCASE and RTRIM
    // have no counterpart (the schema builder warns).
    if (c.collate && sqlite_collation(*c.collate)) c.collate.reset();
  }
  c.dialects.clear();
  return c;
}

}  // namespace

Schema for_dialect(const Schema& schema, std::string_view dialect) {
  Schema out;
  const std::string objects_of = dialect == kSqlite ? "" : std::string(dialect);
  for (const Table& table : schema.tables) {
    Table t = table;
    for (Column& c : t.columns) c = column_for(std::move(c), dialect);
    std::vector<Check> checks;
    for (Check& c : t.checks) {
      if (!c.dialect.empty() && c.dialect != dialect) continue;
      c.dialect.clear();
      checks.push_back(std::move(c));
    }
    t.checks = std::move(checks);
    if (dialect == kPostgresql) {
      t.without_rowid = false;
      t.strict = false;
      t.autoincrement = false;
    }
    out.tables.push_back(std::move(t));
  }
  // The application's SQL functions are SQLite's (sqlite3_create_function).
  if (dialect == kSqlite) out.functions = schema.functions;
  for (const SqlObject& o : schema.objects) {
    if (o.dialect != objects_of) continue;
    SqlObject copy = o;
    copy.dialect.clear();
    out.objects.push_back(std::move(copy));
  }
  link_objects(out);
  return out;
}

}  // namespace retort
