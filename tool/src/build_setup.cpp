// The build step's setup from the command line: the scan's request and PostgreSQL's proofs.
#include "build_setup.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "dialects.hpp"

namespace retort {

namespace fs = std::filesystem;

std::string annotations_dir() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path installed = exe.parent_path().parent_path() / "include";
    if (fs::exists(installed / "retort" / "annotations.hpp", ec)) return installed.string();
  }
  return RETORT_ANNOTATIONS_DIR;
}

std::string default_pch_dir() {
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) {
    return (fs::path(xdg) / "retort" / "pch").string();
  }
  if (const char* home = std::getenv("HOME"); home && *home) {
    return (fs::path(home) / ".cache" / "retort" / "pch").string();
  }
  return "";
}

ScanRequest scan_request(const ScanOptions& o) {
  ScanRequest request{o.models,
                      {},
                      o.pch_dir.empty() ? default_pch_dir() : o.pch_dir,
                      o.objects,
                      o.postgresql_objects,
                      parse_dialects(o.dialects)};
  const auto implicit = [&o](const std::string& arg) {
    return std::any_of(o.implicit_include_dirs.begin(), o.implicit_include_dirs.end(),
                       [&arg](const std::string& dir) { return arg == "-I" + dir; });
  };
  for (const std::string& arg : o.clang_args) {
    if (implicit(arg)) continue;
    const auto& seen = request.clang_args;
    if (arg.rfind("-I", 0) == 0 && std::find(seen.begin(), seen.end(), arg) != seen.end()) continue;
    request.clang_args.push_back(arg);
  }
  request.clang_args.push_back("-I" + annotations_dir());
  return request;
}

namespace {

// Where a throwaway PostgreSQL server keeps its data when no --postgresql-dir is given: beside
// the PCH cache.
std::string default_postgresql_dir() {
  const std::string pch = default_pch_dir();
  return pch.empty() ? (fs::temp_directory_path() / "retort-postgresql").string()
                     : (fs::path(pch).parent_path() / "postgresql").string();
}

// The newest installed PostgreSQL server's programs: pg_config's, else Debian's
// /usr/lib/postgresql/<version>/bin.
std::string default_postgresql_bindir() {
  std::vector<fs::path> candidates;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    candidates.push_back(entry.path() / "bin");
  }
  std::sort(candidates.begin(), candidates.end(), [](const fs::path& a, const fs::path& b) {
    return std::stoi("0" + a.parent_path().filename().string()) >
           std::stoi("0" + b.parent_path().filename().string());
  });
  for (const fs::path& dir : candidates) {
    if (fs::exists(dir / "postgres") && fs::exists(dir / "initdb")) return dir.string();
  }
  return "";
}

}  // namespace

PostgresqlSetup postgresql_setup_of(const std::string& url, const std::string& dir,
                                    const std::string& bindir) {
  return {url, dir.empty() ? default_postgresql_dir() : dir,
          bindir.empty() ? default_postgresql_bindir() : bindir};
}

}  // namespace retort
