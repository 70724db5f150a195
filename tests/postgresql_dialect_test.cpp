// The PostgreSQL dialect on hand-built schemas: on a table that exists before the revision the
// forms that keep a live service running, in phases; on a table the revision creates the plain
// ones.
#include <gtest/gtest.h>

#include "diff.hpp"
#include "emit.hpp"
#include "schema_support.hpp"

namespace retort {
namespace {

using testing::col;

Table authors() {
  Table t;
  t.name = "authors";
  t.columns = {col("id", "BIGINT"), col("name", "TEXT"), col("email", "TEXT", false)};
  t.primary_key = {"id"};
  t.autoincrement = true;
  return t;
}

Table books() {
  Table t;
  t.name = "books";
  t.columns = {col("id", "BIGINT"), col("author_id", "BIGINT"), col("title", "TEXT", false)};
  t.primary_key = {"id"};
  t.autoincrement = true;
  return t;
}

Schema schema(std::vector<Table> tables) {
  Schema s{std::move(tables)};
  sort_tables(s);
  return s;
}

std::string up(const Schema& from, const Schema& to) {
  return render_changes(*make_postgresql_dialect(), diff_schemas(from, to).changes);
}
std::string down(const Schema& from, const Schema& to) {
  return render_changes(*make_postgresql_dialect(), invert(diff_schemas(from, to).changes));
}

TEST(PostgresqlDialectTest, AnIndexOnAnExistingTableIsBuiltAndDroppedConcurrentlyAlone) {
  Table indexed = books();
  indexed.indexes = {{"ix_books_title", {"title"}, false}};
  EXPECT_EQ(up(schema({books()}), schema({indexed})),
            "-- +retort no-transaction\n"
            "CREATE INDEX CONCURRENTLY ix_books_title ON books (title);\n");
  EXPECT_EQ(down(schema({books()}), schema({indexed})),
            "-- +retort no-transaction\nDROP INDEX CONCURRENTLY ix_books_title;\n");
}

TEST(PostgresqlDialectTest, ATableTheRevisionCreatesKeepsThePlainForms) {
  Table indexed = books();
  indexed.indexes = {{"ix_books_title", {"title"}, false}};
  const std::string sql = up(schema({}), schema({indexed}));
  EXPECT_NE(sql.find("CREATE INDEX ix_books_title ON books (title);\n"), std::string::npos) << sql;
  EXPECT_EQ(sql.find("CONCURRENTLY"), std::string::npos) << sql;
  EXPECT_EQ(sql.find("-- +retort"), std::string::npos) << sql;
}

TEST(PostgresqlDialectTest, ACheckIsAddedNotValidThenValidatedInATransactionOfItsOwn) {
  Table checked = books();
  checked.checks = {{"ck_books_1", "length(title) > 0", ""}};
  EXPECT_EQ(up(schema({books()}), schema({checked})),
            "ALTER TABLE books ADD CONSTRAINT ck_books_1 CHECK (length(title) > 0) NOT VALID;\n"
            "-- +retort commit\n"
            "ALTER TABLE books VALIDATE CONSTRAINT ck_books_1;\n");
}

TEST(PostgresqlDialectTest, NotNullGoesThroughAValidatedCheck) {
  Table strict = books();
  strict.columns[2].not_null = true;
  strict.columns[2].default_sql = "'untitled'";
  Table loose = books();
  loose.columns[2].default_sql = "'untitled'";
  EXPECT_EQ(up(schema({loose}), schema({strict})),
            "ALTER TABLE books ADD CONSTRAINT nn_books_title CHECK (title IS NOT NULL) NOT "
            "VALID;\n"
            "-- +retort commit\n"
            "UPDATE books SET title = 'untitled' WHERE title IS NULL;\n"
            "-- +retort commit\n"
            "ALTER TABLE books VALIDATE CONSTRAINT nn_books_title;\n"
            "-- +retort commit\n"
            "ALTER TABLE books ALTER COLUMN title SET NOT NULL;\n"
            "ALTER TABLE books DROP CONSTRAINT nn_books_title;\n");
}

TEST(PostgresqlDialectTest, UniqueGoesThroughAnIndexBuiltConcurrently) {
  Table unique = authors();
  unique.unique_constraints = {{"uq_authors_name", {"name"}, false}};
  EXPECT_EQ(up(schema({authors()}), schema({unique})),
            "-- +retort no-transaction\n"
            "CREATE UNIQUE INDEX CONCURRENTLY uq_authors_name ON authors (name);\n"
            "-- +retort commit\n"
            "ALTER TABLE authors ADD CONSTRAINT uq_authors_name UNIQUE USING INDEX "
            "uq_authors_name;\n");
}

TEST(PostgresqlDialectTest, AForeignKeyIsAddedNotValidThenValidated) {
  Table child = books();
  child.foreign_keys = {{"fk_books_author_id_authors", {"author_id"}, "authors", {"id"}, "", "",
                         {}}};
  EXPECT_EQ(up(schema({authors(), books()}), schema({authors(), child})),
            "ALTER TABLE books ADD CONSTRAINT fk_books_author_id_authors FOREIGN KEY "
            "(author_id) REFERENCES authors (id) NOT VALID;\n"
            "-- +retort commit\n"
            "ALTER TABLE books VALIDATE CONSTRAINT fk_books_author_id_authors;\n");
}

TEST(PostgresqlDialectTest, AColumnWithAConstantDefaultIsOneStatement) {
  Table added = books();
  Column pages = col("pages", "INTEGER");
  pages.default_sql = "0";
  added.columns.push_back(pages);
  EXPECT_EQ(up(schema({books()}), schema({added})),
            "ALTER TABLE books ADD COLUMN pages INTEGER NOT NULL DEFAULT 0;\n");
}

}  // namespace
}  // namespace retort
