// Application-defined SQL functions (SPEC "Application-defined SQL functions"), from the user's
// side: declared in a models header, called by a view, a trigger, a CHECK and an index; proven
// with stand-ins, marked in the revisions that need them, refused by a connection without them.
#include "retort/detail/functions.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <cctype>

#include "cli_support.hpp"
#include "merge.hpp"
#include "pipeline.hpp"
#include "retort/runtime.hpp"
#include "test_support.hpp"

namespace retort {
namespace {

namespace fs = std::filesystem;
using testing::cli;
using testing::contains;
using testing::Database;
using testing::TempDir;

// calibre's title_sort(), near enough: a leading article moves to the end.
void title_sort(sqlite3_context* context, int, sqlite3_value** argv) {
  const unsigned char* raw = sqlite3_value_text(argv[0]);
  if (!raw) return sqlite3_result_null(context);
  std::string title = reinterpret_cast<const char*>(raw);
  if (title.rfind("The ", 0) == 0) title = title.substr(4) + ", The";
  sqlite3_result_text(context, title.c_str(), -1, SQLITE_TRANSIENT);
}

void define_title_sort(sqlite3* db) {
  ASSERT_EQ(sqlite3_create_function_v2(db, "title_sort", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
                                       nullptr, &title_sort, nullptr, nullptr, nullptr),
            SQLITE_OK);
}

constexpr const char* kIncludes =
    "#include <cstdint>\n#include <optional>\n#include <string>\n"
    "#include <retort/annotations.hpp>\n";

// A book model that calls title_sort() in a CHECK and an index expression.
constexpr const char* kBooks = R"cpp(
  RETORT_SQL_FUNCTION("title_sort", 1);
  struct RETORT_TABLE("books") RETORT_CHECK("title_sort(title) <> ''")
      RETORT_INDEX_ON("ix_books_sort", "title_sort(title)") Book {
    RETORT_PRIMARY_KEY std::int64_t id;
    std::string title;
    std::optional<std::string> sort;
  };
)cpp";

// A view and a trigger that call it.
constexpr const char* kObjects = R"sql(CREATE VIEW books_sorted AS
  SELECT id, title_sort(title) AS sort FROM books;
CREATE TRIGGER books_sort AFTER INSERT ON books BEGIN
  UPDATE books SET sort = title_sort(NEW.title) WHERE id = NEW.id;
END;
)sql";

class Project {
 public:
  fs::path header() const { return tmp_.path() / "models" / "books.hpp"; }
  fs::path objects() const { return tmp_.path() / "models" / "books.sql"; }
  std::string dir() const { return (tmp_.path() / "migrations").string(); }
  std::string db(const std::string& name = "app.db") const { return (tmp_.path() / name).string(); }
  Generated build(const std::string& models, const std::string& objects_sql = "") const {
    testing::write_text(header(), kIncludes + models);
    ScanRequest scan{{header().string()}, {"-I" RETORT_ANNOTATIONS_DIR}, ""};
    if (!objects_sql.empty()) {
      testing::write_text(objects(), objects_sql);
      scan.object_files = {objects().string()};
    }
    return generate({dir(), scan, false, "", "", "", ""});
  }
  std::vector<Revision> revisions() const { return load_repository(dir()).revisions; }
  void seal(const std::string& message) const { seal_draft(load_repository(dir()), message); }

 private:
  TempDir tmp_;
};

