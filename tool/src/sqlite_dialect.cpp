// The SQLite dialect: quoting, CREATE TABLE with named constraints, ALTER and rebuilds.
#include <sqlite3.h>

#include <algorithm>
#include <cctype>

#include "emit.hpp"
#include "retort/detail/sql_lexer.hpp"
#include "retort/detail/sql_text.hpp"
#include "retort/revision.hpp"

namespace retort {
namespace {

constexpr const char* kIndent = "    ";
constexpr const char* kRebuildPrefix = "_retort_new_";

// DEFAULT takes a literal, a signed number or CURRENT_*; anything else needs parentheses.
std::string default_clause(const std::string& sql) {
  const std::string u = to_upper(sql);
  const bool literal =
      sql.empty()
          ? false
          : sql.front() == '\'' || sql.front() == '(' ||
                std::isdigit(static_cast<unsigned char>(sql.front())) ||
                ((sql.front() == '-' || sql.front() == '+') && sql.size() > 1) || u == "NULL" ||
                u == "TRUE" || u == "FALSE" || u == "CURRENT_TIMESTAMP" || u == "CURRENT_DATE" ||
                u == "CURRENT_TIME" || sql.rfind("X'", 0) == 0 || sql.rfind("x'", 0) == 0;
  return literal ? " DEFAULT " + sql : " DEFAULT (" + sql + ")";
}

// The value a NOT NULL column without a default gets in rows that had none.
std::string zero_value(const std::string& type) {
  const std::string affinity = type_affinity(type);
  if (affinity == "TEXT") return "''";
  if (affinity == "BLOB") return "x''";
  if (affinity == "REAL") return "0.0";
  return "0";
}

// An FTS5 table that indexes another table's rows (content='table'): created empty, so it is
// filled from its content table with the 'rebuild' command (fts5.html §4.4.3).
bool external_content_fts5(const SqlObject& o) {
  if (o.kind != SqlObject::Kind::kVirtualTable) return false;
  const std::vector<SqlToken> all = lex_sql(o.sql);
  std::vector<std::string> words;
  for (const SqlToken& t : all) {
    if (!t.blank()) words.push_back(to_upper(o.sql.substr(t.offset, t.length)));
  }
  const auto fts5 = std::find(words.begin(), words.end(), "FTS5");
  if (fts5 == words.begin() || fts5 == words.end() || *(fts5 - 1) != "USING") return false;
  for (auto w = fts5; w + 2 < words.end(); ++w) {
    if (*w == "CONTENT" && *(w + 1) == "=") return *(w + 2) != "''" && *(w + 2) != "\"\"";
  }
  return false;
}

class SqliteDialect final : public Dialect {
 public:
  // Quoted only when needed, as SQLAlchemy and Alembic write them: a lowercase identifier
  // that is not an SQL keyword stays bare, so that the SQL reads plainly and tools that read
  // constraint names back from sqlite_schema (SQLAlchemy's reflection) find them.
  std::string quote(const std::string& identifier) const override {
    const auto plain_char = [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    };
    const bool plain =
        !identifier.empty() && !(identifier[0] >= '0' && identifier[0] <= '9') &&
        std::all_of(identifier.begin(), identifier.end(), plain_char) &&
        !sqlite3_keyword_check(identifier.data(), static_cast<int>(identifier.size()));
    return plain ? identifier : detail::quote_identifier(identifier);
  }

  std::string create_table(const Table& t) const override {
    std::string out = create_table_as(t, t.name);
    for (const Index& i : t.indexes) out += create_index(t.name, i);
    return out;
  }

  std::string create_index(const std::string& table, const Index& i) const override {
    std::string keys;
    for (const std::string& k : i.columns) {
      // A plain column name is quoted as any identifier; an expression or a key with COLLATE
      // or ASC/DESC is SQL as written.
      keys += (keys.empty() ? "" : ", ") + (key_column(k) == k ? quote(k) : k);
    }
    return std::string("CREATE ") + (i.unique ? "UNIQUE " : "") + "INDEX " + quote(i.name) +
           " ON " + quote(table) + " (" + keys + ")" + (i.where ? " WHERE " + *i.where : "") +
           ";\n";
  }

