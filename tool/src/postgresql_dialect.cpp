// The PostgreSQL dialect: identity keys, named constraints, and ALTER TABLE for every change
// SQLite needs a rebuild for (RebuildTable becomes the ALTER statements from one table to the
// other).
#include <algorithm>
#include <map>
#include <set>

#include "emit.hpp"
#include "retort/detail/pg.hpp"
#include "retort/detail/sql_lexer.hpp"

namespace retort {
namespace {

constexpr const char* kIndent = "    ";

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

// The value a NOT NULL column added without a default gets in rows that exist (the down step
// of a drop, say: the values themselves went with the column).
std::string zero_value(const std::string& type) {
  const std::string u = to_upper(type.substr(0, type.find('(')));
  if (integer_type(u) || u == "REAL" || u == "DOUBLE PRECISION" || u == "NUMERIC" ||
      u == "DECIMAL") {
    return "0";
  }
  if (u == "BOOLEAN") return "FALSE";
  if (u == "BYTEA") return "'\\x'::bytea";
  if (u == "JSON" || u == "JSONB") return "'{}'";
  if (u == "UUID") return "'00000000-0000-0000-0000-000000000000'";
  if (u == "DATE" || u.rfind("TIMESTAMP", 0) == 0) return "'epoch'";
  return "''";
}

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

class TableAlteration;

class PostgresqlDialect final : public Dialect {
  friend class TableAlteration;

 public:
  std::string quote(const std::string& identifier) const override {
    return detail::pg::identifier(identifier);
  }

  std::string create_table(const Table& t) const override {
    std::string out = create_table_only(t);
    for (const Index& i : t.indexes) out += create_index(t.name, i);
    return out;
  }

  std::string create_index(const std::string& table, const Index& i) const override {
    std::string keys;
    for (const std::string& k : i.columns) keys += (keys.empty() ? "" : ", ") + index_key(k);
    return std::string("CREATE ") + (i.unique ? "UNIQUE " : "") + "INDEX " + quote(i.name) +
           " ON " + quote(table) + " (" + keys + ")" + (i.where ? " WHERE " + *i.where : "") +
           ";\n";
  }

  std::string create_object(const SqlObject& o) const override { return o.sql + ";\n"; }

  std::string render(const Change& change) const override {
    return std::visit([this](const auto& c) { return render_one(c); }, change);
  }

 private:
  std::string index_key(const std::string& key) const {
    const KeyParts parts = key_parts(key);
    const std::string column = key_column(parts.base);
    std::string out = !column.empty()                    ? quote(column)
                      : needs_no_parentheses(parts.base) ? parts.base
                                                         : "(" + parts.base + ")";
    // SQLite's own collations have no PostgreSQL counterpart: the default order stands.
    const std::string collate = to_upper(parts.collate);
    if (!parts.collate.empty() && collate != "BINARY" && collate != "NOCASE" &&
        collate != "RTRIM") {
      out += " COLLATE " + quote(parts.collate);
    }
    if (!parts.order.empty()) out += " " + parts.order;
    return out;
  }

  std::string column_list(const std::vector<std::string>& columns) const {
    std::string out;
    for (const std::string& c : columns) out += (out.empty() ? "" : ", ") + quote(c);
    return out;
  }

  // The column's type with its collation: what ALTER COLUMN ... TYPE takes too.
  std::string type_of(const Column& c) const {
    return c.type + (c.collate ? " COLLATE " + quote(*c.collate) : "");
  }

