// The build step's depfile: which files a scan read, for Ninja and Make to re-run it.
#ifndef RETORT_TOOL_DEPFILE_HPP
#define RETORT_TOOL_DEPFILE_HPP

#include <filesystem>
#include <string>
#include <vector>

namespace retort {

/// The depfile text (gcc -M format): `target` depends on each of `files`, which must be
/// absolute paths that name existing files (resolved on disk, never lexically).
std::string render_depfile(const std::filesystem::path& target,
                           const std::vector<std::string>& files);

/// Writes `content` to `depfile` when it changed; true when it wrote. CMake 3.25's Makefile
/// generators merge each new depfile into the list they keep in `make_depend_cache` (the
/// target's `compiler_depend.internal`) instead of replacing it: a file named once and gone
/// since (a draft after sealing, a renamed revision) would stay a phony prerequisite and
/// re-run the step at every build. So when the depfile changes, that cache is removed and CMake
/// rebuilds it from this depfile alone at the next build. "" for Ninja, which needs nothing.
/// Throws Error when a file cannot be written.
bool write_depfile(const std::filesystem::path& depfile, const std::string& content,
                   const std::filesystem::path& make_depend_cache);

}  // namespace retort

#endif  // RETORT_TOOL_DEPFILE_HPP
