// Reads a live PostgreSQL schema (the connection's current schema) from pg_catalog into the
// Schema its models declare; what the annotations cannot declare is a problem named at its place.
#include "pg_adopt.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "model_header.hpp"
#include "retort/detail/pg.hpp"
#include "retort/detail/sql_lexer.hpp"
#include "retort/detail/sql_text.hpp"
#include "retort/revision.hpp"

namespace retort {
namespace {

using detail::pg::identifier;
using detail::pg::literal;
using detail::pg::query_rows;
using Row = std::vector<std::string>;

constexpr const char* kSeparator = "\x1f";

// The relations of the current schema that are tables, the version table left out.
std::string own_tables(const std::string& alias) {
  return alias + ".relnamespace = current_schema()::regnamespace AND " + alias +
         ".relkind IN ('r', 'p') AND " + alias + ".relname <> " + literal(kVersionTable);
}

// The names of the columns `attnums` (an int2vector's column) of relation `rel`, in order.
std::string column_names(const std::string& attnums, const std::string& rel) {
  return "(SELECT string_agg(a.attname, E'\\x1f' ORDER BY k.i) FROM unnest(" + attnums +
         ") WITH ORDINALITY k(n, i) JOIN pg_attribute a ON a.attrelid = " + rel +
         " AND a.attnum = k.n)";
}

std::vector<std::string> split(const std::string& joined) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= joined.size()) {
    const std::size_t end = std::min(joined.find(kSeparator, start), joined.size());
    out.push_back(joined.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

Table* table_named(Schema& s, const std::string& name) {
  for (Table& t : s.tables) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

// The types the models' C++ types map to; any other is given with RETORT_TYPE_FOR.
bool neutral_type(const std::string& type) {
  static const char* const kTypes[] = {"bigint", "integer",          "smallint", "boolean",
                                       "real",   "double precision", "text",     "bytea"};
  return std::find(std::begin(kTypes), std::end(kTypes), type) != std::end(kTypes);
}

bool integer(const std::string& type) {
  return type == "bigint" || type == "integer" || type == "smallint";
}

void read_tables(PGconn* conn, Schema& s, std::vector<std::string>& problems) {
  query_rows(conn,
             "SELECT c.relname, c.relkind, c.relpersistence, c.relrowsecurity, "
             "EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = c.oid OR i.inhparent = "
             "c.oid) FROM pg_class c WHERE " +
                 own_tables("c") + " ORDER BY c.relname",
             [&](const Row& r) {
               const std::string at = "table '" + r[0] + "': ";
               if (r[1] == "p" || r[4] == "t") {
                 problems.push_back(at + "partitioned or inherited tables cannot be declared");
               }
               if (r[2] == "u") problems.push_back(at + "UNLOGGED tables cannot be declared");
               if (r[3] == "t") {
                 problems.push_back(at +
                                    "row-level security cannot be declared (a policy is "
                                    "no object POSTGRESQL_OBJECTS holds)");
               }
               Table t;
               t.name = r[0];
               s.tables.push_back(std::move(t));
             });
}

using Identities = std::set<std::pair<std::string, std::string>>;  // (table, column)

void read_columns(PGconn* conn, Schema& s, Identities& identities,
                  std::vector<std::string>& problems) {
  query_rows(
      conn,
      "SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, "
      "pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated, "
      "CASE WHEN a.attcollation <> t.typcollation THEN co.collname END, "
      // Where a type not PostgreSQL's own comes from: an extension, or the database.
      "CASE WHEN t.typnamespace = 'pg_catalog'::regnamespace THEN NULL ELSE coalesce((SELECT "
      "x.extname FROM pg_depend e JOIN pg_extension x ON x.oid = e.refobjid WHERE e.classid = "
      "'pg_type'::regclass AND e.objid = t.oid AND e.deptype = 'e'), CASE WHEN t.typtype IN "
      "('e', 'd', 'c', 'r', 'm') THEN '' END) END, "
      // A serial column: its default calls the sequence it owns, named as SERIAL names it.
      "EXISTS (SELECT 1 FROM pg_depend o JOIN pg_class q ON q.oid = o.objid WHERE o.classid = "
      "'pg_class'::regclass AND o.refobjid = c.oid AND o.refobjsubid = a.attnum AND q.relkind = "
      "'S' AND o.deptype = 'a' AND q.relname = c.relname || '_' || a.attname || '_seq' AND "
      "pg_get_expr(d.adbin, d.adrelid) = format('nextval(%L::regclass)', quote_ident(q.relname)))"
      " FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
      "JOIN pg_type t ON t.oid = a.atttypid "
      "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
      "LEFT JOIN pg_collation co ON co.oid = a.attcollation "
      "WHERE a.attnum > 0 AND NOT a.attisdropped AND " +
          own_tables("c") + " ORDER BY c.relname, a.attnum",
      [&](const Row& r) {
        Table* t = table_named(s, r[0]);
        if (!t) return;
        const std::string at = "table '" + r[0] + "', column '" + r[1] + "': ";
        Column c;
        c.name = r[1];
        c.type = r[2];
        c.not_null = r[3] == "t";
        if (r[8] == "") {
          problems.push_back(at + "its type '" + r[2] +
                             "' is defined in the database (CREATE TYPE or DOMAIN), which "
                             "POSTGRESQL_OBJECTS cannot hold");
        } else if (r[8] != "NULL") {
          problems.push_back(at + "its type '" + r[2] + "' comes from the extension '" + r[8] +
                             "', which a baseline creates after its tables");
        }
        if (r[9] == "t") {
          c.type = r[2] == "bigint" ? "BIGSERIAL" : r[2] == "smallint" ? "SMALLSERIAL" : "SERIAL";
        } else if (r[6] == "s") {
          c.generated = r[4];
          c.stored = true;
        } else if (r[4] != "NULL") {
          c.default_sql = r[4];
        }
        if (r[5] == "a") {
          problems.push_back(at +
                             "GENERATED ALWAYS AS IDENTITY cannot be declared (Retort's "
                             "keys are BY DEFAULT): ALTER TABLE " +
                             identifier(r[0]) + " ALTER COLUMN " + identifier(r[1]) +
                             " SET GENERATED BY DEFAULT, then adopt it");
        }
        if (r[5] == "d") identities.insert({r[0], r[1]});
        if (r[7] != "NULL") c.collate = r[7];
        t->columns.push_back(std::move(c));
      });
}

const char* action(const std::string& code) {
  if (code == "r") return "RESTRICT";
  if (code == "c") return "CASCADE";
  if (code == "n") return "SET NULL";
  if (code == "d") return "SET DEFAULT";
  return "";
}

// A foreign key of `t` from its pg_constraint row (see read_constraints()).
void add_foreign_key(Table& t, const Row& r, const std::string& at,
                     std::vector<std::string>& problems) {
  const std::vector<std::string> columns = split(r[3]);
  if (columns.size() != 1) {
    problems.push_back(at +
                       "a foreign key over several columns, which RETORT_REFERENCES cannot "
                       "declare");
    return;
  }
  if (r[5] != "t") problems.push_back(at + "it references a table of another schema");
  if (r[9] == "f" || r[9] == "p") problems.push_back(at + "MATCH FULL cannot be declared");
  if (r[10] == "t" && r[11] != "t") {
    problems.push_back(at +
                       "DEFERRABLE INITIALLY IMMEDIATE cannot be declared (only "
                       "RETORT_DEFERRED, INITIALLY DEFERRED)");
  }
  ForeignKey fk;
  fk.name = foreign_key_name(t.name, columns[0], r[4]);
  fk.columns = columns;
  fk.ref_table = r[4];
  fk.ref_columns = split(r[6]);
  fk.on_update = action(r[7]);
  fk.on_delete = action(r[8]);
  fk.deferred = r[11] == "t";
  t.foreign_keys.push_back(std::move(fk));
}

void read_constraints(PGconn* conn, Schema& s, std::vector<std::string>& problems) {
  query_rows(
      conn,
      "SELECT c.relname, con.conname, con.contype, " + column_names("con.conkey", "con.conrelid") +
          ", r.relname, r.relnamespace = current_schema()::regnamespace, " +
          column_names("con.confkey", "con.confrelid") +
          ", con.confupdtype, con.confdeltype, con.confmatchtype, con.condeferrable, "
          "con.condeferred, pg_get_expr(con.conbin, con.conrelid), con.convalidated, "
          "pg_get_constraintdef(con.oid) FROM pg_constraint con "
          "JOIN pg_class c ON c.oid = con.conrelid LEFT JOIN pg_class r ON r.oid = con.confrelid "
          "WHERE " +
          own_tables("c") + " ORDER BY c.relname, con.conname",
      [&](const Row& r) {
        Table* t = table_named(s, r[0]);
        if (!t) return;
        const std::string at = "table '" + r[0] + "', constraint '" + r[1] + "': ";
        const std::vector<std::string> columns = split(r[3]);
        if (r[13] == "f") problems.push_back(at + "NOT VALID; validate it, then adopt");
        if (r[2] == "p") {
          t->primary_key = columns;
        } else if (r[2] == "u") {
          t->unique_constraints.push_back(
              {unique_constraint_name(t->name, columns), columns, columns.size() == 1});
        } else if (r[2] == "c") {
          t->checks.push_back({"", r[12], ""});
        } else if (r[2] == "f") {
          add_foreign_key(*t, r, at, problems);
        } else {
          problems.push_back(at + "'" + r[14] + "' cannot be declared");
        }
      });
}

// An index's keys as pg_get_indexdef prints them, and what follows them ("" or "WHERE ...");
// false when it is no btree index.
bool index_keys(const std::string& definition, std::vector<std::string>& keys, std::string& rest) {
  const std::string using_btree = " USING btree (";
  const std::size_t open = definition.find(using_btree);
  if (open == std::string::npos) return false;
  const std::size_t begin = open + using_btree.size();
  int depth = 1;
  std::size_t i = begin;
  for (; i < definition.size() && depth > 0; ++i) {
    if (definition[i] == '(') ++depth;
    if (definition[i] == ')') --depth;
    if (definition[i] == '"' || definition[i] == '\'') {
      const std::size_t close = definition.find(definition[i], i + 1);
      if (close != std::string::npos) i = close;
    }
  }
  keys = split_sql_list(definition.substr(begin, i - 1 - begin));
  rest = collapse_blanks(definition.substr(i));
  return true;
}

void read_indexes(PGconn* conn, Schema& s, std::vector<std::string>& problems) {
  query_rows(
      conn,
      "SELECT c.relname, i.relname, x.indisunique, pg_get_indexdef(i.oid), "
      "pg_get_expr(x.indpred, x.indrelid), x.indisvalid FROM pg_index x "
      "JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid WHERE " +
          own_tables("c") +
          " AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = i.oid AND "
          "con.conrelid = c.oid) ORDER BY i.relname",
      [&](const Row& r) {
        Table* t = table_named(s, r[0]);
        if (!t) return;
        const std::string at = "table '" + r[0] + "', index '" + r[1] + "': ";
        std::vector<std::string> keys;
        std::string rest;
        if (!index_keys(r[3], keys, rest)) {
          problems.push_back(at + "only btree indexes can be declared ('" + r[3] + "')");
          return;
        }
        if (r[5] != "t") problems.push_back(at + "INVALID (a failed concurrent build); drop it");
        Index index{r[1], {}, r[2] == "t", std::nullopt};
        if (r[4] != "NULL") {
          index.where = collapse_blanks(r[4]);
          rest = rest.substr(std::min(rest.size(), rest.find("WHERE")));
          if (rest.rfind("WHERE ", 0) == 0) rest.clear();
        }
        if (!rest.empty()) {
          problems.push_back(at + "'" + rest + "' cannot be declared");
          return;
        }
        for (const std::string& k : keys) {
          const std::vector<SqlToken> tokens = lex_sql(k);
          const bool plain = tokens.size() == 1 && (tokens[0].kind == SqlToken::Kind::kWord ||
                                                    tokens[0].kind == SqlToken::Kind::kName);
          index.columns.push_back(plain ? column_key(identifier_of(k, tokens[0])) : k);
        }
        t->indexes.push_back(std::move(index));
      });
}

// Keys and identities: a single integer key is an identity (BY DEFAULT) or a serial, as the
// PostgreSQL dialect writes it; an identity elsewhere cannot be declared.
void check_keys(Schema& s, const Identities& identities, std::vector<std::string>& problems) {
  for (Table& t : s.tables) {
    int n = 0;
    for (Check& c : t.checks) c.name = table_check_name(t.name, ++n);
    for (Column& c : t.columns) {
      const bool identity = identities.count({t.name, c.name}) > 0;
      const bool key = t.primary_key.size() == 1 && t.primary_key[0] == c.name;
      const std::string at = "table '" + t.name + "', column '" + c.name + "': ";
      if (identity && !key) {
        problems.push_back(at +
                           "an identity column that is not the table's single primary "
                           "key cannot be declared");
      }
      if (key && integer(c.type) && !identity && !c.generated) {
        problems.push_back(
            at +
            "an integer primary key without identity or serial default, which Retort's "
            "models give every single integer key on PostgreSQL: ALTER TABLE " +
            identifier(t.name) + " ALTER COLUMN " + identifier(c.name) +
            " ADD GENERATED BY DEFAULT AS IDENTITY (starting past its keys), then adopt it");
      }
    }
  }
}

}  // namespace

Adoption read_postgresql_schema(PGconn* conn) {
  Adoption out;
  Identities identities;
  read_tables(conn, out.schema, out.problems);
  read_columns(conn, out.schema, identities, out.problems);
  read_constraints(conn, out.schema, out.problems);
  read_indexes(conn, out.schema, out.problems);
  check_keys(out.schema, identities, out.problems);
  read_postgresql_objects(conn, out.schema, out.problems);
  sort_tables(out.schema);
  link_objects(out.schema);
  return out;
}

MemberType postgresql_member_type(const Table&, const Column& c) {
  static const std::map<std::string, std::string> kCpp = {{"bigint", "std::int64_t"},
                                                          {"integer", "std::int32_t"},
                                                          {"smallint", "std::int16_t"},
                                                          {"boolean", "bool"},
                                                          {"real", "float"},
                                                          {"double precision", "double"},
                                                          {"text", "std::string"},
                                                          {"bytea", "std::vector<std::uint8_t>"}};
  if (neutral_type(c.type)) return {kCpp.at(c.type), {}};
  const std::string cpp = c.type == "BIGSERIAL"     ? "std::int64_t"
                          : c.type == "SERIAL"      ? "std::int32_t"
                          : c.type == "SMALLSERIAL" ? "std::int16_t"
                                                    : "std::string";
  return {cpp, {"RETORT_TYPE_FOR(\"postgresql\", " + cpp_literal(c.type) + ")"}};
}

}  // namespace retort
