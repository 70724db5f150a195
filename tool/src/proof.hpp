// The proof of a revision, written once for every dialect: up, down, up on a scratch database
// holding rows, each state compared with a database created fresh from the expected schema.
// A dialect provides the databases (sqlite_proof.cpp, pg_proof.cpp).
#ifndef RETORT_TOOL_PROOF_HPP
#define RETORT_TOOL_PROOF_HPP

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "retort/revision.hpp"
#include "schema.hpp"

namespace retort {

/// What one statement locked when the proof ran it (PostgreSQL's lock certificate).
struct StatementLock {
  std::string statement;    ///< as written in the section
  std::string certificate;  ///< the text of its `-- +retort lock:` line; "" if not measured
};

struct VerifyReport {
  std::vector<std::string> problems;  ///< empty when the revision is proven
  std::vector<std::string> notes;     ///< e.g. a sample row a CHECK rejected
  /// The application functions SQLite called running the revision's Up and Down (found by
  /// running them with the declared functions undefined until asked for): its markers.
  std::vector<SqlFunction> needs_up = {}, needs_down = {};
  /// The candidate's statements with what they locked, Up then Down, where the dialect
  /// measures it (PostgreSQL: the first run of each, with rows).
  std::vector<StatementLock> locks_up = {}, locks_down = {};
  bool ok() const { return problems.empty(); }
};

/// A scratch database of one dialect that a proof runs revisions on.
class ProofDatabase {
 public:
  virtual ~ProofDatabase() = default;
  /// Applies `revisions` up to the newest, hooks skipped (they transform rows, never the
  /// schema). Throws Error (MigrationError) when one fails.
  virtual void upgrade(const std::vector<Revision>& revisions) = 0;
  /// Reverts the newest applied revision with its stored down script. Throws Error.
  virtual void downgrade(const std::vector<Revision>& revisions) = 0;
  /// Inserts one row: the columns with their values as SQL literals. The database's message
  /// when it refuses the row, "" when it takes it.
  virtual std::string insert(const std::string& table,
                             const std::vector<std::pair<std::string, std::string>>& values) = 0;
  /// Every row of `table` over `columns`, each as one line of literals, sorted.
  virtual std::vector<std::string> rows(const std::string& table,
                                        const std::vector<std::string>& columns) = 0;
  /// What tells this database apart from `expected` (a database of the same dialect created
  /// fresh by ProofDialect::expected()), and whatever the database finds unsound in itself
  /// (integrity, foreign keys), each prefixed with `step`.
  virtual void expect(ProofDatabase& expected, const std::string& step,
                      std::vector<std::string>& problems) = 0;
  /// Measures what `revision`'s statements lock the next time it is applied and reverted, into
  /// those of `report`'s locks_up and locks_down that are empty (PostgreSQL); nothing elsewhere.
  virtual void watch_locks(const std::string& revision, VerifyReport& report) {
    (void)revision;
    (void)report;
  }
  /// Defines stand-ins for the application's SQL functions (SQLite); nothing elsewhere.
  virtual void define_functions(const std::vector<SqlFunction>&) {}
  /// Runs `action` (an upgrade or a downgrade) with the functions of `declared` undefined
  /// but for `defined`, and returns those the statements needed (functions_needed()); where
  /// the application defines no SQL functions, runs it and returns none.
  virtual std::vector<SqlFunction> noting_functions(const std::vector<SqlFunction>& declared,
                                                    const std::vector<SqlFunction>& defined,
                                                    const std::function<void()>& action) {
    (void)declared;
    (void)defined;
    action();
    return {};
  }
};

/// Where a dialect's proofs run.
class ProofDialect {
 public:
  virtual ~ProofDialect() = default;
  /// An empty scratch database. Throws Error.
  virtual std::unique_ptr<ProofDatabase> scratch() = 0;
  /// A scratch database with `schema` created on it. Throws Error when the schema's SQL does
  /// not run ("the schema itself does not create: ...").
  virtual std::unique_ptr<ProofDatabase> expected(const Schema& schema) = 0;
  /// The literal that sample row `row` (0 or 1) holds in a column of `column`'s type.
  virtual std::string sample_value(const Column& column, int row) const = 0;
};

/// The first half of a proof, which does not depend on the models: the sealed history
/// replayed on a scratch database and checked against the schema it gives (`before`). The
/// build step starts it on a second thread while the models are scanned.
class ReplayedHistory {
 public:
  ReplayedHistory(std::shared_ptr<ProofDialect> dialect, const std::vector<Revision>& history,
                  const Schema& before);
  /// On SQLite (sqlite_proof.cpp).
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

/// Proves `candidate` (with sections of the dialect's own): `history` applied to a scratch
/// database gives `before`; two rows go into every table the revision touches and every table
/// that references one (one with NULLs where allowed, foreign keys pointing at real parents,
/// which get rows too); then `candidate` applied gives `after` keeping every row, reverted
/// gives `before` and the rows again, and applied once more gives `after`. The down step of a
/// destructive revision that refuses the sample rows is proven on tables without rows.
VerifyReport prove(ReplayedHistory replayed, const Revision& candidate, const Schema& after);

}  // namespace retort

#endif  // RETORT_TOOL_PROOF_HPP
