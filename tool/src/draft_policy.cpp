// The draft's policies: the wording of `check`, and when `migrate` seals.
#include "draft_policy.hpp"

#include "pg_certificate.hpp"

namespace retort {

std::optional<std::string> pending_draft(const Repository& repository) {
  if (repository.draft()) {
    return "a draft revision exists: " + repository.draft()->file_name +
           " (seal it with retort migrate -m MESSAGE)";
  }
  if (!repository.stale_drafts.empty()) {
    return "a draft revision left by a branch exists: " + repository.stale_drafts.front() +
           " (build to write the draft afresh, or remove it)";
  }
  return std::nullopt;
}

SealOutcome seal_draft_in(const std::filesystem::path& dir, const std::string& message,
                          bool allow_destructive, bool allow_rewrite) {
  SealOutcome out;
  const Repository repo = load_repository(dir);
  const Revision* draft = repo.draft();
  if (!draft) return out;
  out.draft = *draft;
  if (!draft->destructive.empty() && !allow_destructive) {
    out.error = "draft " + draft->id +
                " has destructive steps; seal it with --allow-destructive if that is intended";
    return out;
  }
  if (const std::vector<std::string> blocking = rewrites_to_allow(*draft);
      !blocking.empty() && !allow_rewrite) {
    std::string which;
    for (const std::string& b : blocking) which += "\n  " + b;
    out.error = "draft " + draft->id +
                " rewrites a table or holds ACCESS EXCLUSIVE on it over its rows on PostgreSQL; "
                "seal it with --allow-rewrite if the service can wait (docs/live-changes.md):" +
                which;
    return out;
  }
  out.sealed = seal_draft(repo, message);
  return out;
}

}  // namespace retort
