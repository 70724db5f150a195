// SQLite's quirks in schemas other tools wrote, from the user's side (SPEC "Real schemas are
// kept as SQLite stores them"): each adopted or declared, built, changed and applied to a
// database with rows, compared as SQLite stores it. Whole public schemas: adopt_test.cpp.
#include <gtest/gtest.h>

#include "cli_support.hpp"
#include "pipeline.hpp"
#include "retort/detail/introspect.hpp"
#include "retort/runtime.hpp"
#include "test_support.hpp"

namespace retort {
namespace {

namespace fs = std::filesystem;
using testing::cli;
using testing::contains;
using testing::Database;
using testing::TempDir;

// A project whose models are `schema.hpp` (written, or adopted from the database `original`).
class Project {
 public:
  std::string original() const { return (tmp_.path() / "original.db").string(); }
  std::string app() const { return (tmp_.path() / "app.db").string(); }
  std::string dir() const { return (tmp_.path() / "migrations").string(); }
  fs::path header() const { return tmp_.path() / "models" / "schema.hpp"; }

  testing::Cli adopt(const std::string& sql) const {
    Database(original()).exec(sql);
    return cli(
        {"init", "--from-db", original(), "--dir", dir(), "--models-out", header().string()});
  }
  // The build step over the models: the draft written and proven, or the errors.
  Generated build() const {
    ScanRequest scan{{header().string()}, {"-I" RETORT_ANNOTATIONS_DIR}, ""};
    const fs::path objects = tmp_.path() / "models" / "schema.sql";
    if (fs::exists(objects)) scan.object_files = {objects.string()};
    return generate({dir(), scan, false, "", "", "", ""});
  }
  // Edits the models: `from` (which must be there) becomes `to`.
  void edit(const std::string& from, const std::string& to) const {
    std::string text = testing::read_text(header());
    const auto at = text.find(from);
    ASSERT_NE(at, std::string::npos) << from << " in\n" << text;
    testing::write_text(header(), text.replace(at, from.size(), to));
  }
  void seal(const std::string& message) const { seal_draft(load_repository(dir()), message); }
  // Edits the models, builds, seals the draft under `message`, starts the copy: what it applied.
  std::vector<std::string> change_and_start(const std::string& from, const std::string& to,
                                            const std::string& message) const {
    edit(from, to);
    const Generated changed = build();
    EXPECT_FALSE(changed.error) << *changed.error;
    EXPECT_EQ(changed.written, DraftWrite::kWritten);
    seal(message);
    return start_copy();
  }
  std::vector<Revision> revisions() const { return load_repository(dir()).revisions; }
  // A copy of the original database, started as the application would.
  std::vector<std::string> start_copy() const {
    if (!fs::exists(app())) fs::copy_file(original(), app());
    return upgrade(fs::path(app()), revisions(), "head");
  }

