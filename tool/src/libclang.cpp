// Loads libclang with dlopen and resolves the functions the scanner calls; small handles over
// them (strings, locations, units, diagnostics).
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

const LibClang& lib() { return *libclang(); }

std::string take(CXString s) {
  const char* c = lib().getCString(s);
  std::string out = c ? c : "";
  lib().disposeString(s);
  return out;
}

SourceLoc location_of(CXSourceLocation loc) {
  CXFile file = nullptr;
  unsigned line = 0, column = 0;
  lib().getExpansionLocation(loc, &file, &line, &column, nullptr);
  return {file ? take(lib().getFileName(file)) : "", line, column};
}

SourceLoc location_of(CXCursor c) { return location_of(lib().getCursorLocation(c)); }

void IndexDeleter::operator()(void* index) const { lib().disposeIndex(index); }

void UnitDeleter::operator()(CXTranslationUnit tu) const { lib().disposeTranslationUnit(tu); }

Unit parse(CXIndex index, const std::string& path, const std::string& text,
           const std::vector<std::string>& args, unsigned options, CXErrorCode& rc) {
  std::vector<const char*> argv;
  argv.reserve(args.size());
  for (const std::string& a : args) argv.push_back(a.c_str());
  CXUnsavedFile unsaved{path.c_str(), text.c_str(), static_cast<unsigned long>(text.size())};
  CXTranslationUnit raw = nullptr;
  rc = lib().parseTranslationUnit2(index, path.c_str(), argv.data(), static_cast<int>(argv.size()),
                                   &unsaved, 1, options, &raw);
  return Unit(raw);
}

void collect_clang_errors(CXTranslationUnit tu, std::vector<Diagnostic>& out) {
  const unsigned n = lib().getNumDiagnostics(tu);
  for (unsigned i = 0; i < n; ++i) {
    CXDiagnostic d = lib().getDiagnostic(tu, i);
    if (lib().getDiagnosticSeverity(d) >= CXDiagnostic_Error) {
      out.push_back({Severity::kError, location_of(lib().getDiagnosticLocation(d)),
                     take(lib().getDiagnosticSpelling(d))});
    }
    lib().disposeDiagnostic(d);
  }
}

bool has_clang_errors(CXTranslationUnit tu) {
  std::vector<Diagnostic> errors;
  collect_clang_errors(tu, errors);
  return !errors.empty();
}

}  // namespace retort
