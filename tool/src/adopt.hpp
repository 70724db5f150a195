// Adopting an existing SQLite database: its live schema as Retort's Schema
// (`retort init --from-db`).
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

}  // namespace retort

#endif  // RETORT_TOOL_ADOPT_HPP
