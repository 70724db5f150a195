// The application's start-up path, as a process: `bench_apply DIR DB [TARGET]` reads the
// revision files of DIR/versions (as add_migrations() embeds them) and upgrades DB with the
// runtime alone: no libclang loaded, unlike the retort CLI.
#include <filesystem>
#include <iostream>

#include "bench_revisions.hpp"
#include "retort/runtime.hpp"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: bench_apply DIR DB [TARGET]\n";
    return 2;
  }
  try {
    const auto applied = retort::upgrade(std::filesystem::path(argv[2]), revisions_in(argv[1]),
                                         argc > 3 ? argv[3] : "head");
    std::cout << applied.size() << " applied\n";
  } catch (const retort::Error& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
}
