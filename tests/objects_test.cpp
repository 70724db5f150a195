// Objects files from the user's side: statements found and named, every kind of bad input
// reported at its file:line:col, objects tried on the models' tables, ordered by what they name,
// kept in the snapshot, and compared with a live database.
#include "objects.hpp"

#include <gtest/gtest.h>

#include "emit.hpp"
#include "retort/detail/introspect.hpp"
#include "retort/detail/sql_lexer.hpp"
#include "test_support.hpp"
#include "verify.hpp"

namespace retort {
namespace {

using testing::Database;

Table table(const std::string& name, const std::vector<std::string>& columns) {
  Table t;
  t.name = name;
  for (const std::string& column : columns) {
    Column c;
    c.name = column;
    c.type = "TEXT";
    t.columns.push_back(std::move(c));
  }
  t.columns.front().type = "INTEGER";
  t.primary_key = {columns.front()};
  return t;
}

class ObjectsTest : public ::testing::Test {
 protected:
  // Reads `text` as the objects file `objects.sql`, links the objects to a schema of `posts`
  // and `authors`, and tries them; every diagnostic, formatted, one a line.
  std::string errors_of(const std::string& text) {
    testing::write_text(file(), text);
    ObjectsRead read = read_objects({file()});
    schema_.objects = read.objects;
    link_objects(schema_);
    std::string out;
    for (const Diagnostic& d : read.diagnostics) out += format_diagnostic(d) + "\n";
    if (read.diagnostics.empty()) {
      for (const Diagnostic& d : check_objects(schema_)) out += format_diagnostic(d) + "\n";
    }
    return out;
  }
  std::string file() const { return (tmp_.path() / "objects.sql").string(); }
  std::string at(const std::string& place) const { return file() + ":" + place + ": error: "; }

