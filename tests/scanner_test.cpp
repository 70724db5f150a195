// Scanner and schema builder on fixture headers: every annotation and type, and bad input.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>

#include "pipeline.hpp"
#include "test_support.hpp"

namespace retort {
namespace {

const std::string kFixtures = RETORT_TEST_DIR "/fixtures/scanner/";

Models read(const std::string& fixture) {
  return read_models({{kFixtures + fixture}, {"-I" RETORT_ANNOTATIONS_DIR}, ""});
}

const Column& column(const Table& t, const std::string& name) {
  const Column* c = t.find_column(name);
  if (!c) throw std::runtime_error("no column " + name);
  return *c;
}

TEST(ScannerTest, CachedPchGivesTheSameModelsAndIsReused) {
  testing::TempDir tmp;
  const std::string pch_dir = (tmp.path() / "pch").string();
  const ScanRequest request{{kFixtures + "all_types.hpp"}, {"-I" RETORT_ANNOTATIONS_DIR}, pch_dir};
  const ScanResult without =
      scan({{kFixtures + "all_types.hpp"}, {"-I" RETORT_ANNOTATIONS_DIR}, ""});
  ASSERT_TRUE(without.diagnostics.empty()) << format_diagnostic(without.diagnostics.at(0));
  const ScanResult first = scan(request);
  ASSERT_TRUE(first.diagnostics.empty()) << format_diagnostic(first.diagnostics.at(0));
  EXPECT_EQ(first.models, without.models);
  std::vector<std::filesystem::path> pchs;
  for (const auto& e : std::filesystem::directory_iterator(pch_dir)) pchs.push_back(e.path());
  ASSERT_EQ(pchs.size(), 1u);
  EXPECT_EQ(pchs[0].extension(), ".pch");
  const auto built_at = std::filesystem::last_write_time(pchs[0]);
  EXPECT_EQ(scan(request).models, without.models);
  EXPECT_EQ(std::filesystem::last_write_time(pchs[0]), built_at);  // reused, not rebuilt

  // A PCH that no longer fits (here: garbage): the scan still succeeds, and the next one
  // builds a fresh PCH.
  testing::write_text(pchs[0], "not a pch");
  const ScanResult after_damage = scan(request);
  EXPECT_TRUE(after_damage.diagnostics.empty());
  EXPECT_EQ(after_damage.models, without.models);
  EXPECT_EQ(scan(request).models, without.models);
  EXPECT_NE(testing::read_text(pchs[0]).substr(0, 4), "not ");

  // Model errors are still reported at their place with a PCH.
  const Models bad =
      read_models({{kFixtures + "unknown_type.hpp"}, {"-I" RETORT_ANNOTATIONS_DIR}, pch_dir});
  ASSERT_TRUE(has_errors(bad.diagnostics));
  std::string all;
  for (const Diagnostic& d : bad.diagnostics) all += format_diagnostic(d) + "\n";
  EXPECT_NE(all.find("unknown_type.hpp:7:22: error:"), std::string::npos) << all;
  EXPECT_TRUE(std::filesystem::exists(pchs[0]));  // the model's errors are not the PCH's fault
}

TEST(ScannerTest, ModelIncludedThroughASymbolicLinkIsStillAModel) {
  testing::TempDir tmp;
  testing::write_text(tmp.path() / "real" / "b.hpp",
                      "#pragma once\n#include <retort/annotations.hpp>\n"
                      "struct RETORT_TABLE(\"bees\") B { RETORT_PRIMARY_KEY long id; };\n");
  std::filesystem::create_directory_symlink(tmp.path() / "real", tmp.path() / "link");
  testing::write_text(tmp.path() / "a.hpp",
                      "#pragma once\n#include \"link/b.hpp\"\n"
                      "struct RETORT_TABLE(\"ays\") A { RETORT_PRIMARY_KEY long id; };\n");
  const Models m =
      read_models({{(tmp.path() / "a.hpp").string(), (tmp.path() / "real" / "b.hpp").string()},
                   {"-I" RETORT_ANNOTATIONS_DIR},
                   ""});
  ASSERT_FALSE(has_errors(m.diagnostics)) << format_diagnostic(m.diagnostics.at(0));
  ASSERT_EQ(m.schema.tables.size(), 2u);
  EXPECT_TRUE(m.schema.find_table("ays"));
  EXPECT_TRUE(m.schema.find_table("bees"));
}

TEST(ScannerTest, MapsEveryTypeOfTheSpec) {
  const Models m = read("all_types.hpp");
  ASSERT_FALSE(has_errors(m.diagnostics)) << format_diagnostic(m.diagnostics.at(0));
  const Table& t = *m.schema.find_table("kinds");
  const std::map<std::string, std::string> types = {{"flag", "BOOLEAN"},
                                                    {"c", "INTEGER"},
                                                    {"sc", "INTEGER"},
                                                    {"uc", "INTEGER"},
                                                    {"s", "INTEGER"},
                                                    {"us", "INTEGER"},
                                                    {"i", "INTEGER"},
                                                    {"u", "INTEGER"},
                                                    {"l", "INTEGER"},
                                                    {"ul", "INTEGER"},
                                                    {"ll", "INTEGER"},
                                                    {"ull", "INTEGER"},
                                                    {"i8", "INTEGER"},
                                                    {"u32", "INTEGER"},
                                                    {"color", "INTEGER"},
                                                    {"f", "REAL"},
                                                    {"d", "REAL"},
                                                    {"text", "TEXT"},
                                                    {"b1", "BLOB"},
                                                    {"b2", "BLOB"},
                                                    {"b3", "BLOB"},
                                                    {"maybe_int", "INTEGER"},
                                                    {"maybe_real", "REAL"},
                                                    {"maybe_blob", "BLOB"},
                                                    {"maybe_flag", "BOOLEAN"},
                                                    {"code", "VARCHAR(10)"}};
  for (const auto& [name, type] : types) {
    EXPECT_EQ(column(t, name).type, type) << name;
  }
  EXPECT_TRUE(column(t, "text").not_null);
  EXPECT_FALSE(column(t, "maybe_int").not_null);
  EXPECT_FALSE(column(t, "nullable_int").not_null);
  EXPECT_TRUE(column(t, "forced").not_null);
  EXPECT_EQ(t.find_column("cache"), nullptr);
  EXPECT_EQ(t.find_column("not_a_column"), nullptr);
  EXPECT_NE(t.find_column("renamed_col"), nullptr);
}

TEST(ScannerTest, MixinColumnsComeFirst) {
  const Models m = read("all_types.hpp");
  const Table& t = *m.schema.find_table("kinds");
  ASSERT_GE(t.columns.size(), 3u);
  EXPECT_EQ(t.columns[0].name, "created_at");
  EXPECT_EQ(t.columns[0].default_sql, "CURRENT_TIMESTAMP");
  EXPECT_EQ(t.columns[1].name, "updated_at");
  EXPECT_EQ(t.columns[2].name, "id");
}

TEST(ScannerTest, KeysIndexesAndConstraints) {
  const Models m = read("all_types.hpp");
  const Table& kinds = *m.schema.find_table("kinds");
  EXPECT_EQ(kinds.primary_key, std::vector<std::string>{"id"});
  EXPECT_TRUE(kinds.autoincrement);
  const std::vector<Index> expected_indexes = {{"ix_kinds_both", {"both"}, true},
                                               {"ix_kinds_idx", {"idx"}, false},
                                               {"uq_kinds_uniq", {"uniq"}, true}};
  EXPECT_EQ(kinds.indexes, expected_indexes);
  const Column& role = column(kinds, "role");
  EXPECT_EQ(role.default_sql, "'guest'");
  EXPECT_EQ(role.collate, "NOCASE");
  EXPECT_EQ(role.check, "length(role) > 0");

  const Table& child = *m.schema.find_table("children");
  ASSERT_EQ(child.foreign_keys.size(), 1u);
  const ForeignKey& fk = child.foreign_keys[0];
  EXPECT_EQ(fk.name, "fk_children_kind_id_kinds");
  EXPECT_EQ(fk.ref_table, "kinds");
  EXPECT_EQ(fk.on_delete, "CASCADE");
  EXPECT_EQ(fk.on_update, "SET NULL");
  const std::vector<Index> child_indexes = {{"ix_children_pair", {"kind_id", "name"}, false},
                                            {"uq_children_name", {"name"}, true}};
  EXPECT_EQ(child.indexes, child_indexes);
  ASSERT_EQ(child.checks.size(), 1u);
  EXPECT_EQ(child.checks[0], (Check{"ck_children_1", "kind_id > 0"}));
  EXPECT_EQ(column(child, "name").origin.renamed_from, "title");

  const Table& pairs = *m.schema.find_table("pairs");
  EXPECT_EQ(pairs.primary_key, (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(pairs.without_rowid);
  EXPECT_TRUE(pairs.strict);
  EXPECT_EQ(column(pairs, "flag").type, "INTEGER");  // STRICT tables know no BOOLEAN

  const Table& reserved = *m.schema.find_table("select");
  EXPECT_EQ(reserved.origin.renamed_from, "old \"quoted\"");
  EXPECT_NE(reserved.find_column("order"), nullptr);
}

TEST(ScannerTest, ExpressionPartialIndexesUniqueConstraintsDeferredAndGenerated) {
  const Models m = read("all_types.hpp");
  const Table& t = *m.schema.find_table("features");
  const std::vector<Index> indexes = {
      {"ix_features_score", {"score DESC", "label"}, false},
      {"uq_features_live_label", {"lower(label) COLLATE NOCASE DESC"}, true, "retired IS NULL"}};
  EXPECT_EQ(t.indexes, indexes);
  const std::vector<UniqueConstraint> unique = {
      {"uq_features_label", {"label"}, true}, {"uq_features_label_kind_id", {"label", "kind_id"}}};
  EXPECT_EQ(t.unique_constraints, unique);
  ASSERT_EQ(t.foreign_keys.size(), 1u);
  EXPECT_TRUE(t.foreign_keys[0].deferred);
  EXPECT_EQ(column(t, "twice").generated, "score * 2");
  EXPECT_FALSE(column(t, "twice").stored);
  EXPECT_EQ(column(t, "shout").generated, "upper(label)");
  EXPECT_TRUE(column(t, "shout").stored);
  EXPECT_EQ(column(t, "score").generated, std::nullopt);
}

TEST(ScannerTest, TablesComeParentsFirst) {
  const Models m = read("all_types.hpp");
  std::vector<std::string> names;
  for (const Table& t : m.schema.tables) names.push_back(t.name);
  EXPECT_LT(std::find(names.begin(), names.end(), "kinds"),
            std::find(names.begin(), names.end(), "children"));
}

TEST(ScannerTest, DependenciesListTheModelAndItsHeaders) {
  const Models m = read("all_types.hpp");
  const auto has = [&](const std::string& suffix) {
    return std::any_of(m.dependencies.begin(), m.dependencies.end(), [&](const std::string& d) {
      return d.size() >= suffix.size() &&
             d.compare(d.size() - suffix.size(), suffix.size(), suffix) == 0;
    });
  };
  EXPECT_TRUE(has("all_types.hpp"));
  EXPECT_TRUE(has("retort/annotations.hpp"));
}

// Each `// expected-error: text` comment asks for an error with that text on its line, and
// every error must be asked for.
void expect_errors_as_annotated(const std::string& fixture) {
  const Models m = read(fixture);
  std::ifstream in(kFixtures + fixture);
  std::string line;
  std::vector<std::pair<unsigned, std::string>> expected;
  for (unsigned n = 1; std::getline(in, line); ++n) {
    const auto at = line.find("// expected-error: ");
    if (at != std::string::npos) expected.emplace_back(n, line.substr(at + 19));
  }
  std::vector<Diagnostic> errors;
  for (const Diagnostic& d : m.diagnostics) {
    if (d.severity == Severity::kError) errors.push_back(d);
  }
  for (const auto& [n, text] : expected) {
    const bool found = std::any_of(errors.begin(), errors.end(), [&](const Diagnostic& d) {
      return d.loc.line == n && d.loc.column > 0 && d.message == text &&
             d.loc.file.find(fixture) != std::string::npos;
    });
    EXPECT_TRUE(found) << fixture << ":" << n << ": expected error '" << text << "'";
  }
  for (const Diagnostic& d : errors) {
    const bool asked = std::any_of(expected.begin(), expected.end(),
                                   [&](const auto& e) { return e.first == d.loc.line; });
    EXPECT_TRUE(asked) << "unexpected " << format_diagnostic(d);
  }
}

TEST(ScannerTest, UnsupportedAndUnknownTypesAreErrorsAtTheMember) {
  expect_errors_as_annotated("unknown_type.hpp");
}

TEST(ScannerTest, BadAnnotationsAreErrorsAtTheirPlace) {
  expect_errors_as_annotated("bad_annotations.hpp");
}

TEST(ScannerTest, DiagnosticsUseTheCompilersFormat) {
  const Models m = read("unknown_type.hpp");
  ASSERT_FALSE(m.diagnostics.empty());
  const std::string text = format_diagnostic(m.diagnostics[0]);
  EXPECT_TRUE(std::regex_search(text, std::regex(R"(unknown_type\.hpp:\d+:\d+: error: )"))) << text;
}

TEST(ScannerTest, MissingModelFileIsAnError) {
  const Models m = read("no_such_file.hpp");
  ASSERT_TRUE(has_errors(m.diagnostics));
  EXPECT_NE(m.diagnostics[0].message.find("does not exist"), std::string::npos);
}

}  // namespace
}  // namespace retort