  std::string create_object(const SqlObject& o) const override {
    std::string out = o.sql + ";\n";
    if (external_content_fts5(o)) {
      out += "INSERT INTO " + quote(o.name) + " (" + quote(o.name) + ") VALUES ('rebuild');\n";
    }
    return out;
  }

  std::string render(const Change& change) const override {
    return std::visit([this](const auto& c) { return render_one(c); }, change);
  }

 private:
  std::string column_list(const std::vector<std::string>& columns) const {
    std::string out;
    for (const std::string& c : columns) out += (out.empty() ? "" : ", ") + quote(c);
    return out;
  }

  std::string column_definition(const Table& t, const Column& c) const {
    std::string out = quote(c.name) + (c.type.empty() ? "" : " " + c.type);  // SQLite allows none
    if (c.not_null) out += " NOT NULL";
    if (c.generated) {
      out += " GENERATED ALWAYS AS (" + *c.generated + ")" + (c.stored ? " STORED" : " VIRTUAL");
    }
    if (c.default_sql) out += default_clause(*c.default_sql);
    if (c.collate) out += " COLLATE " + *c.collate;
    if (c.check) {
      out +=
          " CONSTRAINT " + quote(column_check_name(t.name, c.name)) + " CHECK (" + *c.check + ")";
    }
    if (t.primary_key.size() == 1 && t.primary_key[0] == c.name) {
      out += " CONSTRAINT " + quote(primary_key_name(t.name)) + " PRIMARY KEY";
      if (t.autoincrement) out += " AUTOINCREMENT";
    }
    for (const UniqueConstraint& u : t.unique_constraints) {
      if (u.in_column && u.columns == std::vector<std::string>{c.name}) {
        out += " CONSTRAINT " + quote(unique_constraint_name(t.name, u.columns)) + " UNIQUE";
      }
    }
    return out;
  }

  // CREATE TABLE `name` with `t`'s definition; constraint names always follow `t.name`.
  std::string create_table_as(const Table& t, const std::string& name) const {
    std::vector<std::string> parts;
    for (const Column& c : t.columns) parts.push_back(column_definition(t, c));
    if (t.primary_key.size() > 1) {
      parts.push_back("CONSTRAINT " + quote(primary_key_name(t.name)) + " PRIMARY KEY (" +
                      column_list(t.primary_key) + ")");
    }
    for (const ForeignKey& fk : t.foreign_keys) {
      std::string f = "CONSTRAINT " + quote(fk.name) + " FOREIGN KEY (" + column_list(fk.columns) +
                      ") REFERENCES " + quote(fk.ref_table);
      if (!fk.ref_columns.empty()) f += " (" + column_list(fk.ref_columns) + ")";
      if (!fk.on_delete.empty()) f += " ON DELETE " + fk.on_delete;
      if (!fk.on_update.empty()) f += " ON UPDATE " + fk.on_update;
      if (fk.deferred) f += " DEFERRABLE INITIALLY DEFERRED";
      parts.push_back(std::move(f));
    }
    for (const UniqueConstraint& u : t.unique_constraints) {
      if (u.in_column) continue;
      parts.push_back("CONSTRAINT " + quote(unique_constraint_name(t.name, u.columns)) +
                      " UNIQUE (" + column_list(u.columns) + ")");
    }
    for (const Check& c : t.checks) {
      parts.push_back("CONSTRAINT " + quote(c.name) + " CHECK (" + c.expression + ")");
    }
    std::string out = "CREATE TABLE " + quote(name) + " (\n";
    for (std::size_t i = 0; i < parts.size(); ++i) {
      out += kIndent + parts[i] + (i + 1 < parts.size() ? ",\n" : "\n");
    }
    out += ")";
    if (t.without_rowid) out += " WITHOUT ROWID";
    if (t.strict) out += t.without_rowid ? ", STRICT" : " STRICT";
    return out + ";\n";
  }

