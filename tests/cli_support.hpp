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

}  // namespace retort::testing

#endif  // RETORT_TESTS_CLI_SUPPORT_HPP
