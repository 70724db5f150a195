// `retort rebase`: one line of revisions again after a merge, each moved revision written
// afresh or kept as edited, and verified against the merged schema.
#include "branches.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>

#include "dialects.hpp"
#include "diff.hpp"
#include "functions.hpp"
#include "merge.hpp"
#include "pg_certificate.hpp"
#include "pipeline.hpp"
#include "repository.hpp"
#include "retort/error.hpp"
#include "verify.hpp"

namespace retort {

namespace fs = std::filesystem;

namespace {

// The sealed revision file `rev` names: its file name, its name without `.sql`, or a unique
// prefix of its name.
std::size_t find_named(const RevisionGraph& g, const std::string& rev) {
  std::vector<std::size_t> found;
  for (std::size_t i = 0; i < g.nodes.size(); ++i) {
    const std::string& name = g.nodes[i].revision.file_name;
    if (name == rev || name == rev + ".sql") return i;
    if (name.rfind(rev, 0) == 0) found.push_back(i);
  }
  if (found.size() == 1) return found.front();
  if (found.empty()) throw Error("no sealed revision file is named '" + rev + "'");
  std::vector<std::string> names;
  for (std::size_t i : found) names.push_back(g.nodes[i].revision.file_name);
  throw Error("'" + rev + "' names several revision files; give more of the name:" + listed(names));
}

// Whether `a` and `b` hold the same version of what `c` is about.
bool same_part(const Schema& a, const Schema& b, const MergeConflict& c) {
  if (!c.object.empty()) {
    const SqlObject* x = a.find_object(c.object);
    const SqlObject* y = b.find_object(c.object);
    return x && y ? *x == *y : x == y;
  }
  const Table* x = a.find_table(c.table);
  const Table* y = b.find_table(c.table);
  if (!x || !y) return x == y;
  if (c.column.empty()) return *x == *y;
  const Column* p = x->find_column(c.column);
  const Column* q = y->find_column(c.column);
  return p && q ? *p == *q : p == q;
}

// The first of `revisions` whose schema changed what `c` is about since `base`.
std::string changed_by(const RevisionGraph& g, const std::vector<std::size_t>& revisions,
                       const Schema& base, const MergeConflict& c) {
  for (std::size_t i : revisions) {
    if (!same_part(g.nodes[i].schema, base, c)) return g.nodes[i].revision.file_name;
  }
  return "?";
}

std::string conflict_line(const MergeConflict& c, const std::string& other,
                          const std::string& ours) {
  std::string subject = c.object.empty() ? "table '" + c.table + "'" : "'" + c.object + "'";
  if (!c.column.empty()) subject += ", column '" + c.column + "'";
  return subject + ": " + c.what + " (by '" + other + "' and by '" + ours + "')";
}

// The sections of `dialect` that the generator writes for `node` from `before` to `after`
// (from nothing for the section of a dialect baseline), or std::nullopt when the diff has
// errors.
std::optional<Revision> generated(const RevisionNode& node, const std::string& dialect,
                                  const Schema& before, const Schema& after) {
  const DialectSections* own = node.revision.sections(dialect);
  const bool baseline = own && own->baseline;
  const ChangeSet changes = diff_for(dialect, baseline ? Schema{} : before, after);
  if (has_errors(changes.diagnostics)) return std::nullopt;
  Revision fresh = revision_of(std::vector<DialectChanges>{{dialect, changes, baseline}}, after);
  fresh.id = node.revision.id;
  fresh.file_name = node.revision.file_name;
  return parse_revision(render_revision(fresh), fresh.file_name);
}

// Whether a dialect's sections of `node` are as the generator writes them from its parent's
// schema to its snapshot (a person edited none of their SQL; the function markers the proof
// adds aside): the SQL of a rebased copy can be written afresh.
bool as_generated(const RevisionNode& node, const std::string& dialect, const Schema& before) {
  if (!node.has_snapshot) return false;  // a hand-written data migration
  const std::optional<Revision> fresh = generated(node, dialect, before, node.schema);
  if (!fresh) return false;
  if (dialect != kSqlite) {
    const DialectSections* mine = node.revision.sections(dialect);
    const DialectSections* theirs = fresh->sections(dialect);
    return mine && theirs && mine->up_sql == theirs->up_sql && mine->down_sql == theirs->down_sql;
  }
  return fresh->up_sql == without_proof_markers(node.revision.up_sql) &&
         fresh->down_sql == without_proof_markers(node.revision.down_sql) &&
         fresh->foreign_keys_off == node.revision.foreign_keys_off;
}

// The dialects `revision` has sections for, SQLite's first.
std::vector<std::string> dialects_of(const Revision& revision) {
  std::vector<std::string> out;
  if (revision.has_sqlite) out.push_back(kSqlite);
  for (const DialectSections& d : revision.dialects) out.push_back(d.dialect);
  return out;
}

std::string four_digits(int id) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d", id);
  return buf;
}

struct Planned {
  Revision revision;
  std::string text;
  MovedRevision move;
};

// Every new file is written to a temporary first; only then are they renamed into place and
// the old files removed. A failure while writing leaves the directory as it was.
void write_all(const fs::path& versions, const std::vector<Planned>& planned) {
  std::vector<std::pair<fs::path, fs::path>> staged;
  try {
    for (const Planned& p : planned) {
      const fs::path temp = versions / ("." + p.move.to + ".rebase" + std::to_string(::getpid()));
      staged.emplace_back(temp, versions / p.move.to);
      std::ofstream out(temp, std::ios::binary | std::ios::trunc);
      out << p.text;
      out.close();
      if (!out) throw Error("cannot write '" + temp.string() + "'");
    }
  } catch (...) {
    std::error_code ec;
    for (const auto& staged_file : staged) fs::remove(staged_file.first, ec);
    throw;
  }
  for (const auto& [temp, path] : staged) fs::rename(temp, path);
  for (const Planned& p : planned) {
    const bool reused = std::any_of(planned.begin(), planned.end(),
                                    [&p](const Planned& q) { return q.move.to == p.move.from; });
    if (!reused) fs::remove(versions / p.move.from);
  }
}

}  // namespace

