// Stage 1: model headers → annotated classes, read with libclang in one translation unit.
#ifndef RETORT_TOOL_SCANNER_HPP
#define RETORT_TOOL_SCANNER_HPP

#include <string>
#include <vector>

#include "diagnostic.hpp"
#include "model.hpp"

namespace retort {

struct ScanRequest {
  std::vector<std::string> model_files;  ///< only classes defined in these files are models
  std::vector<std::string> clang_args;   ///< -I, -D, -std=...: the target's own flags
  /// Where to cache a PCH of the standard headers the models include, and the scan's memo
  /// (ScanMemo) ("": neither).
  std::string pch_dir;
  /// Views, triggers and virtual tables in plain SQL (OBJECTS): read by read_objects(), not
  /// by libclang, but part of the same models.
  std::vector<std::string> object_files = {};
  /// PostgreSQL's objects files (POSTGRESQL_OBJECTS): read by read_postgresql_objects().
  std::vector<std::string> postgresql_object_files = {};
  /// The repository's dialects ("sqlite", "postgresql"): what the schema records for each.
  std::vector<std::string> dialects = {"sqlite"};
};

struct ScanResult {
  std::vector<ModelClass> models;         ///< in source order, file by file
  std::vector<Diagnostic> diagnostics;    ///< compiler errors and misplaced annotations
  std::vector<std::string> dependencies;  ///< every file the scan read (for the depfile)
  /// RETORT_SQL_FUNCTION declarations in the model files (key "sql_function", name and number
  /// of arguments), in source order
  std::vector<Annotation> functions = {};
};

/// Parses the model files in one translation unit (C++ with RETORT_SCANNER defined; -std=c++17
/// unless `clang_args` names a standard) and returns the classes that carry class-position
/// annotations. Never throws for problems in the input: they come back as diagnostics.
ScanResult scan(const ScanRequest& request);

}  // namespace retort

#endif  // RETORT_TOOL_SCANNER_HPP
