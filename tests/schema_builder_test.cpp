// The schema builder alone: hand-built ModelClass values (what the scanner hands over), no
// libclang. The scanner's own tests cover the way from a header to these values.
#include "schema_builder.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace retort {
namespace {

SourceLoc at(unsigned line, unsigned column = 3) { return {"models.hpp", line, column}; }

Annotation note(std::string key, std::vector<std::string> args = {}, unsigned line = 1) {
  return {std::move(key), std::move(args), at(line, 12)};
}

ModelField field(std::string name, ValueKind kind, std::vector<Annotation> annotations = {},
                 bool optional = false, unsigned line = 2) {
  ModelField f;
  f.name = std::move(name);
  f.loc = at(line);
  f.kind = kind;
  f.optional = optional;
  f.type_spelling = kind == ValueKind::kUnsupported ? "std::chrono::seconds" : "T";
  f.annotations = std::move(annotations);
  return f;
}

ModelClass model(std::string table, std::vector<ModelField> fields,
                 std::vector<Annotation> more = {}, unsigned line = 1) {
  ModelClass m;
  m.name = "Model_" + table;
  m.loc = at(line, 8);
  m.annotations.push_back(note("table", {table}, line));
  for (Annotation& a : more) m.annotations.push_back(std::move(a));
  m.fields = std::move(fields);
  return m;
}

ModelField key(std::string name = "id") {
  return field(std::move(name), ValueKind::kInteger, {note("primary_key")});
}

// The messages of the errors, each prefixed with its line and column.
std::vector<std::string> errors(const SchemaBuild& built) {
  std::vector<std::string> out;
  for (const Diagnostic& d : built.diagnostics) {
    if (d.severity != Severity::kError) continue;
    out.push_back(std::to_string(d.loc.line) + ":" + std::to_string(d.loc.column) + ": " +
                  d.message);
  }
  return out;
}

TEST(SchemaBuilderTest, TypesNullabilityAndNamesFollowTheSpec) {
  const SchemaBuild built = build_schema(
      {model("users",
             {key(), field("name", ValueKind::kText),
              field("nickname", ValueKind::kText, {}, /*optional=*/true),
              field("active", ValueKind::kBool), field("score", ValueKind::kReal),
              field("avatar", ValueKind::kBlob, {note("nullable")}),
              field("email", ValueKind::kText, {note("column", {"email_address"}), note("unique")}),
              field("cache", ValueKind::kUnsupported, {note("transient")}),
              field("age", ValueKind::kInteger, {note("default", {"0"}), note("index")})})});
  ASSERT_TRUE(errors(built).empty()) << errors(built)[0];
  ASSERT_EQ(built.schema.tables.size(), 1u);
  const Table& t = built.schema.tables[0];
  EXPECT_EQ(t.name, "users");
  EXPECT_EQ(t.primary_key, std::vector<std::string>{"id"});
  std::vector<std::string> columns;
  for (const Column& c : t.columns) {
    columns.push_back(c.name + " " + c.type + (c.not_null ? " NOT NULL" : ""));
  }
  EXPECT_EQ(columns, (std::vector<std::string>{
                         "id INTEGER NOT NULL", "name TEXT NOT NULL", "nickname TEXT",
                         "active BOOLEAN NOT NULL", "score REAL NOT NULL", "avatar BLOB",
                         "email_address TEXT NOT NULL", "age INTEGER NOT NULL"}));
  EXPECT_EQ(t.find_column("age")->default_sql, "0");
  ASSERT_EQ(t.indexes.size(), 2u);  // sorted by name
  EXPECT_EQ(t.indexes[0].name, "ix_users_age");
  EXPECT_FALSE(t.indexes[0].unique);
  EXPECT_EQ(t.indexes[1].name, "uq_users_email_address");
  EXPECT_TRUE(t.indexes[1].unique);
  EXPECT_EQ(t.indexes[1].columns, std::vector<std::string>{"email_address"});
}

TEST(SchemaBuilderTest, StrictTablesStoreBooleansAsIntegersAndKeysAreNotNullUnlessNullable) {
  const SchemaBuild built = build_schema(
      {model("flags",
             {field("code", ValueKind::kText, {note("nullable")}), field("on", ValueKind::kBool)},
             {note("strict"), note("primary_key_on", {"code"})}),
       model("plain", {field("k", ValueKind::kText, {note("primary_key")}, /*optional=*/true)})});
  ASSERT_TRUE(errors(built).empty()) << errors(built)[0];
  const Table& flags = *built.schema.find_table("flags");
  EXPECT_TRUE(flags.strict);
  EXPECT_EQ(flags.find_column("on")->type, "INTEGER");
  EXPECT_FALSE(flags.find_column("code")->not_null);  // RETORT_NULLABLE on a key
  // A key is NOT NULL even when its member is a std::optional.
  EXPECT_TRUE(built.schema.find_table("plain")->find_column("k")->not_null);
}

TEST(SchemaBuilderTest, ReferencesConstraintsAndTablesParentsFirst) {
  const SchemaBuild built = build_schema(
      {model("posts",
             {key(),
              field("author", ValueKind::kInteger,
                    {note("references", {"users"}), note("on_delete", {"cascade"}),
                     note("deferred")}),
              field("slug", ValueKind::kText, {note("unique_constraint")}),
              field("body", ValueKind::kText, {note("check", {"length(body) > 0"})})},
             {note("index_on", {"ix_posts_recent", "author, lower(slug)", "body IS NOT NULL"}),
              note("unique_constraint_on", {"author, body"}), note("check", {"id > 0"})}),
       model("users", {key()})});
  ASSERT_TRUE(errors(built).empty()) << errors(built)[0];
  ASSERT_EQ(built.schema.tables.size(), 2u);
  EXPECT_EQ(built.schema.tables[0].name, "users");  // the parent first
  const Table& posts = built.schema.tables[1];
  ASSERT_EQ(posts.foreign_keys.size(), 1u);
  const ForeignKey& fk = posts.foreign_keys[0];
  EXPECT_EQ(fk.name, "fk_posts_author_users");
  EXPECT_EQ(fk.ref_table, "users");
  EXPECT_TRUE(fk.ref_columns.empty());  // the parent's primary key
  EXPECT_EQ(fk.on_delete, "CASCADE");
  EXPECT_TRUE(fk.deferred);
  ASSERT_EQ(posts.unique_constraints.size(), 2u);
  EXPECT_EQ(posts.unique_constraints[0].name, "uq_posts_slug");
  EXPECT_EQ(posts.unique_constraints[1].name, "uq_posts_author_body");
  EXPECT_EQ(posts.find_column("body")->check, "length(body) > 0");
  ASSERT_EQ(posts.checks.size(), 1u);
  EXPECT_EQ(posts.checks[0].name, "ck_posts_1");
  ASSERT_EQ(posts.indexes.size(), 1u);
  EXPECT_EQ(posts.indexes[0].columns, (std::vector<std::string>{"author", "lower(slug)"}));
  EXPECT_EQ(posts.indexes[0].where, "body IS NOT NULL");
}

TEST(SchemaBuilderTest, AnnotationErrorsAreReportedAtTheirPlaceAndAllAtOnce) {
  const SchemaBuild built =
      build_schema({model("things",
                          {key(), field("a", ValueKind::kText, {note("colour", {}, 4)}),
                           field("b", ValueKind::kText, {note("without_rowid", {}, 5)}),
                           field("c", ValueKind::kText, {note("column", {}, 6)}),
                           field("d", ValueKind::kText, {note("on_delete", {"CASCADE"}, 7)}),
                           field("e", ValueKind::kUnsupported, {}, false, 8),
                           field("f", ValueKind::kText, {note("autoincrement", {}, 9)}),
                           field("g", ValueKind::kInteger, {note("references", {"nowhere"}, 10)})},
                          {note("primary_key", {}, 1), note("table", {"things"}, 1)})});
  EXPECT_EQ(errors(built),
            (std::vector<std::string>{
                "1:12: RETORT_PRIMARY_KEY belongs before a data member, not on a class",
                "1:8: class 'Model_things' has two RETORT_TABLEs",
                "4:12: unknown annotation 'retort:colour'",
                "5:12: RETORT_WITHOUT_ROWID belongs between 'struct' and the class name",
                "6:12: RETORT_COLUMN takes 1 argument(s)",
                "7:12: RETORT_ON_DELETE needs RETORT_REFERENCES on the same member",
                "8:3: column 'e' has unsupported type 'std::chrono::seconds'; map it with "
                "RETORT_TYPE(\"TEXT\") or mark it RETORT_TRANSIENT",
                "9:12: RETORT_AUTOINCREMENT needs an INTEGER RETORT_PRIMARY_KEY column",
                "10:12: RETORT_REFERENCES names unknown table 'nowhere'"}));
}

TEST(SchemaBuilderTest, DuplicatesAndBadReferencesPointAtBothPlaces) {
  const SchemaBuild built = build_schema(
      {model("a", {key(), field("code", ValueKind::kText)}, {}, 1), model("a", {key()}, {}, 20),
       model("b",
             {key(), field("x", ValueKind::kText, {note("references", {"a", "code"}, 31)}),
              field("x", ValueKind::kText, {}, false, 32)},
             {}, 30)});
  EXPECT_EQ(errors(built),
            (std::vector<std::string>{
                "20:8: table 'a' is already declared by another model",
                "32:3: column 'x' is declared twice",
                "31:12: column 'code' of table 'a' is neither its primary key nor unique; a "
                "foreign key must reference one"}));
  const auto first =
      std::find_if(built.diagnostics.begin(), built.diagnostics.end(),
                   [](const Diagnostic& d) { return d.severity == Severity::kNote; });
  ASSERT_NE(first, built.diagnostics.end());
  EXPECT_EQ(first->message, "first declared here");
  EXPECT_EQ(first->loc, at(1, 8));
}

// Expressions are tried on SQLite: a bad one is an error at its annotation and is left out, so
// that the rest of the schema is still whole.
TEST(SchemaBuilderTest, BadExpressionsFailAtTheirAnnotationAndAreLeftOut) {
  const SchemaBuild built = build_schema(
      {model("items",
             {key(), field("price", ValueKind::kReal),
              field("total", ValueKind::kReal, {note("generated", {"price * qty"}, 5)}),
              field("doubled", ValueKind::kReal, {note("generated_stored", {"price * 2"}, 6)})},
             {note("index_on", {"ix_items_bad", "nosuch(price)"}, 2),
              note("index_on", {"ix_items_good", "round(price)"}, 3)})});
  const std::vector<std::string> found = errors(built);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].rfind("5:12: generated column 'total' does not work on table 'items': ", 0),
            0u)
      << found[0];
  EXPECT_NE(found[0].find("qty"), std::string::npos) << found[0];
  // A function SQLite does not define: the declaration it needs is named.
  EXPECT_EQ(found[1].rfind("2:12: RETORT_INDEX_ON calls 'nosuch', which SQLite does not define: "
                           "declare it in a models header with RETORT_SQL_FUNCTION(\"nosuch\", 1)",
                           0),
            0u)
      << found[1];
  const Table& items = built.schema.tables.at(0);
  EXPECT_FALSE(items.find_column("total"));
  ASSERT_TRUE(items.find_column("doubled"));
  EXPECT_TRUE(items.find_column("doubled")->stored);
  ASSERT_EQ(items.indexes.size(), 1u);
  EXPECT_EQ(items.indexes[0].name, "ix_items_good");
}

}  // namespace
}  // namespace retort
