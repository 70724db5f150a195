// The target's foreign keys during a copy: set aside, then added again as they were, validated
// by one query each instead of a check per copied row (as pg_restore loads data).
#ifndef RETORT_RUNTIME_TRANSFER_KEYS_HPP
#define RETORT_RUNTIME_TRANSFER_KEYS_HPP

#include <string>
#include <vector>

#include "transfer_plan.hpp"

namespace retort::detail::transfer {

/// A foreign key as pg_get_constraintdef() prints it.
struct ForeignKeyDefinition {
  std::string table;
  std::string name;
  std::string definition;
};

/// Drops the foreign keys of `plan`'s tables, inside the caller's transaction; returns them.
/// Throws Error.
std::vector<ForeignKeyDefinition> set_aside_foreign_keys(PGconn* conn, const Plan& plan);

/// Adds them again, under their names, each validated against the copied rows. Throws Error
/// naming the foreign key when rows violate it.
void restore_foreign_keys(PGconn* conn, const std::vector<ForeignKeyDefinition>& keys);

}  // namespace retort::detail::transfer

#endif  // RETORT_RUNTIME_TRANSFER_KEYS_HPP