  std::string column_definition(const Table& t, const Column& c, const std::string& names) const {
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

  std::string foreign_key(const ForeignKey& fk) const {
    std::string f = "CONSTRAINT " + quote(fk.name) + " FOREIGN KEY (" + column_list(fk.columns) +
                    ") REFERENCES " + quote(fk.ref_table);
    if (!fk.ref_columns.empty()) f += " (" + column_list(fk.ref_columns) + ")";
    if (!fk.on_delete.empty()) f += " ON DELETE " + fk.on_delete;
    if (!fk.on_update.empty()) f += " ON UPDATE " + fk.on_update;
    if (fk.deferred) f += " DEFERRABLE INITIALLY DEFERRED";
    return f;
  }

  std::string primary_key(const Table& t, const std::string& names) const {
    return "CONSTRAINT " + quote(primary_key_name(names)) + " PRIMARY KEY (" +
           column_list(t.primary_key) + ")";
  }

  std::string unique(const UniqueConstraint& u) const {
    return "CONSTRAINT " + quote(u.name) + " UNIQUE (" + column_list(u.columns) + ")";
  }

  std::string check(const Check& c) const {
    return "CONSTRAINT " + quote(c.name) + " CHECK (" + c.expression + ")";
  }

  std::string create_table_only(const Table& t) const {
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
    return "ALTER TABLE " + quote(c.table) + " ADD COLUMN " +
           column_definition(t, c.column, c.table) + ";\n";
  }
  std::string render_one(const DropColumn& c) const {
    return "ALTER TABLE " + quote(c.table) + " DROP COLUMN " + quote(c.column.name) + ";\n";
  }
  std::string render_one(const RenameColumn& c) const {
    return "ALTER TABLE " + quote(c.table) + " RENAME COLUMN " + quote(c.from) + " TO " +
           quote(c.to) + ";\n";
  }
  std::string render_one(const CreateIndex& c) const { return create_index(c.table, c.index); }
  std::string render_one(const DropIndex& c) const {
    return "DROP INDEX " + quote(c.index.name) + ";\n";
  }
  std::string render_one(const CreateObject& c) const { return create_object(c.object); }
  std::string render_one(const DropObject& c) const {
    switch (c.object.kind) {
      case SqlObject::Kind::kTrigger:
        return "DROP TRIGGER " + quote(c.object.name) + " ON " +
               quote(trigger_table(c.object.sql)) + ";\n";
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

  std::string render_one(const RebuildTable& c) const;
};

// One table altered in place, from `from` to `to`: constraints that go are dropped, columns
// dropped, renamed, changed and added, constraints that stay but follow a new name renamed,
// new ones added. Rows are kept; a column that becomes NOT NULL gets its default in the rows
// that hold NULL first.
class TableAlteration {
 public:
  TableAlteration(const PostgresqlDialect& d, const RebuildTable& c)
      : d_(d),
        c_(c),
        names_from_(c.names_from.empty() ? c.from.name : c.names_from),
        names_to_(c.names_to.empty() ? c.to.name : c.names_to),
        table_(d.quote(c.to.name)) {
    for (const auto& [to_column, from_column] : c.copy) new_name_[from_column] = to_column;
  }

  std::string run() {
    drop_constraints();
    drop_columns();
    rename_columns();
    change_columns();
    add_columns();
    rename_constraints();
    add_constraints();
    return out_;
  }

 private:
  void alter(const std::string& what) { out_ += "ALTER TABLE " + table_ + " " + what + ";\n"; }

  std::vector<std::string> renamed(std::vector<std::string> columns) const {
    for (std::string& c : columns) {
      if (const auto it = new_name_.find(c); it != new_name_.end()) c = it->second;
    }
    return columns;
  }
  // The column of `to` a column of `from` became, or nullptr when it goes.
  const Column* kept_as(const Column& was) const {
    const auto it = new_name_.find(was.name);
    // A generated column is never copied: it stays under its name.
    const std::string& name = it != new_name_.end() ? it->second : was.name;
    if (it == new_name_.end() && !was.generated) return nullptr;
    const Column* now = c_.to.find_column(name);
    // A generated column cannot change its expression in place (PostgreSQL 15): it goes and
    // comes back.
    if (!now || now->generated != was.generated) return nullptr;
    return now;
  }

  // The constraints of a table by kind and definition (columns under `to`'s names), each with
  // its name in the database.
  std::map<std::string, std::string> constraints(const Table& t, bool from) const {
    const std::string& names = from ? names_from_ : names_to_;
    const auto columns = [&](const std::vector<std::string>& cs) {
      return from ? renamed(cs) : cs;
    };
    std::map<std::string, std::string> out;  // definition → name
    if (!t.primary_key.empty()) {
      out["pk " + d_.column_list(columns(t.primary_key))] = primary_key_name(names);
    }
    for (const ForeignKey& fk : t.foreign_keys) {
      ForeignKey same = fk;
      same.columns = columns(fk.columns);
      same.name = "";
      out[d_.foreign_key(same)] = fk.name;
    }
    for (const UniqueConstraint& u : t.unique_constraints) {
      out["unique " + d_.column_list(columns(u.columns))] = u.name;
    }
    for (const Check& ck : t.checks) out["check " + ck.expression] = ck.name;
    for (const Column& col : t.columns) {
      if (!col.check) continue;
      const Column* now = from ? kept_as(col) : &col;
      if (!now) continue;  // goes with its column
      out["check " + now->name + " " + *col.check] = column_check_name(names, col.name);
    }
    return out;
  }

  void drop_constraints() {
    before_ = constraints(c_.from, true);
    after_ = constraints(c_.to, false);
    for (const auto& [definition, name] : before_) {
      if (!after_.count(definition)) alter("DROP CONSTRAINT " + d_.quote(name));
    }
  }

  void drop_columns() {
    for (const Column& was : c_.from.columns) {
      if (!kept_as(was)) alter("DROP COLUMN " + d_.quote(was.name));
    }
  }

  void rename_columns() {
    for (const Column& was : c_.from.columns) {
      const Column* now = kept_as(was);
      if (now && now->name != was.name) {
        alter("RENAME COLUMN " + d_.quote(was.name) + " TO " + d_.quote(now->name));
      }
    }
  }

  void change_columns() {
    for (const Column& was : c_.from.columns) {
      const Column* now = kept_as(was);
      if (!now || now->generated) continue;
      const std::string column = "ALTER COLUMN " + d_.quote(now->name) + " ";
      const bool retyped = was.type != now->type || was.collate != now->collate;
      const bool was_identity = identity(c_.from, was);
      const bool is_identity = identity(c_.to, *now);
      if (was_identity && !is_identity) alter(column + "DROP IDENTITY");
      if (was.default_sql && (retyped || was.default_sql != now->default_sql)) {
        alter(column + "DROP DEFAULT");
      }
      if (retyped) {
        alter(column + "TYPE " + d_.type_of(*now) + " USING " + d_.quote(now->name) +
              "::" + now->type);
      }
      if (now->default_sql && (retyped || was.default_sql != now->default_sql)) {
        alter(column + "SET DEFAULT " + default_of(*now));
      }
      const bool was_not_null = was.not_null || was_identity;
      const bool not_null = now->not_null || is_identity;
      if (not_null && !was_not_null) {
        if (now->default_sql) {
          out_ += "UPDATE " + table_ + " SET " + d_.quote(now->name) + " = " + default_of(*now) +
                  " WHERE " + d_.quote(now->name) + " IS NULL;\n";
        }
        alter(column + "SET NOT NULL");
      } else if (!not_null && was_not_null) {
        alter(column + "DROP NOT NULL");
      }
      if (is_identity && !was_identity) {
        alter(column + "ADD GENERATED BY DEFAULT AS IDENTITY");
        // The identity's sequence starts past the keys the rows hold.
        out_ += "SELECT setval(pg_get_serial_sequence(" + detail::pg::literal(c_.to.name) + ", " +
                detail::pg::literal(now->name) + "), coalesce(max(" + d_.quote(now->name) +
                "), 0) + 1, false) FROM " + table_ + ";\n";
      }
    }
  }

  void add_columns() {
    std::set<std::string> kept;
    for (const Column& was : c_.from.columns) {
      if (const Column* now = kept_as(was)) kept.insert(now->name);
    }
    for (const Column& now : c_.to.columns) {
      if (kept.count(now.name)) continue;
      Column added = now;
      added.check.reset();  // added with the constraints, under its name
      const bool filled =
          added.not_null && !added.default_sql && !added.generated && !identity(c_.to, added);
      if (filled) added.default_sql = zero_value(added.type);
      alter("ADD COLUMN " + d_.column_definition(c_.to, added, names_to_));
      if (filled) alter("ALTER COLUMN " + d_.quote(added.name) + " DROP DEFAULT");
    }
  }

  void rename_constraints() {
    for (const auto& [definition, name] : before_) {
      const auto it = after_.find(definition);
      if (it != after_.end() && it->second != name) {
        alter("RENAME CONSTRAINT " + d_.quote(name) + " TO " + d_.quote(it->second));
      }
    }
  }

  void add_constraints() {
    for (const auto& [definition, name] : after_) {
      if (before_.count(definition)) continue;
      alter("ADD " + constraint_named(name));
    }
  }

  // The table constraint of `to` called `name`, as a definition.
  std::string constraint_named(const std::string& name) const {
    const Table& t = c_.to;
    if (name == primary_key_name(names_to_)) return d_.primary_key(t, names_to_);
    for (const ForeignKey& fk : t.foreign_keys) {
      if (fk.name == name) return d_.foreign_key(fk);
    }
    for (const UniqueConstraint& u : t.unique_constraints) {
      if (u.name == name) return d_.unique(u);
    }
    for (const Check& ck : t.checks) {
      if (ck.name == name) return d_.check(ck);
    }
    for (const Column& col : t.columns) {
      if (col.check && column_check_name(names_to_, col.name) == name) {
        return "CONSTRAINT " + d_.quote(name) + " CHECK (" + *col.check + ")";
      }
    }
    return "CONSTRAINT " + d_.quote(name);
  }

  const PostgresqlDialect& d_;
  const RebuildTable& c_;
  std::string names_from_, names_to_;
  std::string table_;
  std::map<std::string, std::string> new_name_;  // column of `from` → its name in `to`
  std::map<std::string, std::string> before_, after_;
  std::string out_;
};

std::string PostgresqlDialect::render_one(const RebuildTable& c) const {
  return TableAlteration(*this, c).run();
}

}  // namespace

std::unique_ptr<Dialect> make_postgresql_dialect() { return std::make_unique<PostgresqlDialect>(); }

}  // namespace retort
