// Planning upgrades and downgrades from the applied rows and the known revisions.
#include "plan.hpp"

#include <algorithm>
#include <cstdlib>

#include "retort/error.hpp"

namespace retort::detail {

const Revision* find_revision(const std::vector<Revision>& revisions, std::string_view id) {
  for (const Revision& r : revisions) {
    if (r.id == id) return &r;
  }
  return nullptr;
}

std::string name_database_file(std::string message, const std::string& path) {
  const std::string placeholder = kDatabaseFile;
  const auto at = message.find(placeholder);
  if (at == std::string::npos || path.empty()) return message;
  const bool plain = path.find_first_of(" '\"\\$") == std::string::npos;
  return message.replace(at, placeholder.size(), "--db " + (plain ? path : "'" + path + "'"));
}

namespace {

std::size_t relative_count(const std::vector<Revision>& revisions, std::string_view target,
                           std::size_t applied_count) {
  char* end = nullptr;
  const std::string digits(target.substr(1));
  const long n = std::strtol(digits.c_str(), &end, 10);
  if (digits.empty() || *end != '\0' || n < 0) {
    throw Error("bad revision target '" + std::string(target) + "'");
  }
  if (target[0] == '-') {
    return static_cast<std::size_t>(n) > applied_count ? 0 : applied_count - n;
  }
  const std::size_t count = applied_count + static_cast<std::size_t>(n);
  if (count > revisions.size()) {
    throw Error("target '" + std::string(target) + "' is beyond the newest revision");
  }
  return count;
}

// A database that applied, as `row`, a revision that a rebase has since renumbered: the
// revision that records it, or nullptr.
const Revision* renumbered(const std::vector<Revision>& revisions, const AppliedRow& row) {
  const std::string old = row.revision + " " + row.checksum;
  for (const Revision& r : revisions) {
    if (std::find(r.rebased_from.begin(), r.rebased_from.end(), old) != r.rebased_from.end()) {
      return &r;
    }
  }
  return nullptr;
}

// A revision left applied in part, as the step that finishes it; std::nullopt when none.
std::optional<Step> finishing(const std::vector<AppliedRow>& applied,
                              const std::vector<Revision>& revisions) {
  for (std::size_t i = 0; i + 1 < applied.size(); ++i) {
    if (applied[i].partial) {
      throw Error("retort_migrations says revision '" + applied[i].revision +
                  "' is applied in part, but later revisions follow it; restore the table");
    }
  }
  if (applied.empty() || !applied.back().partial) return std::nullopt;
  const AppliedRow& row = applied.back();
  const Revision* known = find_revision(revisions, row.revision);
  if (!known) {
    throw Error("the database is part of the way through revision '" + row.revision +
                "', which this program does not know; refusing to go on");
  }
  if (!row.draft && !known->draft && known->checksum != row.checksum) {
    throw Error("revision '" + row.revision +
                "' was changed after it started to be applied; restore it, or add a new revision");
  }
  Step step{row.partial->reverting ? Step::kRevert : Step::kApply, row.revision, false, known,
            row.down_sql};
  step.phases_done = row.partial->phases_done;
  step.section = row.partial->sql;
  return step;
}

// `steps`, with `first` before them.
std::vector<Step> preceded(Step first, std::vector<Step> steps) {
  steps.insert(steps.begin(), std::move(first));
  return steps;
}

}  // namespace

std::size_t target_count(const std::vector<Revision>& revisions, std::string_view target,
                         std::size_t applied_count) {
  if (target == "head") return revisions.size();
  if (target == "base") return 0;
  if (!target.empty() && (target[0] == '+' || target[0] == '-')) {
    return relative_count(revisions, target, applied_count);
  }
  std::size_t found = revisions.size();
  for (std::size_t i = 0; i < revisions.size(); ++i) {
    if (revisions[i].id.rfind(target, 0) != 0) continue;
    if (found != revisions.size()) {
      throw Error("revision target '" + std::string(target) + "' is ambiguous");
    }
    found = i;
  }
  if (found == revisions.size()) {
    throw Error("unknown revision target '" + std::string(target) + "'");
  }
  return found + 1;
}

std::vector<Step> plan_upgrade(const std::vector<AppliedRow>& applied,
                               const std::vector<Revision>& revisions, std::string_view target) {
  if (std::optional<Step> first = finishing(applied, revisions)) {
    return preceded(*first, plan_upgrade(after(applied, *first), revisions, target));
  }
  std::vector<Step> reverts;
  std::vector<Step> steps;
  std::size_t kept = 0;  // applied rows that match the embedded revisions
  for (const AppliedRow& row : applied) {
    const Revision* known =
        kept < revisions.size() && revisions[kept].id == row.revision ? &revisions[kept] : nullptr;
    if (known && known->checksum == row.checksum) {
      if (row.draft && !known->draft) {
        steps.push_back({Step::kMarkSealed, row.revision, false, nullptr, {}});
      }
      ++kept;
      continue;
    }
    if (!row.draft) {
      if (const Revision* moved = renumbered(revisions, row)) {
        const std::string back = kept == 0 ? "base" : revisions[kept - 1].id;
        throw Error("the database applied revision '" + row.revision +
                    "' before a rebase renumbered it as '" + moved->id + "' (" + moved->file_name +
                    "); go back to '" + back + "' with 'retort downgrade " + back + " " +
                    kDatabaseFile +
                    "' (it runs the down scripts stored in the database), then upgrade");
      }
      if (!find_revision(revisions, row.revision)) {
        throw Error("the database is at revision '" + row.revision +
                    "', which this program does not know; refusing to upgrade");
      }
      throw Error("revision '" + row.revision +
                  "' was changed after it was applied; restore it, or add a new revision");
    }
    // A draft changed or vanished since it was applied: revert it with its stored down script.
    if (&row != &applied.back()) {
      throw Error("draft revision '" + row.revision + "' is followed by other revisions");
    }
    reverts.push_back({Step::kRevert, row.revision, row.foreign_keys_off, nullptr, row.down_sql});
  }
  const std::size_t wanted = target_count(revisions, target, kept);
  if (wanted < kept) {
    throw Error("the database is at revision '" + revisions[kept - 1].id + "', past target '" +
                std::string(target) + "'; use downgrade");
  }
  steps.insert(steps.begin(), reverts.begin(), reverts.end());
  for (std::size_t i = kept; i < wanted; ++i) {
    const Revision& r = revisions[i];
    steps.push_back({Step::kApply, r.id, r.foreign_keys_off, &r, {}});
  }
  return steps;
}

std::vector<Step> plan_downgrade(const std::vector<AppliedRow>& applied,
                                 const std::vector<Revision>& revisions, std::string_view target) {
  if (std::optional<Step> first = finishing(applied, revisions)) {
    // A revert stopped part of the way is the first of "-N"'s steps.
    std::string rest(target);
    if (first->kind == Step::kRevert && !rest.empty() && rest[0] == '-') {
      const std::size_t keep = target_count(revisions, target, applied.size());
      rest = keep == 0 ? "base" : applied[keep - 1].revision;
      if (keep == applied.size()) return {*first};
    }
    return preceded(*first, plan_downgrade(after(applied, *first), revisions, rest));
  }
  std::size_t keep = 0;
  if (target == "base") {
    keep = 0;
  } else if (!target.empty() && target[0] == '-') {
    keep = target_count(revisions, target, applied.size());
  } else {
    keep = applied.size() + 1;
    for (std::size_t i = 0; i < applied.size(); ++i) {
      if (applied[i].revision.rfind(target, 0) == 0) keep = i + 1;
    }
    if (keep > applied.size()) {
      throw Error("revision target '" + std::string(target) + "' is not applied");
    }
  }
  std::vector<Step> steps;
  for (std::size_t i = applied.size(); i > keep; --i) {
    const AppliedRow& row = applied[i - 1];
    steps.push_back({Step::kRevert, row.revision, row.foreign_keys_off, nullptr, row.down_sql});
  }
  return steps;
}

std::vector<AppliedRow> after(std::vector<AppliedRow> applied, const Step& step) {
  switch (step.kind) {
    case Step::kApply:
      if (!applied.empty() && applied.back().partial && applied.back().revision == step.revision) {
        applied.back().partial.reset();  // finished: its row stays as recorded
      } else {
        applied.push_back({step.revision, step.up->checksum, step.up->draft, false, {}});
      }
      break;
    case Step::kRevert:
      applied.pop_back();  // reverts start from the newest applied revision
      break;
    case Step::kMarkSealed:
      for (AppliedRow& row : applied) {
        if (row.revision == step.revision) row.draft = false;
      }
      break;
  }
  return applied;
}

std::string absolute_target(std::vector<AppliedRow> applied, const std::vector<Step>& steps,
                            std::string_view target) {
  if (target.empty() || (target[0] != '+' && target[0] != '-')) return std::string(target);
  for (const Step& step : steps) applied = after(std::move(applied), step);
  return applied.empty() ? "base" : applied.back().revision;
}

}  // namespace retort::detail
