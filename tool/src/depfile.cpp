// Renders and writes the build step's depfile.
#include "depfile.hpp"

#include "repository.hpp"

namespace retort {
namespace {

std::string escape_make(const std::string& path) {
  std::string out;
  for (char c : path) {
    if (c == ' ' || c == '#') out += '\\';
    if (c == '$') out += '$';
    out += c;
  }
  return out;
}

}  // namespace

std::string render_depfile(const std::filesystem::path& target,
                           const std::vector<std::string>& files) {
  std::string out = escape_make(target.string()) + ":";
  for (const std::string& f : files) out += " \\\n  " + escape_make(f);
  return out + "\n";
}

bool write_depfile(const std::filesystem::path& depfile, const std::string& content,
                   const std::filesystem::path& make_depend_cache) {
  if (!write_file_if_changed(depfile, content)) return false;
  if (!make_depend_cache.empty()) {
    std::error_code ec;
    std::filesystem::remove(make_depend_cache, ec);  // absent already: nothing to forget
  }
  return true;
}

}  // namespace retort