TEST(FunctionsTest, AViewATriggerACheckAndAnIndexCallADeclaredFunction) {
  const Project p;
  const Generated built = p.build(kBooks, kObjects);
  ASSERT_FALSE(built.error) << *built.error
                            << (built.models.diagnostics.empty()
                                    ? ""
                                    : format_diagnostic(built.models.diagnostics.front()));
  ASSERT_EQ(built.written, DraftWrite::kWritten);
  EXPECT_EQ(built.models.schema.functions, (std::vector<SqlFunction>{{"title_sort", 1, {}}}));
  // Creating the CHECK's table and the index call it; the view and the trigger do not.
  const Revision& draft = *built.draft.revision;
  EXPECT_EQ(detail::section_functions(draft.up_sql),
            (std::vector<detail::AppFunction>{{"title_sort", 1}}));
  EXPECT_TRUE(detail::section_functions(draft.down_sql).empty()) << draft.down_sql;
  EXPECT_TRUE(contains(draft.up_sql, "-- +retort function: title_sort/1\n")) << draft.up_sql;
  // The snapshot keeps the declaration; a second build finds nothing to write.
  EXPECT_TRUE(contains(draft.schema_json, "{\"function\":\"title_sort\",\"nargs\":1}"));
  EXPECT_EQ(p.build(kBooks, kObjects).written, DraftWrite::kUnchanged);

  // A connection without the function: refused before anything changes.
  {
    Database db(p.db());
    try {
      upgrade(db.get(), p.revisions(), "head");
      ADD_FAILURE() << "upgraded without title_sort";
    } catch (const Error& e) {
      const std::string what = e.what();
      EXPECT_TRUE(contains(what, "revision 0001 needs the SQL function 'title_sort' (1 argument)"))
          << what;
      EXPECT_TRUE(contains(what, "sqlite3_create_function")) << what;
      EXPECT_TRUE(contains(what, "nothing was changed")) << what;
    }
    EXPECT_EQ(db.rows("SELECT count(*) FROM sqlite_schema"), std::vector<std::string>{"0"});
  }
  // The CLI defines none: exit 1, nothing written; its --sql script is refused too.
  const auto refused = cli({"upgrade", "--dir", p.dir(), "--db", p.db("cli.db")});
  EXPECT_EQ(refused.code, ExitCode::kFailed);
  EXPECT_TRUE(contains(refused.err, "needs the SQL function 'title_sort'")) << refused.err;
  EXPECT_FALSE(fs::exists(p.db("cli.db")));
  const auto script = cli({"upgrade", "--sql", "--dir", p.dir(), "--db", p.db("cli.db")});
  EXPECT_EQ(script.code, ExitCode::kFailed);
  EXPECT_TRUE(contains(script.err, "which the sqlite3 shell does not define")) << script.err;

  // The application's connection defines it: applied, and the objects call the real one.
  Database db(p.db());
  define_title_sort(db.get());
  EXPECT_EQ(upgrade(db.get(), p.revisions(), "head"), std::vector<std::string>{"0001"});
  db.exec("INSERT INTO books (id, title) VALUES (1, 'The Time Machine'), (2, 'Frankenstein')");
  EXPECT_EQ(db.rows("SELECT sort FROM books ORDER BY id"),
            (std::vector<std::string>{"Time Machine, The", "Frankenstein"}));
  EXPECT_EQ(db.rows("SELECT sort FROM books_sorted ORDER BY sort"),
            (std::vector<std::string>{"Frankenstein", "Time Machine, The"}));
  EXPECT_EQ(db.rows("SELECT id FROM books INDEXED BY ix_books_sort WHERE title_sort(title) = "
                    "'Frankenstein'"),
            std::vector<std::string>{"2"});
  EXPECT_THROW(db.exec("INSERT INTO books (id, title) VALUES (3, '')"), std::runtime_error);

  // A change that rebuilds the table: its copy and index call the function again, both ways;
  // every row is kept and the trigger and view are there again.
  p.seal("books");
  std::string changed = kBooks;
  changed.replace(changed.find("std::optional<std::string> sort;"), 32,
                  "std::optional<std::string> sort;\n  RETORT_DEFAULT(\"0\") std::int64_t pages;");
  changed.replace(changed.find("RETORT_CHECK(\"title_sort(title) <> ''\")"), 39,
                  "RETORT_CHECK(\"title_sort(title) <> 'x'\")");
  const Generated rebuilt = p.build(changed, kObjects);
  ASSERT_FALSE(rebuilt.error) << *rebuilt.error;
  EXPECT_TRUE(contains(rebuilt.draft.revision->up_sql, "-- rebuild books"));
  EXPECT_EQ(detail::section_functions(rebuilt.draft.revision->up_sql).size(), 1u);
  EXPECT_EQ(detail::section_functions(rebuilt.draft.revision->down_sql).size(), 1u);
  EXPECT_EQ(upgrade(db.get(), p.revisions(), "head"), std::vector<std::string>{"0002"});
  EXPECT_EQ(db.rows("SELECT id, title, sort, pages FROM books ORDER BY id"),
            (std::vector<std::string>{"1|The Time Machine|Time Machine, The|0",
                                      "2|Frankenstein|Frankenstein|0"}));
  EXPECT_EQ(db.rows("SELECT name FROM sqlite_schema WHERE type IN ('view', 'trigger') ORDER BY "
                    "name"),
            (std::vector<std::string>{"books_sort", "books_sorted"}));
  // Its Down re-creates the old CHECK: the CLI refuses to revert it too, from the stored script.
  const auto down = cli({"downgrade", "--dir", p.dir(), "--db", p.db()});
  EXPECT_EQ(down.code, ExitCode::kFailed);
  EXPECT_TRUE(contains(down.err, "revision 0002 needs the SQL function 'title_sort'")) << down.err;
  EXPECT_EQ(current(db.get()), "0002");
}

