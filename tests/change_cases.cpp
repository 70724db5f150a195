// The change corpus (change_cases.hpp).
#include "change_cases.hpp"

#include <stdexcept>

namespace retort::testing {

const char* const kBase = R"(#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>
#include <retort/annotations.hpp>

struct RETORT_TABLE("authors") Author {
    RETORT_PRIMARY_KEY std::int64_t id;
    std::string name;
    std::optional<std::string> bio;
    std::vector<std::uint8_t> avatar;
};

struct RETORT_TABLE("books") Book {
    RETORT_PRIMARY_KEY std::int64_t id;
    RETORT_REFERENCES("authors", "id") RETORT_ON_DELETE("CASCADE") std::int64_t author_id;
    std::string title;
    std::optional<double> price;
};
// more models
)";

const char* const kSeed = R"(
INSERT INTO authors (id, name, bio, avatar) VALUES
    (1, 'Zoë ✓ 世界', NULL, x'00ff00'), (2, 'O''Brien', 'writes', x'');
INSERT INTO books (id, author_id, title, price) VALUES
    (10, 1, 'Ünïcode', NULL), (11, 1, 'b', 9.5), (12, 2, 'c', 0.25);
)";

std::string apply_edits(std::string text, const std::vector<Edit>& edits) {
  for (const Edit& e : edits) {
    const auto at = text.find(e.from);
    if (at == std::string::npos) throw std::runtime_error("edit anchor not found: " + e.from);
    text.replace(at, e.from.size(), e.to);
  }
  return text;
}

Edit append(const std::string& text) { return {"// more models\n", text + "\n// more models\n"}; }

namespace {

const Edit kNoBooks = {R"(struct RETORT_TABLE("books") Book {
    RETORT_PRIMARY_KEY std::int64_t id;
    RETORT_REFERENCES("authors", "id") RETORT_ON_DELETE("CASCADE") std::int64_t author_id;
    std::string title;
    std::optional<double> price;
};
)",
                       ""};
const char* kBooksTable = R"(struct RETORT_TABLE("books") Book {)";
const char* kTitle = "    std::string title;";
const char* kPrice = "    std::optional<double> price;";
const char* kAuthorRef =
    R"(RETORT_REFERENCES("authors", "id") RETORT_ON_DELETE("CASCADE") std::int64_t author_id;)";
const char* kBooks = "SELECT id, author_id, quote(title), quote(price) FROM books ORDER BY id";
const char* kBookRows = "10|1|'Ünïcode'|NULL\n11|1|'b'|9.5\n12|2|'c'|0.25";

std::string table_with(const std::string& annotations) {
  return std::string(R"(struct RETORT_TABLE("books") )") + annotations + " Book {";
}

// A change refused at the model: the error is at the line holding `error_at`, nothing written.
ChangeCase refused(std::string name, std::vector<Edit> after, std::vector<Edit> before,
                   std::string error_at) {
  ChangeCase c{std::move(name), std::move(after), std::move(before)};
  c.error_at = std::move(error_at);
  return c;
}

// A change to the objects (views, triggers, virtual tables) `objects` → `objects_after`, with
// the models edited by `after` as well.
ChangeCase objects_case(ChangeCase c, std::string objects,
                        std::optional<std::string> objects_after = std::nullopt) {
  c.objects = std::move(objects);
  c.objects_after = std::move(objects_after);
  return c;
}

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

