// Proves a generated revision before it is written: up, down, up on a database holding rows.
#ifndef RETORT_TOOL_VERIFY_HPP
#define RETORT_TOOL_VERIFY_HPP

#include <memory>
#include <string>
#include <vector>

#include "retort/detail/introspect.hpp"
#include "retort/detail/sqlite.hpp"
#include "retort/revision.hpp"
#include "schema.hpp"

namespace retort {

struct VerifyReport {
  std::vector<std::string> problems;  ///< empty when the revision is proven
  std::vector<std::string> notes;     ///< e.g. a sample row a CHECK rejected
  /// The application functions SQLite called running the revision's Up and Down (found by
  /// running them with the declared functions undefined until asked for): its markers.
  std::vector<SqlFunction> needs_up = {}, needs_down = {};
  bool ok() const { return problems.empty(); }
};

/// The facts SQLite reports for `schema` created fresh on an in-memory database.
/// Throws std::runtime_error when the schema's SQL does not run.
LiveSchema live_schema_of(const Schema& schema);
/// `schema` created fresh on an in-memory database. Throws Error when its SQL does not run.
detail::Db database_of(const Schema& schema);
/// The views, triggers and virtual tables SQLite reports for `schema` created fresh.
LiveObjects live_objects_of(const Schema& schema);

/// On an in-memory database: applies `history` (the sealed revisions), checks it gives `before`,
/// inserts two rows into every table the revision touches and every table that references one
/// (one with NULLs where allowed, foreign keys pointing at real parents, which get rows too),
/// then applies `candidate` and checks the schema equals `after` and no row was lost, reverts it
/// and checks `before` and the rows again, and applies it once more. The down step of a
/// destructive revision that refuses the sample rows is proven on tables without rows.
/// Schemas are compared against databases created fresh from each schema: a table whose stored
/// CREATE text equals the fresh one's is equal; the others are compared through PRAGMAs.
VerifyReport verify_revision(const std::vector<Revision>& history, const Revision& candidate,
                             const Schema& before, const Schema& after);

/// The first half of verify_revision(), which does not depend on the models: the sealed history
/// replayed on an in-memory database and checked against the schema it gives (`before`). The
/// build step starts it on a second thread while the models are scanned.
class ReplayedHistory {
 public:
  ReplayedHistory(const std::vector<Revision>& history, const Schema& before);
  ~ReplayedHistory();
  ReplayedHistory(ReplayedHistory&&) noexcept;
  ReplayedHistory& operator=(ReplayedHistory&&) noexcept;
  /// Whether it replayed exactly `history` (a build may have sealed a revision since).
  bool replays(const std::vector<Revision>& history) const;
  /// The schema the history is checked against.
  const Schema& before() const;

  struct State;
  std::unique_ptr<State> state;
};

/// verify_revision() from a replayed history, which it uses up.
VerifyReport verify_revision(ReplayedHistory replayed, const Revision& candidate,
                             const Schema& after);

}  // namespace retort

#endif  // RETORT_TOOL_VERIFY_HPP