// A revision that only creates views and triggers calling a function needs none at run time:
// the CLI applies it.
TEST(FunctionsTest, ViewsAndTriggersAloneNeedNoFunctionToBeCreated) {
  const Project p;
  const std::string models = std::string("RETORT_SQL_FUNCTION(\"title_sort\", 1);\n") +
                             "struct RETORT_TABLE(\"books\") Book {\n"
                             "  RETORT_PRIMARY_KEY std::int64_t id;\n  std::string title;\n"
                             "  std::optional<std::string> sort;\n};\n";
  const Generated built = p.build(models, kObjects);
  ASSERT_FALSE(built.error) << *built.error;
  EXPECT_TRUE(detail::section_functions(built.draft.revision->up_sql).empty())
      << built.draft.revision->up_sql;
  const auto applied = cli({"upgrade", "--dir", p.dir(), "--db", p.db()});
  EXPECT_EQ(applied.code, ExitCode::kDone) << applied.err;
  EXPECT_EQ(Database(p.db()).rows("SELECT count(*) FROM sqlite_schema WHERE type = 'view'"),
            std::vector<std::string>{"1"});
}

// Each place that calls a function SQLite does not define and no RETORT_SQL_FUNCTION declares
// is an error there, naming the function and the macro; nothing is written.
TEST(FunctionsTest, AnUndeclaredFunctionIsAnErrorWhereItIsCalled) {
  struct Place {
    std::string models;
    std::string objects;
    std::string at;  ///< "books.hpp:LINE:COL" or "books.sql:LINE:COL"
    std::string what;
  };
  const std::string table = "struct RETORT_TABLE(\"books\") ";
  const std::string columns =
      " Book {\n  RETORT_PRIMARY_KEY std::int64_t id;\n  std::string title;\n";
  const std::vector<Place> places = {
      {table + columns + "};\n",
       "CREATE VIEW books_sorted AS\n  SELECT id, title_sort(title) AS sort FROM books;\n",
       "books.sql:2:14", "view 'books_sorted' calls 'title_sort'"},
      {table + columns + "};\n",
       "CREATE TRIGGER t AFTER INSERT ON books BEGIN\n  SELECT uuid4();\nEND;\n", "books.sql:2:10",
       "trigger 't' calls 'uuid4'"},
      {table + "RETORT_CHECK(\"title_sort(title) <> ''\")" + columns + "};\n", "", "books.hpp:5:30",
       "RETORT_CHECK calls 'title_sort'"},
      {table + columns + "  RETORT_DEFAULT(\"uuid4()\") std::string uuid;\n};\n", "",
       "books.hpp:8:3", "RETORT_DEFAULT calls 'uuid4'"},
      {table + columns + "  RETORT_GENERATED(\"title_sort(title)\") std::string sort;\n};\n", "",
       "books.hpp:8:3", "RETORT_GENERATED calls 'title_sort'"},
      {table + "RETORT_INDEX_ON(\"ix\", \"title_sort(title)\")" + columns + "};\n", "",
       "books.hpp:5:30", "RETORT_INDEX_ON calls 'title_sort'"},
  };
  for (const Place& place : places) {
    const Project p;
    const Generated built = p.build(place.models, place.objects);
    ASSERT_TRUE(built.error) << place.what;
    std::string all;
    for (const Diagnostic& d : built.models.diagnostics) all += format_diagnostic(d) + "\n";
    EXPECT_EQ(built.models.diagnostics.size(), 1u) << all;
    EXPECT_TRUE(contains(all, place.at + ": error: " + place.what)) << all;
    EXPECT_TRUE(contains(all, "RETORT_SQL_FUNCTION(\"")) << all;
    EXPECT_FALSE(fs::exists(p.dir() + "/versions/0001_draft.sql"));
  }
}

