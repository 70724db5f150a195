// C++ data migrations inside a revision: which hooks a program links, and running one.
#ifndef RETORT_RUNTIME_HOOKS_HPP
#define RETORT_RUNTIME_HOOKS_HPP

#include <string>
#include <vector>

#include "backend.hpp"

namespace retort::detail {

/// Before anything runs: every hook that `sections` (the SQL the planned steps run, by
/// revision) name must be linked for `db`, so that a program without them (the retort CLI)
/// changes nothing rather than stopping halfway. Throws Error naming the first one missing.
void expect_hooks_linked(const Backend& db, const std::vector<Revision>& revisions,
                         const std::vector<std::pair<std::string, std::string>>& sections);

/// Runs hook `name` of `c.revision` inside the step's transaction, its progress reported as
/// kHookRows events. Whatever it throws, a refused action, or a transaction it ended fails the
/// revision: MigrationError with statement "hook NAME".
void run_hook(Backend& db, const StepContext& c, const std::vector<Revision>& revisions,
              const std::string& name);

}  // namespace retort::detail

#endif  // RETORT_RUNTIME_HOOKS_HPP
