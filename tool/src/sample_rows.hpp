// The sample rows a proof puts into a scratch database (proof.hpp): which tables get them,
// their values, and which of them a revision must keep.
#ifndef RETORT_TOOL_SAMPLE_ROWS_HPP
#define RETORT_TOOL_SAMPLE_ROWS_HPP

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "proof.hpp"
#include "schema.hpp"

namespace retort {

/// The tables of `before` whose rows a revision can touch: those it changes, renames or drops
/// (those it only creates have no rows yet), and those that reference them, transitively (a
/// rebuilt parent's ON DELETE CASCADE would empty them). The rest keep their text, which the
/// state checks prove, and so their rows.
std::set<std::string> touched_tables(const Schema& before, const Schema& after);

/// `tables` (of `before`) and the parents their foreign keys need rows in, transitively, before
/// the revision and after it (a key it adds must find its parent's rows), by their old names.
std::set<std::string> with_parents(const Schema& before, const Schema& after,
                                   std::set<std::string> tables);

/// Inserts two rows into each of `tables` of `schema`, parents first (one with NULLs where
/// allowed, foreign keys pointing at their parent's row of the same number). Rows a constraint
/// rejects become `notes`.
void fill(ProofDatabase& db, const ProofDialect& dialect, const Schema& schema,
          const std::set<std::string>& tables, std::vector<std::string>& notes);

/// The columns whose values a revision must carry over from `before` to `after` unchanged: the
/// matched ones (same name or renamed) whose type keeps its affinity and that were not filled
/// (nullable → NOT NULL with a default). Pairs of (old name, new name).
struct KeptTable {
  std::string old_name, new_name;
  std::vector<std::pair<std::string, std::string>> columns;
};

/// The kept columns of each table of `touched` that `after` still has (by name or renamed).
std::vector<KeptTable> kept_tables(const Schema& before, const Schema& after,
                                   const std::set<std::string>& touched);

/// The rows of every kept table, over its kept columns, by the table's new name.
using RowSnapshot = std::map<std::string, std::vector<std::string>>;

/// The rows of `kept` in `db`, on the `before` side (old names) or on the `after` side (new
/// names). Throws Error when the database cannot read them.
RowSnapshot snapshot_rows(ProofDatabase& db, const std::vector<KeptTable>& kept, bool after_side);

/// Adds a problem, prefixed with `step`, for each table whose rows in `actual` differ from
/// those in `expected`.
void check_rows_kept(const RowSnapshot& expected, const RowSnapshot& actual,
                     const std::string& step, std::vector<std::string>& problems);

}  // namespace retort

#endif  // RETORT_TOOL_SAMPLE_ROWS_HPP