TEST(FunctionsTest, BadDeclarationsAreErrorsAtTheirLine) {
  const std::string model =
      "struct RETORT_TABLE(\"t\") T {\n  RETORT_PRIMARY_KEY std::int64_t id;\n};\n";
  struct Case {
    std::string declarations;
    int line;  ///< of the error, the models starting at line 5
    std::string message;
  };
  const std::vector<Case> cases = {
      {"RETORT_SQL_FUNCTION(\"title sort\", 1);\n", 5, "one word of letters, digits and '_'"},
      {"RETORT_SQL_FUNCTION(\"f\", 200);\n", 5, "a whole number from 0 to 127"},
      {"RETORT_SQL_FUNCTION(\"lower\", 1);\n", 5, "'lower' is a function SQLite defines itself"},
      {"RETORT_SQL_FUNCTION(\"f\", 1);\nRETORT_SQL_FUNCTION(\"f\", 2);\n", 6,
       "SQL function 'f' is declared here with 2 and at "},
  };
  for (const Case& c : cases) {
    const Project p;
    const Generated built = p.build(c.declarations + model);
    std::string all;
    for (const Diagnostic& d : built.models.diagnostics) all += format_diagnostic(d) + "\n";
    EXPECT_TRUE(built.error) << c.declarations;
    EXPECT_TRUE(contains(all, "books.hpp:" + std::to_string(c.line) + ":1: error: ")) << all;
    EXPECT_TRUE(contains(all, c.message)) << all;
  }
}

// The macro is nothing to a compiler: a header that declares several functions compiles
// warning-free with GCC and Clang, and two sources that include it link into one program.
TEST(FunctionsTest, TheDeclarationCostsNothingToACompiler) {
  TempDir tmp;
  testing::write_text(
      tmp.path() / "models.hpp",
      std::string("#pragma once\n") + kIncludes + kBooks +
          "RETORT_SQL_FUNCTION(\"uuid4\", 0);\nRETORT_SQL_FUNCTION(\"any\", -1);\n");
  testing::write_text(tmp.path() / "a.cpp", "#include \"models.hpp\"\nint main() {}\n");
  testing::write_text(tmp.path() / "b.cpp", "#include \"models.hpp\"\nvoid b() {}\n");
  for (const char* compiler : {"g++", "clang++"}) {
    if (testing::run(std::string("command -v ") + compiler).exit_code != 0) continue;
    const auto built =
        testing::run("cd " + tmp.path().string() + " && " + compiler +
                     " -std=c++17 -Wall -Wextra -Wpedantic -Werror -I" RETORT_ANNOTATIONS_DIR
                     " a.cpp b.cpp -o program");
    EXPECT_EQ(built.exit_code, 0) << compiler << ": " << built.output;
  }
}

// A marker names a function and its number of arguments; anything else is an error at its line.
TEST(FunctionsTest, MarkersAreReadAndAMalformedOneIsAnError) {
  const std::string text =
      "-- +retort parent: base\n\n-- +retort Up\n-- +retort function: title_sort/1\n"
      "CREATE TABLE t (x);\n\n-- +retort Down\n-- +retort function: any/-1\nDROP TABLE t;\n";
  const Revision r = parse_revision(text, "0001_x.sql");
  EXPECT_EQ(detail::section_functions(r.up_sql),
            (std::vector<detail::AppFunction>{{"title_sort", 1}}));
  EXPECT_EQ(detail::section_functions(r.down_sql), (std::vector<detail::AppFunction>{{"any", -1}}));
  EXPECT_EQ(parse_revision(render_revision(r), "0001_x.sql").checksum, r.checksum);
  for (const char* bad : {"title_sort", "title_sort/x", "/1", "a b/1", "f/128"}) {
    std::string broken = text;
    broken.replace(broken.find("title_sort/1"), 12, bad);
    try {
      parse_revision(broken, "0001_x.sql");
      ADD_FAILURE() << bad;
    } catch (const Error& e) {
      EXPECT_TRUE(contains(e.what(), "0001_x.sql:4: a function marker names the function"))
          << e.what();
    }
  }
  // What a connection defines: SQLite's own, and the application's for its number of arguments.
  Database db;
  EXPECT_FALSE(detail::defines_function(db.get(), {"title_sort", 1}));
  define_title_sort(db.get());
  EXPECT_TRUE(detail::defines_function(db.get(), {"Title_Sort", 1}));
  EXPECT_FALSE(detail::defines_function(db.get(), {"title_sort", 2}));
  EXPECT_TRUE(detail::defines_function(db.get(), {"title_sort", -1}));
}

