// The lock certificate of a PostgreSQL section: what each statement locked on the tables that
// existed before the revision, whether it rewrote or scanned one under ACCESS EXCLUSIVE, and how
// long it held its locks, measured while the proof runs the revision on a database with rows;
// written as `-- +retort lock:` lines inside the checksum (docs/postgresql.md).
#ifndef RETORT_TOOL_PG_CERTIFICATE_HPP
#define RETORT_TOOL_PG_CERTIFICATE_HPP

#include <libpq-fe.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "proof.hpp"
#include "retort/progress.hpp"
#include "retort/revision.hpp"

namespace retort {

/// A lock held longer than this (ACCESS EXCLUSIVE) blocks a service visibly: sealed only with
/// --allow-rewrite.
constexpr std::chrono::milliseconds kLongLock{50};

/// Watches one revision's statements as the runtime runs them (its ProgressCallback), on the
/// connection that runs them: between two statements the connection is idle, inside the
/// statements' transaction, so pg_locks, pg_class and pg_stat_xact_user_tables say what the
/// last statement took, rewrote and scanned. Only the proof uses it (the runtime's callbacks
/// otherwise leave the connection alone).
class LockObserver {
 public:
  /// Certifies `revision`'s statements in one direction into `out`, in the order they run.
  LockObserver(PGconn* conn, std::string revision, bool reverting, std::vector<StatementLock>& out);
  void operator()(const Progress& p);

 private:
  struct Held {
    std::size_t statement;  ///< index into out_
    std::string table, mode;
    std::chrono::steady_clock::time_point since;
  };
  /// Tables by oid.
  struct Snapshot {
    std::map<std::string, std::string> names;      ///< table → its name
    std::map<std::string, std::string> filenodes;  ///< table → relfilenode
    std::map<std::string, std::string> locks;      ///< relation → strongest mode held
    std::map<std::string, long> scans;             ///< table → seq scans in this transaction
    std::map<std::string, std::string> indexes;    ///< index name → its table
  };
  Snapshot snapshot() const;
  void started(const std::string& statement);
  void done();
  void release(const std::map<std::string, std::string>& still_held);
  void finish();

  PGconn* conn_;
  std::string revision_;
  bool reverting_;
  std::vector<StatementLock>& out_;
  /// The tables there before the revision's first statement, by oid, with their names then.
  std::map<std::string, std::string> existing_;
  bool begun_ = false, finished_ = false;
  Snapshot before_;
  std::chrono::steady_clock::time_point statement_start_;
  std::vector<Held> held_;
  std::vector<std::chrono::milliseconds> longest_;  ///< per statement, its longest lock
  std::vector<std::string> modes_;                  ///< per statement, "MODE on table, ..."
  std::vector<std::string> effects_;                ///< per statement, ", rewrites t", ...
};

/// `section` with each certified statement's `-- +retort lock:` line before it (lines already
/// there replaced).
std::string with_lock_lines(const std::string& section, const std::vector<StatementLock>& locks);

/// `revision` with the certificates `report` measured written into its PostgreSQL sections.
Revision with_lock_certificates(const Revision& revision, const VerifyReport& report);

/// The certificates in `revision`'s PostgreSQL Up sections that need --allow-rewrite (a rewrite
/// of a table that existed before, an ACCESS EXCLUSIVE lock held 50 ms or more, or one held
/// over a pass through all of a table's rows), each with its statement.
std::vector<std::string> rewrites_to_allow(const Revision& revision);

}  // namespace retort

#endif  // RETORT_TOOL_PG_CERTIFICATE_HPP
