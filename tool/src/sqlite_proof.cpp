// The proof's SQLite: in-memory databases, states compared through PRAGMAs and sqlite_schema.
#include <sqlite3.h>

#include <map>
#include <optional>
#include <set>

#include "emit.hpp"
#include "functions.hpp"
#include "retort/detail/introspect.hpp"
#include "retort/detail/sqlite.hpp"
#include "retort/runtime.hpp"
#include "verify.hpp"

namespace retort {
namespace {

using detail::Db;
using detail::open_memory;
using detail::query_rows;
using detail::try_exec;

// SQLite finds the file and its foreign keys sound.
void expect_sound(sqlite3* db, const std::string& step, std::vector<std::string>& problems) {
  query_rows(db, "PRAGMA integrity_check", [&](const std::vector<std::string>& line) {
    if (line[0] != "ok") problems.push_back(step + ": integrity_check: " + line[0]);
  });
  query_rows(db,
             "SELECT \"table\" || ' row ' || rowid || ' -> ' || parent FROM "
             "pragma_foreign_key_check",
             [&](const std::vector<std::string>& line) {
               problems.push_back(step + ": foreign_key_check: " + line[0]);
             });
  // An FTS5 index agrees with its content (after a rebuild of the content table, say).
  std::vector<std::string> fts5;
  query_rows(db,
             "SELECT name FROM sqlite_schema WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL "
             "TABLE%USING fts5%'",
             [&fts5](const std::vector<std::string>& r) { fts5.push_back(r[0]); });
  for (const std::string& table : fts5) {
    const std::string quoted = make_sqlite_dialect()->quote(table);
    const std::string error =
        try_exec(db, "INSERT INTO " + quoted + " (" + quoted + ") VALUES ('integrity-check')");
    if (!error.empty()) problems.push_back(step + ": " + table + " integrity-check: " + error);
  }
}

class SqliteProofDatabase final : public ProofDatabase {
 public:
  explicit SqliteProofDatabase(Db db) : db_(std::move(db)) {}

  void upgrade(const std::vector<Revision>& revisions) override {
    retort::upgrade(db_.get(), revisions, "head");
  }
  void downgrade(const std::vector<Revision>& revisions) override {
    retort::downgrade(db_.get(), revisions, "-1");
  }
  std::string insert(const std::string& table,
                     const std::vector<std::pair<std::string, std::string>>& values) override {
    std::string columns, literals;
    for (const auto& [column, literal] : values) {
      columns += (columns.empty() ? "" : ", ") + quote(column);
      literals += (literals.empty() ? "" : ", ") + literal;
    }
    return try_exec(db_.get(),
                    "INSERT INTO " + quote(table) + " (" + columns + ") VALUES (" + literals + ")");
  }
  std::vector<std::string> rows(const std::string& table,
                                const std::vector<std::string>& columns) override {
    std::string select = "''";
    for (const std::string& c : columns) select += " || quote(" + quote(c) + ") || '|'";
    std::vector<std::string> out;
    query_rows(db_.get(), "SELECT " + select + " FROM " + quote(table),
               [&](const std::vector<std::string>& row) { out.push_back(row[0]); });
    std::sort(out.begin(), out.end());
    return out;
  }

  // Only the tables whose text differs from the fresh database's are introspected: the cost
  // follows what the revision touched.
  void expect(ProofDatabase& expected_db, const std::string& step,
              std::vector<std::string>& problems) override {
    auto& expected = dynamic_cast<SqliteProofDatabase&>(expected_db);
    const std::map<std::string, std::string> texts = table_texts(db_.get());
    const std::map<std::string, std::string>& wanted_texts = expected.texts();
    std::set<std::string> differ;
    for (const auto& [table, text] : texts) {
      const auto it = wanted_texts.find(table);
      if (it == wanted_texts.end() || it->second != text) differ.insert(table);
    }
    for (const auto& [table, text] : wanted_texts) {
      if (!texts.count(table)) differ.insert(table);
    }
    if (!differ.empty()) {
      const LiveSchema wanted = introspect(expected.get(), &differ);
      for (const std::string& d : compare_schemas(wanted, introspect(db_.get(), &differ))) {
        problems.push_back(step + ": " + d);
      }
    }
    for (const std::string& d :
         compare_objects(expected.objects(), introspect_objects(db_.get()))) {
      problems.push_back(step + ": " + d);
    }
    expect_sound(db_.get(), step, problems);
  }

  void define_functions(const std::vector<SqlFunction>& functions) override {
    register_stand_ins(db_.get(), functions);
  }
  std::vector<SqlFunction> noting_functions(const std::vector<SqlFunction>& declared,
                                            const std::vector<SqlFunction>& defined,
                                            const std::function<void()>& action) override {
    return functions_needed(db_.get(), declared, defined, action);
  }

  sqlite3* get() const { return db_.get(); }
  Db release() { return std::move(db_); }
  // A fresh database's facts, read once: it is compared with several states.
  const std::map<std::string, std::string>& texts() {
    if (!texts_) texts_ = table_texts(db_.get());
    return *texts_;
  }
  const LiveObjects& objects() {
    if (!objects_) objects_ = introspect_objects(db_.get());
    return *objects_;
  }

 private:
  static std::string quote(const std::string& name) { return make_sqlite_dialect()->quote(name); }

  Db db_;
  std::optional<std::map<std::string, std::string>> texts_;
  std::optional<LiveObjects> objects_;
};

class SqliteProofDialect final : public ProofDialect {
 public:
  std::unique_ptr<ProofDatabase> scratch() override {
    return std::make_unique<SqliteProofDatabase>(open_memory());
  }
  std::unique_ptr<ProofDatabase> expected(const Schema& schema) override {
    auto db = std::make_unique<SqliteProofDatabase>(open_memory());
    register_stand_ins(db->get(), schema.functions);
    const std::string error = try_exec(db->get(), render_schema(*make_sqlite_dialect(), schema));
    if (!error.empty()) throw Error("the schema itself does not create: " + error);
    db->texts();
    db->objects();
    return db;
  }
  std::string sample_value(const Column& column, int row) const override {
    const std::string affinity = type_affinity(column.type);
    const std::string n = std::to_string(row + 1);
    if (affinity == "TEXT") return "'sample ✓ " + n + "'";
    if (affinity == "BLOB") return "x'00ff0" + n + "'";
    if (affinity == "REAL") return n + ".5";
    return n;
  }
};

SqliteProofDatabase expected_database(const Schema& schema) {
  std::unique_ptr<ProofDatabase> db = SqliteProofDialect().expected(schema);
  return std::move(dynamic_cast<SqliteProofDatabase&>(*db));
}

}  // namespace

std::shared_ptr<ProofDialect> sqlite_proof_dialect() {
  return std::make_shared<SqliteProofDialect>();
}

LiveSchema live_schema_of(const Schema& schema) {
  return introspect(expected_database(schema).get());
}

LiveObjects live_objects_of(const Schema& schema) { return expected_database(schema).objects(); }

Db database_of(const Schema& schema) { return expected_database(schema).release(); }

ReplayedHistory::ReplayedHistory(const std::vector<Revision>& history, const Schema& before)
    : ReplayedHistory(sqlite_proof_dialect(), history, before) {}

VerifyReport verify_revision(const std::vector<Revision>& history, const Revision& candidate,
                             const Schema& before, const Schema& after) {
  return prove(ReplayedHistory(history, before), candidate, after);
}

VerifyReport verify_revision(ReplayedHistory replayed, const Revision& candidate,
                             const Schema& after) {
  return prove(std::move(replayed), candidate, after);
}

}  // namespace retort
