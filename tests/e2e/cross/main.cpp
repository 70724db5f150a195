// The device's app: upgrades the database named on its command line and says which machine it
// runs as, so a run under qemu shows the target's binary did the work.
#include <iostream>
#include <retort/runtime.hpp>

int main(int argc, char** argv) {
  if (argc < 2) return 2;
#if defined(__aarch64__)
  std::cout << "aarch64\n";
#endif
  try {
    for (const std::string& id : retort::upgrade(std::filesystem::path(argv[1]))) {
      std::cout << "applied " << id << "\n";
    }
  } catch (const retort::Error& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
}
