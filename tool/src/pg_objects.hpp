// Objects files for PostgreSQL (POSTGRESQL_OBJECTS) → its views, materialized views, functions,
// triggers and extensions.
#ifndef RETORT_TOOL_PG_OBJECTS_HPP
#define RETORT_TOOL_PG_OBJECTS_HPP

#include <string>
#include <vector>

#include "objects.hpp"

namespace retort {

/// Reads PostgreSQL's objects files: each holds only CREATE [OR REPLACE] VIEW, CREATE
/// MATERIALIZED VIEW, CREATE [OR REPLACE] FUNCTION (or PROCEDURE), CREATE [OR REPLACE]
/// [CONSTRAINT] TRIGGER and CREATE EXTENSION statements, split as psql splits them (dollar
/// quotes and all); anything else, a TEMP object, a name qualified with a schema or a name
/// declared twice is an error at its statement. Objects come back with dialect "postgresql".
ObjectsRead read_postgresql_objects(const std::vector<std::string>& files);

}  // namespace retort

#endif  // RETORT_TOOL_PG_OBJECTS_HPP
