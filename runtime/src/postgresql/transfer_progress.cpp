// The progress line of a transfer, drawn in place on a terminal as upgrade's is.
#include <unistd.h>

#include <cstdio>

#include "retort/transfer.hpp"

namespace retort {

std::string transfer_progress_line(const TransferProgress& p, std::string_view prefix) {
  using Phase = TransferProgress::Phase;
  if (p.phase == Phase::kDone) return "";
  std::string line =
      std::string(prefix) + ": [" + std::to_string(p.step) + "/" + std::to_string(p.steps) + "] ";
  if (p.phase == Phase::kCreating) return line + "creating the schema: applying " + p.revision;
  const char* verb = p.phase == Phase::kChecking  ? "checking"
                     : p.phase == Phase::kCopying ? "copying"
                                                  : "verifying";
  return line + verb + " \"" + p.table + "\" " + std::to_string(p.rows_done) + "/" +
         std::to_string(p.rows_total) + " rows";
}

TransferProgressCallback terminal_transfer_progress(std::string_view prefix) {
  if (!isatty(STDERR_FILENO)) return {};
  return [prefix = std::string(prefix)](const TransferProgress& p) {
    std::fprintf(stderr, "\r\033[K%s", transfer_progress_line(p, prefix).c_str());
    std::fflush(stderr);
  };
}

}  // namespace retort
