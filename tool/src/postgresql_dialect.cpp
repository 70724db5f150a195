// The PostgreSQL dialect: identity keys, named constraints, and ALTER TABLE for every change
// SQLite needs a rebuild for (RebuildTable becomes the ALTER statements from one table to the
// other); on tables that exist before the revision, the forms that keep a live service running,
// in phases (pg_phases.hpp).
#include "postgresql_dialect.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "retort/detail/pg.hpp"
#include "retort/detail/sql_lexer.hpp"

namespace retort {

bool integer_type(const std::string& type) {
  const std::string u = to_upper(type);
  return u == "SMALLINT" || u == "INTEGER" || u == "INT" || u == "BIGINT" || u == "INT2" ||
         u == "INT4" || u == "INT8";
}

// A single integer primary key is an identity column, so that an insert without the key works
// as on SQLite.
bool identity(const Table& t, const Column& c) {
  return t.primary_key.size() == 1 && t.primary_key[0] == c.name && integer_type(c.type) &&
         !c.generated;
}

// SQLite's spellings of a default, as PostgreSQL writes them: a boolean's 0 and 1 are FALSE
// and TRUE, a blob literal x'00ff' is the bytea '\x00ff'.
std::string default_of(const Column& c) {
  const std::string& sql = *c.default_sql;
  const std::string type = to_upper(c.type);
  if (type == "BOOLEAN") {
    if (sql == "0") return "FALSE";
    if (sql == "1") return "TRUE";
  }
  const bool blob = sql.size() >= 3 && (sql[0] == 'x' || sql[0] == 'X') && sql[1] == '\'' &&
                    sql.back() == '\'' &&
                    sql.find_first_not_of("0123456789abcdefABCDEF", 2) == sql.size() - 1;
  if (type == "BYTEA" && blob) return "'\\x" + sql.substr(2, sql.size() - 3) + "'::bytea";
  return sql;
}

namespace {

constexpr const char* kIndent = "    ";

// An index key's parts: the column or expression, its collation and its order.
struct KeyParts {
  std::string base;
  std::string collate;
  std::string order;
};

KeyParts key_parts(const std::string& key) {
  std::vector<SqlToken> tokens;
  for (const SqlToken& t : lex_sql(key)) {
    if (!t.blank()) tokens.push_back(t);
  }
  const auto word = [&](std::size_t i) {
    return tokens[i].kind == SqlToken::Kind::kWord
               ? to_upper(key.substr(tokens[i].offset, tokens[i].length))
               : std::string();
  };
  KeyParts parts;
  std::size_t end = tokens.size();
  if (end > 1 && (word(end - 1) == "ASC" || word(end - 1) == "DESC")) {
    parts.order = word(end - 1);
    --end;
  }
  if (end > 2 && word(end - 2) == "COLLATE") {
    parts.collate = identifier_of(key, tokens[end - 1]);
    end -= 2;
  }
  const std::size_t stop = end == 0 ? 0 : tokens[end - 1].offset + tokens[end - 1].length;
  parts.base = key.substr(0, stop);
  return parts;
}

// `name(...)` or `(...)` as a whole: PostgreSQL takes a function call as an index key as it is,
// and any other expression in parentheses.
bool needs_no_parentheses(const std::string& sql) {
  std::vector<SqlToken> tokens;
  for (const SqlToken& t : lex_sql(sql)) {
    if (!t.blank()) tokens.push_back(t);
  }
  if (tokens.size() >= 2 && sql[tokens[0].offset] == '(') {
    tokens.insert(tokens.begin(), tokens[0]);  // as if a name stood before it
  } else if (tokens.size() < 3 || tokens[0].kind != SqlToken::Kind::kWord ||
             sql[tokens[1].offset] != '(') {
    return false;
  }
  int depth = 0;
  for (std::size_t i = 1; i < tokens.size(); ++i) {
    const char c = sql[tokens[i].offset];
    if (tokens[i].kind != SqlToken::Kind::kOther) continue;
    if (c == '(') ++depth;
    if (c == ')' && --depth == 0) return i + 1 == tokens.size();
  }
  return false;
}

// The table a CREATE TRIGGER statement is on: the name after ON.
std::string trigger_table(const std::string& sql) {
  std::vector<SqlToken> tokens;
  for (const SqlToken& t : lex_sql(sql)) {
    if (!t.blank()) tokens.push_back(t);
  }
  for (std::size_t i = 0; i + 1 < tokens.size(); ++i) {
    if (tokens[i].kind == SqlToken::Kind::kWord &&
        to_upper(sql.substr(tokens[i].offset, tokens[i].length)) == "ON") {
      return identifier_of(sql, tokens[i + 1]);
    }
  }
  return "";
}

}  // namespace

std::string PostgresqlDialect::quote(const std::string& identifier) const {
  return detail::pg::identifier(identifier);
}

std::string PostgresqlDialect::create_table(const Table& t) const {
  std::string out = create_table_only(t);
  for (const Index& i : t.indexes) out += create_index(t.name, i);
  return out;
}

std::string PostgresqlDialect::create_index(const std::string& table, const Index& i) const {
  return create_index(table, i, false);
}

std::string PostgresqlDialect::create_index(const std::string& table, const Index& i,
                                            bool concurrently) const {
  std::string keys;
  for (const std::string& k : i.columns) keys += (keys.empty() ? "" : ", ") + index_key(k);
  return std::string("CREATE ") + (i.unique ? "UNIQUE " : "") + "INDEX " +
         (concurrently ? "CONCURRENTLY " : "") + quote(i.name) + " ON " + quote(table) + " (" +
         keys + ")" + (i.where ? " WHERE " + *i.where : "") + ";\n";
}

std::string PostgresqlDialect::create_object(const SqlObject& o) const { return o.sql + ";\n"; }

std::string PostgresqlDialect::render(const Change& change) const {
  return std::visit([this](const auto& c) { return render_one(c); }, change);
}

// On tables that exist before the changes: indexes built and dropped concurrently, the
// alterations in their safe forms; tables the changes create keep the plain ones.
std::string PostgresqlDialect::render_all(const std::vector<Change>& changes) const {
  std::set<std::string> created;
  for (const Change& c : changes) {
    if (const auto* t = std::get_if<CreateTable>(&c)) created.insert(t->table.name);
  }
  PgPhases phases;
  for (const Change& c : changes) {
    if (const auto* i = std::get_if<CreateIndex>(&c); i && !created.count(i->table)) {
      phases.builds_outside.push_back(create_index(i->table, i->index, true));
    } else if (const auto* d = std::get_if<DropIndex>(&c); d && !created.count(d->table)) {
      phases.drops_outside.push_back("DROP INDEX CONCURRENTLY " + quote(d->index.name) + ";\n");
    } else if (const auto* r = std::get_if<RebuildTable>(&c)) {
      alter_table(*r, !created.count(r->to.name), phases);
    } else {
      const bool block =
          std::holds_alternative<CreateTable>(c) || std::holds_alternative<CreateObject>(c);
      if (!phases.main.empty() && block) phases.main += "\n";
      phases.main += render(c);
    }
  }
  return phases.render();
}

std::string PostgresqlDialect::index_key(const std::string& key) const {
  const KeyParts parts = key_parts(key);
  const std::string column = key_column(parts.base);
  std::string out = !column.empty()                    ? quote(column)
                    : needs_no_parentheses(parts.base) ? parts.base
                                                       : "(" + parts.base + ")";
  // SQLite's own collations have no PostgreSQL counterpart: the default order stands.
  const std::string collate = to_upper(parts.collate);
  if (!parts.collate.empty() && collate != "BINARY" && collate != "NOCASE" && collate != "RTRIM") {
    out += " COLLATE " + quote(parts.collate);
  }
  if (!parts.order.empty()) out += " " + parts.order;
  return out;
}

std::string PostgresqlDialect::column_list(const std::vector<std::string>& columns) const {
  std::string out;
  for (const std::string& c : columns) out += (out.empty() ? "" : ", ") + quote(c);
  return out;
}

// The column's type with its collation: what ALTER COLUMN ... TYPE takes too.
std::string PostgresqlDialect::type_of(const Column& c) const {
  return c.type + (c.collate ? " COLLATE " + quote(*c.collate) : "");
}

std::string PostgresqlDialect::column_definition(const Table& t, const Column& c,
                                                 const std::string& names) const {
  std::string out = quote(c.name) + " " + type_of(c);
  if (identity(t, c)) out += " GENERATED BY DEFAULT AS IDENTITY";
  if (c.not_null && !identity(t, c)) out += " NOT NULL";
  if (c.generated) out += " GENERATED ALWAYS AS (" + *c.generated + ") STORED";
  if (c.default_sql) out += " DEFAULT " + default_of(c);
  if (c.check) {
    out += " CONSTRAINT " + quote(column_check_name(names, c.name)) + " CHECK (" + *c.check + ")";
  }
  return out;
}

std::string PostgresqlDialect::foreign_key(const ForeignKey& fk) const {
  std::string f = "CONSTRAINT " + quote(fk.name) + " FOREIGN KEY (" + column_list(fk.columns) +
                  ") REFERENCES " + quote(fk.ref_table);
  if (!fk.ref_columns.empty()) f += " (" + column_list(fk.ref_columns) + ")";
  if (!fk.on_delete.empty()) f += " ON DELETE " + fk.on_delete;
  if (!fk.on_update.empty()) f += " ON UPDATE " + fk.on_update;
  if (fk.deferred) f += " DEFERRABLE INITIALLY DEFERRED";
  return f;
}

std::string PostgresqlDialect::primary_key(const Table& t, const std::string& names) const {
  return "CONSTRAINT " + quote(primary_key_name(names)) + " PRIMARY KEY (" +
         column_list(t.primary_key) + ")";
}

std::string PostgresqlDialect::unique(const UniqueConstraint& u) const {
  return "CONSTRAINT " + quote(u.name) + " UNIQUE (" + column_list(u.columns) + ")";
}

std::string PostgresqlDialect::check(const Check& c) const {
  return "CONSTRAINT " + quote(c.name) + " CHECK (" + c.expression + ")";
}

std::string PostgresqlDialect::create_table_only(const Table& t) const {
  std::vector<std::string> parts;
  for (const Column& c : t.columns) parts.push_back(column_definition(t, c, t.name));
  if (!t.primary_key.empty()) parts.push_back(primary_key(t, t.name));
  for (const ForeignKey& fk : t.foreign_keys) parts.push_back(foreign_key(fk));
  for (const UniqueConstraint& u : t.unique_constraints) parts.push_back(unique(u));
  for (const Check& c : t.checks) parts.push_back(check(c));
  std::string out = "CREATE TABLE " + quote(t.name) + " (\n";
  for (std::size_t i = 0; i < parts.size(); ++i) {
    out += kIndent + parts[i] + (i + 1 < parts.size() ? ",\n" : "\n");
  }
  return out + ");\n";
}

std::string PostgresqlDialect::render_one(const CreateTable& c) const {
  return create_table(c.table);
}

std::string PostgresqlDialect::render_one(const DropTable& c) const {
  return "DROP TABLE " + quote(c.table.name) + ";\n";
}

std::string PostgresqlDialect::render_one(const RenameTable& c) const {
  return "ALTER TABLE " + quote(c.from) + " RENAME TO " + quote(c.to) + ";\n";
}

std::string PostgresqlDialect::render_one(const AddColumn& c) const {
  Table t;
  t.name = c.table;
  return "ALTER TABLE " + quote(c.table) + " ADD COLUMN " +
         column_definition(t, c.column, c.table) + ";\n";
}

std::string PostgresqlDialect::render_one(const DropColumn& c) const {
  return "ALTER TABLE " + quote(c.table) + " DROP COLUMN " + quote(c.column.name) + ";\n";
}

std::string PostgresqlDialect::render_one(const RenameColumn& c) const {
  return "ALTER TABLE " + quote(c.table) + " RENAME COLUMN " + quote(c.from) + " TO " +
         quote(c.to) + ";\n";
}

std::string PostgresqlDialect::render_one(const CreateIndex& c) const {
  return create_index(c.table, c.index);
}

std::string PostgresqlDialect::render_one(const DropIndex& c) const {
  return "DROP INDEX " + quote(c.index.name) + ";\n";
}

std::string PostgresqlDialect::render_one(const CreateObject& c) const {
  return create_object(c.object);
}

std::string PostgresqlDialect::render_one(const DropObject& c) const {
  switch (c.object.kind) {
    case SqlObject::Kind::kTrigger:
      return "DROP TRIGGER " + quote(c.object.name) + " ON " + quote(trigger_table(c.object.sql)) +
             ";\n";
    case SqlObject::Kind::kMaterializedView:
      return "DROP MATERIALIZED VIEW " + quote(c.object.name) + ";\n";
    case SqlObject::Kind::kFunction:
      return "DROP FUNCTION " + quote(c.object.name) + ";\n";
    case SqlObject::Kind::kExtension:
      return "DROP EXTENSION " + quote(c.object.name) + ";\n";
    case SqlObject::Kind::kVirtualTable:
      return "DROP TABLE " + quote(c.object.name) + ";\n";
    case SqlObject::Kind::kView:
      break;
  }
  return "DROP VIEW " + quote(c.object.name) + ";\n";
}

std::unique_ptr<Dialect> make_postgresql_dialect() { return std::make_unique<PostgresqlDialect>(); }

}  // namespace retort
