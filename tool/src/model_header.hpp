// Rendering an adopted schema as the annotated model header (and objects file) a person would
// have written: the header of `retort init --from-db`.
#ifndef RETORT_TOOL_MODEL_HEADER_HPP
#define RETORT_TOOL_MODEL_HEADER_HPP

#include <functional>
#include <string>
#include <vector>

#include "schema.hpp"

namespace retort {

/// A member's C++ type and the annotations that give its column's SQL type where that type is
/// not the C++ type's (RETORT_TYPE, RETORT_TYPE_FOR).
struct MemberType {
  std::string cpp;
  std::vector<std::string> annotations;
};
using MemberTypeOf = std::function<MemberType(const Table&, const Column&)>;

/// SQLite's: INTEGER → std::int64_t, REAL → double, TEXT → std::string, BLOB → byte vector,
/// BOOLEAN → bool (outside STRICT tables); any other declared type kept with RETORT_TYPE.
MemberType sqlite_member_type(const Table& table, const Column& column);

/// `text` as a C++ string literal.
std::string cpp_literal(const std::string& text);

/// The annotated C++ header that declares `schema`'s tables: one struct a table, named in
/// UpperCamelCase, members named after their columns (RETORT_COLUMN where a column's name is no
/// C++ identifier or is a keyword), typed by `type_of`. `objects_file` ("" for none), holding
/// the `objects_kinds`, is named in the header's comment.
std::string render_model_header(
    const Schema& schema, const std::string& source, const std::string& objects_file,
    const MemberTypeOf& type_of = sqlite_member_type,
    const std::string& objects_kinds = "views, triggers and virtual tables");

/// The objects of `schema` as an objects file: each CREATE statement, `;`, a blank line.
std::string render_objects_file(const Schema& schema);

}  // namespace retort

#endif  // RETORT_TOOL_MODEL_HEADER_HPP
