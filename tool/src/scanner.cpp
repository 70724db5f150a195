// The scan: the model files parsed in one unit, its cursors walked into ModelClass/SourceLoc at
// once (libclang.hpp holds the handles, pch.hpp the cached PCH of the standard headers).
#include "scanner.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <set>

#include "libclang.hpp"
#include "pch.hpp"

namespace retort {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kPrefix = "retort:";
constexpr char kSeparator = '\x1f';
constexpr const char* kUmbrellaName = "__retort_scan__.cpp";

std::string canonical(const std::string& path) {
  std::error_code ec;
  fs::path p = fs::weakly_canonical(fs::absolute(path), ec);
  return ec ? path : p.string();
}

CXChildVisitResult collect_annotation(CXCursor c, CXCursor, CXClientData data) {
  if (lib().getCursorKind(c) != CXCursor_AnnotateAttr) return CXChildVisit_Continue;
  const std::string text = take(lib().getCursorSpelling(c));
  if (text.rfind(kPrefix, 0) != 0) return CXChildVisit_Continue;  // someone else's annotation
  Annotation a;
  std::size_t pos = kPrefix.size();
  for (bool first = true;; first = false) {
    const std::size_t end = text.find(kSeparator, pos);
    std::string part = text.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    (first ? a.key : a.args.emplace_back()) = std::move(part);
    if (end == std::string::npos) break;
    pos = end + 1;
  }
  a.loc = location_of(c);
  static_cast<std::vector<Annotation>*>(data)->push_back(std::move(a));
  return CXChildVisit_Continue;
}

// libclang's child order of attributes differs between versions: order by source position.
std::vector<Annotation> annotations_of(CXCursor c) {
  std::vector<Annotation> out;
  lib().visitChildren(c, collect_annotation, &out);
  std::stable_sort(out.begin(), out.end(), [](const Annotation& a, const Annotation& b) {
    return std::tie(a.loc.line, a.loc.column) < std::tie(b.loc.line, b.loc.column);
  });
  return out;
}

// libclang 14 shows `extern "C++" { ... }` as an unexposed declaration, later ones as LinkageSpec.
bool is_linkage_block(CXCursor c) {
  const CXCursorKind kind = lib().getCursorKind(c);
  return kind == CXCursor_LinkageSpec || kind == CXCursor_UnexposedDecl;
}

// The semantic parent, looking through `extern "C++" { ... }` blocks.
CXCursor enclosing(CXCursor c) {
  CXCursor parent = lib().getCursorSemanticParent(c);
  while (is_linkage_block(parent)) {
    parent = lib().getCursorSemanticParent(parent);
  }
  return parent;
}

// True when `decl` is declared in namespace std (possibly inside an inline namespace such as
// libstdc++'s std::__cxx11, or an extern "C++" block as around std::byte).
bool in_std(CXCursor decl) {
  CXCursor ns = enclosing(decl);
  while (lib().getCursorKind(ns) == CXCursor_Namespace) {
    const CXCursor parent = enclosing(ns);
    if (lib().getCursorKind(parent) == CXCursor_TranslationUnit) {
      return take(lib().getCursorSpelling(ns)) == "std";
    }
    if (!lib().Cursor_isInlineNamespace(ns)) return false;
    ns = parent;
  }
  return false;
}

bool is_byte_type(CXType t) {
  t = lib().getCanonicalType(t);
  if (t.kind == CXType_UChar || t.kind == CXType_Char_U) return true;
  if (t.kind != CXType_Enum) return false;
  const CXCursor decl = lib().getTypeDeclaration(t);
  return in_std(decl) && take(lib().getCursorSpelling(decl)) == "byte";
}

ValueKind classify(CXType type, bool& optional) {
  const CXType t = lib().getCanonicalType(type);
  switch (t.kind) {
    case CXType_Bool:
      return ValueKind::kBool;
    case CXType_Char_U:
    case CXType_UChar:
    case CXType_Char16:
    case CXType_Char32:
    case CXType_UShort:
    case CXType_UInt:
    case CXType_ULong:
    case CXType_ULongLong:
    case CXType_Char_S:
    case CXType_SChar:
    case CXType_WChar:
    case CXType_Short:
    case CXType_Int:
    case CXType_Long:
    case CXType_LongLong:
    case CXType_Enum:
      return ValueKind::kInteger;
    case CXType_Float:
    case CXType_Double:
      return ValueKind::kReal;
    case CXType_Record:
      break;
    default:
      return ValueKind::kUnsupported;
  }
  const CXCursor decl = lib().getTypeDeclaration(t);
  if (!in_std(decl)) return ValueKind::kUnsupported;
  const std::string name = take(lib().getCursorSpelling(decl));
  const CXType arg = lib().Type_getTemplateArgumentAsType(t, 0);
  if (name == "optional" && !optional) {
    optional = true;
    return classify(arg, optional);
  }
  const CXType canonical_arg = lib().getCanonicalType(arg);
  if (name == "basic_string" &&
      (canonical_arg.kind == CXType_Char_S || canonical_arg.kind == CXType_Char_U)) {
    return ValueKind::kText;
  }
  if (name == "vector" && is_byte_type(arg)) return ValueKind::kBlob;
  return ValueKind::kUnsupported;
}

// The width of an integer or floating-point member (std::optional unwrapped) into `f`.
void measure(CXType type, ModelField& f) {
  CXType t = lib().getCanonicalType(type);
  if (f.optional && t.kind == CXType_Record) {
    t = lib().getCanonicalType(lib().Type_getTemplateArgumentAsType(t, 0));
  }
  if (f.kind != ValueKind::kInteger && f.kind != ValueKind::kReal) return;
  const long long size = lib().Type_getSizeOf(t);
  f.bytes = size > 0 ? static_cast<int>(size) : 0;
  f.is_enum = t.kind == CXType_Enum;
  switch (t.kind) {
    case CXType_Char_U:
    case CXType_UChar:
    case CXType_Char16:
    case CXType_Char32:
    case CXType_UShort:
    case CXType_UInt:
    case CXType_ULong:
    case CXType_ULongLong:
      f.is_unsigned = true;
      break;
    default:
      break;
  }
}

class Scanner {
 public:
  /// `model_files`: absolute, normalized paths, as the umbrella includes them.
  Scanner(const std::set<std::string>& model_files, ScanResult& result)
      : result_(result), model_files_(model_files) {
    for (const std::string& f : model_files) model_names_.insert(fs::path(f).filename().string());
  }