const ChangeCase kCases[] = {
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

    // Tables.
    {"CreateTable",
     {append(R"(struct RETORT_TABLE("tags") Tag {
    RETORT_PRIMARY_KEY RETORT_AUTOINCREMENT std::int64_t id;
    RETORT_UNIQUE std::string label;
    RETORT_REFERENCES("books", "id") std::optional<std::int64_t> book_id;
};)")},
     {},
     "SELECT count(*) FROM tags",
     "0"},
    {"DropTable", {kNoBooks}, {}, "SELECT count(*) FROM authors", "2", false, true, false},
    {"RenameTable",
     {{kBooksTable, R"(struct RETORT_TABLE("volumes") RETORT_RENAMED_FROM("books") Book {)"}},
     {},
     "SELECT id, author_id, quote(title), quote(price) FROM volumes ORDER BY id",
     kBookRows},
    {"RenameReferencedTable",
     {{R"(RETORT_TABLE("authors"))", R"(RETORT_TABLE("writers") RETORT_RENAMED_FROM("authors"))"},
      {R"(RETORT_REFERENCES("authors", "id"))", R"(RETORT_REFERENCES("writers", "id"))"}},
     {},
     "SELECT b.id, w.name FROM books b JOIN writers w ON w.id = b.author_id ORDER BY b.id",
     "10|Zoë ✓ 世界\n11|Zoë ✓ 世界\n12|O'Brien"},
    {"WithoutRowidOn",
     {{kBooksTable, table_with("RETORT_WITHOUT_ROWID")}},
     {},
     kBooks,
     kBookRows,
     true},
    {"WithoutRowidOff",
     {{table_with("RETORT_WITHOUT_ROWID"), kBooksTable}},
     {{kBooksTable, table_with("RETORT_WITHOUT_ROWID")}},
     kBooks,
     kBookRows,
     true},
    {"StrictOn", {{kBooksTable, table_with("RETORT_STRICT")}}, {}, kBooks, kBookRows, true},
    {"StrictOff",
     {{table_with("RETORT_STRICT"), kBooksTable}},
     {{kBooksTable, table_with("RETORT_STRICT")}},
     kBooks,
     kBookRows,
     true},
    {"StrictOnWithBool",
     {{kBooksTable, table_with("RETORT_STRICT")}},
     {{kPrice, std::string(kPrice) + "\n    RETORT_DEFAULT(\"1\") bool in_print;"}},
     "SELECT id, in_print FROM books ORDER BY id",
     "10|1\n11|1\n12|1",
     true},
    {"RenameTableWithDerivedIndex",
     {{kBooksTable, R"(struct RETORT_TABLE("volumes") RETORT_RENAMED_FROM("books") Book {)"}},
     {{kTitle, "    RETORT_INDEX std::string title;"}},
     "SELECT name FROM pragma_index_list('volumes')",
     "ix_volumes_title"},

    // Columns.
    {"AddNullableColumn",
     {{kPrice, std::string(kPrice) + "\n    std::optional<std::string> isbn;"}},
     {},
     "SELECT count(*) FROM books WHERE isbn IS NULL",
     "3"},
    {"AddNotNullColumnWithDefault",
     {{kPrice, std::string(kPrice) + "\n    RETORT_DEFAULT(\"0\") std::int32_t pages;"}},
     {},
     "SELECT id, pages FROM books ORDER BY id",
     "10|0\n11|0\n12|0"},
    {"AddColumnWithNonConstantDefault",
     {{kPrice,
       std::string(kPrice) + "\n    RETORT_DEFAULT(\"CURRENT_TIMESTAMP\") std::string added_at;"}},
     {},
     "SELECT count(*) FROM books WHERE length(added_at) = 19",
     "3",
     true},
    {"AddColumnOfEveryType",
     {{kPrice, std::string(kPrice) + R"m(
    std::optional<bool> t_bool;
    std::optional<char> t_char;
    std::optional<signed char> t_schar;
    std::optional<unsigned char> t_uchar;
    std::optional<short> t_short;
    std::optional<unsigned short> t_ushort;
    std::optional<int> t_int;
    std::optional<unsigned> t_unsigned;
    std::optional<long> t_long;
    std::optional<unsigned long long> t_ullong;
    std::optional<std::int8_t> t_i8;
    std::optional<std::uint64_t> t_u64;
    std::optional<Genre> t_enum;
    std::optional<float> t_float;
    std::optional<double> t_double;
    std::optional<std::string> t_string;
    std::optional<std::vector<std::uint8_t>> t_bytes;
    std::optional<std::vector<std::byte>> t_std_bytes;
    std::optional<std::vector<unsigned char>> t_uchars;
    RETORT_TYPE("NUMERIC(10, 2)") std::optional<std::string> t_override;)m"},
      {kBooksTable, std::string("enum class Genre { kNovel, kPoem };\n") + kBooksTable}},
     {},
     "SELECT group_concat(type, ' ') FROM (SELECT type FROM pragma_table_info('books') "
     "WHERE name LIKE 't\\_%' ESCAPE '\\' ORDER BY cid)",
     "BOOLEAN INTEGER INTEGER INTEGER INTEGER INTEGER INTEGER INTEGER INTEGER INTEGER INTEGER "
     "INTEGER INTEGER REAL REAL TEXT BLOB BLOB BLOB NUMERIC(10, 2)"},
    {"AddColumnsFromMixin",
     {{"struct RETORT_TABLE(\"books\") Book {",
       "struct Stamped {\n    RETORT_DEFAULT(\"'2026-01-01'\") std::string created_at;\n};\n"
       "struct RETORT_TABLE(\"books\") Book : Stamped {"}},
     {},
     "SELECT group_concat(created_at) FROM books",
     "2026-01-01,2026-01-01,2026-01-01"},
    {"DropColumn",
     {{"    std::optional<std::string> bio;\n", ""}},
     {},
     "SELECT id, name FROM authors ORDER BY id",
     "1|Zoë ✓ 世界\n2|O'Brien",
     false,
     true,
     false},
    {"DropIndexedColumn",
     {{"    RETORT_INDEX std::optional<std::string> bio;\n", ""}},
     {{"    std::optional<std::string> bio;", "    RETORT_INDEX std::optional<std::string> bio;"}},
     "SELECT count(*) FROM authors",
     "2",
     false,
     true,
     false},
    {"DropForeignKeyColumn",
     {{"    " + std::string(kAuthorRef) + "\n", ""}},
     {},
     "SELECT count(*) FROM books",
     "3",
     true,
     true,
     false,
     "",
     "",
     true},
    {"RenameColumn",
     {{kTitle, "    RETORT_RENAMED_FROM(\"title\") std::string headline;"}},
     {},
     "SELECT id, headline FROM books ORDER BY id",
     "10|Ünïcode\n11|b\n12|c"},
    {"RenameIndexedColumn",
     {{"RETORT_INDEX std::string title;",
       "RETORT_INDEX RETORT_RENAMED_FROM(\"title\") std::string headline;"}},
     {{kTitle, "    RETORT_INDEX std::string title;"}},
     "SELECT name FROM pragma_index_list('books')",
     "ix_books_headline"},
    {"RenameReferencedColumn",
     {{"RETORT_PRIMARY_KEY std::int64_t id;\n    std::string name;",
       "RETORT_PRIMARY_KEY RETORT_RENAMED_FROM(\"id\") std::int64_t author_key;\n    std::string "
       "name;"},
      {R"(RETORT_REFERENCES("authors", "id"))", R"(RETORT_REFERENCES("authors", "author_key"))"}},
     {},
     "SELECT b.id, a.author_key FROM books b JOIN authors a ON a.author_key = b.author_id ORDER BY "
     "b.id",
     "10|1\n11|1\n12|2"},
    {"RenameReferencedColumnOfRebuiltTable",
     {{"RETORT_PRIMARY_KEY std::int64_t id;\n    std::string name;",
       "RETORT_PRIMARY_KEY RETORT_RENAMED_FROM(\"id\") std::int64_t author_key;\n"
       "    RETORT_COLLATE(\"NOCASE\") std::string name;"},
      {R"(RETORT_REFERENCES("authors", "id"))", R"(RETORT_REFERENCES("authors", "author_key"))"}},
     {},
     "SELECT \"table\", \"to\" FROM pragma_foreign_key_list('books')",
     "authors|author_key",
     true},
    {"RenameColumnOntoADroppedOne",
     {{"    std::string title;\n", ""},
      {"RETORT_DEFAULT(\"'sub'\") std::string subtitle;",
       "RETORT_DEFAULT(\"'sub'\") RETORT_RENAMED_FROM(\"subtitle\") std::string title;"}},
     {{kPrice, std::string(kPrice) + "\n    RETORT_DEFAULT(\"'sub'\") std::string subtitle;"}},
     "SELECT id, title FROM books ORDER BY id",
     "10|sub\n11|sub\n12|sub",
     true,  // re-adding the NOT NULL title without a default, in the down step, needs a rebuild
     true,
     false},
    {"RenameTableOntoADroppedOne",
     {{R"(struct RETORT_TABLE("archive") Archive { RETORT_PRIMARY_KEY std::int64_t id; };)", ""},
      {kBooksTable, R"(struct RETORT_TABLE("archive") RETORT_RENAMED_FROM("books") Book {)"}},
     {append(R"(struct RETORT_TABLE("archive") Archive { RETORT_PRIMARY_KEY std::int64_t id; };)")},
     "SELECT id, title FROM archive ORDER BY id",
     "10|Ünïcode\n11|b\n12|c",
     false,
     true,
     false,
     "INSERT INTO archive (id) VALUES (1);"},
    {"ChangeTypeWithinAffinity",
     {{kTitle, "    RETORT_TYPE(\"VARCHAR(200)\") std::string title;"}},
     {},
     kBooks,
     kBookRows,
     true},
    {"ChangeTypeToOtherAffinity",
     {{kPrice, "    std::optional<std::string> price;"}},
     {},
     "SELECT id, quote(price) FROM books ORDER BY id",
     "10|NULL\n11|'9.5'\n12|'0.25'",
     true,
     true,
     false},
    {"NullableBecomesNotNullWithDefault",
     {{kPrice, "    RETORT_DEFAULT(\"0\") double price;"}},
     {},
     "SELECT id, price FROM books ORDER BY id",
     "10|0.0\n11|9.5\n12|0.25",
     true,
     false,
     false},
    {"NotNullBecomesNullable",
     {{kTitle, "    std::optional<std::string> title;"}},
     {},
     kBooks,
     kBookRows,
     true},
    {"ChangeDefault",
     {{"    std::string name;", "    RETORT_DEFAULT(\"'anonymous'\") std::string name;"}},
     {},
     "SELECT dflt_value FROM pragma_table_info('authors') WHERE name = 'name'",
     "'anonymous'",
     true},
    {"ChangeCollation",
     {{"    std::string name;", "    RETORT_COLLATE(\"NOCASE\") std::string name;"}},
     {},
     "SELECT id FROM authors WHERE name = 'o''brien'",
     "2",
     true},
    {"AddColumnCheck",
     {{kTitle, "    RETORT_CHECK(\"length(title) > 0\") std::string title;"}},
     {},
     kBooks,
     kBookRows,
     true},
    {"ChangeColumnCheck",
     {{"RETORT_CHECK(\"price >= 0\")", "RETORT_CHECK(\"price >= 0 AND price < 1000\")"}},
     {{kPrice, "    RETORT_CHECK(\"price >= 0\") std::optional<double> price;"}},
     kBooks,
     kBookRows,
     true},
    {"MemberOrderIsNoChange",
     {{std::string(kTitle) + "\n" + kPrice, std::string(kPrice) + "\n" + kTitle}},
     {},
     "no change"},

    // Keys and constraints.
    {"ChangePrimaryKey",
     {{"    RETORT_PRIMARY_KEY std::int64_t id;\n    RETORT_REFERENCES",
       "    std::int64_t id;\n    RETORT_REFERENCES"},
      {kTitle, "    RETORT_PRIMARY_KEY std::string title;"}},
     {},
     kBooks,
     kBookRows,
     true},
    {"CompositePrimaryKey",
     {{kBooksTable, table_with(R"(RETORT_PRIMARY_KEY_ON("author_id, id"))")},
      {"    RETORT_PRIMARY_KEY std::int64_t id;\n    RETORT_REFERENCES",
       "    std::int64_t id;\n    RETORT_REFERENCES"}},
     {},
     "SELECT name, pk FROM pragma_table_info('books') WHERE pk > 0 ORDER BY pk",
     "author_id|1\nid|2",
     true},
    {"AddUnique",
     {{kTitle, "    RETORT_UNIQUE std::string title;"}},
     {},
     "SELECT name, \"unique\" FROM pragma_index_list('books')",
     "uq_books_title|1"},
    {"AddCompositeUnique",
     {{kBooksTable,
       table_with(R"(RETORT_UNIQUE_ON("uq_books_author_title", "author_id, title"))")}},
     {},
     "SELECT name, \"unique\" FROM pragma_index_list('books')",
     "uq_books_author_title|1"},
    {"AddTableCheck",
     {{kBooksTable, table_with(R"(RETORT_CHECK("price IS NULL OR price >= 0"))")}},
     {},
     kBooks,
     kBookRows,
     true},
    {"ChangeTableCheck",
     {{R"(RETORT_CHECK("price IS NULL OR price >= 0"))",
       R"(RETORT_CHECK("price IS NULL OR price BETWEEN 0 AND 100"))"}},
     {{kBooksTable, table_with(R"(RETORT_CHECK("price IS NULL OR price >= 0"))")}},
     kBooks,
     kBookRows,
     true},
    {"AddForeignKey",
     {{"std::int64_t author_id;", std::string(kAuthorRef)}},
     {{kAuthorRef, "std::int64_t author_id;"}},
     kBooks,
     kBookRows,
     true},
    {"DropForeignKey", {{kAuthorRef, "std::int64_t author_id;"}}, {}, kBooks, kBookRows, true},
    {"ChangeForeignKeyActions",
     {{R"(RETORT_ON_DELETE("CASCADE"))",
       R"(RETORT_ON_DELETE("RESTRICT") RETORT_ON_UPDATE("CASCADE"))"}},
     {},
     "SELECT on_delete, on_update FROM pragma_foreign_key_list('books')",
     "RESTRICT|CASCADE",
     true},
    {"ChangeForeignKeyTarget",
     {{R"(RETORT_REFERENCES("authors", "id"))", R"(RETORT_REFERENCES("editors", "id"))"}},
     {append(R"(struct RETORT_TABLE("editors") Editor { RETORT_PRIMARY_KEY std::int64_t id; };)")},
     "SELECT \"table\" FROM pragma_foreign_key_list('books')",
     "editors",
     true,
     false,
     true,
     "INSERT INTO editors (id) VALUES (1), (2);"},
    {"RebuildReferencedTable",
     {{"    std::string name;", "    RETORT_TYPE(\"VARCHAR(100)\") std::string name;"}},
     {},
     "SELECT count(*) FROM books",
     "3",
     true},

    // Indexes.
    {"AddIndex",
     {{kTitle, "    RETORT_INDEX std::string title;"}},
     {},
     "SELECT name, \"unique\" FROM pragma_index_list('books')",
     "ix_books_title|0"},
    {"AddUniqueIndex",
     {{kTitle, "    RETORT_UNIQUE RETORT_INDEX std::string title;"}},
     {},
     "SELECT name, \"unique\" FROM pragma_index_list('books')",
     "ix_books_title|1"},
    {"AddCompositeIndex",
     {{kBooksTable, table_with(R"(RETORT_INDEX_ON("ix_books_author_price", "author_id, price"))")}},
     {},
     "SELECT group_concat(name) FROM pragma_index_info('ix_books_author_price')",
     "author_id,price"},
    {"DropIndex",
     {{"    RETORT_INDEX std::string title;", kTitle}},
     {{kTitle, "    RETORT_INDEX std::string title;"}},
     "SELECT count(*) FROM pragma_index_list('books')",
     "0"},
    {"ChangeIndex",
     {{R"(RETORT_INDEX_ON("ix_books_author", "author_id"))",
       R"(RETORT_INDEX_ON("ix_books_author", "author_id, title"))"}},
     {{kBooksTable, table_with(R"(RETORT_INDEX_ON("ix_books_author", "author_id"))")}},
     "SELECT group_concat(name) FROM pragma_index_info('ix_books_author')",
     "author_id,title"},
    {"IndexBecomesUnique",
     {{"RETORT_INDEX std::string title;", "RETORT_UNIQUE RETORT_INDEX std::string title;"}},
     {{kTitle, "    RETORT_INDEX std::string title;"}},
     "SELECT name, \"unique\" FROM pragma_index_list('books')",
     "ix_books_title|1"},

    {"AddExpressionIndex",
     {{kBooksTable, table_with(R"x(RETORT_UNIQUE_ON("uq_books_title_lower", "lower(title)"))x")}},
     {},
     "SELECT sql FROM sqlite_schema WHERE name = 'uq_books_title_lower'",
     "CREATE UNIQUE INDEX uq_books_title_lower ON books (lower(title))"},
    {"AddPartialIndexWithOrderAndCollation",
     {{kBooksTable,
       table_with(R"x(RETORT_INDEX_ON("ix_books_priced", "author_id DESC, title COLLATE NOCASE",
                                      "price IS NOT NULL"))x")}},
     {},
     "SELECT name, x.\"desc\", coll FROM pragma_index_xinfo('ix_books_priced') x WHERE key "
     "UNION ALL SELECT partial, 0, 0 FROM pragma_index_list('books') WHERE name = "
     "'ix_books_priced'",
     "author_id|1|BINARY\ntitle|0|NOCASE\n1|0|0"},
    {"ChangePartialIndexCondition",
     {{R"("price IS NOT NULL"))", R"("price > 1"))"}},
     {{kBooksTable,
       table_with(R"(RETORT_INDEX_ON("ix_books_priced", "title", "price IS NOT NULL"))")}},
     "SELECT sql FROM sqlite_schema WHERE name = 'ix_books_priced'",
     "CREATE INDEX ix_books_priced ON books (title) WHERE price > 1"},
    {"PartialIndexBecomesFull",
     {{R"("title", "price IS NOT NULL"))", R"("title"))"}},
     {{kBooksTable,
       table_with(R"(RETORT_INDEX_ON("ix_books_priced", "title", "price IS NOT NULL"))")}},
     "SELECT partial FROM pragma_index_list('books')",
     "0"},
    {"ExpressionIndexKeyChanges",
     {{R"x("lower(title)")x", R"x("upper(title)")x"}},
     {{kBooksTable, table_with(R"x(RETORT_INDEX_ON("ix_books_t", "lower(title)"))x")}},
     "SELECT sql FROM sqlite_schema WHERE name = 'ix_books_t'",
     "CREATE INDEX ix_books_t ON books (upper(title))"},
    {"RenamedColumnInsideAnExpressionIndex",
     {{kTitle, "    RETORT_RENAMED_FROM(\"title\") std::string headline;"},
      {R"x("lower(title)")x", R"x("lower(headline)")x"}},
     {{kBooksTable, table_with(R"x(RETORT_INDEX_ON("ix_books_t", "lower(title)"))x")}},
     "SELECT sql FROM sqlite_schema WHERE name = 'ix_books_t'",
     "CREATE INDEX ix_books_t ON books (lower(headline))"},
    {"SameIndexWrittenWithOtherBlanksIsNoChange",
     {{R"x("author_id,  lower( title )")x", R"x("author_id, lower( title )")x"}},
     {{kBooksTable,
       table_with(R"x(RETORT_INDEX_ON("ix_books_t", "author_id,  lower( title )"))x")}},
     "no change"},

    {"AddUniqueConstraintOnAMember",
     {{kTitle, "    RETORT_UNIQUE_CONSTRAINT std::string title;"}},
     {},
     "SELECT origin, \"unique\", instr((SELECT sql FROM sqlite_schema WHERE name = 'books'), "
     "'title TEXT NOT NULL CONSTRAINT uq_books_title UNIQUE') > 0 FROM pragma_index_list('books')",
     "u|1|1",
     true},
    {"AddTableUniqueConstraint",
     {{kBooksTable, table_with(R"(RETORT_UNIQUE_CONSTRAINT_ON("author_id, title"))")}},
     {},
     "SELECT group_concat(x.name) FROM pragma_index_list('books') i, pragma_index_info(i.name) x "
     "WHERE i.origin = 'u'",
     "author_id,title",
     true},
    {"DropUniqueConstraint",
     {{"    RETORT_UNIQUE_CONSTRAINT std::string title;", kTitle}},
     {{kTitle, "    RETORT_UNIQUE_CONSTRAINT std::string title;"}},
     "SELECT count(*) FROM pragma_index_list('books')",
     "0",
     true},
    {"AddColumnWithUniqueConstraint",
     {{kPrice,
       std::string(kPrice) + "\n    RETORT_UNIQUE_CONSTRAINT std::optional<std::string> isbn;"}},
     {},
     "SELECT count(*) FROM pragma_index_list('books') WHERE origin = 'u'",
     "1",
     true},
    {"ForeignKeyToAUniqueConstraint",
     {{kTitle, "    RETORT_UNIQUE_CONSTRAINT std::string title;"},
      append(R"(struct RETORT_TABLE("reviews") Review {
    RETORT_PRIMARY_KEY std::int64_t id;
    RETORT_REFERENCES("books", "title") std::string book_title;
};)")},
     {},
     "SELECT \"table\", \"to\" FROM pragma_foreign_key_list('reviews')",
     "books|title",
     true},
    // Generated columns.
    {"AddVirtualGeneratedColumn",
     {{kTitle, std::string(kTitle) +
                   "\n    RETORT_GENERATED(\"length(title)\") std::int64_t title_length;"}},
     {},
     "SELECT title_length FROM books ORDER BY id",
     "7\n1\n1"},
    {"AddStoredGeneratedColumn",
     {{kPrice, std::string(kPrice) +
                   "\n    RETORT_GENERATED_STORED(\"price * 2\") std::optional<double> twice;"}},
     {},
     "SELECT quote(twice), (SELECT hidden FROM pragma_table_xinfo('books') WHERE name = 'twice') "
     "FROM books ORDER BY id",
     "NULL|3\n19.0|3\n0.5|3",
     true},
    {"ChangeGeneratedExpression",
     {{"RETORT_GENERATED(\"length(title)\")", "RETORT_GENERATED(\"length(title) + 1\")"}},
     {{kTitle, std::string(kTitle) +
                   "\n    RETORT_GENERATED(\"length(title)\") std::int64_t title_length;"}},
     "SELECT title_length FROM books ORDER BY id",
     "8\n2\n2",
     true},
    {"DropGeneratedColumnLosesNothing",
     {{"\n    RETORT_GENERATED(\"length(title)\") std::int64_t title_length;", ""}},
     {{kTitle, std::string(kTitle) +
                   "\n    RETORT_GENERATED(\"length(title)\") std::int64_t title_length;"}},
     "SELECT count(*) FROM pragma_table_xinfo('books')",
     "4"},
    {"ForeignKeyBecomesDeferred",
     {{kAuthorRef, std::string("RETORT_DEFERRED ") + kAuthorRef}},
     {},
     "SELECT instr(sql, 'DEFERRABLE INITIALLY DEFERRED') > 0 FROM sqlite_schema WHERE name = "
     "'books'",
     "1",
     true},
    {"DeferredForeignKeyBecomesImmediate",
     {{std::string("RETORT_DEFERRED ") + kAuthorRef, kAuthorRef}},
     {{kAuthorRef, std::string("RETORT_DEFERRED ") + kAuthorRef}},
     "SELECT instr(sql, 'DEFERRABLE') FROM sqlite_schema WHERE name = 'books'",
     "0",
     true},

    // Refused, at the model.
    refused("UniqueIndexAndUniqueConstraintOnOneMember",
            {{kTitle, "    RETORT_UNIQUE RETORT_UNIQUE_CONSTRAINT std::string title;"}}, {},
            "RETORT_UNIQUE RETORT_UNIQUE_CONSTRAINT std::string title;"),
    refused("UniqueConstraintOnUnknownColumn",
            {{kBooksTable, table_with(R"(RETORT_UNIQUE_CONSTRAINT_ON("title, isbn"))")}}, {},
            "RETORT_UNIQUE_CONSTRAINT_ON"),
    refused("GeneratedColumnWithADefault",
            {{kPrice, std::string(kPrice) + "\n    RETORT_DEFAULT(\"0\") "
                                            "RETORT_GENERATED(\"price * 2\") double twice;"}},
            {}, "RETORT_GENERATED(\"price * 2\") double twice;"),
    refused("GeneratedPrimaryKey",
            {{"    RETORT_PRIMARY_KEY std::int64_t id;\n    RETORT_REFERENCES",
              "    RETORT_PRIMARY_KEY RETORT_GENERATED(\"1\") std::int64_t id;\n    "
              "RETORT_REFERENCES"}},
            {}, "RETORT_GENERATED(\"1\") std::int64_t id;"),
    refused("GeneratedOverUnknownColumn",
            {{kPrice,
              std::string(kPrice) + "\n    RETORT_GENERATED(\"isbn || 'x'\") std::string isbn_x;"}},
            {}, "RETORT_GENERATED(\"isbn || 'x'\")"),
    refused("DeferredWithoutAReference", {{kTitle, "    RETORT_DEFERRED std::string title;"}}, {},
            "RETORT_DEFERRED std::string title;"),
    refused("IndexKeyNamesUnknownColumn",
            {{kBooksTable, table_with(R"(RETORT_INDEX_ON("ix_books_x", "title, isbn DESC"))")}}, {},
            "RETORT_INDEX_ON(\"ix_books_x\""),
    refused("IndexExpressionOverUnknownColumn",
            {{kBooksTable, table_with(R"x(RETORT_INDEX_ON("ix_books_x", "lower(isbn)"))x")}}, {},
            "RETORT_INDEX_ON(\"ix_books_x\""),
    refused("PartialIndexWithBadCondition",
            {{kBooksTable, table_with(R"(RETORT_UNIQUE_ON("uq_books_x", "title", "price >"))")}},
            {}, "RETORT_UNIQUE_ON(\"uq_books_x\""),
    refused("AddNotNullColumnWithoutDefault",
            {{kPrice, std::string(kPrice) + "\n    std::string isbn;"}}, {}, "std::string isbn;"),
    refused("NullableBecomesNotNullWithoutDefault", {{kPrice, "    double price;"}}, {},
            "double price;"),
    refused("RenameFromMissingColumn",
            {{kTitle, "    RETORT_RENAMED_FROM(\"nope\") std::string headline;"}}, {}, "headline;"),
    refused(
        "RenameFromMissingTable",
        {{kBooksTable, R"(struct RETORT_TABLE("volumes") RETORT_RENAMED_FROM("tomes") Book {)"}},
        {}, "tomes"),
};

}  // namespace

const std::vector<ChangeCase>& change_cases() {
  static const std::vector<ChangeCase> cases(std::begin(kCases), std::end(kCases));
  return cases;
}

}  // namespace retort::testing
