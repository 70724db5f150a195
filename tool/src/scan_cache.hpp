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

/// What a scan's result depends on besides the files it read: each part goes into the memo's
/// key, so that a change to any of them is a miss.
struct ScanMemoKey {
  std::string retort_version;
  int format = 0;                        ///< of the memo file
  std::string libclang;                  ///< its path, size and modification time
  std::vector<std::string> model_files;  ///< absolute, as the scanner names them
  std::vector<std::string> clang_args;
  std::string working_directory;  ///< relative -I paths are resolved from it
  /// CPATH, CPLUS_INCLUDE_PATH and C_INCLUDE_PATH, "\x01" for one unset.
  std::vector<std::string> include_env;

  /// This process's key for a request: Retort's version and memo format, the libclang it would
  /// load, the working directory and the environment now.
  static ScanMemoKey of(std::vector<std::string> model_files, std::vector<std::string> clang_args);
  /// The key: a hash of every part, in hex.
  std::string hash() const;

  bool operator==(const ScanMemoKey&) const = default;
};

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
