// Stage 2: annotated classes → Schema, applying the SPEC's rules (types, names, keys).
#ifndef RETORT_TOOL_SCHEMA_BUILDER_HPP
#define RETORT_TOOL_SCHEMA_BUILDER_HPP

#include <vector>

#include "diagnostic.hpp"
#include "model.hpp"
#include "schema.hpp"

namespace retort {

struct SchemaBuild {
  Schema schema;
  std::vector<Diagnostic> diagnostics;  ///< every problem found, each at its annotation or member
};

/// Builds the schema the models describe. Unknown or misplaced annotations, unsupported types,
/// duplicate tables, columns or index names, and references to unknown tables or columns are
/// reported as errors; building goes on so that every problem is reported at once.
/// `functions` are the RETORT_SQL_FUNCTION declarations (ScanResult::functions): the schema's
/// functions, which its expressions may call; a call of a function SQLite does not define and
/// they do not declare is an error at its annotation. `dialects` are the repository's
/// (known_dialects() names): with "postgresql", each column also records its PostgreSQL type.
SchemaBuild build_schema(const std::vector<ModelClass>& models,
                         const std::vector<Annotation>& functions = {},
                         const std::vector<std::string>& dialects = {"sqlite"});

}  // namespace retort

#endif  // RETORT_TOOL_SCHEMA_BUILDER_HPP
