// libclang's C API, loaded when a scan first needs it: the CLI's database verbs (upgrade,
// current, history, ...) never load its 30 MB, and run where only the runtime's libraries are.
#ifndef RETORT_TOOL_LIBCLANG_HPP
#define RETORT_TOOL_LIBCLANG_HPP

#include <clang-c/Index.h>

#include <string>

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

}  // namespace retort

#endif  // RETORT_TOOL_LIBCLANG_HPP
