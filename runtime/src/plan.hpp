// Planning: which steps take a database from its applied revisions to a target. Pure: no SQLite.
#ifndef RETORT_RUNTIME_PLAN_HPP
#define RETORT_RUNTIME_PLAN_HPP

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "retort/revision.hpp"

namespace retort::detail {

/// A revision whose section runs in phases (section_phases()) and stopped part of the way:
/// a process was killed, or a phase failed, after earlier phases had committed.
struct Partial {
  bool reverting = false;  ///< its Down section was running, else its Up
  int phases_done = 0;     ///< the phases committed (and recorded)
  std::string sql;         ///< the section as it started to run, which finishes it
  bool operator==(const Partial& o) const {
    return reverting == o.reverting && phases_done == o.phases_done && sql == o.sql;
  }
};

/// A row of retort_migrations, as the planner needs it.
struct AppliedRow {
  std::string revision;
  std::string checksum;
  bool draft = false;
  bool foreign_keys_off = false;
  std::string down_sql;  ///< read only when the revision is reverted (or given, offline)
  std::optional<Partial> partial = std::nullopt;  ///< the revision is applied in part
  bool operator==(const AppliedRow& o) const {
    return revision == o.revision && checksum == o.checksum && draft == o.draft &&
           foreign_keys_off == o.foreign_keys_off && down_sql == o.down_sql && partial == o.partial;
  }
};

/// One revision's worth of work, run in its own transaction (or, when its section has phases,
/// in one transaction a phase).
struct Step {
  enum Kind { kApply, kRevert, kMarkSealed } kind;
  std::string revision;
  bool foreign_keys_off = false;
  const Revision* up = nullptr;  ///< kApply: the revision to apply
  std::string down_sql;          ///< kRevert; "" until read, inside the step's transaction
  /// A revision left part of the way, finished: the phases already done, and the section that
  /// runs (as stored when it started, whatever the program's copy says now).
  int phases_done = 0;
  std::optional<std::string> section = std::nullopt;
};

/// Where the planner's advice names the database's file ("retort downgrade 0001 --db FILE"); the
/// front puts the file's path in its place where it knows it (name_database_file()).
constexpr const char* kDatabaseFile = "--db FILE";

/// `message` with kDatabaseFile made `--db PATH` for the database file `path` ("" keeps it).
std::string name_database_file(std::string message, const std::string& path);

/// The revision with id `id`, or nullptr.
const Revision* find_revision(const std::vector<Revision>& revisions, std::string_view id);

/// How many revisions `target` ("head", "base", "+N", "-N", an id or a unique prefix of one)
/// asks to have applied, counting from `applied_count`. Throws Error on a bad target.
std::size_t target_count(const std::vector<Revision>& revisions, std::string_view target,
                         std::size_t applied_count);

/// The steps that take a database holding `applied` up to `target`; the first is run next.
/// A revision left applied in part is finished first, in the direction it was going, and
/// `target` taken from there. Throws Error when the database holds a revision `revisions` does
/// not know, a sealed revision that changed, or is past `target`.
std::vector<Step> plan_upgrade(const std::vector<AppliedRow>& applied,
                               const std::vector<Revision>& revisions, std::string_view target);

/// The steps that take a database holding `applied` down to `target` ("base", "-N", an id),
/// after finishing a revision left applied in part, as plan_upgrade() does.
std::vector<Step> plan_downgrade(const std::vector<AppliedRow>& applied,
                                 const std::vector<Revision>& revisions, std::string_view target);

using Planner = std::vector<Step> (*)(const std::vector<AppliedRow>&, const std::vector<Revision>&,
                                      std::string_view);

/// The applied rows once `step`, the first step planned from `applied`, is done.
std::vector<AppliedRow> after(std::vector<AppliedRow> applied, const Step& step);

/// `target` as an id (or "base") when it is relative ("+1", "-2"): where `steps`, planned from
/// `applied`, end. Other targets as they are.
std::string absolute_target(std::vector<AppliedRow> applied, const std::vector<Step>& steps,
                            std::string_view target);

}  // namespace retort::detail

#endif  // RETORT_RUNTIME_PLAN_HPP
