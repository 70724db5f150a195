// What the parts of the change corpus share (change_cases*.cpp): anchors in kBase's models,
// the books' rows, and the builders of refused and objects cases.
#ifndef RETORT_TESTS_CHANGE_CASES_PARTS_HPP
#define RETORT_TESTS_CHANGE_CASES_PARTS_HPP

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "change_cases.hpp"

namespace retort::testing {

inline const Edit kNoBooks = {R"(struct RETORT_TABLE("books") Book {
    RETORT_PRIMARY_KEY std::int64_t id;
    RETORT_REFERENCES("authors", "id") RETORT_ON_DELETE("CASCADE") std::int64_t author_id;
    std::string title;
    std::optional<double> price;
};
)",
                              ""};
inline const char* const kBooksTable = R"(struct RETORT_TABLE("books") Book {)";
inline const char* const kTitle = "    std::string title;";
inline const char* const kPrice = "    std::optional<double> price;";
inline const char* const kAuthorRef =
    R"(RETORT_REFERENCES("authors", "id") RETORT_ON_DELETE("CASCADE") std::int64_t author_id;)";
inline const char* const kBooks =
    "SELECT id, author_id, quote(title), quote(price) FROM books ORDER BY id";
inline const char* const kBookRows = "10|1|'Ünïcode'|NULL\n11|1|'b'|9.5\n12|2|'c'|0.25";

inline std::string table_with(const std::string& annotations) {
  return std::string(R"(struct RETORT_TABLE("books") )") + annotations + " Book {";
}

// A change refused at the model: the error is at the line holding `error_at`, nothing written.
inline ChangeCase refused(std::string name, std::vector<Edit> after, std::vector<Edit> before,
                          std::string error_at) {
  ChangeCase c{std::move(name), std::move(after), std::move(before)};
  c.error_at = std::move(error_at);
  return c;
}

// A change to the objects (views, triggers, virtual tables) `objects` → `objects_after`, with
// the models edited by `after` as well.
inline ChangeCase objects_case(ChangeCase c, std::string objects,
                               std::optional<std::string> objects_after = std::nullopt) {
  c.objects = std::move(objects);
  c.objects_after = std::move(objects_after);
  return c;
}

/// The cases of each subject, in the corpus's order: views, triggers and virtual tables...
std::vector<ChangeCase> object_cases();
/// ... tables and columns...
std::vector<ChangeCase> table_and_column_cases();
/// ... keys, constraints, indexes and generated columns.
std::vector<ChangeCase> constraint_and_index_cases();

}  // namespace retort::testing

#endif  // RETORT_TESTS_CHANGE_CASES_PARTS_HPP