  void visit_children(CXCursor parent) {
    lib().visitChildren(
        parent,
        [](CXCursor c, CXCursor, CXClientData self) {
          static_cast<Scanner*>(self)->visit(c);
          return CXChildVisit_Continue;
        },
        this);
  }

 private:
  void visit(CXCursor c) {
    const CXCursorKind kind = lib().getCursorKind(c);
    if (kind == CXCursor_Namespace || is_linkage_block(c)) {
      if (!lib().Location_isInSystemHeader(lib().getCursorLocation(c))) visit_children(c);
      return;
    }
    if (kind == CXCursor_AnnotateAttr || kind == CXCursor_FieldDecl || !in_model_file(c)) return;
    if (kind == CXCursor_VarDecl && is_function_declaration(c)) return;
    if ((kind == CXCursor_StructDecl || kind == CXCursor_ClassDecl) &&
        lib().isCursorDefinition(c)) {
      visit_class(c);
      visit_children(c);  // nested classes; misplaced annotations on methods
      return;
    }
    for (const Annotation& a : annotations_of(c)) {
      result_.diagnostics.push_back(
          {Severity::kError, a.loc,
           "annotation 'retort:" + a.key + "' can only mark a class or a data member"});
    }
  }

  // RETORT_SQL_FUNCTION: an annotated declaration of a variable, at namespace scope.
  bool is_function_declaration(CXCursor c) {
    const std::vector<Annotation> annotations = annotations_of(c);
    if (annotations.empty() || annotations.front().key != "sql_function") return false;
    for (const Annotation& a : annotations) result_.functions.push_back(a);
    return true;
  }

