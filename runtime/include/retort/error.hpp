// The one exception tree of Retort, shared by the runtime and the tool.
#ifndef RETORT_ERROR_HPP
#define RETORT_ERROR_HPP

#include <stdexcept>
#include <string>
#include <vector>

namespace retort {

/// Every error Retort reports: a bad target, an unknown or tampered revision, a malformed
/// revision file, a file that cannot be read or written, SQLite errors. The message says what
/// went wrong and, where it can, what to do next.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A revision failed and was rolled back; the database is at the last good revision.
class MigrationError : public Error {
 public:
  MigrationError(std::string revision, std::string statement, std::string sqlite_message,
                 std::vector<std::string> applied);
  /// The id of the revision that failed.
  const std::string& revision() const { return revision_; }
  /// The statement that failed, as written in the revision.
  const std::string& statement() const { return statement_; }
  /// SQLite's message (or the reason Retort refused the statement).
  const std::string& sqlite_message() const { return sqlite_message_; }
  /// The revisions applied (or reverted) by this call before the failure.
  const std::vector<std::string>& applied() const { return applied_; }

 private:
  std::string revision_;
  std::string statement_;
  std::string sqlite_message_;
  std::vector<std::string> applied_;
};

}  // namespace retort

#endif  // RETORT_ERROR_HPP
