// Every schema change a user can make, one case each, from C++ models to a database with rows:
// scan, plan, prove, write, apply with the runtime, check rows and schema, go down and up again,
// seal, and build once more to find no draft.
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>

#include "change_cases.hpp"
#include "pipeline.hpp"
#include "retort/detail/introspect.hpp"
#include "retort/runtime.hpp"
#include "test_support.hpp"

namespace retort {
namespace {

using testing::apply_edits;
using testing::ChangeCase;
using testing::Database;
using testing::kBase;
using testing::kSeed;
using testing::TempDir;

std::string joined(const std::vector<std::string>& rows) {
  std::string out;
  for (const std::string& r : rows) out += (out.empty() ? "" : "\n") + r;
  return out;
}

// Every row of every table of `schema`, each value as an SQL literal, columns by name.
std::string all_rows(const Database& db, const Schema& schema) {
  std::string out;
  for (const Table& t : schema.tables) {
    std::vector<std::string> names;
    for (const Column& c : t.columns) names.push_back(c.name);
    std::sort(names.begin(), names.end());
    std::string select;
    for (const std::string& n : names)
      select += (select.empty() ? "" : ", ") + ("quote(\"" + n + "\")");
    std::vector<std::string> rows = db.rows("SELECT " + select + " FROM \"" + t.name + "\"");
    std::sort(rows.begin(), rows.end());
    out += t.name + ":\n" + joined(rows) + "\n";
  }
  return out;
}

// The live schema equals `models`, objects included, and SQLite finds the file and its foreign
// keys sound.
void expect_database(const Database& db, const Schema& models, const std::string& step) {
  EXPECT_EQ(joined(compare_schemas(live_schema_of(models), introspect(db.get()))), "") << step;
  EXPECT_EQ(joined(compare_objects(live_objects_of(models), introspect_objects(db.get()))), "")
      << step;
  EXPECT_EQ(joined(db.rows("PRAGMA integrity_check")), "ok") << step;
  EXPECT_EQ(joined(db.rows("PRAGMA foreign_key_check")), "") << step;
}

class ChangeTest : public ::testing::TestWithParam<ChangeCase> {
 protected:
  Models scan(const std::string& text, const std::string& objects = "") {
    testing::write_text(tmp_.path() / "models.hpp", text);
    std::vector<std::string> object_files;
    if (!objects.empty()) {
      testing::write_text(tmp_.path() / "objects.sql", objects);
      object_files.push_back((tmp_.path() / "objects.sql").string());
    }
    return read_models(
        {{(tmp_.path() / "models.hpp").string()}, {"-I" RETORT_ANNOTATIONS_DIR}, "", object_files});
  }

  // Plans, proves and writes the draft for `models`; returns it.
  Draft draft_for(const Schema& models) {
    const Draft draft = plan_draft(load_repository(dir()), models, true);
    EXPECT_EQ(joined(draft.report.problems), "");
    write_draft(load_repository(dir()), draft.revision);
    return draft;
  }

  std::vector<Revision> revisions() const { return load_repository(dir()).revisions; }
  std::filesystem::path dir() const { return tmp_.path() / "migrations"; }

  TempDir tmp_;
};

TEST_P(ChangeTest, AppliesKeepsRowsRevertsAndSettles) {
  const ChangeCase& c = GetParam();
  const std::string before_text = apply_edits(kBase, c.before);
  const std::string after_text = apply_edits(before_text, c.after);
  init_repository(dir());

  const std::string after_objects = c.objects_after.value_or(c.objects);
  const Models before = scan(before_text, c.objects);
  ASSERT_TRUE(before.diagnostics.empty()) << format_diagnostic(before.diagnostics.front());
  ASSERT_TRUE(draft_for(before.schema).revision);
  seal_draft(load_repository(dir()), "before");
  Database db((tmp_.path() / "app.db").string());
  upgrade(db.get(), revisions(), "head");
  db.exec(kSeed + c.extra_seed);
  const std::string rows_before = all_rows(db, before.schema);

  const Models after = scan(after_text, after_objects);
  const Draft draft = plan_draft(load_repository(dir()), after.schema, true);
  if (!c.error_at.empty()) {
    std::vector<Diagnostic> errors = after.diagnostics;
    errors.insert(errors.end(), draft.changes.diagnostics.begin(), draft.changes.diagnostics.end());
    ASSERT_EQ(errors.size(), 1u);
    const auto line_start = after_text.find(c.error_at);
    ASSERT_NE(line_start, std::string::npos);
    const int line =
        static_cast<int>(std::count(after_text.begin(),
                                    after_text.begin() + static_cast<long>(line_start), '\n')) +
        1;
    EXPECT_EQ(errors[0].loc.line, line) << format_diagnostic(errors[0]);
    EXPECT_NE(format_diagnostic(errors[0]).find("models.hpp:" + std::to_string(line) + ":"),
              std::string::npos);
    // A model error stops the build before planning; a diff error leaves no revision.
    if (!has_errors(after.diagnostics)) {
      EXPECT_FALSE(draft.revision);
    }
    return;
  }
  ASSERT_TRUE(after.diagnostics.empty()) << format_diagnostic(after.diagnostics.front());
  ASSERT_TRUE(draft.changes.diagnostics.empty())
      << format_diagnostic(draft.changes.diagnostics.front());
  if ((c.after.empty() && !c.objects_after) || c.query == "no change") {
    EXPECT_FALSE(draft.revision) << draft.revision->up_sql;
    return;
  }
  ASSERT_TRUE(draft.revision);
  const Revision& revision = *draft.revision;
  EXPECT_EQ(joined(draft.report.problems), "") << revision.up_sql;
  EXPECT_EQ(revision.up_sql.find("-- rebuild") != std::string::npos, c.rebuild) << revision.up_sql;
  EXPECT_EQ(!revision.destructive.empty(), c.destructive) << joined(revision.destructive);
  write_draft(load_repository(dir()), draft.revision);

  upgrade(db.get(), revisions(), "head");
  expect_database(db, after.schema, "up\n" + revision.up_sql);
  if (!c.query.empty()) {
    EXPECT_EQ(joined(db.rows(c.query)), c.rows) << revision.up_sql;
  }

  if (c.down_refused) {
    EXPECT_THROW(downgrade(db.get(), revisions(), "-1"), MigrationError);
    expect_database(db, after.schema, "down refused");
    db.exec("DELETE FROM books");
  }
  downgrade(db.get(), revisions(), "-1");
  expect_database(db, before.schema, "down\n" + revision.down_sql);
  if (c.lossless_down) {
    EXPECT_EQ(all_rows(db, before.schema), rows_before) << revision.down_sql;
  }

  upgrade(db.get(), revisions(), "head");
  expect_database(db, after.schema, "up again");
  if (!c.query.empty() && !c.down_refused) {
    EXPECT_EQ(joined(db.rows(c.query)), c.rows);
  }

  // Sealed, the same models plan no draft: no change is ever regenerated.
  seal_draft(load_repository(dir()), "after");
  EXPECT_FALSE(
      plan_draft(load_repository(dir()), scan(after_text, after_objects).schema, false).revision);
}

INSTANTIATE_TEST_SUITE_P(EveryChange, ChangeTest, ::testing::ValuesIn(testing::change_cases()),
                         [](const auto& param_info) { return param_info.param.name; });

}  // namespace
}  // namespace retort
