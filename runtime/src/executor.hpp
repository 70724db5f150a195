// The executor: runs planned steps on a Backend, one transaction each, re-planning inside each
// so that processes racing to one database apply each revision once.
#ifndef RETORT_RUNTIME_EXECUTOR_HPP
#define RETORT_RUNTIME_EXECUTOR_HPP

#include <string>
#include <string_view>
#include <vector>

#include "backend.hpp"

namespace retort::detail {

/// Plans the steps that take `db` to `target` from one read; when there is work, holds the
/// runner lock and runs one step per transaction, planning again inside each. Returns the ids
/// applied or reverted. Throws Error before anything changed (a bad target, an unknown or
/// changed revision, a hook this program lacks), MigrationError when a step fails.
std::vector<std::string> migrate(Backend& db, const std::vector<Revision>& revisions,
                                 std::string_view target, Direction direction,
                                 const ProgressCallback& progress);

}  // namespace retort::detail

#endif  // RETORT_RUNTIME_EXECUTOR_HPP