  testing::TempDir tmp_;
  Schema schema_{{table("authors", {"id", "name"}), table("posts", {"id", "title", "body"})}};
};

TEST(SqlLexerTest, SplitsStatementsKeepingTriggerBodiesWhole) {
  const std::string text =
      "-- a comment; with a semicolon\n"
      "CREATE VIEW a AS SELECT ';' AS x /* ; */;\n"
      "\n"
      "  CREATE TRIGGER t AFTER INSERT ON p BEGIN\n"
      "    SELECT 1; SELECT \"x;y\";\n"
      "  END;;\n"
      "CREATE VIEW last AS SELECT 2 -- no semicolon\n";
  const std::vector<SqlStatement> statements = split_statements(text);
  ASSERT_EQ(statements.size(), 3u);
  EXPECT_EQ(statements[0].text, "CREATE VIEW a AS SELECT ';' AS x");  // comments around go
  EXPECT_EQ(line_and_column(text, statements[0].offset), std::make_pair(2u, 1u));
  EXPECT_EQ(statements[1].text,
            "CREATE TRIGGER t AFTER INSERT ON p BEGIN\n    SELECT 1; SELECT \"x;y\";\n  END");
  EXPECT_EQ(line_and_column(text, statements[1].offset), std::make_pair(4u, 3u));
  EXPECT_EQ(statements[2].text, "CREATE VIEW last AS SELECT 2");
}

TEST(SqlLexerTest, NormalisedTextIgnoresCommentsAndBlanksOutsideQuotes) {
  EXPECT_EQ(normalize_sql("CREATE  VIEW v AS -- why\n  SELECT 'a  b' , \"c  d\" /* x */ FROM t ;"),
            "CREATE VIEW v AS SELECT 'a  b' , \"c  d\" FROM t");
  EXPECT_NE(normalize_sql("CREATE VIEW v AS SELECT 'a  b'"),
            normalize_sql("CREATE VIEW v AS SELECT 'a b'"));
}

TEST_F(ObjectsTest, NamesKindsAndDependencyOrder) {
  EXPECT_EQ(errors_of("CREATE TRIGGER IF NOT EXISTS main.\"posts stamp\" AFTER INSERT ON posts\n"
                      "BEGIN INSERT INTO posts_fts (rowid, title) VALUES (new.id, new.title); "
                      "END;\n"
                      "CREATE VIEW recent AS SELECT * FROM titles WHERE id > 10;\n"
                      "CREATE VIEW [titles] AS SELECT id, title FROM Posts;\n"
                      "create virtual table posts_fts using fts5(title, content='posts', "
                      "content_rowid='id');\n"),
            "");
  std::vector<std::string> order;
  for (const SqlObject& o : schema_.objects) order.push_back(kind_name(o.kind) + " " + o.name);
  EXPECT_EQ(order, (std::vector<std::string>{"virtual table posts_fts", "view titles",
                                             "view recent", "trigger posts stamp"}));
  EXPECT_EQ(schema_.find_object("posts stamp")->depends_on,
            (std::vector<std::string>{"posts", "posts_fts"}));
  EXPECT_EQ(schema_.find_object("recent")->depends_on, std::vector<std::string>{"titles"});
  EXPECT_EQ(schema_.find_object("titles")->depends_on, std::vector<std::string>{"posts"});
  EXPECT_EQ(schema_.find_object("titles")->loc.line, 4u);

  // The snapshot keeps them, text as written.
  const Schema back = schema_from_json(schema_to_json(schema_));
  EXPECT_EQ(back, schema_);
  EXPECT_EQ(back.find_object("titles")->sql, "CREATE VIEW [titles] AS SELECT id, title FROM Posts");
}

TEST_F(ObjectsTest, OnlyCreateViewTriggerOrVirtualTable) {
  EXPECT_EQ(errors_of("CREATE VIEW ok AS SELECT 1;\n\n   CREATE INDEX ix ON posts (title);\n"
                      "INSERT INTO posts VALUES (1, 'a', 'b');\n"
                      "CREATE TABLE more (a INTEGER);\n"),
            at("3:4") +
                "an objects file holds only CREATE VIEW, CREATE TRIGGER and CREATE VIRTUAL "
                "TABLE statements, not 'CREATE INDEX ix ...'\n" +
                at("4:1") +
                "an objects file holds only CREATE VIEW, CREATE TRIGGER and CREATE VIRTUAL "
                "TABLE statements, not 'INSERT INTO posts ...'\n" +
                at("5:1") +
                "an objects file holds only CREATE VIEW, CREATE TRIGGER and CREATE VIRTUAL "
                "TABLE statements, not 'CREATE TABLE more ...'\n");
  EXPECT_EQ(errors_of("CREATE TEMP VIEW t AS SELECT 1;\nCREATE VIEW other.v AS SELECT 1;\n"),
            at("1:1") + "a TEMP object lives in one connection, not in the schema\n" + at("2:1") +
                "'other' is another database's schema; objects live in main\n");
  EXPECT_EQ(errors_of("CREATE VIEW v AS SELECT 1;\nCREATE TRIGGER V AFTER DELETE ON posts BEGIN "
                      "SELECT 1; END;\n"),
            at("2:1") + "'V' is already declared at " + file() + ":1\n");
}

TEST_F(ObjectsTest, ObjectsThatDoNotRunOnTheModels) {
  // A syntax error at the token SQLite points at, on the object's own line or a later one.
  EXPECT_EQ(errors_of("\n  CREATE VIEW v AS SELEC id FROM posts;\n"),
            at("2:20") + "view 'v': near \"SELEC\": syntax error\n");
  EXPECT_EQ(errors_of("CREATE VIEW v AS\n  SELECT id\n  FROM posts WHERE;\n"),
            at("3:19") + "view 'v': near \";\": syntax error\n");
  EXPECT_EQ(errors_of("CREATE VIEW v AS SELECT id FROM nowhere;\n"),
            at("1:1") + "view 'v' does not run: no such table: main.nowhere\n");
  EXPECT_EQ(errors_of("CREATE VIEW v AS SELECT isbn FROM posts;\n"),
            at("1:1") + "view 'v' does not run: no such column: isbn\n");
  EXPECT_EQ(errors_of("CREATE TRIGGER t AFTER INSERT ON nowhere BEGIN SELECT 1; END;\n"),
            at("1:1") + "trigger 't': no such table: main.nowhere\n");
  EXPECT_EQ(errors_of("CREATE TRIGGER t AFTER UPDATE ON posts BEGIN\n"
                      "  UPDATE authors SET nickname = 'x';\nEND;\n"),
            at("1:1") + "trigger 't' does not run: no such column: nickname\n");
  EXPECT_EQ(errors_of("CREATE VIRTUAL TABLE v USING fts6(a);\n"),
            at("1:1") + "virtual table 'v': no such module: fts6\n");
  EXPECT_EQ(errors_of("CREATE VIEW posts AS SELECT 1;\n"),
            at("1:1") + "'posts' is already a table of the models\n");
  // An INSTEAD OF trigger makes a view writable: that is no error.
  EXPECT_EQ(errors_of("CREATE VIEW titles AS SELECT id, title FROM posts;\n"
                      "CREATE TRIGGER titles_insert INSTEAD OF INSERT ON titles BEGIN\n"
                      "  INSERT INTO posts (id, title, body) VALUES (new.id, new.title, '');\n"
                      "END;\n"),
            "");
  EXPECT_EQ(errors_of("CREATE VIEW v AS SELECT 1;\n"), "");
  testing::write_text(file(), "");
  EXPECT_EQ(format_diagnostic(read_objects({file() + ".missing"}).diagnostics.at(0)),
            file() + ".missing: error: cannot read objects file");
}

TEST_F(ObjectsTest, DriftListsUndeclaredMissingAndChangedObjectsButNoShadowTables) {
  ASSERT_EQ(errors_of("CREATE VIEW titles AS SELECT id, title FROM posts;\n"
                      "CREATE TRIGGER posts_touch AFTER UPDATE ON posts BEGIN SELECT 1; END;\n"
                      "CREATE VIRTUAL TABLE posts_fts USING fts5(title, body);\n"
                      "CREATE VIRTUAL TABLE boxes USING rtree(id, min_x, max_x);\n"),
            "");
  Database db;
  db.exec(render_schema(*make_sqlite_dialect(), schema_));
  EXPECT_EQ(compare_objects(live_objects_of(schema_), introspect_objects(db.get())),
            std::vector<std::string>{});
  EXPECT_EQ(compare_schemas(live_schema_of(schema_), introspect(db.get())),
            std::vector<std::string>{});
  db.exec(
      "DROP TRIGGER posts_touch; DROP VIEW titles; CREATE VIEW titles AS SELECT id FROM posts;"
      "CREATE VIEW extra AS SELECT 1; CREATE VIRTUAL TABLE more_fts USING fts5(x);");
  EXPECT_EQ(compare_objects(live_objects_of(schema_), introspect_objects(db.get())),
            (std::vector<std::string>{
                "missing trigger 'posts_touch'",
                "view 'titles' differs: declared `CREATE VIEW titles AS SELECT id, title FROM "
                "posts`, found `CREATE VIEW titles AS SELECT id FROM posts`",
                "unexpected view 'extra'", "unexpected virtual table 'more_fts'"}));
  EXPECT_EQ(compare_schemas(live_schema_of(schema_), introspect(db.get())),
            std::vector<std::string>{});
}

}  // namespace
}  // namespace retort
