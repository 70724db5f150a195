// The `retort` executable: hands its arguments to run_cli().
#include <sqlite3.h>

#include <iostream>
#include <string>
#include <vector>

#include "cli.hpp"

int main(int argc, char** argv) {
  // Verification runs SQLite on two threads; memory statistics would serialise their mallocs.
  sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  const std::vector<std::string> args(argv + 1, argv + argc);
  return static_cast<int>(retort::run_cli(args, std::cout, std::cerr));
}
