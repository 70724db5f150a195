// The `retort` executable: hands its arguments to run_cli().
#include <iostream>
#include <string>
#include <vector>

#include "cli.hpp"

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  return static_cast<int>(retort::run_cli(args, std::cout, std::cerr));
}
