// The stages chained: model files → schema → draft revision (diffed, rendered, verified).
#ifndef RETORT_TOOL_PIPELINE_HPP
#define RETORT_TOOL_PIPELINE_HPP

#include <optional>
#include <string>
#include <vector>

#include "diff.hpp"
#include "repository.hpp"
#include "scanner.hpp"
#include "verify.hpp"

namespace retort {

struct Models {
  Schema schema;
  std::vector<Diagnostic> diagnostics;
  std::vector<std::string> dependencies;  ///< files the scan read
};

/// Scans the model files and builds their schema.
Models read_models(const ScanRequest& request);

struct Draft {
  std::optional<Revision> revision;  ///< std::nullopt: the models equal the last sealed revision
  ChangeSet changes;
  VerifyReport report;  ///< filled when `verify` was asked and there is a revision
};

/// The draft revision that takes the last sealed revision's schema to `models`: id, parent,
/// up and down SQL, destructive steps and the snapshot. With `verify`, proves it first.
Draft plan_draft(const Repository& repository, const Schema& models, bool verify);

enum class DraftWrite { kNone, kUnchanged, kWritten, kRemoved };

/// Makes the repository's draft file match `draft`: writes it when its text differs, removes a
/// stale one when `draft` is empty.
DraftWrite write_draft(const Repository& repository, const std::optional<Revision>& draft);

}  // namespace retort

#endif  // RETORT_TOOL_PIPELINE_HPP
