// Proves a generated revision's SQLite sections before it is written: up, down, up on an
// in-memory database holding rows (the proof itself is proof.hpp's, for every dialect).
#ifndef RETORT_TOOL_VERIFY_HPP
#define RETORT_TOOL_VERIFY_HPP

#include <memory>
#include <string>
#include <vector>

#include "proof.hpp"
#include "retort/detail/introspect.hpp"
#include "retort/detail/sqlite.hpp"
#include "retort/revision.hpp"
#include "schema.hpp"

namespace retort {

/// SQLite's proofs: in-memory databases, states compared through PRAGMAs and sqlite_schema (a
/// table whose stored CREATE text equals the fresh one's is equal; the others are compared
/// through PRAGMAs).
std::shared_ptr<ProofDialect> sqlite_proof_dialect();

/// The facts SQLite reports for `schema` created fresh on an in-memory database.
/// Throws Error when the schema's SQL does not run.
LiveSchema live_schema_of(const Schema& schema);
/// `schema` created fresh on an in-memory database. Throws Error when its SQL does not run.
detail::Db database_of(const Schema& schema);
/// The views, triggers and virtual tables SQLite reports for `schema` created fresh.
LiveObjects live_objects_of(const Schema& schema);

/// prove() on SQLite: `history` (the sealed revisions) replayed, then `candidate`.
VerifyReport verify_revision(const std::vector<Revision>& history, const Revision& candidate,
                             const Schema& before, const Schema& after);

/// prove() from a replayed history, which it uses up.
VerifyReport verify_revision(ReplayedHistory replayed, const Revision& candidate,
                             const Schema& after);

}  // namespace retort

#endif  // RETORT_TOOL_VERIFY_HPP
