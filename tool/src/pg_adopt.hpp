// Adopting an existing PostgreSQL database: its live schema as the Schema its models declare
// (`retort init --from-db postgresql://...`).
#ifndef RETORT_TOOL_PG_ADOPT_HPP
#define RETORT_TOOL_PG_ADOPT_HPP

#include "adopt.hpp"
#include "model_header.hpp"

typedef struct pg_conn PGconn;

namespace retort {

/// The tables of the connection's current schema (columns with PostgreSQL's types as
/// format_type prints them, serial columns as SERIAL/BIGSERIAL/SMALLSERIAL, defaults, CHECKs,
/// keys, unique constraints, foreign keys, indexes as pg_get_indexdef prints their keys) and its
/// views, functions, triggers and extensions as POSTGRESQL_OBJECTS statements. Constraint names
/// are Retort's (the database's own are matched by definition when it is adopted). `problems`
/// names each thing the annotations cannot declare at its table, column, constraint or object.
/// Throws Error on the server's errors.
Adoption read_postgresql_schema(PGconn* conn);

/// The views, materialized views, functions, triggers and extensions of the connection's
/// current schema, added to `schema` as POSTGRESQL_OBJECTS statements as PostgreSQL prints them
/// (pg_get_viewdef, pg_get_functiondef, pg_get_triggerdef); `problems` names two of them that
/// share a name, and a sequence no column owns. Throws Error on the server's errors.
void read_postgresql_objects(PGconn* conn, Schema& schema, std::vector<std::string>& problems);

/// The member type of a column read by read_postgresql_schema(): bigint → std::int64_t,
/// integer → std::int32_t, smallint → std::int16_t, boolean → bool, real → float, double
/// precision → double, text → std::string, bytea → a byte vector; serials as their integers and
/// any other type as std::string, with RETORT_TYPE_FOR("postgresql", ...).
MemberType postgresql_member_type(const Table& table, const Column& column);

}  // namespace retort

#endif  // RETORT_TOOL_PG_ADOPT_HPP
