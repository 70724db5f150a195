// The executor: runs planned steps, one transaction each, with foreign-key guards and progress.
#ifndef RETORT_RUNTIME_EXECUTOR_HPP
#define RETORT_RUNTIME_EXECUTOR_HPP

#include <string>
#include <string_view>
#include <vector>

#include "plan.hpp"
#include "retort/runtime.hpp"

struct sqlite3;

namespace retort::detail {

/// Long enough for another process's rebuild of a large table.
constexpr int kBusyTimeoutMs = 60000;

/// BEGIN IMMEDIATE takes the write lock at once, so a second process waits (busy timeout)
/// instead of failing when it would upgrade a read lock. Rolls back unless committed.
class Transaction {
 public:
  explicit Transaction(sqlite3* db);
  ~Transaction();
  void commit();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

 private:
  sqlite3* db_;
  bool open_ = true;
};

/// Plans with `plan` from one read; when there is work, runs one step per transaction,
/// re-planning inside each transaction so that processes racing to the same database each
/// apply a revision once. Returns the ids applied or reverted. Throws Error, MigrationError.
std::vector<std::string> migrate(sqlite3* db, const std::vector<Revision>& revisions,
                                 std::string_view target, Planner plan,
                                 const ProgressCallback& progress);

}  // namespace retort::detail

#endif  // RETORT_RUNTIME_EXECUTOR_HPP
