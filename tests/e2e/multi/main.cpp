// The consumer app: upgrades the database named on its command line and reports.
#include <iostream>
#include <retort/runtime.hpp>

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  try {
    for (const std::string& id : retort::upgrade(std::filesystem::path(argv[1]))) {
      std::cout << "applied " << id << "\n";
    }
    std::cout << "current " << retort::current(std::filesystem::path(argv[1])).value_or("base") << "\n";
  } catch (const retort::Error& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
}
