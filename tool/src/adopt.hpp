// Adopting an existing database: its live schema as Retort's Schema, and the model header that
// declares it (`retort init --from-db`).
#ifndef RETORT_TOOL_ADOPT_HPP
#define RETORT_TOOL_ADOPT_HPP

#include <string>
#include <vector>

#include "schema.hpp"

struct sqlite3;

namespace retort {

struct Adoption {
  Schema schema;
  std::vector<std::string> problems;  ///< what the annotations cannot declare; empty when none
};

/// The tables (through PRAGMAs), views, triggers and virtual tables of the main database of
/// `db`, as the models would declare them. Constraint names are Retort's (SQLite keeps them only
/// in the CREATE text); CHECK constraints become the table's. Throws Error on SQLite errors.
Adoption read_live_schema(sqlite3* db);

/// The annotated C++ header that declares `schema`'s tables: one struct a table, named in
/// UpperCamelCase, members named after their columns (RETORT_COLUMN where a column's name is no
/// C++ identifier or is a keyword), RETORT_TYPE where the declared type is not the C++ type's.
/// `objects_file` ("" for none) is named in the header's comment.
std::string render_model_header(const Schema& schema, const std::string& source,
                                const std::string& objects_file);

/// The objects of `schema` as an objects file: each CREATE statement, `;`, a blank line.
std::string render_objects_file(const Schema& schema);

}  // namespace retort

#endif  // RETORT_TOOL_ADOPT_HPP
