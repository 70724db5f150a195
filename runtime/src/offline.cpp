// The offline `--sql` script: what upgrade() or downgrade() would run, for the sqlite3 shell.
#include "fingerprint.hpp"
#include "plan.hpp"
#include "retort/detail/functions.hpp"
#include "retort/error.hpp"
#include "retort/runtime.hpp"
#include "version_table.hpp"

namespace retort {
namespace {

using detail::AppliedRow;
using detail::Step;

// The rows a database at `from` holds, when it matches `revisions` (offline: no database).
std::vector<AppliedRow> assumed_rows(const std::vector<Revision>& revisions,
                                     const std::optional<std::string>& from) {
  std::vector<AppliedRow> rows;
  if (!from) return rows;
  for (const Revision& r : revisions) {
    rows.push_back({r.id, r.checksum, r.draft, r.foreign_keys_off, r.down_sql});
    if (r.id == *from) return rows;
  }
  throw Error("revision '" + *from + "' is not among the revisions");
}

std::string with_newline(const std::string& sql) {
  return sql.empty() || sql.back() == '\n' ? sql : sql + "\n";
}

// A section as an offline script runs it: a hook it names cannot run there, nor can the
// sqlite3 shell call an application's function.
const std::string& offline_section(const std::string& revision, const std::string& sql) {
  const std::vector<std::string> hooks = section_hooks(sql);
  if (!hooks.empty()) {
    throw Error("revision " + revision + " runs the C++ hook '" + hooks.front() +
                "', which an SQL script cannot run: upgrade with the application that links it");
  }
  const std::vector<detail::AppFunction> functions = detail::section_functions(sql);
  if (!functions.empty()) {
    throw Error("revision " + revision + " needs the SQL function " +
                detail::describe(functions.front()) +
                ", which the sqlite3 shell does not define: upgrade with the application that "
                "registers it");
  }
  return sql;
}

std::string script(std::vector<AppliedRow> rows, const std::vector<Step>& steps,
                   const std::vector<Revision>& revisions, bool keep_fingerprint) {
  std::string out = detail::kVersionTableDdl + ";\n";
  for (const Step& step : steps) {
    if (step.kind == Step::kMarkSealed) continue;
    const bool apply = step.kind == Step::kApply;
    out += "\n-- " + std::string(apply ? "upgrade to " : "revert ") + step.revision + "\n";
    if (step.foreign_keys_off) out += "PRAGMA foreign_keys = OFF;\n";
    out += "BEGIN IMMEDIATE;\n";
    if (apply) {
      out += with_newline(offline_section(step.revision, step.up->up_sql));
      if (step.foreign_keys_off) out += "PRAGMA foreign_key_check;\n";
      out += detail::insert_row_sql(*step.up) + ";\n";
    } else {
      const Revision* r = detail::find_revision(revisions, step.revision);
      out += with_newline(offline_section(step.revision, r ? r->down_sql : step.down_sql));
      if (step.foreign_keys_off) out += "PRAGMA foreign_key_check;\n";
      out += detail::delete_row_sql(step.revision) + ";\n";
    }
    rows = detail::after(std::move(rows), step);
    if (keep_fingerprint) {
      out += detail::set_user_version(detail::fingerprint_of(rows)) + ";\n";
    }
    out += "COMMIT;\n";
    if (step.foreign_keys_off) out += "PRAGMA foreign_keys = ON;\n";
  }
  return out;
}

// The script that takes a database at `from` to `target`, as planned by `plan`.
std::string offline_script(const std::vector<Revision>& revisions,
                           const std::optional<std::string>& from, std::string_view target,
                           bool keep_fingerprint, detail::Planner plan) {
  std::vector<AppliedRow> rows = assumed_rows(revisions, from);
  const std::vector<Step> steps = plan(rows, revisions, target);
  return script(std::move(rows), steps, revisions, keep_fingerprint);
}

}  // namespace

std::string upgrade_sql(const std::vector<Revision>& revisions,
                        const std::optional<std::string>& from, std::string_view target,
                        bool keep_fingerprint) {
  return offline_script(revisions, from, target, keep_fingerprint, detail::plan_upgrade);
}

std::string downgrade_sql(const std::vector<Revision>& revisions,
                          const std::optional<std::string>& from, std::string_view target,
                          bool keep_fingerprint) {
  return offline_script(revisions, from, target, keep_fingerprint, detail::plan_downgrade);
}

}  // namespace retort
