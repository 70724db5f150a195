// The revision graph: revision files linked to their parents, branches and their heads, and the
// drafts that follow a head.
#include <algorithm>
#include <cstdint>

#include "branches.hpp"
#include "repository.hpp"
#include "retort/error.hpp"

namespace retort {

namespace fs = std::filesystem;

std::vector<std::size_t> RevisionGraph::children(std::optional<std::size_t> of) const {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (nodes[i].parent == of) out.push_back(i);
  }
  return out;
}

std::vector<std::size_t> RevisionGraph::heads() const {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (children(i).empty()) out.push_back(i);
  }
  return out;
}

std::vector<std::size_t> RevisionGraph::line_to(std::size_t node) const {
  std::vector<std::size_t> out{node};
  while (nodes[out.back()].parent) out.push_back(*nodes[out.back()].parent);
  std::reverse(out.begin(), out.end());
  return out;
}

namespace {

// How many tables and objects two schemas do not share as they are.
std::size_t distance(const Schema& a, const Schema& b) {
  std::size_t n = 0;
  for (const Table& t : a.tables) {
    const Table* other = b.find_table(t.name);
    n += !other || !(*other == t);
  }
  for (const Table& t : b.tables) n += !a.find_table(t.name);
  for (const SqlObject& o : a.objects) {
    const SqlObject* other = b.find_object(o.name);
    n += !other || !(*other == o);
  }
  for (const SqlObject& o : b.objects) n += !a.find_object(o.name);
  return n;
}

// The parent of `child` among the nodes before it whose id is its parent id. Two branches that
// numbered their revisions alike leave several: the one whose schema is nearest the child's
// snapshot is the one it was generated from.
std::optional<std::size_t> resolve_parent(const std::vector<RevisionNode>& nodes,
                                          std::size_t child) {
  const Revision& r = nodes[child].revision;
  if (r.parent.empty()) return std::nullopt;
  if (r.parent >= r.id) {
    throw Error(r.file_name + ": parent '" + r.parent + "' is not older than the revision");
  }
  std::vector<std::size_t> candidates;
  for (std::size_t i = 0; i < child; ++i) {
    if (nodes[i].revision.id == r.parent) candidates.push_back(i);
  }
  if (candidates.empty()) throw Error(r.file_name + ": parent '" + r.parent + "' is unknown");
  if (candidates.size() == 1) return candidates.front();
  std::vector<std::size_t> nearest;
  std::size_t best = SIZE_MAX;
  for (std::size_t c : candidates) {
    const std::size_t d = nodes[child].has_snapshot ? distance(nodes[c].schema, nodes[child].schema)
                                                    : 0;  // no snapshot: nothing tells them apart
    if (d < best) nearest.clear();
    if (d <= best) {
      nearest.push_back(c);
      best = d;
    }
  }
  if (nearest.size() > 1) {
    std::string names;
    for (std::size_t c : nearest)
      names += (names.empty() ? "'" : " or '") + nodes[c].revision.file_name + "'";
    throw Error(r.file_name + ": cannot tell which revision it follows, " + names +
                "; give it the parent's id alone by renaming the other branch's file");
  }
  return nearest.front();
}

}  // namespace

RevisionGraph load_graph(const fs::path& dir, bool drafts) {
  RevisionGraph g;
  g.dir = dir;
  std::vector<RevisionNode> draft_nodes;
  for (const fs::path& file : revision_files(dir)) {
    RevisionNode node;
    node.text = read_file(file);
    node.revision = parse_revision(node.text, file.filename().string());
    (node.revision.draft ? draft_nodes : g.nodes).push_back(std::move(node));
  }
  std::sort(g.nodes.begin(), g.nodes.end(), [](const RevisionNode& a, const RevisionNode& b) {
    return a.revision.id != b.revision.id ? a.revision.id < b.revision.id
                                          : a.revision.file_name < b.revision.file_name;
  });
  const auto read_snapshot = [](RevisionNode& node) {
    node.has_snapshot = !node.revision.schema_json.empty();
    if (node.has_snapshot) node.schema = schema_from_json(node.revision.schema_json);
  };
  const auto link = [&g](std::size_t i, std::optional<std::size_t> parent) {
    g.nodes[i].parent = parent;
    if (!g.nodes[i].has_snapshot && parent) g.nodes[i].schema = g.nodes[*parent].schema;
  };
  for (std::size_t i = 0; i < g.nodes.size(); ++i) {
    read_snapshot(g.nodes[i]);  // resolve_parent() compares the snapshot with the candidates
    link(i, resolve_parent(g.nodes, i));
  }
  if (!drafts) return g;
  // A draft counts where it follows a branch's newest revision; one left behind by a merge or a
  // rebase is stale (the next build replaces it) and is not shown.
  const std::vector<std::size_t> heads = g.heads();
  for (RevisionNode& draft : draft_nodes) {
    std::vector<std::size_t> follows;
    for (std::size_t h : heads) {
      const Revision& head = g.nodes[h].revision;
      if (head.id == draft.revision.parent && head.id < draft.revision.id) follows.push_back(h);
    }
    const bool first = draft.revision.parent.empty() && g.nodes.empty();
    if (follows.size() != 1 && !first) continue;
    read_snapshot(draft);
    g.nodes.push_back(std::move(draft));
    link(g.nodes.size() - 1, first ? std::nullopt : std::optional<std::size_t>(follows.front()));
  }
  return g;
}

}  // namespace retort
