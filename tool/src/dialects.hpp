// The dialects a repository holds: their names, PostgreSQL's type mapping, and each dialect's
// own view of a dialect-neutral Schema.
#ifndef RETORT_TOOL_DIALECTS_HPP
#define RETORT_TOOL_DIALECTS_HPP

#include <string>
#include <string_view>
#include <vector>

#include "model.hpp"
#include "schema.hpp"

namespace retort {

/// "sqlite" and "postgresql", in that order: the order of sections in a revision file.
const std::vector<std::string>& known_dialects();
bool is_known_dialect(std::string_view name);

/// Parses "sqlite,postgresql" (or a list already split): known names, each once, in the order
/// of known_dialects(). Throws Error naming an unknown one, or when the list is empty.
std::vector<std::string> parse_dialects(const std::vector<std::string>& names);

/// The PostgreSQL type of a member by its C++ type (docs/naming.md): bool → BOOLEAN,
/// std::int16_t → SMALLINT, smaller integers, std::int32_t and enums → INTEGER, wider ones
/// (and unsigned 32-bit) → BIGINT, float → REAL, double → DOUBLE PRECISION, std::string → TEXT,
/// byte vectors → BYTEA; "" for a kind with none.
std::string postgresql_type(const ModelField& field);

/// The PostgreSQL type for a declared SQLite type when no C++ type tells more (a snapshot
/// written before PostgreSQL joined): INTEGER → BIGINT, REAL → DOUBLE PRECISION, BLOB →
/// BYTEA; others as declared.
std::string postgresql_type(const std::string& sqlite_type);

/// BINARY, NOCASE or RTRIM: SQLite's own collations, which PostgreSQL does not know.
bool sqlite_collation(const std::string& name);

/// `schema` as `dialect` creates it: each column's type, default, CHECK and generating
/// expression as that dialect's (RETORT_*_FOR), the table CHECKs and objects of that dialect,
/// and what the dialect has no use for cleared (PostgreSQL: WITHOUT ROWID, STRICT,
/// AUTOINCREMENT; generated columns are STORED). The result holds no per-dialect parts.
Schema for_dialect(const Schema& schema, std::string_view dialect);

}  // namespace retort

#endif  // RETORT_TOOL_DIALECTS_HPP
