// The floor under every scan, as a process: libclang loaded the way the scanner loads it (dlopen
// of the library the build found, every function it calls resolved) and an index created.
#include <cstdio>

#include "libclang.hpp"

int main() {
  const retort::LibClang* lib = retort::libclang();
  if (!lib) {
    std::fprintf(stderr, "%s\n", retort::libclang_error().c_str());
    return 1;
  }
  lib->disposeIndex(lib->createIndex(1, 0));
  return 0;
}
