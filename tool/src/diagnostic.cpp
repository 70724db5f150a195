// Formats diagnostics in the compiler's format so that IDEs jump to them.
#include "diagnostic.hpp"

#include <algorithm>

namespace retort {

std::string format_diagnostic(const Diagnostic& d) {
  std::string out;
  if (!d.loc.file.empty() && d.loc.line == 0) {
    out = d.loc.file + ": ";  // the file as a whole
  } else if (!d.loc.file.empty()) {
    out = d.loc.file + ":" + std::to_string(d.loc.line) + ":" + std::to_string(d.loc.column) + ": ";
  }
  switch (d.severity) {
    case Severity::kNote:
      out += "note: ";
      break;
    case Severity::kWarning:
      out += "warning: ";
      break;
    case Severity::kError:
      out += "error: ";
      break;
  }
  return out + d.message;
}

bool has_errors(const std::vector<Diagnostic>& diagnostics) {
  return std::any_of(diagnostics.begin(), diagnostics.end(),
                     [](const Diagnostic& d) { return d.severity == Severity::kError; });
}

void print_diagnostics(std::ostream& out, const std::vector<Diagnostic>& diagnostics) {
  for (const Diagnostic& d : diagnostics) out << format_diagnostic(d) << '\n';
}

std::string listed(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& l : lines) out += "\n  " + l;
  return out;
}

}  // namespace retort
