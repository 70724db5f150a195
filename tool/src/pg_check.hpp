// When PostgreSQL refuses the SQL of a schema, where in the models: each type, default, CHECK,
// generating expression, index and object tried on its own on a scratch database.
#ifndef RETORT_TOOL_PG_CHECK_HPP
#define RETORT_TOOL_PG_CHECK_HPP

#include <vector>

#include "diagnostic.hpp"
#include "pg_server.hpp"
#include "schema.hpp"

namespace retort {

/// Tries `schema` (dialect-neutral) piece by piece as PostgreSQL creates it: each table with its
/// columns' types alone, then each column's default, CHECK and generating expression, each
/// table CHECK and index, then each object. Every refusal is an error at the annotation that
/// wrote the piece (else the member, the model or the object's statement), naming the form that
/// gives PostgreSQL its own SQL (RETORT_TYPE_FOR, RETORT_DEFAULT_FOR, RETORT_CHECK_FOR,
/// RETORT_GENERATED_FOR). Throws Error when the server cannot be used.
std::vector<Diagnostic> locate_postgresql_errors(PostgresqlServer& server, const Schema& schema);

}  // namespace retort

#endif  // RETORT_TOOL_PG_CHECK_HPP
