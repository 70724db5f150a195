// The `retort` command line: parses options once and runs one verb.
#ifndef RETORT_TOOL_CLI_HPP
#define RETORT_TOOL_CLI_HPP

#include <iosfwd>
#include <string>
#include <vector>

namespace retort {

/// Exit codes, as `retort --help` lists them.
enum class ExitCode { kDone = 0, kFailed = 1, kUsage = 2 };

/// Runs the command line `args` (without the program name); everything after a lone "--" is
/// passed to the scanner as clang arguments. Writes results to `out`, messages to `err`.
ExitCode run_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace retort

#endif  // RETORT_TOOL_CLI_HPP
