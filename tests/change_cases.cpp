// The change corpus (change_cases.hpp).
#include "change_cases.hpp"

#include <iterator>
#include <stdexcept>

#include "change_cases_parts.hpp"

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

const ChangeCase kRefused[] = {
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
  static const std::vector<ChangeCase> cases = [] {
    std::vector<ChangeCase> all;
    for (const std::vector<ChangeCase>& part :
         {object_cases(), table_and_column_cases(), constraint_and_index_cases()}) {
      all.insert(all.end(), part.begin(), part.end());
    }
    all.insert(all.end(), std::begin(kRefused), std::end(kRefused));
    return all;
  }();
  return cases;
}

}  // namespace retort::testing
