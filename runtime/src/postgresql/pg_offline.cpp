// The offline `--sql` script for psql: what upgrade() or downgrade() would run on PostgreSQL.
#include "../plan.hpp"
#include "pg_version_table.hpp"
#include "retort/postgresql.hpp"

namespace retort {
namespace {

using detail::AppliedRow;
using detail::Step;

// A section's phases as psql runs them: each transaction between BEGIN and COMMIT, a statement
// that runs outside one by itself, and `row` (the version table's) in the last transaction.
std::string phased(const std::string& sql, const std::string& row) {
  std::vector<SectionPhase> phases = section_phases(sql);
  if (phases.empty() || !phases.back().transaction) phases.push_back({});
  std::string out;
  for (std::size_t i = 0; i < phases.size(); ++i) {
    std::string text;
    for (const SectionPart& part : phases[i].parts) {
      text += part.kind == SectionPart::Kind::kLock ? "-- +retort lock: " + part.text + "\n"
                                                    : part.text;
    }
    if (!text.empty() && text.back() != '\n') text += "\n";
    if (!phases[i].transaction) {
      out += text;
      continue;
    }
    out += "BEGIN;\n" + text + (i + 1 == phases.size() ? row : "") + "COMMIT;\n";
  }
  return out;
}

std::string script(std::vector<AppliedRow> rows, const std::vector<Step>& steps,
                   const std::vector<Revision>& revisions) {
  std::string out = "\\set ON_ERROR_STOP on\n" + detail::pg::kVersionTableDdl + ";\n";
  for (const Step& step : steps) {
    if (step.kind == Step::kMarkSealed) continue;
    const bool apply = step.kind == Step::kApply;
    const Revision* r = apply ? step.up : detail::find_revision(revisions, step.revision);
    const std::string& sql = apply ? r->up_sql : (r ? r->down_sql : step.down_sql);
    if (const std::vector<std::string> hooks = section_hooks(sql); !hooks.empty()) {
      throw Error("revision " + step.revision + " runs the C++ hook '" + hooks.front() +
                  "', which an SQL script cannot run: upgrade with the application that links it");
    }
    out += "\n-- " + std::string(apply ? "upgrade to " : "revert ") + step.revision + "\n";
    rows = detail::after(std::move(rows), step);
    out += phased(
        sql, (apply ? detail::pg::insert_row_sql(*r) : detail::pg::delete_row_sql(step.revision)) +
                 ";\n" + detail::pg::fingerprint_sql(rows) + ";\n");
  }
  return out;
}

std::string offline(const std::vector<Revision>& all, const std::optional<std::string>& from,
                    std::string_view target, detail::Planner plan) {
  const std::vector<Revision> revisions = dialect_revisions(all, kPostgresql);
  std::vector<AppliedRow> rows;
  if (from) {
    bool found = false;
    for (const Revision& r : revisions) {
      rows.push_back({r.id, r.checksum, r.draft, false, r.down_sql});
      if (r.id == *from) {
        found = true;
        break;
      }
    }
    if (!found) throw Error("revision '" + *from + "' is not among the revisions");
  }
  std::vector<Step> steps = plan(rows, revisions, target);
  return script(std::move(rows), steps, revisions);
}

}  // namespace

std::string postgresql_upgrade_sql(const std::vector<Revision>& revisions,
                                   const std::optional<std::string>& from,
                                   std::string_view target) {
  return offline(revisions, from, target, detail::plan_upgrade);
}

std::string postgresql_downgrade_sql(const std::vector<Revision>& revisions,
                                     const std::optional<std::string>& from,
                                     std::string_view target) {
  return offline(revisions, from, target, detail::plan_downgrade);
}

}  // namespace retort
