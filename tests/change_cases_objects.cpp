// The change corpus (change_cases.hpp): views, triggers and virtual tables (OBJECTS).
#include "change_cases_parts.hpp"

namespace retort::testing {
namespace {

constexpr const char* kTitlesView =
    "-- the titles\nCREATE VIEW book_titles AS\n  SELECT b.id, b.title, a.name FROM books b\n"
    "  JOIN authors a ON a.id = b.author_id;\n";
constexpr const char* kTitles = "SELECT * FROM book_titles ORDER BY id";
constexpr const char* kTitleRows = "10|Ünïcode|Zoë ✓ 世界\n11|b|Zoë ✓ 世界\n12|c|O'Brien";
// Keeps authors.bio saying which book was last renamed: an AFTER UPDATE trigger on books.
constexpr const char* kRenameTrigger =
    "CREATE TRIGGER books_renamed AFTER UPDATE OF title ON books BEGIN\n"
    "  UPDATE authors SET bio = 'renamed ' || new.title WHERE id = new.author_id;\nEND;\n";
// Full-text search over the titles: an external-content FTS5 table and its sync triggers.
constexpr const char* kSearch =
    "CREATE VIRTUAL TABLE books_fts USING fts5(title, content='books', content_rowid='id');\n"
    "CREATE TRIGGER books_fts_insert AFTER INSERT ON books BEGIN\n"
    "  INSERT INTO books_fts (rowid, title) VALUES (new.id, new.title);\nEND;\n"
    "CREATE TRIGGER books_fts_delete AFTER DELETE ON books BEGIN\n"
    "  INSERT INTO books_fts (books_fts, rowid, title) VALUES ('delete', old.id, old.title);\n"
    "END;\n";
constexpr const char* kMatch =
    "SELECT rowid FROM books_fts WHERE books_fts MATCH 'unicode OR c' ORDER BY rowid";

}  // namespace

std::vector<ChangeCase> object_cases() {
  return {
      // Views, triggers and virtual tables (OBJECTS).
      objects_case({"ViewAdded", {}, {}, kTitles, kTitleRows}, "", kTitlesView),
      objects_case(
          {"ViewRemoved", {}, {}, "SELECT count(*) FROM sqlite_schema WHERE type = 'view'", "0"},
          kTitlesView, ""),
      objects_case({"ViewChanged", {}, {}, "SELECT * FROM book_titles WHERE id = 12", "12|c"},
                   kTitlesView, "CREATE VIEW book_titles AS SELECT id, title FROM books;\n"),
      objects_case({"ViewOnlyReformatted", {}, {}, "no change"}, kTitlesView,
                   "CREATE VIEW   book_titles AS SELECT b.id, b.title, a.name /* the author */\n"
                   "FROM books b JOIN authors a ON a.id = b.author_id;"),
      objects_case({"TriggerAdded",
                    {},
                    {},
                    "SELECT name, tbl_name FROM sqlite_schema WHERE type "
                    "= 'trigger'",
                    "books_renamed|books"},
                   "", kRenameTrigger),
      objects_case({"ViewAndTriggerKeptThroughARebuild",
                    {{kBooksTable, table_with(R"(RETORT_CHECK("length(title) > 0"))")}},
                    {},
                    kTitles,
                    kTitleRows,
                    true},
                   std::string(kTitlesView) + kRenameTrigger),
      objects_case({"ColumnRenamedUnderAView",
                    {{kTitle, "    RETORT_RENAMED_FROM(\"title\") std::string headline;"}},
                    {},
                    "SELECT * FROM book_titles ORDER BY id",
                    kTitleRows},
                   kTitlesView,
                   "CREATE VIEW book_titles AS SELECT b.id, b.headline, a.name FROM books b\n"
                   "  JOIN authors a ON a.id = b.author_id;\n"),
      objects_case(
          {"TableRenamedUnderATrigger",
           {{kBooksTable, R"(struct RETORT_TABLE("volumes") RETORT_RENAMED_FROM("books") Book {)"}},
           {},
           "SELECT tbl_name FROM sqlite_schema WHERE name = 'books_renamed'",
           "volumes"},
          kRenameTrigger,
          "CREATE TRIGGER books_renamed AFTER UPDATE OF title ON volumes BEGIN\n"
          "  UPDATE authors SET bio = 'renamed ' || new.title WHERE id = new.author_id;\nEND;\n"),
      objects_case({"FullTextSearchAdded", {}, {}, kMatch, "10\n12"}, "", kSearch),
      objects_case({"FullTextSearchKeptThroughARebuild",
                    {{kBooksTable, table_with(R"(RETORT_CHECK("length(title) > 0"))")}},
                    {},
                    kMatch,
                    "10\n12",
                    true},
                   kSearch),
      objects_case(
          {"FullTextSearchChanged", {}, {}, kMatch, "10\n12", false, true}, kSearch,
          std::string(kSearch).replace(std::string(kSearch).find("content="), 0, "prefix='2', ")),
  };
}

}  // namespace retort::testing
