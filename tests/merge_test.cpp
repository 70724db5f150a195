// The three-way merge of schemas on hand-built tables: what each branch changed since the
// revision they share, element by element.
#include "merge.hpp"

#include <gtest/gtest.h>

#include "schema_support.hpp"

namespace retort {
namespace {

using testing::col;

Table table(const std::string& name, std::vector<Column> columns) {
  Table t;
  t.name = name;
  t.columns = std::move(columns);
  t.primary_key = {t.columns.front().name};
  return t;
}

Schema schema(std::vector<Table> tables) {
  Schema s;
  s.tables = std::move(tables);
  sort_tables(s);
  return s;
}

std::vector<std::string> column_names(const Schema& s, const std::string& t) {
  std::vector<std::string> out;
  for (const Column& c : s.find_table(t)->columns) out.push_back(c.name);
  return out;
}

const Schema kBase = schema({table("users", {col("id", "INTEGER"), col("name", "TEXT")})});

TEST(MergeTest, EachSideKeepsWhatOnlyItChanged) {
  Schema ours = kBase;
  ours.tables[0].columns.push_back(col("email", "TEXT", false));
  Index by_name{"ix_users_name", {"name"}};
  ours.tables[0].indexes.push_back(by_name);
  Schema theirs = kBase;
  theirs.tables[0].columns.insert(theirs.tables[0].columns.begin() + 1, col("age", "INTEGER"));
  theirs.tables.push_back(table("posts", {col("id", "INTEGER")}));
  theirs.tables[0].columns[2].type = "VARCHAR(80)";  // name, changed only there
  sort_tables(theirs);
  const MergedSchema merged = merge_schemas(kBase, ours, theirs);
  EXPECT_TRUE(merged.conflicts.empty());
  EXPECT_EQ(column_names(merged.schema, "users"),
            (std::vector<std::string>{"id", "age", "name", "email"}));
  EXPECT_EQ(merged.schema.find_table("users")->find_column("name")->type, "VARCHAR(80)");
  EXPECT_EQ(merged.schema.find_table("users")->indexes, std::vector<Index>{by_name});
  ASSERT_NE(merged.schema.find_table("posts"), nullptr);
}

TEST(MergeTest, ColumnsBothAppendedKeepOursFirst) {
  Schema ours = kBase;
  ours.tables[0].columns.push_back(col("email", "TEXT", false));
  Schema theirs = kBase;
  theirs.tables[0].columns.push_back(col("age", "INTEGER", false));
  EXPECT_EQ(column_names(merge_schemas(kBase, ours, theirs).schema, "users"),
            (std::vector<std::string>{"id", "name", "email", "age"}));
}

TEST(MergeTest, TheSameChangeOnBothSidesIsTakenOnce) {
  Schema both = kBase;
  both.tables[0].columns.push_back(col("email", "TEXT", false));
  const MergedSchema merged = merge_schemas(kBase, both, both);
  EXPECT_TRUE(merged.conflicts.empty());
  EXPECT_EQ(merged.schema, both);
}

TEST(MergeTest, DropsTakeEffectUnlessTheOtherSideChangedWhatWasDropped) {
  Schema dropped = kBase;
  dropped.tables[0].columns.pop_back();  // no name
  EXPECT_EQ(merge_schemas(kBase, kBase, dropped).schema, dropped);
  EXPECT_EQ(merge_schemas(kBase, dropped, kBase).schema, dropped);
  Schema changed = kBase;
  changed.tables[0].columns[1].not_null = false;
  const MergedSchema merged = merge_schemas(kBase, changed, dropped);
  ASSERT_EQ(merged.conflicts.size(), 1u);
  EXPECT_EQ(merged.conflicts[0].table, "users");
  EXPECT_EQ(merged.conflicts[0].column, "name");
  EXPECT_EQ(merged.conflicts[0].what, "dropped on one branch, changed on the other");
  const MergedSchema gone = merge_schemas(kBase, Schema{}, changed);
  ASSERT_EQ(gone.conflicts.size(), 1u);
  EXPECT_EQ(gone.conflicts[0].table, "users");
  EXPECT_EQ(gone.conflicts[0].column, "");
}

TEST(MergeTest, TwoDifferentChangesToOneThingConflict) {
  Schema text = kBase;
  text.tables[0].columns[1].type = "VARCHAR(10)";
  Schema blob = kBase;
  blob.tables[0].columns[1].type = "BLOB";
  const MergedSchema merged = merge_schemas(kBase, text, blob);
  ASSERT_EQ(merged.conflicts.size(), 1u);
  EXPECT_EQ(merged.conflicts[0].column, "name");
  EXPECT_EQ(merged.conflicts[0].what, "changed differently on both branches");

  Schema by_name = kBase, by_name_desc = kBase;
  by_name.tables[0].indexes.push_back({"ix_users_name", {"name"}});
  by_name_desc.tables[0].indexes.push_back({"ix_users_name", {"name DESC"}});
  const MergedSchema indexes = merge_schemas(kBase, by_name, by_name_desc);
  ASSERT_EQ(indexes.conflicts.size(), 1u);
  EXPECT_EQ(indexes.conflicts[0].what, "index ix_users_name: added differently on both branches");

  Schema view_a = kBase, view_b = kBase;
  view_a.objects.push_back(
      {SqlObject::Kind::kView, "names", "CREATE VIEW names AS SELECT name FROM users"});
  view_b.objects.push_back(
      {SqlObject::Kind::kView, "names", "CREATE VIEW names AS SELECT id FROM users"});
  const MergedSchema views = merge_schemas(kBase, view_a, view_b);
  ASSERT_EQ(views.conflicts.size(), 1u);
  EXPECT_EQ(views.conflicts[0].object, "names");
}

}  // namespace
}  // namespace retort