 private:
  TempDir tmp_;
};

// The line that declares `member` in struct `model` of the header, without its indentation.
std::string member_line(const fs::path& header, const std::string& model,
                        const std::string& member) {
  const std::string text = testing::read_text(header);
  const auto body = text.find(" " + model + " {\n");
  const auto at = text.find(" " + member + ";\n", body);
  if (body == std::string::npos || at == std::string::npos) return "";
  const auto start = text.rfind('\n', at) + 1;
  return text.substr(start + 2, at + member.size() + 2 - start - 2);
}

// `id INTEGER PRIMARY KEY` is the rowid alias: never NULL, though PRAGMA table_info says it
// may be. Other integer keys keep SQLite's legacy NULLs.
TEST(RealSchemaTest, AnIntegerPrimaryKeyIsAdoptedAsAPlainPrimaryKey) {
  const Project p;
  const auto adopted = p.adopt(
      "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);"
      "CREATE TABLE legacy (id INT PRIMARY KEY, v TEXT);"
      "INSERT INTO notes (body) VALUES ('first');");
  ASSERT_EQ(adopted.code, ExitCode::kDone) << adopted.err;
  EXPECT_EQ(member_line(p.header(), "Notes", "id"), "RETORT_PRIMARY_KEY std::int64_t id;");
  EXPECT_EQ(member_line(p.header(), "Legacy", "id"),
            "RETORT_PRIMARY_KEY RETORT_TYPE(\"INT\") RETORT_NULLABLE std::int64_t id;");
  const Generated first = p.build();
  ASSERT_FALSE(first.error) << *first.error;
  EXPECT_EQ(first.written, DraftWrite::kNone);

  EXPECT_EQ(p.start_copy(), std::vector<std::string>{"0001"});
  EXPECT_EQ(p.change_and_start("std::optional<std::string> body;",
                               "std::optional<std::string> body;\n  "
                               "RETORT_DEFAULT(\"0\") std::int64_t pinned;",
                               "pinned notes"),
            std::vector<std::string>{"0002"});
  Database db(p.app());
  EXPECT_EQ(db.rows("SELECT id, body, pinned FROM notes"), std::vector<std::string>{"1|first|0"});
  EXPECT_EQ(cli({"check", "--dir", p.dir(), "--db", p.app()}).code, ExitCode::kDone);
}

// calibre's `DEFAULT ""`: a string to SQLite, but `DEFAULT ("")` would be an identifier.
TEST(RealSchemaTest, DoubleQuotedDefaultsAreAdoptedAsTheStringsTheyAre) {
  const Project p;
  const auto adopted = p.adopt(
      "CREATE TABLE books (id INTEGER PRIMARY KEY AUTOINCREMENT, path TEXT NOT NULL DEFAULT \"\","
      " isbn TEXT DEFAULT \"\" COLLATE NOCASE,"
      " last_modified TIMESTAMP NOT NULL DEFAULT \"2000-01-01 00:00:00+00:00\");"
      "INSERT INTO books (id) VALUES (1);");
  ASSERT_EQ(adopted.code, ExitCode::kDone) << adopted.err;
  const std::string text = testing::read_text(p.header());
  EXPECT_TRUE(contains(text, "RETORT_DEFAULT(\"''\") std::string path;")) << text;
  EXPECT_TRUE(contains(text, "RETORT_DEFAULT(\"'2000-01-01 00:00:00+00:00'\")")) << text;
  ASSERT_FALSE(p.build().error);
  EXPECT_EQ(p.start_copy(), std::vector<std::string>{"0001"});

  // A change that rebuilds the table (a new CHECK): every row kept, the defaults still strings.
  EXPECT_EQ(
      p.change_and_start("struct RETORT_TABLE(\"books\")",
                         "struct RETORT_TABLE(\"books\") RETORT_CHECK(\"id > 0\")", "positive ids"),
      std::vector<std::string>{"0002"});
  Database db(p.app());
  db.exec("INSERT INTO books (id) VALUES (2)");
  EXPECT_EQ(db.rows("SELECT id, quote(path), quote(isbn), last_modified FROM books ORDER BY id"),
            (std::vector<std::string>{"1|''|''|2000-01-01 00:00:00+00:00",
                                      "2|''|''|2000-01-01 00:00:00+00:00"}));
  const auto checked = cli({"check", "--dir", p.dir(), "--db", p.app()});
  EXPECT_EQ(checked.code, ExitCode::kDone) << checked.out << checked.err;
}

// Syncthing's trigger writes "" and SQLite stores '' once an ALTER TABLE re-parses the schema:
// the same trigger to every comparison, while a real difference is still one.
TEST(RealSchemaTest, ADoubleQuotedStringThatSQLiteRewroteIsTheSameObject) {
  Database a, b, c;
  const std::string table = "CREATE TABLE t (x TEXT, y TEXT);";
  a.exec(table + "CREATE TRIGGER tr AFTER INSERT ON t BEGIN UPDATE t SET y = \"\"; END;");
  b.exec(table + "CREATE TRIGGER tr AFTER INSERT ON t BEGIN UPDATE t SET y = \"\"; END;");
  c.exec(table + "CREATE TRIGGER tr AFTER INSERT ON t BEGIN UPDATE t SET y = 'x'; END;");
  b.exec("ALTER TABLE t ADD COLUMN z TEXT; ALTER TABLE t DROP COLUMN z;");
  ASSERT_TRUE(contains(b.rows("SELECT sql FROM sqlite_schema WHERE name = 'tr'")[0], "y = ''"));
  EXPECT_EQ(compare_databases(a.get(), b.get()), std::vector<std::string>{});
  EXPECT_EQ(compare_databases(a.get(), c.get()).size(), 1u);
}

// Access exports name columns "Unit Price": their index keys are quoted, declared or adopted.
TEST(RealSchemaTest, NamesWithSpacesAreQuotedInIndexKeys) {
  const Project declared;
  testing::write_text(declared.header(), R"(#include <cstdint>
#include <string>
#include <retort/annotations.hpp>
struct RETORT_TABLE("orders") Order {
  RETORT_PRIMARY_KEY std::int64_t id;
  RETORT_INDEX RETORT_COLUMN("Unit Price") double unit_price;
  RETORT_UNIQUE RETORT_COLUMN("Order Code") std::string code;
};
)");
  const Generated built = declared.build();
  ASSERT_FALSE(built.error) << *built.error << built.draft.report.problems.size();
  EXPECT_TRUE(contains(built.draft.revision->up_sql,
                       "CREATE INDEX \"ix_orders_Unit Price\" ON orders (\"Unit Price\");"))
      << built.draft.revision->up_sql;
  upgrade(fs::path(declared.app()), declared.revisions(), "head");
  EXPECT_EQ(Database(declared.app())
                .rows("SELECT name, \"unique\" FROM pragma_index_list('orders') ORDER BY name"),
            (std::vector<std::string>{"ix_orders_Unit Price|0", "uq_orders_Order Code|1"}));

  const Project adopted;
  const auto done = adopted.adopt(
      "CREATE TABLE \"Order Details\" (\"Order ID\" INTEGER NOT NULL, \"Unit Price\" REAL,"
      " [Quantity Ordered] INTEGER, PRIMARY KEY (\"Order ID\", [Quantity Ordered]));"
      "CREATE INDEX \"ix_Order Details_Unit Price\" ON \"Order Details\" (\"Unit Price\");"
      "CREATE UNIQUE INDEX [by price and quantity] ON [Order Details] ([Unit Price],"
      " [Quantity Ordered] DESC);"
      "INSERT INTO \"Order Details\" VALUES (1, 2.5, 3), (2, 4.0, 1);");
  ASSERT_EQ(done.code, ExitCode::kDone) << done.err;
  const std::string text = testing::read_text(adopted.header());
  EXPECT_TRUE(contains(text, "RETORT_COLUMN(\"Unit Price\") RETORT_INDEX std::optional<double>"))
      << text;
  EXPECT_TRUE(contains(text, "\"\\\"Unit Price\\\", [Quantity Ordered] DESC\"")) << text;
  ASSERT_FALSE(adopted.build().error);
  EXPECT_EQ(adopted.start_copy(), std::vector<std::string>{"0001"});
  EXPECT_EQ(adopted.change_and_start(
                "struct RETORT_TABLE(\"Order Details\")",
                "struct RETORT_TABLE(\"Order Details\") RETORT_CHECK(\"\\\"Order ID\\\" > 0\")",
                "positive order ids"),
            std::vector<std::string>{"0002"});
  EXPECT_EQ(Database(adopted.app()).rows("SELECT * FROM \"Order Details\" ORDER BY 1"),
            (std::vector<std::string>{"1|2.5|3", "2|4.0|1"}));
  EXPECT_EQ(cli({"check", "--dir", adopted.dir(), "--db", adopted.app()}).code, ExitCode::kDone);
}

// The CLI says what it did to an adopted database: recorded its baseline, ran nothing.
TEST(RealSchemaTest, UpgradingAnAdoptedDatabaseSaysTheBaselineWasRecordedNotRun) {
  const Project p;
  ASSERT_EQ(p.adopt("CREATE TABLE t (id INTEGER PRIMARY KEY);").code, ExitCode::kDone);
  fs::copy_file(p.original(), p.app());
  const auto first = cli({"upgrade", "--dir", p.dir(), "--db", p.app()});
  EXPECT_EQ(first.out,
            "retort: recorded baseline 0001 as applied without running it: the database has its "
            "schema already\n");
  EXPECT_EQ(cli({"upgrade", "--dir", p.dir(), "--db", p.app()}).out,
            "retort: nothing to upgrade\n");
  const std::string fresh = p.app() + ".fresh";
  EXPECT_EQ(cli({"upgrade", "--dir", p.dir(), "--db", fresh}).out, "retort: upgraded 0001\n");
}

// Bad input leaves nothing behind: a stamp to an unknown revision creates no database.
TEST(RealSchemaTest, AStampToAnUnknownRevisionLeavesNoFile) {
  const Project p;
  ASSERT_EQ(p.adopt("CREATE TABLE t (id INTEGER PRIMARY KEY);").code, ExitCode::kDone);
  const std::string db = p.app() + ".new";
  const auto stamped = cli({"stamp", "0009", "--dir", p.dir(), "--db", db});
  EXPECT_EQ(stamped.code, ExitCode::kFailed);
  EXPECT_TRUE(contains(stamped.err, "unknown revision target '0009'")) << stamped.err;
  EXPECT_FALSE(fs::exists(db));
  EXPECT_EQ(cli({"stamp", "0001", "--dir", p.dir(), "--db", db}).code, ExitCode::kDone);
  EXPECT_EQ(current(fs::path(db)), "0001");
}

}  // namespace
}  // namespace retort
