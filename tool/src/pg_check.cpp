// Finds, piece by piece, what of a schema PostgreSQL refuses, and where the models wrote it.
#include "pg_check.hpp"

#include "dialects.hpp"
#include "emit.hpp"
#include "retort/detail/pg.hpp"
#include "retort/revision.hpp"

namespace retort {
namespace {

namespace pg = detail::pg;

// Where the models wrote a column's `what` ("type", "default", "check", "generated"): the
// PostgreSQL form's annotation, else the general one, else the member.
SourceLoc written_at(const Column& c, const std::string& what) {
  const auto& at = c.origin.annotations;
  for (const std::string& key : {what + "_for:" + kPostgresql, what}) {
    if (const auto it = at.find(key); it != at.end()) return it->second;
  }
  if (what == "generated") {
    if (const auto it = at.find("generated_stored"); it != at.end()) return it->second;
  }
  return c.origin.loc;
}

std::string form_of(const std::string& what) {
  return "RETORT_" + to_upper(what) + "_FOR(\"postgresql\", ...)";
}

class Locator {
 public:
  Locator(PostgresqlServer& server, const Schema& schema)
      : db_(server.database()),
        dialect_(make_postgresql_dialect()),
        schema_(for_dialect(schema, kPostgresql)) {}

  std::vector<Diagnostic> run() {
    for (const Table& t : schema_.tables) table(t);
    for (const SqlObject& o : schema_.objects) {
      const std::string error = pg::try_exec(conn(), dialect_->create_object(o));
      if (!error.empty()) {
        error_at(o.loc,
                 kind_name(o.kind) + " '" + o.name + "' does not create on PostgreSQL: " + error);
      }
    }
    return std::move(out_);
  }

 private:
  PGconn* conn() const { return db_->conn(); }
  void error_at(const SourceLoc& loc, std::string message) {
    out_.push_back({Severity::kError, loc, std::move(message)});
  }

  // `statement`'s error, "" when it runs; a failed one leaves nothing behind (autocommit).
  std::string attempt(const std::string& statement) {
    std::string error;
    for (const std::string& s : pg::split_statements(statement)) {
      error = pg::try_exec(conn(), s);
      if (!error.empty()) return error;
    }
    return "";
  }

  // The table with each column's type alone; a type PostgreSQL refuses is reported at its
  // annotation, and the column left out of the rest.
  void table(const Table& t) {
    Table bare;
    bare.name = t.name;
    for (const Column& c : t.columns) {
      if (c.generated) continue;
      Column plain;
      plain.name = c.name;
      plain.type = c.type;
      plain.collate = c.collate;
      Table probe;
      probe.name = "retort_probe";
      probe.columns = {plain};
      const std::string error = attempt(dialect_->create_table(probe));
      attempt("DROP TABLE IF EXISTS retort_probe");
      if (!error.empty()) {
        error_at(written_at(c, "type"), "column '" + c.name + "' of table '" + t.name +
                                            "': PostgreSQL refuses its type '" + c.type +
                                            "': " + error + "; give its PostgreSQL type with " +
                                            form_of("type"));
        continue;
      }
      bare.columns.push_back(plain);
    }
    if (!attempt(dialect_->create_table(bare)).empty()) return;  // a name it refuses: the proof
    for (const Column& c : t.columns) column(t, c, bare);
    for (const Check& ck : t.checks) {
      const std::string error =
          attempt("ALTER TABLE " + dialect_->quote(t.name) + " ADD CONSTRAINT " +
                  dialect_->quote(ck.name) + " CHECK (" + ck.expression + ")");
      if (!error.empty()) {
        error_at(t.origin.loc, "CHECK '" + ck.expression + "' of table '" + t.name +
                                   "' does not work on PostgreSQL: " + error +
                                   "; give PostgreSQL's with " + form_of("check"));
      }
    }
    for (const Index& i : t.indexes) {
      const std::string error = attempt(dialect_->create_index(t.name, i));
      if (!error.empty()) {
        error_at(t.origin.loc, "index '" + i.name + "' does not work on PostgreSQL: " + error);
      }
    }
  }

  // The column's default, CHECK and generating expression, each added on its own.
  void column(const Table& t, const Column& c, const Table& bare) {
    if (!bare.find_column(c.name) && !c.generated) return;  // its type was refused
    const auto try_part = [&](const std::string& what, Column part) {
      part.name = "retort_probe";
      part.not_null = false;
      const std::string error = attempt(dialect_->render(AddColumn{t.name, part}));
      attempt("ALTER TABLE " + dialect_->quote(t.name) + " DROP COLUMN IF EXISTS retort_probe");
      if (error.empty()) return;
      error_at(written_at(c, what), "the " + what + " of column '" + c.name + "' of table '" +
                                        t.name + "' does not work on PostgreSQL: " + error +
                                        "; give PostgreSQL's with " + form_of(what));
    };
    Column base;
    base.type = c.type;
    if (c.default_sql) {
      Column part = base;
      part.default_sql = c.default_sql;
      try_part("default", part);
    }
    if (c.check) {
      Column part = base;
      // The expression names the column: the probe stands in for it.
      part.check = "true OR (" + *c.check + ") IS NULL";
      try_part("check", part);
    }
    if (c.generated) {
      Column part = base;
      part.generated = c.generated;
      part.stored = true;
      try_part("generated", part);
    }
  }

  std::unique_ptr<ScratchDatabase> db_;
  std::unique_ptr<Dialect> dialect_;
  Schema schema_;
  std::vector<Diagnostic> out_;
};

}  // namespace

std::vector<Diagnostic> locate_postgresql_errors(PostgresqlServer& server, const Schema& schema) {
  return Locator(server, schema).run();
}

}  // namespace retort
