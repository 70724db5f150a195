// The start-up fingerprint: the applied revisions folded into PRAGMA user_version, so that an
// up-to-date start-up reads one header field instead of the schema (docs/start-up.md).
#ifndef RETORT_RUNTIME_FINGERPRINT_HPP
#define RETORT_RUNTIME_FINGERPRINT_HPP

#include <cstdint>
#include <string>
#include <vector>

#include "plan.hpp"

struct sqlite3;

namespace retort::detail {

/// FNV-1a/64 over each applied row's id, checksum and draft flag, folded to 31 bits; 0 only
/// for no revision.
std::int32_t fingerprint_of(const std::vector<AppliedRow>& rows);

/// The fingerprint of the first `count` of `revisions`, as if they were applied.
std::int32_t fingerprint_of(const std::vector<Revision>& revisions, std::size_t count);

/// PRAGMA user_version: a header field, read without parsing the schema. Throws Error.
std::int32_t user_version(sqlite3* db);

/// Retort writes its fingerprint only while the field is free (0) or holds the fingerprint of
/// the applied revisions: a value the application set is never touched.
bool owns_user_version(sqlite3* db, const std::vector<AppliedRow>& applied);

/// The statement that stores `value`.
std::string set_user_version(std::int32_t value);

}  // namespace retort::detail

#endif  // RETORT_RUNTIME_FINGERPRINT_HPP
