// libclang's C API, loaded when a scan first needs it: the CLI's database verbs (upgrade,
// current, history, ...) never load its 30 MB, and run where only the runtime's libraries are.
#ifndef RETORT_TOOL_LIBCLANG_HPP
#define RETORT_TOOL_LIBCLANG_HPP

#include <clang-c/Index.h>

#include <memory>
#include <string>
#include <vector>

#include "diagnostic.hpp"

namespace retort {

// The functions the scanner calls, as X(name) for clang_<name>.
#define RETORT_LIBCLANG_FUNCTIONS(X) \
  X(createIndex)                     \
  X(disposeIndex)                    \
  X(parseTranslationUnit2)           \
  X(saveTranslationUnit)             \
  X(disposeTranslationUnit)          \
  X(getTranslationUnitCursor)        \
  X(getNumDiagnostics)               \
  X(getDiagnostic)                   \
  X(getDiagnosticSeverity)           \
  X(getDiagnosticLocation)           \
  X(getDiagnosticSpelling)           \
  X(disposeDiagnostic)               \
  X(getInclusions)                   \
  X(getClangVersion)                 \
  X(getCString)                      \
  X(disposeString)                   \
  X(getFileName)                     \
  X(getExpansionLocation)            \
  X(Location_isInSystemHeader)       \
  X(visitChildren)                   \
  X(getCursorKind)                   \
  X(getCursorSpelling)               \
  X(getCursorLocation)               \
  X(getCursorType)                   \
  X(getCursorSemanticParent)         \
  X(getCursorDefinition)             \
  X(isCursorDefinition)              \
  X(Cursor_isNull)                   \
  X(Cursor_isInlineNamespace)        \
  X(getCanonicalType)                \
  X(getTypeDeclaration)              \
  X(getTypeSpelling)                 \
  X(Type_getSizeOf)                  \
  X(Type_getTemplateArgumentAsType)

/// Pointers to libclang's functions: `lib.getCursorKind(c)` calls `clang_getCursorKind(c)`.
struct LibClang {
// NOLINTNEXTLINE(bugprone-macro-parentheses): `name` is the member's declarator
#define RETORT_LIBCLANG_POINTER(name) decltype(&::clang_##name) name = nullptr;
  RETORT_LIBCLANG_FUNCTIONS(RETORT_LIBCLANG_POINTER)
#undef RETORT_LIBCLANG_POINTER
};

/// libclang, loaded on the first call (thread-safe) from where it was found when Retort was
/// configured; nullptr when it cannot be loaded.
const LibClang* libclang();
/// Why libclang() is nullptr; "" when it loaded.
const std::string& libclang_error();

// Handles over libclang's C API, for code that has checked that libclang() loads.

/// libclang's functions; libclang() must have loaded.
const LibClang& lib();

/// The text of `s`, which is disposed.
std::string take(CXString s);

/// Where `loc` is, as the compiler prints it (a macro's expansion site).
SourceLoc location_of(CXSourceLocation loc);
/// Where the cursor `c` is.
SourceLoc location_of(CXCursor c);

struct IndexDeleter {
  void operator()(void* index) const;
};
struct UnitDeleter {
  void operator()(CXTranslationUnit tu) const;
};
/// An owned translation unit, disposed when it goes.
using Unit = std::unique_ptr<CXTranslationUnitImpl, UnitDeleter>;

/// Parses `text` as the file `path` (an unsaved file) with `args` and CXTranslationUnit_*
/// `options`; `rc` is libclang's error code. nullptr when libclang made no unit.
Unit parse(CXIndex index, const std::string& path, const std::string& text,
           const std::vector<std::string>& args, unsigned options, CXErrorCode& rc);

/// Appends the unit's errors (and fatal errors) to `out`, placed where clang placed them.
void collect_clang_errors(CXTranslationUnit tu, std::vector<Diagnostic>& out);

/// True when clang reported an error in the unit.
bool has_clang_errors(CXTranslationUnit tu);

}  // namespace retort

#endif  // RETORT_TOOL_LIBCLANG_HPP
