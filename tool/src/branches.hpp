// Revisions from branches merged together: the graph of revision files, its heads, and the
// rebase that makes one line of them again (docs/branches.md).
#ifndef RETORT_TOOL_BRANCHES_HPP
#define RETORT_TOOL_BRANCHES_HPP

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "retort/revision.hpp"
#include "schema.hpp"

namespace retort {

class ProofServers;

struct RevisionNode {
  Revision revision;
  std::string text;                   ///< the file as on disk
  std::optional<std::size_t> parent;  ///< its index in RevisionGraph::nodes; nullopt: base
  bool has_snapshot = false;
  Schema schema;  ///< after it: its snapshot, else its parent's schema
};

/// Every revision file, linked to its parent even when two branches numbered theirs alike.
struct RevisionGraph {
  std::filesystem::path dir;
  std::vector<RevisionNode> nodes;  ///< ordered by id, then file name

  std::vector<std::size_t> children(std::optional<std::size_t> of) const;
  /// The nodes no other node follows (each branch's newest), in order.
  std::vector<std::size_t> heads() const;
  /// The nodes from the first one to `node`, following parents.
  std::vector<std::size_t> line_to(std::size_t node) const;
};

/// Reads every revision file under `<dir>/versions` (drafts only with `drafts`). A parent id
/// that two files share is resolved to the one whose schema is nearest the child's snapshot.
/// Throws Error when a file is malformed or a parent is unknown or cannot be told apart.
RevisionGraph load_graph(const std::filesystem::path& dir, bool drafts);

/// A revision moved by a rebase: its file before and after.
struct MovedRevision {
  std::string from;  ///< file name before
  std::string to;    ///< file name after
  bool regenerated;  ///< its SQL written afresh; false: kept as a person edited it
};

/// `retort rebase REV`: moves the revision file REV names (a unique prefix of its name) and those
/// after it on its branch behind the newest revision of the other branch that shares its parent:
/// new ids and parents, snapshots merged three ways, SQL written afresh where it is as the
/// generator wrote it and kept where a person edited it, each moved revision verified against
/// the merged schema, then every file written at once. Throws Error, having written nothing, on
/// a conflict (naming the table, the column and both revisions) or a failed verification.
/// PostgreSQL sections are proven on `servers`' server (nullptr: none, and a revision with
/// them fails verification).
std::vector<MovedRevision> rebase(const std::filesystem::path& dir, const std::string& rev,
                                  ProofServers* servers = nullptr);

}  // namespace retort

#endif  // RETORT_TOOL_BRANCHES_HPP