// A database whose table calls the application's function in a CHECK and an index: adopted
// (declared, the baseline marked), recorded at start-up on a connection without the function
// (the baseline does not run), refused where the baseline would run.
TEST(FunctionsTest, AnAdoptedTableThatCallsAFunctionIsRecordedWithoutIt) {
  TempDir tmp;
  const std::string original = (tmp.path() / "original.db").string();
  {
    Database db(original);
    define_title_sort(db.get());
    db.exec(
        "CREATE TABLE books (id INTEGER PRIMARY KEY, title TEXT NOT NULL CHECK "
        "(title_sort(title) <> '')); CREATE INDEX books_sort ON books (title_sort(title));"
        "INSERT INTO books VALUES (1, 'The Time Machine');");
  }
  const std::string dir = (tmp.path() / "migrations").string();
  const fs::path header = tmp.path() / "models" / "schema.hpp";
  const auto adopted =
      cli({"init", "--from-db", original, "--dir", dir, "--models-out", header.string()});
  ASSERT_EQ(adopted.code, ExitCode::kDone) << adopted.err;
  EXPECT_TRUE(contains(testing::read_text(header), "RETORT_SQL_FUNCTION(\"title_sort\", 1);"));
  const std::vector<Revision> revisions = load_repository(dir).revisions;
  EXPECT_EQ(detail::section_functions(revisions.at(0).up_sql),
            (std::vector<detail::AppFunction>{{"title_sort", 1}}));

  const fs::path app = tmp.path() / "app.db";
  fs::copy_file(original, app);
  EXPECT_EQ(upgrade(app, revisions, "head"), std::vector<std::string>{"0001"});
  const fs::path fresh = tmp.path() / "fresh.db";
  EXPECT_THROW(upgrade(fresh, revisions, "head"), Error);
  EXPECT_EQ(Database(fresh.string()).rows("SELECT count(*) FROM sqlite_schema"),
            std::vector<std::string>{"0"});
}

// Two branches that each declare a function: the rebase's merged snapshot declares both.
TEST(FunctionsTest, BranchesThatDeclareFunctionsMergeThem) {
  Schema base, ours, theirs;
  ours.functions = {{"title_sort", 1, {}}};
  theirs.functions = {{"uuid4", 0, {}}};
  const MergedSchema merged = merge_schemas(base, ours, theirs);
  EXPECT_TRUE(merged.conflicts.empty());
  EXPECT_EQ(merged.schema.functions,
            (std::vector<SqlFunction>{{"title_sort", 1, {}}, {"uuid4", 0, {}}}));
  theirs.functions = {{"title_sort", 2, {}}};
  EXPECT_EQ(merge_schemas(base, ours, theirs).conflicts.size(), 1u);
}

// The scan's memo keeps the declarations: a recalled scan declares what a fresh one does.
TEST(FunctionsTest, TheScanMemoRemembersTheDeclarations) {
  TempDir tmp;
  const fs::path header = tmp.path() / "books.hpp";
  testing::write_text(header, kIncludes + std::string(kBooks));
  fs::last_write_time(header, fs::file_time_type::clock::now() - std::chrono::hours(1));
  const ScanRequest request{
      {header.string()}, {"-I" RETORT_ANNOTATIONS_DIR}, (tmp.path() / "cache").string()};
  const Models scanned = read_models(request);
  const Models recalled = read_models(request);
  ASSERT_TRUE(recalled.recalled);
  EXPECT_EQ(recalled.schema, scanned.schema);
  EXPECT_EQ(recalled.schema.functions.size(), 1u);
}

}  // namespace
}  // namespace retort
