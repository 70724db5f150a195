// Loads libclang with dlopen and resolves the functions the scanner calls.
#include "libclang.hpp"

#include <dlfcn.h>

namespace retort {
namespace {

struct Loaded {
  LibClang lib;
  std::string error;  ///< "" when every function was found
};

Loaded load() {
  Loaded out;
  void* handle = dlopen(RETORT_LIBCLANG_PATH, RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* why = dlerror();
    out.error = std::string("cannot load libclang (") + (why ? why : RETORT_LIBCLANG_PATH) +
                "); on Debian: apt-get install libclang1-" RETORT_LLVM_VERSION;
    return out;
  }
  // Never closed: the scanner's results hold no pointer into it, but the process may scan again.
#define RETORT_LIBCLANG_RESOLVE(name)                                                     \
  out.lib.name = reinterpret_cast<decltype(out.lib.name)>(dlsym(handle, "clang_" #name)); \
  if (!out.lib.name && out.error.empty()) {                                               \
    out.error = "libclang at " RETORT_LIBCLANG_PATH " has no clang_" #name;               \
  }
  RETORT_LIBCLANG_FUNCTIONS(RETORT_LIBCLANG_RESOLVE)
#undef RETORT_LIBCLANG_RESOLVE
  return out;
}

}  // namespace

const LibClang* load_libclang(std::string& error) {
  static const Loaded loaded = load();
  error = loaded.error;
  return loaded.error.empty() ? &loaded.lib : nullptr;
}

}  // namespace retort
