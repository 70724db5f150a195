// Stage 1b: objects files (OBJECTS) → the views, triggers and virtual tables of the schema.
#ifndef RETORT_TOOL_OBJECTS_HPP
#define RETORT_TOOL_OBJECTS_HPP

#include <string>
#include <vector>

#include "diagnostic.hpp"
#include "schema.hpp"

namespace retort {

struct ObjectsRead {
  std::vector<SqlObject> objects;         ///< file by file, in each file's order
  std::vector<Diagnostic> diagnostics;    ///< each at its statement's file:line:col
  std::vector<std::string> dependencies;  ///< the files read, absolute (for the depfile)
};

/// Reads the objects files. Each holds only CREATE VIEW, CREATE TRIGGER and CREATE VIRTUAL
/// TABLE statements (comments allowed); anything else, a TEMP object, a name in another schema
/// or a name declared twice is an error at its statement. A file that cannot be read is an
/// error too.
ObjectsRead read_objects(const std::vector<std::string>& files);

/// Tries the objects of `schema` (linked: see link_objects()) on a scratch database holding its
/// tables, in order: each must create, a view must be read (SELECT * FROM it) and a trigger must
/// compile into the statements that fire it. Problems are errors at the object, or at the place
/// in its text SQLite points at (a syntax error).
std::vector<Diagnostic> check_objects(const Schema& schema);

}  // namespace retort

#endif  // RETORT_TOOL_OBJECTS_HPP
