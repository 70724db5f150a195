// While a hook runs on SQLite, an authorizer refuses what a hook may not do.
#ifndef RETORT_RUNTIME_SQLITE_HOOK_GUARD_HPP
#define RETORT_RUNTIME_SQLITE_HOOK_GUARD_HPP

#include <memory>

#include "backend.hpp"

struct sqlite3;

namespace retort::detail {

/// Refuses, until it goes, what a hook may not do (docs/data-migrations.md): end or nest the
/// revision's transaction, switch foreign keys, change the schema (the revision's snapshot
/// would not know; temporary tables are fine). Its refused() is the first refusal, so that the
/// revision fails with it even when the hook ignores the error.
std::unique_ptr<Held> guard_sqlite_hook(sqlite3* db);

}  // namespace retort::detail

#endif  // RETORT_RUNTIME_SQLITE_HOOK_GUARD_HPP
