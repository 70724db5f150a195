// What reverting an applied draft drops, said at start-up (the everyday development loop).
#ifndef RETORT_RUNTIME_DRAFT_REVERT_HPP
#define RETORT_RUNTIME_DRAFT_REVERT_HPP

#include <string>
#include <vector>

struct sqlite3;

namespace retort::detail {

/// The tables and columns that `down_sql`, the stored down script of an applied draft, drops
/// while they hold rows, in the order it drops them: "table 'users' (2 rows)", "column
/// 'posts.body' (1 row)". A table dropped by a rebuild (a new table renamed to its name) keeps
/// its rows and is not listed.
std::vector<std::string> what_revert_drops(sqlite3* db, const std::string& down_sql);

/// Says on stderr, when reverting draft `revision` with `down_sql` drops rows, which tables and
/// columns go: the draft changed since it was applied, and its revert is not a user's choice.
void announce_draft_revert(sqlite3* db, const std::string& revision, const std::string& down_sql);

}  // namespace retort::detail

#endif  // RETORT_RUNTIME_DRAFT_REVERT_HPP
