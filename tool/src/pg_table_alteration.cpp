// A table altered in place on PostgreSQL, in the phases that keep a live service running
// (pg_phases.hpp): what RebuildTable becomes in place of SQLite's rebuild.
#include <algorithm>
#include <map>
#include <set>

#include "postgresql_dialect.hpp"
#include "retort/detail/pg.hpp"

namespace retort {
namespace {

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

}  // namespace

// One table altered in place, from `from` to `to`: constraints that go are dropped, columns
// dropped, renamed, changed and added, constraints that stay but follow a new name renamed,
// new ones added. Rows are kept; a column that becomes NOT NULL gets its default in the rows
// that hold NULL first. On a table that exists before the revision (`existing`), the safe
// forms: CHECKs and foreign keys added NOT VALID then validated in a transaction of their own,
// NOT NULL through a validated CHECK, UNIQUE over an index built concurrently.
class TableAlteration {
 public:
  TableAlteration(const PostgresqlDialect& d, const RebuildTable& c, bool existing,
                  PgPhases& phases)
      : d_(d),
        c_(c),
        existing_(existing),
        phases_(phases),
        names_from_(c.names_from.empty() ? c.from.name : c.names_from),
        names_to_(c.names_to.empty() ? c.to.name : c.names_to),
        table_(d.quote(c.to.name)) {
    for (const auto& [to_column, from_column] : c.copy) new_name_[from_column] = to_column;
  }

  void run() {
    drop_constraints();
    drop_columns();
    rename_columns();
    change_columns();
    add_columns();
    rename_constraints();
    add_constraints();
  }

 private:
  std::string altered(const std::string& what) const {
    return "ALTER TABLE " + table_ + " " + what + ";\n";
  }
  void alter(const std::string& what) { phases_.main += altered(what); }

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
        become_not_null(*now, is_identity);
      } else if (!not_null && was_not_null) {
        alter(column + "DROP NOT NULL");
      }
      if (is_identity && !was_identity) {
        alter(column + "ADD GENERATED BY DEFAULT AS IDENTITY");
        // The identity's sequence starts past the keys the rows hold.
        phases_.main += "SELECT setval(pg_get_serial_sequence(" + detail::pg::literal(c_.to.name) +
                        ", " + detail::pg::literal(now->name) + "), coalesce(max(" +
                        d_.quote(now->name) + "), 0) + 1, false) FROM " + table_ + ";\n";
      }
    }
  }

  // A column becomes NOT NULL: its NULLs get the default first. On an existing table, through
  // a CHECK added NOT VALID and validated apart (SET NOT NULL then needs no scan under its
  // ACCESS EXCLUSIVE lock); plainly where the column becomes a key (an identity, or a primary
  // key's column: the key sets NOT NULL itself).
  void become_not_null(const Column& now, bool key) {
    const std::string column = d_.quote(now.name);
    const std::string fill = now.default_sql
                                 ? "UPDATE " + table_ + " SET " + column + " = " + default_of(now) +
                                       " WHERE " + column + " IS NULL;\n"
                                 : "";
    const auto& pk = c_.to.primary_key;
    if (!existing_ || key || std::find(pk.begin(), pk.end(), now.name) != pk.end()) {
      phases_.main += fill;
      alter("ALTER COLUMN " + column + " SET NOT NULL");
      return;
    }
    const std::string helper = d_.quote(not_null_check_name(names_to_, now.name));
    alter("ADD CONSTRAINT " + helper + " CHECK (" + column + " IS NOT NULL) NOT VALID");
    if (!fill.empty()) phases_.fills.push_back(fill);
    phases_.validates.push_back(altered("VALIDATE CONSTRAINT " + helper));
    phases_.finals += altered("ALTER COLUMN " + column + " SET NOT NULL");
    phases_.finals += altered("DROP CONSTRAINT " + helper);
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
      const std::string added = "ADD " + constraint_named(name);
      const std::string kind = definition.substr(0, definition.find(' '));
      if (kind == "CONSTRAINT") {  // a foreign key: after the keys it may reference
        phases_.foreign_keys += altered(added + (existing_ ? " NOT VALID" : ""));
        if (existing_) {
          phases_.foreign_key_validates.push_back(altered("VALIDATE CONSTRAINT " + d_.quote(name)));
        }
      } else if (!existing_ || kind == "pk") {
        alter(added);
      } else if (kind == "check") {
        alter(added + " NOT VALID");
        phases_.validates.push_back(altered("VALIDATE CONSTRAINT " + d_.quote(name)));
      } else {  // unique: its index built concurrently, then taken over
        phases_.builds_outside.push_back(unique_index(name));
        phases_.finals +=
            altered("ADD CONSTRAINT " + d_.quote(name) + " UNIQUE USING INDEX " + d_.quote(name));
      }
    }
  }

  std::string unique_index(const std::string& name) const {
    for (const UniqueConstraint& u : c_.to.unique_constraints) {
      if (u.name == name) {
        return "CREATE UNIQUE INDEX CONCURRENTLY " + d_.quote(name) + " ON " + table_ + " (" +
               d_.column_list(u.columns) + ");\n";
      }
    }
    return "";
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
  bool existing_;
  PgPhases& phases_;
  std::string names_from_, names_to_;
  std::string table_;
  std::map<std::string, std::string> new_name_;  // column of `from` → its name in `to`
  std::map<std::string, std::string> before_, after_;
};

// One change alone, as the plain forms of a table the revision creates.
std::string PostgresqlDialect::render_one(const RebuildTable& c) const {
  PgPhases phases;
  alter_table(c, false, phases);
  return phases.render();
}

void PostgresqlDialect::alter_table(const RebuildTable& c, bool existing, PgPhases& phases) const {
  TableAlteration(*this, c, existing, phases).run();
}

}  // namespace retort
