// Stage 5: the migration repository on disk: revision files, the draft, sealing, atomic writes.
#ifndef RETORT_TOOL_REPOSITORY_HPP
#define RETORT_TOOL_REPOSITORY_HPP

#include <filesystem>
#include <string>
#include <vector>

#include "retort/revision.hpp"
#include "schema.hpp"

namespace retort {

/// A migration repository: `<dir>/versions/NNNN_<slug>.sql`, at most one `NNNN_draft.sql`.
struct Repository {
  std::filesystem::path dir;
  std::vector<Revision> revisions;  ///< ordered; a draft, if any, is last
  std::vector<std::string> texts;   ///< each revision file's text, as on disk
  /// Drafts that no longer follow the newest sealed revision (left in a branch that was
  /// merged or rebased): not loaded; the next draft written replaces them.
  std::vector<std::string> stale_drafts;

  std::filesystem::path versions_dir() const { return dir / "versions"; }
  const Revision* draft() const;
  /// The revisions without the draft.
  std::vector<Revision> sealed() const;
  /// The schema after the newest sealed revision that carries a snapshot (empty when none).
  Schema sealed_schema() const;
  /// The schema after the newest revision with a snapshot, draft included.
  Schema head_schema() const;
  /// The id the next revision gets: the newest sealed id + 1, as four digits.
  std::string next_id() const;
};

/// Creates `<dir>/versions`; true when it did not exist.
bool init_repository(const std::filesystem::path& dir);

/// The `*.sql` files under `<dir>/versions`, sorted. Throws Error when the directory is missing.
std::vector<std::filesystem::path> revision_files(const std::filesystem::path& dir);

/// Reads every revision file under `<dir>/versions` as one line of revisions. Throws Error when
/// the directory is missing, a revision file is malformed, or two branches' revisions follow
/// one parent (naming both files and `retort rebase`).
Repository load_repository(const std::filesystem::path& dir);

/// Writes `content` to `path` through a temporary file in the same directory and a rename, and
/// only when the content differs. Returns true when it wrote. Throws Error.
bool write_file_if_changed(const std::filesystem::path& path, const std::string& content);

/// Reads a whole file; throws Error when it cannot.
std::string read_file(const std::filesystem::path& path);

/// A message as a file-name slug: lowercase letters, digits and '_', at most 40 characters.
std::string slugify(const std::string& message);

/// Seals the draft under `message`: writes `NNNN_<slug>.sql` and removes the draft file.
/// Returns the sealed file's path. Throws Error when there is no draft.
std::filesystem::path seal_draft(const Repository& repository, const std::string& message);

}  // namespace retort

#endif  // RETORT_TOOL_REPOSITORY_HPP
