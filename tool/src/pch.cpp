// The PCH of the standard headers the models include: the prelude read from the model files,
// and its PCH built once per libclang, arguments and prelude, kept in a cache directory.
#include "pch.hpp"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>

#include "retort/detail/fnv1a.hpp"

namespace retort {
namespace {

namespace fs = std::filesystem;

// FNV-1a/64 of the parts, each ended by a NUL, as 16 hex digits: the PCH cache key.
std::string fingerprint(const std::vector<std::string>& parts) {
  Fnv1a hash;
  for (const std::string& part : parts) hash.add_part(part);
  return hash.hex();
}

}  // namespace

std::string prelude_of(const std::vector<std::string>& model_files) {
  std::set<std::string> headers;
  for (const std::string& file : model_files) {
    std::ifstream in(file);
    for (std::string line; std::getline(in, line);) {
      // `#include <name>`, spaces allowed around '#' and before '<'; a name of letters,
      // digits and '_' only (no extension: a standard header).
      std::size_t i = line.find_first_not_of(" \t");
      if (i == std::string::npos || line[i] != '#') continue;
      i = line.find_first_not_of(" \t", i + 1);
      if (i == std::string::npos || line.compare(i, 7, "include") != 0) continue;
      i = line.find_first_not_of(" \t", i + 7);
      if (i == std::string::npos || line[i] != '<') continue;
      const std::size_t end = line.find('>', i);
      if (end == std::string::npos || end == i + 1) continue;
      const std::string name = line.substr(i + 1, end - i - 1);
      const bool plain = std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
      });
      if (plain) headers.insert(name);
    }
  }
  std::string out;
  for (const std::string& h : headers) out += "#include <" + h + ">\n";
  return out;
}

std::string cached_pch(CXIndex index, const std::string& dir, const std::string& prelude,
                       const std::vector<std::string>& args) {
  std::vector<std::string> key = args;
  key.push_back(take(lib().getClangVersion()));
  key.push_back(prelude);
  key.push_back("-fpch-instantiate-templates");
  const fs::path pch = fs::path(dir) / ("prelude-" + fingerprint(key) + ".pch");
  std::error_code ec;
  if (fs::exists(pch, ec)) return pch.string();
  fs::create_directories(dir, ec);
  std::vector<std::string> header_args = args;
  header_args[1] = "c++-header";  // args start with "-x", "c++"
  // Instantiate the templates the headers use while building the PCH: otherwise each scan
  // that loads the PCH instantiates them again at its end (about 25 ms for <string>).
  header_args.insert(header_args.end(), {"-Xclang", "-fpch-instantiate-templates"});
  CXErrorCode rc;
  const std::string header = (fs::path(dir) / "__retort_prelude__.hpp").string();
  const Unit tu = parse(index, header, prelude, header_args,
                        CXTranslationUnit_ForSerialization | CXTranslationUnit_Incomplete, rc);
  if (rc != CXError_Success || !tu || has_clang_errors(tu.get())) return "";
  const fs::path temp = pch.string() + ".tmp" + std::to_string(::getpid());
  if (lib().saveTranslationUnit(tu.get(), temp.c_str(), CXSaveTranslationUnit_None) !=
      CXSaveError_None) {
    fs::remove(temp, ec);
    return "";
  }
  fs::rename(temp, pch, ec);  // atomic: concurrent builds agree
  return ec ? "" : pch.string();
}

}  // namespace retort
