// The model header and objects file that declare an adopted schema (`retort init --from-db`).
#ifndef RETORT_TOOL_MODEL_HEADER_HPP
#define RETORT_TOOL_MODEL_HEADER_HPP

#include <string>

#include "schema.hpp"

namespace retort {

/// The annotated C++ header that declares `schema`'s tables: one struct a table, named in
/// UpperCamelCase, members named after their columns (RETORT_COLUMN where a column's name is no
/// C++ identifier or is a keyword), RETORT_TYPE where the declared type is not the C++ type's.
/// `objects_file` ("" for none) is named in the header's comment.
std::string render_model_header(const Schema& schema, const std::string& source,
                                const std::string& objects_file);

/// The objects of `schema` as an objects file: each CREATE statement, `;`, a blank line.
std::string render_objects_file(const Schema& schema);

}  // namespace retort

#endif  // RETORT_TOOL_MODEL_HEADER_HPP