std::vector<MovedRevision> rebase(const fs::path& dir, const std::string& rev,
                                  ProofServers* servers) {
  const RevisionGraph g = load_graph(dir, false);
  const std::size_t first = find_named(g, rev);
  const std::string& first_name = g.nodes[first].revision.file_name;
  const std::optional<std::size_t> fork = g.nodes[first].parent;
  const std::string fork_name = fork ? g.nodes[*fork].revision.file_name : "base";

  // The branch that moves: `first` and the revisions after it, one line.
  std::vector<std::size_t> moved{first};
  for (std::vector<std::size_t> next = g.children(first); !next.empty();
       next = g.children(moved.back())) {
    if (next.size() > 1) {
      throw Error("'" + g.nodes[moved.back()].revision.file_name +
                  "' is followed by two branches itself; rebase those first");
    }
    moved.push_back(next.front());
  }
  // The branch it moves behind: the other one that follows the same revision.
  std::vector<std::size_t> others;
  for (std::size_t head : g.heads()) {
    const std::vector<std::size_t> line = g.line_to(head);
    if (std::find(line.begin(), line.end(), first) != line.end()) continue;
    if (!fork || std::find(line.begin(), line.end(), *fork) != line.end()) others.push_back(head);
  }
  if (others.empty()) {
    throw Error("no other branch follows '" + fork_name + "', the revision before '" + first_name +
                "'; name the first revision of the branch to move");
  }
  if (others.size() > 1) {
    std::vector<std::string> names;
    for (std::size_t h : others) names.push_back(g.nodes[h].revision.file_name);
    throw Error("several branches follow '" + fork_name +
                "'; rebase them one at a time, each behind one other, after:" + listed(names));
  }
  const std::size_t onto = others.front();
  const std::vector<std::size_t> line = g.line_to(onto);
  std::vector<std::size_t> other_branch;  // its revisions after the one both follow
  for (bool past = !fork; std::size_t i : line) {
    if (past) other_branch.push_back(i);
    past = past || i == *fork;
  }

  std::vector<Revision> history;
  for (std::size_t i : line) history.push_back(g.nodes[i].revision);
  const Schema base = fork ? g.nodes[*fork].schema : Schema{};
  const Schema& ours = g.nodes[onto].schema;
  Schema before = ours;
  int next_id = std::stoi(g.nodes[onto].revision.id) + 1;
  std::vector<Planned> planned;
  for (std::size_t k = 0; k < moved.size(); ++k) {
    const RevisionNode& node = g.nodes[moved[k]];
    const MergedSchema merged = merge_schemas(base, ours, node.schema);
    if (!merged.conflicts.empty()) {
      const std::vector<std::size_t> mine(moved.begin(), moved.begin() + k + 1);
      std::vector<std::string> lines;
      for (const MergeConflict& c : merged.conflicts) {
        lines.push_back(
            conflict_line(c, changed_by(g, other_branch, base, c), changed_by(g, mine, base, c)));
      }
      throw Error("the branches conflict; nothing was written:" + listed(lines) +
                  "\nundo the merge; on the branch, remove the revisions that made these "
                  "changes, make the models agree with the other branch, build and seal the "
                  "draft, then merge again (docs/branches.md, Conflicts)");
    }
    const Schema old_before = node.parent ? g.nodes[*node.parent].schema : Schema{};
    const Schema after = node.has_snapshot ? merged.schema : before;
    Revision out = node.revision;
    // Each dialect's sections written afresh from the merged schemas where they are as the
    // generator wrote them, kept where a person edited them.
    bool regenerate = false;
    for (const std::string& dialect : dialects_of(node.revision)) {
      if (!as_generated(node, dialect, old_before)) continue;
      const std::optional<Revision> fresh = generated(node, dialect, before, after);
      if (!fresh) {
        const ChangeSet changes = diff_for(dialect, before, after);
        std::vector<std::string> why;
        for (const Diagnostic& d : changes.diagnostics) why.push_back(format_diagnostic(d));
        throw Error("cannot write '" + node.revision.file_name +
                    "' for the merged schema; nothing was written:" + listed(why));
      }
      regenerate = true;
      if (dialect == kSqlite) {
        out.up_sql = fresh->up_sql;
        out.down_sql = fresh->down_sql;
        out.destructive = fresh->destructive;
        out.foreign_keys_off = fresh->foreign_keys_off;
      } else {
        for (DialectSections& d : out.dialects) {
          if (d.dialect == dialect) d = *fresh->sections(dialect);
        }
      }
    }
    out.schema_json = node.has_snapshot ? schema_to_json(after) : "";
    out.id = four_digits(next_id++);
    out.parent = planned.empty() ? g.nodes[onto].revision.id : planned.back().revision.id;
    const std::string& old_name = node.revision.file_name;
    out.file_name = out.id + old_name.substr(old_name.find_first_not_of("0123456789"));
    out.rebased_from.push_back(node.revision.id + " " + node.revision.checksum);
    std::string text = render_revision(out);
    out = parse_revision(text, out.file_name);
    VerifyReport report;
    if (out.has_sqlite) {
      report =
          verify_revision(history, out, for_dialect(before, kSqlite), for_dialect(after, kSqlite));
    }
    if (out.sections(kPostgresql)) {
      std::vector<Diagnostic> refused;
      prove_postgresql(history, out, before, after, servers, report, refused);
      for (const Diagnostic& d : refused) report.problems.push_back(format_diagnostic(d));
    }
    if (!report.ok()) {
      throw Error("'" + old_name + "', moved as '" + out.file_name +
                  "', fails verification against the merged schema; nothing was written:" +
                  listed(report.problems));
    }
    if (regenerate) {  // written afresh: its sections say which functions they call
      out = with_lock_certificates(with_function_markers(out, report.needs_up, report.needs_down),
                                   report);
      text = render_revision(out);
    }
    history.push_back(out);
    before = after;
    planned.push_back({out, text, {old_name, out.file_name, regenerate}});
  }
  write_all(g.dir / "versions", planned);
  std::vector<MovedRevision> moves;
  for (const Planned& p : planned) moves.push_back(p.move);
  return moves;
}

}  // namespace retort
