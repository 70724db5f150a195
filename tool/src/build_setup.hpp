// How the build step is set up from what the command line gives: the scan's request (its clang
// arguments, the annotations, the PCH cache) and where PostgreSQL's proofs run.
#ifndef RETORT_TOOL_BUILD_SETUP_HPP
#define RETORT_TOOL_BUILD_SETUP_HPP

#include <string>
#include <vector>

#include "pg_server.hpp"
#include "scanner.hpp"

namespace retort {

/// A scan as the command line (the build step, `migrate`, `check`) describes it.
struct ScanOptions {
  std::vector<std::string> models;
  std::vector<std::string> objects;
  std::vector<std::string> postgresql_objects;
  std::vector<std::string> dialects;    ///< as given: "sqlite,postgresql" or a list
  std::vector<std::string> clang_args;  ///< the target's -I, -D, -std=...
  std::string pch_dir;                  ///< "" for default_pch_dir()
  /// The compiler's implicit include directories, left out of the scan's -I arguments as
  /// CMake leaves them out of compile lines (an explicit -I/usr/include reorders the system
  /// search path and breaks libstdc++'s #include_next).
  std::vector<std::string> implicit_include_dirs;
};

/// The scan of `options`: the clang arguments without repeated -I and without the implicit
/// include directories, then -I of the annotations (annotations_dir()); the PCH and the memo
/// cached in `pch_dir`, else default_pch_dir(). Throws Error naming an unknown dialect.
ScanRequest scan_request(const ScanOptions& options);

/// Where <retort/annotations.hpp> is: beside an installed tool (<prefix>/bin/retort →
/// <prefix>/include), else in the source tree the tool was built from.
std::string annotations_dir();

/// Where the PCH of the standard headers is cached when no --pch-dir is given: the user's cache
/// directory ($XDG_CACHE_HOME/retort/pch, else ~/.cache/retort/pch); "" (no PCH) without either.
std::string default_pch_dir();

/// Where PostgreSQL sections are proven: on the server at `url` ("" for a throwaway server),
/// else on a throwaway server kept in `dir` (default: beside the PCH cache) and started from the
/// programs in `bindir` (default: the newest installed PostgreSQL's).
PostgresqlSetup postgresql_setup_of(const std::string& url, const std::string& dir,
                                    const std::string& bindir);

}  // namespace retort

#endif  // RETORT_TOOL_BUILD_SETUP_HPP
