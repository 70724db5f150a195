// What a running upgrade or downgrade reports: progress events, the CLI's progress line, and
// what a hook reports through.
#ifndef RETORT_PROGRESS_HPP
#define RETORT_PROGRESS_HPP

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace retort {

/// What a running upgrade or downgrade reports, for a progress display.
struct Progress {
  enum class Event {
    kStarted,     ///< a revision's transaction began
    kRowsCopied,  ///< a table rebuild is copying rows (repeatedly, then once when done)
    kHookRows,    ///< a hook reported its progress (HookProgress::report)
    kFinished,    ///< a revision was committed
    /// a statement of the revision is about to run (`statement`); inside the revision's
    /// transaction unless the statement runs outside one
    kStatement,
    kStatementDone,  ///< that statement ran; nothing after it is committed yet
  };
  Event event = Event::kStarted;
  std::string revision;
  bool reverting = false;  ///< running the revision's down script
  std::size_t step = 0;    ///< 1-based, of `steps` in this call (as planned at its start)
  std::size_t steps = 0;
  std::string table;            ///< kRowsCopied: the table being rebuilt
  std::string hook;             ///< kHookRows: the hook running
  std::string statement;        ///< kStatement, kStatementDone: as written in the revision
  std::int64_t rows_done = 0;   ///< kRowsCopied: rows copied, exact when the copy is done, else
                                ///< an estimate; kHookRows: as the hook reported
  std::int64_t rows_total = 0;  ///< kRowsCopied: the rows the table holds; kHookRows: as reported
  /// kFinished: the revision is a baseline recorded as applied without running it, the
  /// database having its schema already (adopted, docs/adopting.md)
  bool adopted = false;
  /// kFinished of an adopted baseline: the constraints given the baseline's names in its
  /// transaction, "table 't': constraint users_pkey renamed pk_users" (PostgreSQL)
  std::vector<std::string> renamed = {};
};
/// Called on the migrating thread; it must not use the database connection.
using ProgressCallback = std::function<void(const Progress&)>;

/// The progress line the `retort` CLI draws: one line on stderr, redrawn in place
/// ("retort: [2/3] applying 0002: copying "users" 41000/100000 rows"), when stderr is a terminal;
/// an empty callback (nothing drawn) when it is not. `prefix` starts the line.
ProgressCallback terminal_progress(std::string_view prefix = "retort");

/// The text of that line for `p`; "" for kFinished.
std::string progress_line(const Progress& p, std::string_view prefix = "retort");

/// Given to a hook: reports how far it is through the upgrade's ProgressCallback
/// (Progress::Event::kHookRows). Cheap enough to call once per row: it passes a report on at
/// most every 100 ms, and always the first and the one where `done` reaches `total`.
class HookProgress {
 public:
  virtual ~HookProgress() = default;
  virtual void report(std::int64_t done, std::int64_t total) = 0;
};

}  // namespace retort

#endif  // RETORT_PROGRESS_HPP
