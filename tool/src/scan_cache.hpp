// Stage 1's memo: a scan's result kept beside the PCH of the standard headers, and given back
// without loading libclang while every file that scan read is unchanged.
#ifndef RETORT_TOOL_SCAN_CACHE_HPP
#define RETORT_TOOL_SCAN_CACHE_HPP

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "scanner.hpp"

namespace retort {

/// The memo of one scan request: its file is `<pch_dir>/scan-<key>.json`, the key a hash of the
/// model files, the compiler arguments, the working directory, the include paths of the
/// environment (CPATH, CPLUS_INCLUDE_PATH, C_INCLUDE_PATH), libclang and Retort's version.
/// A request without a PCH directory has no memo. Format: docs/build.md.
class ScanMemo {
 public:
  /// Notes the time: a file changed from then on is not remembered as read.
  explicit ScanMemo(const ScanRequest& request);

  /// The result remembered for this request, when each file it read (the model files and
  /// every header they include) has the size and modification time it had, or else the same
  /// content; std::nullopt otherwise, and when the memo is missing or unreadable.
  std::optional<ScanResult> recall() const;

  /// Remembers `result` (atomically), unless it has diagnostics or a file it read was changed
  /// less than two seconds before this memo was made or since (a later edit could then keep
  /// the time that was stored). Never throws: a memo that cannot be written is not written.
  void remember(const ScanResult& result) const;

  /// "" when the request has no PCH directory.
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  std::vector<std::string> model_files_;  ///< absolute, as the scanner names them
  std::filesystem::file_time_type made_;
};

}  // namespace retort

#endif  // RETORT_TOOL_SCAN_CACHE_HPP
