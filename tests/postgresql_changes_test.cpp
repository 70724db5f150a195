// The change corpus on PostgreSQL: every case's models, with DIALECTS sqlite postgresql, planned
// and proven on the server, applied to a PostgreSQL database holding rows, reverted and applied
// again; the schema equals the models' (pg_catalog) and the rows are kept.
#include <gtest/gtest.h>

#include <algorithm>
#include <regex>

#include "../runtime/src/postgresql/transfer_compare.hpp"
#include "change_cases.hpp"
#include "dialects.hpp"
#include "emit.hpp"
#include "logical_schema.hpp"
#include "pg_support.hpp"
#include "pipeline.hpp"
#include "retort/postgresql.hpp"
#include "test_support.hpp"

namespace retort {
namespace {

using testing::ChangeCase;
using testing::PgDatabase;
using testing::TempDir;

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& l : lines) out += (out.empty() ? "" : "\n") + l;
  return out;
}

// SQLite's seed rows as PostgreSQL takes them: blobs as bytea.
std::string postgresql_sql(const std::string& sqlite_sql) {
  return std::regex_replace(sqlite_sql, std::regex("x'([0-9a-fA-F]*)'"), "'\\x$1'::bytea");
}

// Every row of every table of `schema`, each value quoted, columns by name.
std::string all_rows(const PgDatabase& db, const Schema& schema) {
  std::string out;
  for (const Table& t : schema.tables) {
    std::vector<std::string> names;
    for (const Column& c : t.columns) names.push_back(c.name);
    std::sort(names.begin(), names.end());
    std::string select = "''";
    for (const std::string& n : names) {
      select += " || quote_nullable(" + detail::pg::identifier(n) + ") || '|'";
    }
    std::vector<std::string> rows =
        db.rows("SELECT " + select + " FROM " + detail::pg::identifier(t.name));
    std::sort(rows.begin(), rows.end());
    out += t.name + ":\n" + joined(rows) + "\n";
  }
  return out;
}

// The database's schema equals `models` as PostgreSQL creates them, compared in pg_catalog.
void expect_database(const PgDatabase& db, const Schema& models, const std::string& step) {
  const detail::pg::Conn conn = db.connect();
  EXPECT_EQ(
      joined(postgresql_differences(
          conn.get(), render_schema(*make_postgresql_dialect(), for_dialect(models, kPostgresql)))),
      "")
      << step;
}

// Both backends proven equal: after the same history, the same logical schema (tables,
// columns, nullability, keys, indexes, unique constraints, foreign keys, CHECKs) and the same
// rows.
// A case whose rows hold the time they were written (CURRENT_TIMESTAMP) has no rows to compare.
void expect_equal(sqlite3* sqlite, const PgDatabase& db, const std::string& step,
                  const ChangeCase& c) {
  const detail::pg::Conn conn = db.connect();
  EXPECT_EQ(joined(testing::compare_logical(testing::logical_schema(sqlite),
                                            testing::logical_schema(conn.get()))),
            "")
      << step;
  const bool timed = testing::apply_edits(testing::apply_edits(testing::kBase, c.before), c.after)
                         .find("CURRENT_TIMESTAMP") != std::string::npos;
  if (!timed) {
    EXPECT_EQ(joined(detail::transfer::compare_rows(sqlite, conn.get())), "") << step;
  }
}

class PostgresqlChangeTest : public ::testing::TestWithParam<ChangeCase> {
 protected:
  Models scan(const std::string& text, const std::string& objects = "") {
    testing::write_text(tmp_.path() / "models.hpp", text);
    ScanRequest request{{(tmp_.path() / "models.hpp").string()}, {"-I" RETORT_ANNOTATIONS_DIR}, ""};
    if (!objects.empty()) {
      testing::write_text(tmp_.path() / "objects.sql", objects);
      request.object_files.push_back((tmp_.path() / "objects.sql").string());
    }
    request.dialects = {kSqlite, kPostgresql};
    return read_models(request);
  }

  Draft plan(const Schema& models) {
    return plan_draft(load_repository(dir()), models, true, {},
                      {{kSqlite, kPostgresql}, &servers_});
  }

  std::vector<Revision> revisions() const { return load_repository(dir()).revisions; }
  std::filesystem::path dir() const { return tmp_.path() / "migrations"; }

  TempDir tmp_;
  ProofServers servers_{PostgresqlSetup{testing::postgresql_server(), {}, {}}};
};

