// Scratch databases on a PostgreSQL server for the proof of a revision's PostgreSQL sections.
#include "pg_proof.hpp"

#include <algorithm>
#include <optional>

#include "dialects.hpp"
#include "emit.hpp"
#include "pg_certificate.hpp"
#include "retort/detail/pg.hpp"
#include "retort/detail/sql_text.hpp"
#include "retort/postgresql.hpp"

namespace retort {
namespace {

namespace pg = detail::pg;

class PgProofDatabase final : public ProofDatabase {
 public:
  explicit PgProofDatabase(std::unique_ptr<ScratchDatabase> db) : db_(std::move(db)) {}

  void upgrade(const std::vector<Revision>& revisions) override {
    LockObserver observer(db_->conn(), watched_, false, locks_up_ ? *locks_up_ : unwatched_);
    retort::upgrade(db_->conn(), revisions, "head", watching(observer, locks_up_), options());
  }
  void downgrade(const std::vector<Revision>& revisions) override {
    LockObserver observer(db_->conn(), watched_, true, locks_down_ ? *locks_down_ : unwatched_);
    retort::downgrade(db_->conn(), revisions, "-1", watching(observer, locks_down_), options());
  }
  void watch_locks(const std::string& revision, VerifyReport& report) override {
    watched_ = revision;
    locks_up_ = report.locks_up.empty() ? &report.locks_up : nullptr;
    locks_down_ = report.locks_down.empty() ? &report.locks_down : nullptr;
  }
  std::string insert(const std::string& table,
                     const std::vector<std::pair<std::string, std::string>>& values) override {
    std::string columns, literals;
    for (const auto& [column, literal] : values) {
      columns += (columns.empty() ? "" : ", ") + pg::identifier(column);
      literals += (literals.empty() ? "" : ", ") + literal;
    }
    return pg::try_exec(db_->conn(), "INSERT INTO " + pg::identifier(table) + " (" + columns +
                                         ") VALUES (" + literals + ")");
  }
  std::vector<std::string> rows(const std::string& table,
                                const std::vector<std::string>& columns) override {
    std::string select = "''";
    for (const std::string& c : columns) {
      select += " || quote_nullable(" + pg::identifier(c) + ") || '|'";
    }
    std::vector<std::string> out;
    pg::query_rows(db_->conn(), "SELECT " + select + " FROM " + pg::identifier(table),
                   [&](const std::vector<std::string>& row) { out.push_back(row[0]); });
    std::sort(out.begin(), out.end());
    return out;
  }
  void expect(ProofDatabase& expected_db, const std::string& step,
              std::vector<std::string>& problems) override {
    auto& expected = dynamic_cast<PgProofDatabase&>(expected_db);
    for (const std::string& d : compare_schemas(expected.facts(), pg::introspect(conn()))) {
      problems.push_back(step + ": " + d);
    }
    for (const std::string& d :
         compare_objects(expected.objects(), pg::introspect_objects(conn()))) {
      problems.push_back(step + ": " + d);
    }
    pg::query_rows(conn(),
                   "SELECT c.relname, con.conname FROM pg_constraint con JOIN pg_class c ON "
                   "c.oid = con.conrelid WHERE NOT con.convalidated AND c.relnamespace = "
                   "current_schema()::regnamespace",
                   [&](const std::vector<std::string>& r) {
                     problems.push_back(step + ": table '" + r[0] + "': constraint '" + r[1] +
                                        "' is left NOT VALID");
                   });
  }

  PGconn* conn() const { return db_->conn(); }
  const LiveSchema& facts() {
    if (!facts_) facts_ = pg::introspect(conn());
    return *facts_;
  }
  const LiveObjects& objects() {
    if (!objects_) objects_ = pg::introspect_objects(conn());
    return *objects_;
  }

 private:
  // The observer's callback for a direction measured once, the first time it runs.
  static ProgressCallback watching(LockObserver& observer, std::vector<StatementLock>*& into) {
    if (!into) return {};
    into = nullptr;
    return [&observer](const Progress& p) { observer(p); };
  }

  static PostgresqlOptions options() {
    PostgresqlOptions o;
    o.tries = 1;  // a scratch database has no other session to wait for
    return o;
  }

  std::unique_ptr<ScratchDatabase> db_;
  std::string watched_;  ///< the revision whose locks are measured
  std::vector<StatementLock>*locks_up_ = nullptr, *locks_down_ = nullptr;  ///< still to measure
  std::vector<StatementLock> unwatched_;
  std::optional<LiveSchema> facts_;
  std::optional<LiveObjects> objects_;
};

// The type's name without its length or precision, in upper case: VARCHAR(64) → VARCHAR.
std::string base_type(const std::string& type) {
  return to_upper(collapse_blanks(type.substr(0, type.find('('))));
}

class PgProofDialect final : public ProofDialect {
 public:
  explicit PgProofDialect(std::shared_ptr<PostgresqlServer> server) : server_(std::move(server)) {}

  std::unique_ptr<ProofDatabase> scratch() override {
    return std::make_unique<PgProofDatabase>(server_->database());
  }
  std::unique_ptr<ProofDatabase> expected(const Schema& schema) override {
    auto db = std::make_unique<PgProofDatabase>(server_->database());
    for (const std::string& statement :
         pg::split_statements(render_schema(*make_postgresql_dialect(), schema))) {
      const std::string error = pg::try_exec(db->conn(), statement);
      if (!error.empty()) {
        throw Error("the schema itself does not create on PostgreSQL: " + error + " (in `" +
                    statement + "`)");
      }
    }
    db->facts();
    db->objects();
    return db;
  }
  std::string sample_value(const Column& column, int row) const override {
    const std::string type = base_type(column.type);
    const std::string n = std::to_string(row + 1);
    if (type == "SMALLINT" || type == "INTEGER" || type == "INT" || type == "BIGINT" ||
        type == "INT2" || type == "INT4" || type == "INT8") {
      return n;
    }
    if (type == "REAL" || type == "DOUBLE PRECISION" || type == "NUMERIC" || type == "DECIMAL" ||
        type == "FLOAT4" || type == "FLOAT8") {
      return n + ".5";
    }
    if (type == "BOOLEAN" || type == "BOOL") return row == 0 ? "TRUE" : "FALSE";
    if (type == "BYTEA") return "'\\x00ff0" + n + "'";
    if (type == "JSON" || type == "JSONB") return "'{\"sample\": " + n + "}'";
    if (type == "DATE") return "'2024-01-0" + n + "'";
    if (type.rfind("TIMESTAMP", 0) == 0) return "'2024-01-0" + n + " 10:00:00'";
    if (type.rfind("TIME", 0) == 0) return "'10:00:0" + n + "'";
    if (type == "UUID") return "'00000000-0000-0000-0000-00000000000" + n + "'";
    return "'sample ✓ " + n + "'";
  }

 private:
  std::shared_ptr<PostgresqlServer> server_;
};

}  // namespace

std::shared_ptr<ProofDialect> postgresql_proof_dialect(std::shared_ptr<PostgresqlServer> server) {
  return std::make_shared<PgProofDialect>(std::move(server));
}

}  // namespace retort
