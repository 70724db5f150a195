// The progress line: one line on a terminal's stderr, redrawn in place while revisions run.
#include <unistd.h>

#include <cstdio>

#include "retort/runtime.hpp"

namespace retort {

std::string progress_line(const Progress& p, std::string_view prefix) {
  if (p.event == Progress::Event::kFinished) return "";
  std::string line = std::string(prefix) + ": [" + std::to_string(p.step) + "/" +
                     std::to_string(p.steps) + "] " + (p.reverting ? "reverting " : "applying ") +
                     p.revision;
  const std::string rows = std::to_string(p.rows_done) + "/" + std::to_string(p.rows_total);
  if (p.event == Progress::Event::kRowsCopied) {
    line += ": copying \"" + p.table + "\" " + rows + " rows";
  } else if (p.event == Progress::Event::kHookRows) {
    line += ": hook " + p.hook + " " + rows + " rows";
  } else if (p.event == Progress::Event::kStatement || p.event == Progress::Event::kStatementDone) {
    const std::string first_line = p.statement.substr(0, p.statement.find('\n'));
    line += ": " + (first_line.size() > 60 ? first_line.substr(0, 57) + "..." : first_line);
  }
  return line;
}

ProgressCallback terminal_progress(std::string_view prefix) {
  if (!isatty(STDERR_FILENO)) return {};
  return [prefix = std::string(prefix)](const Progress& p) {
    // "\r" and "erase the line": the next report overwrites this one; a finished revision
    // leaves the line empty for whatever the program prints next.
    std::fprintf(stderr, "\r\033[K%s", progress_line(p, prefix).c_str());
    std::fflush(stderr);
  };
}

}  // namespace retort
