// `retort` run in-process, for the tests of its verbs.
#ifndef RETORT_TESTS_CLI_SUPPORT_HPP
#define RETORT_TESTS_CLI_SUPPORT_HPP

#include <sstream>
#include <string>
#include <vector>

#include "cli.hpp"

namespace retort::testing {

struct Cli {
  ExitCode code;
  std::string out, err;
};

/// The verb's exit code and what it printed.
inline Cli cli(const std::vector<std::string>& args) {
  std::ostringstream out, err;
  const ExitCode code = run_cli(args, out, err);
  return {code, out.str(), err.str()};
}

#ifdef RETORT_ANNOTATIONS_DIR  // the test executables that scan models
/// `retort migrate -m MESSAGE` over `models` with `dialects`, as a build scans them: `more`
/// options, then the annotations' include folder for the scan.
inline Cli migrate_models(const std::string& message, const std::string& dir,
                          const std::string& pch_dir, const std::string& dialects,
                          const std::string& models, const std::vector<std::string>& more = {}) {
  std::vector<std::string> args = {"migrate", "-m",        message, "--dir",
                                   dir,       "--pch-dir", pch_dir, "--dialects",
                                   dialects,  "--models",  models};
  args.insert(args.end(), more.begin(), more.end());
  args.insert(args.end(), {"--", "-I" RETORT_ANNOTATIONS_DIR});
  return cli(args);
}
#endif

}  // namespace retort::testing

#endif  // RETORT_TESTS_CLI_SUPPORT_HPP