  std::string render_one(const CreateTable& c) const { return create_table(c.table); }
  std::string render_one(const DropTable& c) const {
    return "DROP TABLE " + quote(c.table.name) + ";\n";
  }
  std::string render_one(const RenameTable& c) const {
    return "ALTER TABLE " + quote(c.from) + " RENAME TO " + quote(c.to) + ";\n";
  }
  std::string render_one(const AddColumn& c) const {
    Table t;
    t.name = c.table;
    return "ALTER TABLE " + quote(c.table) + " ADD COLUMN " + column_definition(t, c.column) +
           ";\n";
  }
  std::string render_one(const DropColumn& c) const {
    return "ALTER TABLE " + quote(c.table) + " DROP COLUMN " + quote(c.column.name) + ";\n";
  }
  std::string render_one(const RenameColumn& c) const {
    return "ALTER TABLE " + quote(c.table) + " RENAME COLUMN " + quote(c.from) + " TO " +
           quote(c.to) + ";\n";
  }
  std::string render_one(const CreateIndex& c) const { return create_index(c.table, c.index); }
  std::string render_one(const CreateObject& c) const { return create_object(c.object); }
  std::string render_one(const DropObject& c) const {
    const char* what = c.object.kind == SqlObject::Kind::kView      ? "VIEW"
                       : c.object.kind == SqlObject::Kind::kTrigger ? "TRIGGER"
                                                                    : "TABLE";
    return std::string("DROP ") + what + " " + quote(c.object.name) + ";\n";
  }
  std::string render_one(const DropIndex& c) const {
    return "DROP INDEX " + quote(c.index.name) + ";\n";
  }

  // The copy fills NOT NULL columns that were nullable with their default (COALESCE).
  std::string render_one(const RebuildTable& c) const {
    const std::string temp = kRebuildPrefix + c.to.name;
    std::string targets, sources;
    for (const auto& [to_column, from_column] : c.copy) {
      const Column* to = c.to.find_column(to_column);
      const Column* from = c.from.find_column(from_column);
      std::string source = quote(from_column);
      if (to && from && to->not_null && !from->not_null && to->default_sql) {
        source = "COALESCE(" + source + ", " + *to->default_sql + ")";
      }
      targets += (targets.empty() ? "" : ", ") + quote(to_column);
      sources += (sources.empty() ? "" : ", ") + source;
    }
    // A NOT NULL column without a default that the old table lacks (undoing its drop) gets the
    // zero value of its type; its old values were lost when it was dropped.
    for (const Column& column : c.to.columns) {
      const bool copied = std::any_of(c.copy.begin(), c.copy.end(),
                                      [&](const auto& p) { return p.first == column.name; });
      if (copied || !column.not_null || column.default_sql || column.generated) continue;
      targets += (targets.empty() ? "" : ", ") + quote(column.name);
      sources += (sources.empty() ? "" : ", ") + zero_value(column.type);
    }
    std::string out = "-- rebuild " + quote(c.to.name) + " (SQLite's generalized ALTER TABLE)\n";
    out += create_table_as(c.to, temp);
    if (!targets.empty()) {
      out += copy_marker(c.from.name) + "\n";
      out += "INSERT INTO " + quote(temp) + " (" + targets + ")\n" + kIndent + "SELECT " + sources +
             " FROM " + quote(c.from.name) + ";\n";
    }
    out += "DROP TABLE " + quote(c.from.name) + ";\n";
    out += "ALTER TABLE " + quote(temp) + " RENAME TO " + quote(c.to.name) + ";\n";
    return out;
  }
};

}  // namespace

std::unique_ptr<Dialect> make_sqlite_dialect() { return std::make_unique<SqliteDialect>(); }

std::unique_ptr<Dialect> make_dialect(std::string_view name) {
  return name == kPostgresql ? make_postgresql_dialect() : make_sqlite_dialect();
}

std::string Dialect::render_all(const std::vector<Change>& changes) const {
  std::string out;
  for (const Change& c : changes) {
    const bool block =
        std::holds_alternative<CreateTable>(c) || std::holds_alternative<CreateObject>(c);
    if (!out.empty() && block) out += "\n";
    out += render(c);
  }
  return out;
}

std::string render_changes(const Dialect& dialect, const std::vector<Change>& changes) {
  return dialect.render_all(changes);
}

std::string render_schema(const Dialect& dialect, const Schema& schema) {
  std::string out;
  for (const Table& t : schema.tables) {
    if (!out.empty()) out += '\n';
    out += dialect.create_table(t);
  }
  for (const SqlObject& o : schema.objects) out += "\n" + dialect.create_object(o);
  return out;
}

}  // namespace retort
