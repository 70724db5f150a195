// The SQLite emitter (sqlite_dialect.cpp) on hand-built changes: the text of each statement,
// and that SQLite runs it.
#include "emit.hpp"

#include <gtest/gtest.h>

#include "schema_support.hpp"
#include "test_support.hpp"

namespace retort {
namespace {

using testing::col;

Table items() {
  Table t;
  t.name = "items";
  t.columns = {col("id", "INTEGER"), col("label", "TEXT"), col("note", "TEXT", false)};
  t.primary_key = {"id"};
  return t;
}

std::string render(const Change& change) { return make_sqlite_dialect()->render(change); }

TEST(EmitTest, QuotesReservedAndOddNames) {
  Table t;
  t.name = "select";
  t.columns = {col("order", "INTEGER"), col("we\"ird name", "TEXT"), col("Upper", "TEXT"),
               col("plain_1", "TEXT")};
  t.primary_key = {"order"};
  const std::string sql = make_sqlite_dialect()->create_table(t);
  EXPECT_EQ(sql,
            "CREATE TABLE \"select\" (\n"
            "    \"order\" INTEGER NOT NULL CONSTRAINT pk_select PRIMARY KEY,\n"
            "    \"we\"\"ird name\" TEXT NOT NULL,\n"
            "    \"Upper\" TEXT NOT NULL,\n"
            "    plain_1 TEXT NOT NULL\n"
            ");\n");
  testing::Database db;
  db.exec(sql);
  EXPECT_EQ(db.tables(), std::vector<std::string>{"select"});
}

TEST(EmitTest, ColumnsAndTablesAlteredInPlace) {
  EXPECT_EQ(render(AddColumn{"items", col("size", "INTEGER", false)}),
            "ALTER TABLE items ADD COLUMN size INTEGER;\n");
  EXPECT_EQ(render(RenameColumn{"items", "label", "title"}),
            "ALTER TABLE items RENAME COLUMN label TO title;\n");
  EXPECT_EQ(render(DropColumn{"items", col("note", "TEXT", false)}),
            "ALTER TABLE items DROP COLUMN note;\n");
  EXPECT_EQ(render(RenameTable{"items", "things"}), "ALTER TABLE items RENAME TO things;\n");
  EXPECT_EQ(render(DropTable{items()}), "DROP TABLE items;\n");
}

TEST(EmitTest, IndexesUniquePartialAndDropped) {
  const Index unique{"uq_items_label", {"label"}, true};
  const Index partial{"ix_items_note", {"note COLLATE NOCASE DESC"}, false, "note IS NOT NULL"};
  EXPECT_EQ(render(CreateIndex{"items", unique}),
            "CREATE UNIQUE INDEX uq_items_label ON items (label);\n");
  EXPECT_EQ(render(CreateIndex{"items", partial}),
            "CREATE INDEX ix_items_note ON items (note COLLATE NOCASE DESC) WHERE note IS NOT "
            "NULL;\n");
  EXPECT_EQ(render(DropIndex{"items", unique}), "DROP INDEX uq_items_label;\n");
}

TEST(EmitTest, EveryStatementRunsOnSqlite) {
  const auto dialect = make_sqlite_dialect();
  const std::vector<Change> changes = {CreateTable{items()},
                                       AddColumn{"items", col("size", "INTEGER", false)},
                                       CreateIndex{"items", {"ix_items_label", {"label"}, false}},
                                       RenameColumn{"items", "note", "remark"},
                                       DropIndex{"items", {"ix_items_label", {"label"}, false}},
                                       DropColumn{"items", col("size", "INTEGER", false)},
                                       RenameTable{"items", "things"}};
  testing::Database db;
  db.exec(render_changes(*dialect, changes));
  EXPECT_EQ(db.tables(), std::vector<std::string>{"things"});
  EXPECT_EQ(db.rows("SELECT name FROM pragma_table_info('things') ORDER BY cid"),
            (std::vector<std::string>{"id", "label", "remark"}));
}

TEST(EmitTest, RebuildCopiesTheKeptColumnsRows) {
  Table to = items();
  to.columns[1].type = "BLOB";
  to.columns.pop_back();
  const RebuildTable rebuild{items(), to, {{"id", "id"}, {"label", "label"}}};
  testing::Database db;
  db.exec(make_sqlite_dialect()->create_table(items()));
  db.exec("INSERT INTO items VALUES (1, 'one', 'x'), (2, 'two', NULL)");
  db.exec(render(rebuild));
  EXPECT_EQ(db.rows("SELECT id, label FROM items ORDER BY id"),
            (std::vector<std::string>{"1|one", "2|two"}));
  EXPECT_EQ(db.rows("SELECT name || ' ' || type FROM pragma_table_info('items') ORDER BY cid"),
            (std::vector<std::string>{"id INTEGER", "label BLOB"}));
}

TEST(EmitTest, SchemaCreatesParentsFirstEachWithItsIndexes) {
  Table parent = items();
  parent.indexes = {{"ix_items_label", {"label"}, false}};
  Table child;
  child.name = "parts";
  child.columns = {col("id", "INTEGER"), col("item_id", "INTEGER")};
  child.primary_key = {"id"};
  child.foreign_keys = {{"fk_parts_item_id_items", {"item_id"}, "items", {"id"}, "", "", {}}};
  Schema schema{{parent, child}};
  sort_tables(schema);
  const std::string sql = render_schema(*make_sqlite_dialect(), schema);
  EXPECT_LT(sql.find("CREATE TABLE items"), sql.find("CREATE INDEX ix_items_label")) << sql;
  EXPECT_LT(sql.find("CREATE INDEX ix_items_label"), sql.find("CREATE TABLE parts")) << sql;
  testing::Database db;
  db.exec(sql);
  EXPECT_EQ(db.tables(), (std::vector<std::string>{"items", "parts"}));
}

}  // namespace
}  // namespace retort
