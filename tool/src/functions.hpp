// Application-defined SQL functions in the tool: the calls in SQL text, the functions SQLite
// defines itself, stand-ins for scratch databases, and what a revision's statements need.
#ifndef RETORT_TOOL_FUNCTIONS_HPP
#define RETORT_TOOL_FUNCTIONS_HPP

#include <functional>
#include <string>
#include <vector>

#include "diagnostic.hpp"
#include "model.hpp"
#include "retort/detail/functions.hpp"
#include "retort/revision.hpp"
#include "schema.hpp"

struct sqlite3;

namespace retort {

/// A function call in SQL text: the name as written, its number of arguments, where it starts.
struct SqlCall {
  std::string name;
  int nargs = 0;
  std::size_t offset = 0;
};

/// The calls in `sql`: each name followed by `(` that is no SQL keyword, in order.
std::vector<SqlCall> calls_in(const std::string& sql);

/// Whether SQLite itself defines a function named `name` (PRAGMA function_list of a plain
/// connection; case-insensitive).
bool sqlite_defines(const std::string& name);

/// The function of `functions` named `name` (case-insensitively), or nullptr.
const SqlFunction* find_function(const std::vector<SqlFunction>& functions,
                                 const std::string& name);

/// The functions RETORT_SQL_FUNCTION declares (annotations "sql_function": name, number of
/// arguments), sorted by name. Errors, each at its declaration: a name that is not one word of
/// letters, digits and '_', a number of arguments that is not a whole number from -1 to 127, a
/// function SQLite defines itself, one name declared with two numbers of arguments.
std::vector<SqlFunction> declared_functions(const std::vector<Annotation>& declarations,
                                            std::vector<Diagnostic>& diagnostics);

/// An SQL expression an annotation holds (a default, a CHECK, a generated column's, an index's
/// key or condition), and where the annotation is.
struct AnnotatedSql {
  std::string sql;
  std::string macro;  ///< "RETORT_CHECK", "RETORT_INDEX_ON", ...
  SourceLoc loc;
};

/// An error at the annotation for each call of a function that SQLite does not define and
/// `declared` does not declare.
std::vector<Diagnostic> undeclared_calls(const std::vector<AnnotatedSql>& expressions,
                                         const std::vector<SqlFunction>& declared);

/// `functions` as the runtime names them.
std::vector<detail::AppFunction> app_functions(const std::vector<SqlFunction>& functions);

/// Registers a stand-in (deterministic, returning NULL) for each function on a scratch database.
void register_stand_ins(sqlite3* db, const std::vector<SqlFunction>& functions);

/// What to say when `what` ("view 'v'", "RETORT_CHECK") calls `call`, which SQLite does not
/// define and no RETORT_SQL_FUNCTION declares.
std::string undeclared_function(const std::string& what, const SqlCall& call);

/// Runs `action` (an upgrade or downgrade of `db`) with the functions of `declared` undefined
/// but for `defined`: when SQLite fails a statement for want of a declared one (a failed
/// revision rolls back), the stand-in is registered and `action` run again. Returns the
/// functions the statements needed, in the order SQLite asked for them; every stand-in of
/// `declared` is registered again at the end. Rethrows what `action` throws otherwise.
std::vector<SqlFunction> functions_needed(sqlite3* db, const std::vector<SqlFunction>& declared,
                                          const std::vector<SqlFunction>& defined,
                                          const std::function<void()>& action);

/// `revision` with a `-- +retort function:` marker for each function its Up (`up`) and Down
/// (`down`) sections need, at their top, read back as the file will be (checksum included).
Revision with_function_markers(const Revision& revision, const std::vector<SqlFunction>& up,
                               const std::vector<SqlFunction>& down);

/// A revision file's text without the markers its proof adds (`-- +retort function:`, and
/// `-- +retort lock:` in PostgreSQL sections): what it was before they were written.
std::string without_proof_markers(const std::string& text);

/// The functions `schema` calls that SQLite does not define, as SQLite finds them on a scratch
/// database: creating its tables, indexes, views, triggers and virtual tables, then preparing a
/// read of each view and the statements that fire each trigger and fill each default. Each
/// with the number of arguments its calls pass (-1 when they differ), sorted by name.
std::vector<SqlFunction> functions_called(const Schema& schema);

}  // namespace retort

#endif  // RETORT_TOOL_FUNCTIONS_HPP
