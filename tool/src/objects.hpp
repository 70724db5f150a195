// Stage 1b: objects files (OBJECTS) → the views, triggers and virtual tables of the schema.
#ifndef RETORT_TOOL_OBJECTS_HPP
#define RETORT_TOOL_OBJECTS_HPP

#include <string>
#include <vector>

struct sqlite3;

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
/// The schema's application functions have stand-ins there; a view or trigger that calls one
/// SQLite does not define and the models do not declare is an error at the call.
std::vector<Diagnostic> check_objects(const Schema& schema);

/// The statements that fire a trigger on `table` of `db`: an INSERT of its defaults, an UPDATE
/// of every column, a DELETE (to prepare, never to run).
std::vector<std::string> firing_statements(sqlite3* db, const std::string& table);

/// SQLite's message preparing `sql` on `db`; "" when it prepares.
std::string prepare_error(sqlite3* db, const std::string& sql);

}  // namespace retort

#endif  // RETORT_TOOL_OBJECTS_HPP