TEST_P(PostgresqlChangeTest, AppliesKeepsRowsRevertsAndSettles) {
  const ChangeCase& c = GetParam();
  const std::string before_text = testing::apply_edits(testing::kBase, c.before);
  const std::string after_text = testing::apply_edits(before_text, c.after);
  init_repository(dir());

  const std::string after_objects = c.objects_after.value_or(c.objects);
  const Models before = scan(before_text, c.objects);
  ASSERT_TRUE(before.diagnostics.empty()) << format_diagnostic(before.diagnostics.front());
  const Draft first = plan(before.schema);
  ASSERT_EQ(joined(first.report.problems), "");
  ASSERT_TRUE(first.revision);
  write_draft(load_repository(dir()), first.revision);
  seal_draft(load_repository(dir()), "before");
  PgDatabase db;
  const detail::pg::Conn conn = db.connect();
  upgrade(conn.get(), revisions(), "head");
  detail::pg::exec(conn.get(), postgresql_sql(testing::kSeed + c.extra_seed));
  const std::string rows_before = all_rows(db, before.schema);
  // The same history on SQLite, beside it.
  const testing::Database sqlite((tmp_.path() / "app.db").string());
  upgrade(sqlite.get(), revisions(), "head");
  sqlite.exec(testing::kSeed + c.extra_seed);
  expect_equal(sqlite.get(), db, "before", c);

  const Models after = scan(after_text, after_objects);
  const Draft draft = plan(after.schema);
  if (!c.error_at.empty()) {
    // Refused at the model, on every dialect alike.
    EXPECT_TRUE(has_errors(after.diagnostics) || has_errors(draft.changes.diagnostics));
    EXPECT_FALSE(draft.revision && !has_errors(after.diagnostics));
    return;
  }
  ASSERT_FALSE(has_errors(after.diagnostics)) << format_diagnostic(after.diagnostics.front());
  ASSERT_TRUE(draft.changes.diagnostics.empty())
      << format_diagnostic(draft.changes.diagnostics.front());
  if (!draft.revision) {
    expect_database(db, after.schema, "no change");
    return;
  }
  const DialectSections* own = draft.revision->sections(kPostgresql);
  ASSERT_TRUE(own);
  ASSERT_EQ(joined(draft.report.problems), "") << own->up_sql;
  // Each statement certified with what it locked when the proof ran it with rows.
  for (const std::string* section : {&own->up_sql, &own->down_sql}) {
    std::size_t statements = 0, certificates = 0;
    for (const SectionPart& part : split_section(*section)) {
      if (part.kind == SectionPart::Kind::kSql) {
        statements += detail::pg::split_statements(part.text).size();
      }
      certificates += part.kind == SectionPart::Kind::kLock ? 1 : 0;
    }
    EXPECT_EQ(certificates, statements) << *section;
  }
  write_draft(load_repository(dir()), draft.revision);

  upgrade(conn.get(), revisions(), "head");
  expect_database(db, after.schema, "up\n" + own->up_sql);
  upgrade(sqlite.get(), revisions(), "head");
  expect_equal(sqlite.get(), db, "up", c);
  if (c.down_refused) {
    // On tables that hold rows the down section runs in phases: the refusal comes at the
    // VALIDATE, after the brief phases committed, and the revision is left reverted in part
    // (its row stays); the next downgrade finishes it.
    EXPECT_THROW(downgrade(conn.get(), revisions(), "-1"), MigrationError);
    EXPECT_EQ(db.rows("SELECT count(*) FROM retort_migrations WHERE revision = '" +
                      revisions().back().id + "'"),
              std::vector<std::string>{"1"})
        << "down refused";
    detail::pg::exec(conn.get(), "DELETE FROM books");
    sqlite.exec("DELETE FROM books");
  }
  downgrade(conn.get(), revisions(), "-1");
  expect_database(db, before.schema, "down\n" + own->down_sql);
  downgrade(sqlite.get(), revisions(), "-1");
  expect_equal(sqlite.get(), db, "down", c);
  if (c.lossless_down) {
    EXPECT_EQ(all_rows(db, before.schema), rows_before) << own->down_sql;
  }
  upgrade(conn.get(), revisions(), "head");
  expect_database(db, after.schema, "up again");
  upgrade(sqlite.get(), revisions(), "head");
  expect_equal(sqlite.get(), db, "up again", c);

  // Sealed, the same models plan no draft.
  seal_draft(load_repository(dir()), "after");
  EXPECT_FALSE(plan(scan(after_text, after_objects).schema).revision);
}

INSTANTIATE_TEST_SUITE_P(EveryChange, PostgresqlChangeTest,
                         ::testing::ValuesIn(testing::change_cases()),
                         [](const auto& param_info) { return param_info.param.name; });

}  // namespace
}  // namespace retort
