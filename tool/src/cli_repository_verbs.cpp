// The verbs over the migration repository: init, migrate, generate, check, schema, history,
// heads, rebase and show, each a short function over the pipeline.
#include <algorithm>
#include <iostream>
#include <optional>

#include "adopt_database.hpp"
#include "branches.hpp"
#include "build_setup.hpp"
#include "cli_verbs.hpp"
#include "databases.hpp"
#include "dialects.hpp"
#include "dot.hpp"
#include "draft_policy.hpp"
#include "emit.hpp"
#include "pg_certificate.hpp"
#include "pipeline.hpp"
#include "retort/detail/pg.hpp"
#include "retort/runtime.hpp"

namespace retort {
namespace {

namespace fs = std::filesystem;

// The scan the options describe.
ScanRequest scan_of(const Options& o) {
  return scan_request(ScanOptions{o.models, o.objects, o.postgresql_objects, o.dialects,
                                  o.clang_args, o.pch_dir, o.implicit_include_dirs});
}

void print_destructive(const Revision& r, std::ostream& err) {
  for (const std::string& d : r.destructive) {
    err << "retort: warning: revision " << r.id << " is destructive: " << d << "\n";
  }
  for (const std::string& w : rewrites_to_allow(r)) {
    err << "retort: warning: revision " << r.id
        << " blocks a table that holds rows on PostgreSQL: " << w << "\n";
  }
}

// Prints what the step found and did; throws its error, if any, after its details.
void print_generated(const Generated& g, const fs::path& dir, std::ostream& out,
                     std::ostream& err) {
  print_diagnostics(err, g.models.diagnostics);
  print_diagnostics(err, g.draft.changes.diagnostics);
  for (const std::string& n : g.draft.report.notes) err << "retort: note: " << n << "\n";
  for (const std::string& p : g.draft.report.problems) err << "retort: error: " << p << "\n";
  if (g.created_repository) out << "retort: created migration repository " << dir.string() << "\n";
  if (g.error) throw Error(*g.error);
  const std::optional<Revision>& draft = g.draft.revision;
  if (g.written == DraftWrite::kWritten) {
    const std::size_t n = g.draft.changes.changes.size();
    out << "retort: " << (g.rewrote ? "rewrote" : "wrote") << " draft revision " << draft->id
        << " (" << n << (n == 1 ? " change" : " changes") << ") to "
        << (dir / "versions" / draft->file_name).string() << "\n";
    print_destructive(*draft, err);
  } else if (g.written == DraftWrite::kRemoved) {
    out << "retort: the models match the last sealed revision; removed the stale draft\n";
  }
}

// "hook a" or "hooks a, b": the C++ hooks a revision runs, which only the application can.
std::string hook_names(const Revision& r) {
  std::string names;
  for (const Hook& h : r.hooks) names += (names.empty() ? "" : ", ") + h.name;
  return (r.hooks.size() > 1 ? "hooks " : "hook ") + names;
}

std::string hooks_note(const Revision& r) {
  return r.hooks.empty() ? "" : "  [" + hook_names(r) + "]";
}

}  // namespace

// Runs the build step (or only its scan and draft, without build outputs) and prints it.
void run_generate(const Options& o, bool check, std::ostream& out, std::ostream& err) {
  const GenerateRequest request{
      o.dir,
      scan_of(o),
      check,
      o.embed,
      o.depfile,
      o.stamp,
      o.make_depend_cache,
      postgresql_setup_of(o.postgresql_url, o.postgresql_dir, o.postgresql_bindir)};
  print_generated(generate(request), o.dir, out, err);
}

void cmd_init(const Options& o, std::ostream& out) {
  if (!o.from_db.empty()) {
    const bool postgresql = detail::pg::is_connection_string(o.from_db);
    std::vector<std::string> dialects =
        o.init_dialects.empty() ? std::vector<std::string>{postgresql ? kPostgresql : kSqlite}
                                : parse_dialects(o.init_dialects);
    if (!postgresql && dialects != std::vector<std::string>{kSqlite}) {
      throw Error(
          "a SQLite database is adopted into a repository for SQLite alone; add "
          "postgresql to DIALECTS after adopting it (docs/postgresql.md)");
    }
    const Adopted a = adopt_database(
        {o.from_db, o.dir, o.models_out, {"-I" + annotations_dir()}, std::move(dialects)});
    const std::string source = postgresql ? detail::pg::printable(o.from_db) : o.from_db;
    out << "retort: adopted " << source << " (" << a.tables << " tables"
        << (a.functions == 0 ? ""
                             : ", calling " + std::to_string(a.functions) +
                                   " SQL functions of the application, declared in the header")
        << "): wrote " << o.models_out << (a.objects.empty() ? "" : ", " + a.objects.string())
        << " and " << (fs::path(o.dir) / "versions" / a.baseline.file_name).string()
        << ", proven to recreate its schema\n";
    if (!a.renames.empty()) {
      out << "retort: at start-up, its " << a.renames.size()
          << " constraints named otherwise get Retort's names as the baseline is recorded:\n";
      for (const std::string& r : a.renames) out << "  " << r << "\n";
    }
    return;
  }
  out << (init_repository(o.dir) ? "created " : "already exists: ") << o.dir << "/versions\n";
}

void cmd_migrate(const Options& o, std::ostream& out, std::ostream& err) {
  if (!o.models.empty()) run_generate(o, false, out, err);
  const SealOutcome sealed = seal_draft_in(o.dir, o.message, o.allow_destructive, o.allow_rewrite);
  if (!sealed.draft) {
    out << "retort: nothing to seal: no draft revision (the models match the last sealed "
           "revision)\n";
    return;
  }
  if (sealed.error) {
    print_destructive(*sealed.draft, err);
    throw Error(*sealed.error);
  }
  out << "retort: sealed revision " << sealed.draft->id << " as " << sealed.sealed.string() << "\n";
}

// Newest first. Where branches were merged without a rebase, each line names its file and
// marks the revision both follow (branchpoint) and each branch's newest (head).
void cmd_history(const Options& o, std::ostream& out) {
  const std::optional<std::string> at =
      on_postgresql(o.db)                 ? current(detail::pg::connect(o.db).get())
      : !o.db.empty() && fs::exists(o.db) ? current(fs::path(o.db))
                                          : std::nullopt;
  const RevisionGraph graph = load_graph(o.dir, true);
  const std::vector<std::size_t> heads = graph.heads();
  const bool forked = heads.size() > 1;
  for (std::size_t i = graph.nodes.size(); i-- > 0;) {
    const Revision& r = graph.nodes[i].revision;
    out << r.id << "  " << (r.parent.empty() ? "base" : r.parent) << " -> " << r.id << "  "
        << (r.draft ? "(draft)" : r.message) << hooks_note(r)
        << (at && *at == r.id ? "  (current)" : "");
    if (forked) {
      out << "  [" << r.file_name << "]" << (graph.children(i).size() > 1 ? "  (branchpoint)" : "")
          << (std::find(heads.begin(), heads.end(), i) != heads.end() ? "  (head)" : "");
    }
    out << "\n";
  }
  if (forked) {
    out << "retort: " << heads.size()
        << " branches: move one behind the other with 'retort rebase REV'\n";
  }
}

// Each branch's newest revision: its id, and its file where branches were merged.
void cmd_heads(const Options& o, std::ostream& out) {
  const RevisionGraph graph = load_graph(o.dir, true);
  const std::vector<std::size_t> heads = graph.heads();
  if (heads.empty()) out << "base\n";
  for (std::size_t h : heads) {
    out << graph.nodes[h].revision.id;
    if (heads.size() > 1) out << "  " << graph.nodes[h].revision.file_name;
    out << "\n";
  }
}

void cmd_rebase(const Options& o, std::ostream& out) {
  ProofServers servers(
      postgresql_setup_of(o.postgresql_url, o.postgresql_dir, o.postgresql_bindir));
  for (const MovedRevision& m : rebase(o.dir, o.target, &servers)) {
    out << "retort: moved " << m.from << " to " << m.to << " ("
        << (m.regenerated ? "SQL written afresh" : "SQL kept as edited")
        << "), verified against the merged schema\n";
  }
}

void cmd_show(const Options& o, std::ostream& out) {
  const Repository repo = load_repository(o.dir);
  for (std::size_t i = 0; i < repo.revisions.size(); ++i) {
    if (repo.revisions[i].id == o.target) {
      out << repo.texts[i];
      if (!repo.revisions[i].hooks.empty()) {
        out << "\n-- retort: runs the C++ " << hook_names(repo.revisions[i])
            << ": only the application applies this revision\n";
      }
      return;
    }
  }
  throw Error("unknown revision '" + o.target + "'");
}

void cmd_schema(const Options& o, std::ostream& out) {
  const Schema schema = load_repository(o.dir).head_schema();
  if (o.format == "postgresql") {
    out << render_schema(*make_postgresql_dialect(), for_dialect(schema, kPostgresql));
    return;
  }
  if (o.format == "json") {
    out << schema_to_json(schema);
  } else if (o.format == "dot") {
    out << render_dot(schema);
  } else {
    out << render_schema(*make_sqlite_dialect(), for_dialect(schema, kSqlite));
  }
}

void cmd_check(const Options& o, std::ostream& out, std::ostream& err) {
  if (!o.models.empty()) run_generate(o, true, out, err);
  const Repository repo = load_repository(o.dir);
  if (const std::optional<std::string> pending = pending_draft(repo)) throw Error(*pending);
  if (!o.db.empty()) {
    const Drift drift = database_drift(repo, o.db);
    for (const std::string& d : drift.differences) out << "retort: drift: " << d << "\n";
    if (drift.error) throw Error(*drift.error);
  }
  out << "retort: the migration repository is up to date\n";
}

}  // namespace retort
