// Application-defined SQL functions: the `-- +retort function:` markers of a revision's sections,
// stand-ins for scratch databases, and the runtime's check that a connection defines what a
// revision needs (shared by the runtime and the tool; not an API).
#ifndef RETORT_DETAIL_FUNCTIONS_HPP
#define RETORT_DETAIL_FUNCTIONS_HPP

#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;

namespace retort::detail {

/// A function the application registers with sqlite3_create_function: its name and number of
/// arguments (-1: any number).
struct AppFunction {
  std::string name;
  int nargs = -1;

  friend bool operator==(const AppFunction& a, const AppFunction& b) {
    return a.name == b.name && a.nargs == b.nargs;
  }
};

/// "title_sort (1 argument)", "uuid4 (no arguments)", "f (any number of arguments)".
std::string describe(const AppFunction& function);

/// The marker line by which a section says that SQLite calls `function` while running it
/// (docs/revision-format.md): `-- +retort function: title_sort/1`.
std::string function_marker(const AppFunction& function);

/// The function a marker's value (`title_sort/1`) names; std::nullopt when it is malformed.
std::optional<AppFunction> parse_function_marker(std::string_view value);

/// The functions a section's markers name, in order, each once.
std::vector<AppFunction> section_functions(std::string_view sql);

/// The function SQLite's error message says is missing ("no such function: f",
/// "unknown function: f()"), or std::nullopt.
std::optional<std::string> missing_function(std::string_view sqlite_message);

/// Registers a deterministic stand-in returning NULL for each function, so that a scratch
/// database can create and run the tables, indexes, views and triggers that call them.
/// Throws Error when SQLite refuses one.
void register_stand_ins(sqlite3* db, const std::vector<AppFunction>& functions);

/// Removes the functions from `db` (SQLite's own keep their built-in definitions).
void remove_functions(sqlite3* db, const std::vector<AppFunction>& functions);

/// Whether `db` defines `function`: a function of that name registered for that number of
/// arguments or for any (PRAGMA function_list).
bool defines_function(sqlite3* db, const AppFunction& function);

/// Throws Error, before anything runs, when a section of revision `revision` needs a function
/// that `db` does not define: it names the revision, the function and sqlite3_create_function.
void expect_functions_defined(sqlite3* db, const std::string& revision, std::string_view section);

}  // namespace retort::detail

#endif  // RETORT_DETAIL_FUNCTIONS_HPP
