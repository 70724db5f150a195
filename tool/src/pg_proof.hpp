// The proof's PostgreSQL: scratch databases on a real server, states compared through
// pg_catalog.
#ifndef RETORT_TOOL_PG_PROOF_HPP
#define RETORT_TOOL_PG_PROOF_HPP

#include <memory>

#include "pg_server.hpp"
#include "proof.hpp"

namespace retort {

/// PostgreSQL's proofs, on `server`: each database a scratch database of its own; revisions
/// run through Retort::postgresql (their PostgreSQL sections); states compared as pg_catalog
/// prints them (columns, constraints by name, indexes, views, functions, triggers, extensions),
/// and no constraint left NOT VALID.
std::shared_ptr<ProofDialect> postgresql_proof_dialect(std::shared_ptr<PostgresqlServer> server);

}  // namespace retort

#endif  // RETORT_TOOL_PG_PROOF_HPP