  void visit_class(CXCursor c) {
    ModelClass model;
    model.annotations = annotations_of(c);
    if (model.annotations.empty()) return;  // a mixin or an ordinary class
    model.name = take(lib().getCursorSpelling(c));
    model.loc = location_of(c);
    collect_fields(c, model.fields);
    result_.models.push_back(std::move(model));
  }

  // Bases' data members first (in base order), then the class's own.
  void collect_fields(CXCursor record, std::vector<ModelField>& fields) {
    std::pair<Scanner*, std::vector<ModelField>*> state{this, &fields};
    lib().visitChildren(
        record,
        [](CXCursor c, CXCursor, CXClientData data) {
          auto& [self, out] = *static_cast<std::pair<Scanner*, std::vector<ModelField>*>*>(data);
          if (lib().getCursorKind(c) == CXCursor_CXXBaseSpecifier) {
            const CXType base = lib().getCanonicalType(lib().getCursorType(c));
            const CXCursor def = lib().getCursorDefinition(lib().getTypeDeclaration(base));
            if (!lib().Cursor_isNull(def)) self->collect_fields(def, *out);
          } else if (lib().getCursorKind(c) == CXCursor_FieldDecl) {
            out->push_back(field_of(c));
          }
          return CXChildVisit_Continue;
        },
        &state);
  }

  static ModelField field_of(CXCursor c) {
    ModelField f;
    f.name = take(lib().getCursorSpelling(c));
    f.loc = location_of(c);
    const CXType type = lib().getCursorType(c);
    f.type_spelling = take(lib().getTypeSpelling(type));
    f.kind = classify(type, f.optional);
    measure(type, f);
    f.annotations = annotations_of(c);
    return f;
  }

  bool in_model_file(CXCursor c) {
    CXFile file = nullptr;
    lib().getExpansionLocation(lib().getCursorLocation(c), &file, nullptr, nullptr, nullptr);
    if (!file) return false;
    auto [it, inserted] = file_is_model_.emplace(file, false);
    if (inserted) {
      // Clang names a model file as the umbrella included it; resolving symbolic links, which
      // costs a readlink per path component, only for a name that could be another path to a
      // model file (one model including another through a link).
      const fs::path name = fs::absolute(take(lib().getFileName(file))).lexically_normal();
      it->second = model_files_.count(name.string()) > 0 ||
                   (model_names_.count(name.filename().string()) > 0 &&
                    canonical_models().count(canonical(name.string())) > 0);
    }
    return it->second;
  }

  const std::set<std::string>& canonical_models() {
    if (canonical_models_.empty()) {
      for (const std::string& f : model_files_) canonical_models_.insert(canonical(f));
    }
    return canonical_models_;
  }

  ScanResult& result_;
  const std::set<std::string>& model_files_;
  std::set<std::string> canonical_models_;
  std::set<std::string> model_names_;
  std::map<CXFile, bool> file_is_model_;
};

// Paths of included files, resolved on disk. libclang names libstdc++'s headers through
// `/usr/lib/gcc/.../../../../include/c++/12`, and on Debian `/lib` is a link to `usr/lib`: a
// `..` after a link cannot be collapsed lexically (it would give `/include/c++/12/string`, a
// file that does not exist, and a depfile naming it re-runs the scan at every build). The
// directory is resolved once and cached: hundreds of headers share a few dozen directories.
class IncludedFiles {
 public:
  void add(const std::string& name) {
    const fs::path path = fs::absolute(name);
    auto [it, inserted] = directories_.emplace(path.parent_path().string(), std::string());
    if (inserted) it->second = canonical(it->first);
    files_.insert((fs::path(it->second) / path.filename()).string());
  }
  std::vector<std::string> sorted() const { return {files_.begin(), files_.end()}; }

