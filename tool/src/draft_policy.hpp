// What may be done with a repository's draft revision: `check` refuses one that exists, `migrate`
// seals it under a message unless it has destructive steps or PostgreSQL rewrites nobody allowed.
#ifndef RETORT_TOOL_DRAFT_POLICY_HPP
#define RETORT_TOOL_DRAFT_POLICY_HPP

#include <filesystem>
#include <optional>
#include <string>

#include "repository.hpp"

namespace retort {

/// Why `check` fails on the repository as it is: a draft revision exists, or one left by a
/// branch; std::nullopt when neither does. The message says what to do.
std::optional<std::string> pending_draft(const Repository& repository);

/// What seal_draft_in() found and did.
struct SealOutcome {
  std::optional<Revision> draft;     ///< the draft it found; std::nullopt: nothing to seal
  std::filesystem::path sealed;      ///< the sealed revision's file; "" when not sealed
  std::optional<std::string> error;  ///< why the draft was not sealed
};

/// Seals the draft of the repository at `dir` under `message`, unless it has destructive steps
/// and `allow_destructive` is false, or its PostgreSQL lock certificate shows a statement that
/// rewrites a table or holds ACCESS EXCLUSIVE over its rows (pg_certificate.hpp) and
/// `allow_rewrite` is false (then `error` says so and which, and nothing is written). Throws
/// Error when the repository cannot be read or the revision cannot be written.
SealOutcome seal_draft_in(const std::filesystem::path& dir, const std::string& message,
                          bool allow_destructive, bool allow_rewrite = false);

}  // namespace retort

#endif  // RETORT_TOOL_DRAFT_POLICY_HPP
