// The app of the e2e projects without a main.cpp of their own (copied in as main.cpp): `app DB`
// upgrades DB to the newest revision and reports what it did.
#include <iostream>
#include <retort/runtime.hpp>

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  try {
    for (const std::string& id : retort::upgrade(argv[1])) std::cout << "applied " << id << "\n";
  } catch (const retort::Error& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
}
