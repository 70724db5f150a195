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
  // Never closed: the process may scan again, and unloading LLVM at exit would gain nothing.
#define RETORT_LIBCLANG_RESOLVE(name)                                                     \
  out.lib.name = reinterpret_cast<decltype(out.lib.name)>(dlsym(handle, "clang_" #name)); \
  if (!out.lib.name && out.error.empty()) {                                               \
    out.error = "libclang at " RETORT_LIBCLANG_PATH " has no clang_" #name;               \
  }
  RETORT_LIBCLANG_FUNCTIONS(RETORT_LIBCLANG_RESOLVE)
#undef RETORT_LIBCLANG_RESOLVE
  return out;
}

const Loaded& loaded() {
  static const Loaded once = load();
  return once;
}

}  // namespace

const LibClang* libclang() { return loaded().error.empty() ? &loaded().lib : nullptr; }

const std::string& libclang_error() { return loaded().error; }

}  // namespace retort
