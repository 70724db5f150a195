// Source locations and diagnostics: how every stage reports problems in the user's models.
#ifndef RETORT_TOOL_DIAGNOSTIC_HPP
#define RETORT_TOOL_DIAGNOSTIC_HPP

#include <ostream>
#include <string>
#include <vector>

namespace retort {

/// A place in a model file, as the compiler would print it.
struct SourceLoc {
  std::string file;
  unsigned line = 0;
  unsigned column = 0;

  friend bool operator==(const SourceLoc&, const SourceLoc&) = default;
};

enum class Severity { kNote, kWarning, kError };

/// One problem found in the user's input.
struct Diagnostic {
  Severity severity = Severity::kError;
  SourceLoc loc;
  std::string message;

  friend bool operator==(const Diagnostic&, const Diagnostic&) = default;
};

/// `file:line:col: error: message` (`file: error: ...` for a whole file; the location part left
/// out when unknown).
std::string format_diagnostic(const Diagnostic& d);

/// Each line on a line of its own, indented by two blanks, after a newline: the list after an
/// error's first line.
std::string listed(const std::vector<std::string>& lines);

/// True when any diagnostic is an error.
bool has_errors(const std::vector<Diagnostic>& diagnostics);

/// Prints each diagnostic on its own line.
void print_diagnostics(std::ostream& out, const std::vector<Diagnostic>& diagnostics);

}  // namespace retort

#endif  // RETORT_TOOL_DIAGNOSTIC_HPP