 private:
  std::map<std::string, std::string> directories_;
  std::set<std::string> files_;
};

std::vector<std::string> included_files(CXTranslationUnit tu) {
  IncludedFiles files;
  lib().getInclusions(
      tu,
      [](CXFile file, CXSourceLocation*, unsigned, CXClientData data) {
        const std::string name = take(lib().getFileName(file));
        if (fs::path(name).filename() != kUmbrellaName) {
          static_cast<IncludedFiles*>(data)->add(name);
        }
      },
      &files);
  return files.sorted();
}

// An error that belongs to no place in the models (built member by member: GCC 12 warns of a
// maybe-uninitialized string for the braced form).
Diagnostic unplaced_error(std::string message) {
  Diagnostic d;
  d.message = std::move(message);
  return d;
}

}  // namespace

ScanResult scan(const ScanRequest& request) {
  ScanResult result;
  if (!libclang()) {
    result.diagnostics.push_back(unplaced_error(libclang_error()));
    return result;
  }
  std::string umbrella;
  std::set<std::string> model_files;
  for (const std::string& file : request.model_files) {
    if (!fs::is_regular_file(file)) {
      result.diagnostics.push_back(unplaced_error("model file '" + file + "' does not exist"));
      continue;
    }
    const std::string path = fs::absolute(file).lexically_normal().string();
    model_files.insert(path);
    umbrella += "#include \"" + path + "\"\n";
  }
  if (has_errors(result.diagnostics)) return result;

  std::vector<std::string> args = {"-x", "c++", "-DRETORT_SCANNER", "-w"};
  const bool has_std = std::any_of(request.clang_args.begin(), request.clang_args.end(),
                                   [](const std::string& a) { return a.rfind("-std=", 0) == 0; });
  if (!has_std) args.push_back("-std=c++17");
  args.insert(args.end(), request.clang_args.begin(), request.clang_args.end());

  const std::string umbrella_path = (fs::current_path() / kUmbrellaName).string();
  std::unique_ptr<void, IndexDeleter> index(lib().createIndex(1, 0));
  constexpr unsigned kOptions = CXTranslationUnit_SkipFunctionBodies | CXTranslationUnit_KeepGoing;
  CXErrorCode rc = CXError_Failure;
  Unit tu;
  // With a PCH of the standard headers when a cache directory is given. When the parse with
  // it fails or reports errors that the parse without it does not (a header changed since the
  // PCH was built, a damaged file), the PCH is removed: the next scan builds a fresh one.
  const std::string prelude = request.pch_dir.empty() ? "" : prelude_of(request.model_files);
  const std::string pch =
      prelude.empty() ? "" : cached_pch(index.get(), request.pch_dir, prelude, args);
  if (!pch.empty()) {
    std::vector<std::string> with_pch = args;
    with_pch.insert(with_pch.end(), {"-include-pch", pch});
    tu = parse(index.get(), umbrella_path, umbrella, with_pch, kOptions, rc);
    const bool failed = rc != CXError_Success || !tu;
    if (failed || has_clang_errors(tu.get())) {
      Unit plain = parse(index.get(), umbrella_path, umbrella, args, kOptions, rc);
      if (failed || (plain && !has_clang_errors(plain.get()))) {
        std::error_code ec;
        fs::remove(pch, ec);
      }
      tu = std::move(plain);
    }
  }
  if (!tu) tu = parse(index.get(), umbrella_path, umbrella, args, kOptions, rc);
  if (rc != CXError_Success || !tu) {
    std::string message = "libclang could not parse the model files, error code ";
    message += std::to_string(static_cast<int>(rc));
    result.diagnostics.push_back(unplaced_error(std::move(message)));
    return result;
  }
  collect_clang_errors(tu.get(), result.diagnostics);
  Scanner(model_files, result).visit_children(lib().getTranslationUnitCursor(tu.get()));
  result.dependencies = included_files(tu.get());
  return result;
}

}  // namespace retort
