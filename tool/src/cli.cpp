// The verbs of `retort`, each a short function over the pipeline and the runtime.
#include "cli.hpp"

#include <sqlite3.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <iostream>
#include <map>
#include <optional>

#include "adopt_database.hpp"
#include "branches.hpp"
#include "build_setup.hpp"
#include "databases.hpp"
#include "dialects.hpp"
#include "dot.hpp"
#include "draft_policy.hpp"
#include "emit.hpp"
#include "pg_certificate.hpp"
#include "pipeline.hpp"
#include "retort/detail/pg.hpp"
#include "retort/detail/sqlite.hpp"
#include "retort/postgresql.hpp"
#include "retort/runtime.hpp"
#include "transfer.hpp"

namespace retort {
namespace {

namespace fs = std::filesystem;

struct Options {
  std::string dir = "migrations";
  std::string db;
  std::string message;
  std::string target;
  std::string format = "sql";
  std::string from_db;
  std::string models_out = "models/schema.hpp";
  std::vector<std::string> models;
  std::vector<std::string> objects;
  std::vector<std::string> postgresql_objects;
  std::vector<std::string> dialects = {"sqlite"};
  std::vector<std::string> init_dialects;  ///< init --from-db's; empty: the database's own
  std::string postgresql_url, postgresql_dir, postgresql_bindir;
  std::vector<std::string> clang_args;
  std::string embed, depfile, stamp, make_depend_cache;
  std::string pch_dir;
  std::vector<std::string> implicit_include_dirs = {"/usr/include", "/usr/local/include"};
  bool allow_destructive = false;
  bool allow_rewrite = false;
  bool sql = false;
  bool check = false;
  TransferRequest transfer;
};

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

std::vector<Revision> revisions_of(const Options& o) { return load_repository(o.dir).revisions; }

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

// One line per revision; a baseline the database had already is recorded, not run.
// An adopted baseline's renamed constraints (PostgreSQL) are listed under it.
void print_applied(const std::vector<std::string>& ids, const char* verb,
                   const std::map<std::string, std::vector<std::string>>& adopted,
                   std::ostream& out) {
  if (ids.empty()) out << "retort: nothing to " << verb << "\n";
  for (const std::string& id : ids) {
    if (const auto a = adopted.find(id); a != adopted.end()) {
      out << "retort: recorded baseline " << id
          << " as applied without running it: the database has its schema already\n";
      if (!a->second.empty()) {
        out << "retort: gave " << a->second.size()
            << " constraints the baseline's names, in the same transaction:\n";
      }
      for (const std::string& r : a->second) out << "  " << r << "\n";
    } else {
      out << "retort: " << verb << "d " << id << "\n";
    }
  }
}

// The runtime's progress line on stderr when it is a terminal; nothing when it is piped or
// when the output goes elsewhere (tests).
ProgressCallback progress_for(std::ostream& err) {
  return &err == &std::cerr ? retort::terminal_progress() : ProgressCallback{};
}

// Runs `verb` on the database file `path`, which it may create. When it fails before writing
// anything (a bad target, a revision with a hook), the empty file SQLite created goes too:
// bad input leaves no trace.
template <typename Verb>
void leaving_no_empty_file(const std::string& path, Verb verb) {
  const bool existed = fs::exists(path);
  try {
    verb();
  } catch (const Error&) {
    std::error_code ec;
    if (!existed && fs::file_size(path, ec) == 0 && !ec) fs::remove(path, ec);
    throw;
  }
}

void cmd_upgrade(const Options& o, std::ostream& out, std::ostream& err) {
  const std::string target = o.target.empty() ? "head" : o.target;
  // The terminal's progress line, noting the baselines recorded without running.
  std::map<std::string, std::vector<std::string>> adopted;
  const ProgressCallback terminal = progress_for(err);
  const ProgressCallback progress = [&adopted, &terminal](const Progress& p) {
    if (p.event == Progress::Event::kFinished && p.adopted) adopted[p.revision] = p.renamed;
    if (terminal) terminal(p);
  };
  if (on_postgresql(o.db)) {
    const std::vector<Revision> revisions = postgresql_revisions(revisions_of(o), o.db);
    const detail::pg::Conn conn = detail::pg::connect(o.db);
    if (o.sql) {
      out << postgresql_upgrade_sql(revisions, current(conn.get()), target);
      return;
    }
    print_applied(upgrade(conn.get(), revisions, target, progress), "upgrade", adopted, out);
    return;
  }
  const std::vector<Revision> revisions = revisions_of(o);
  if (o.sql) {
    const bool exists = fs::exists(o.db);
    const std::optional<std::string> at = exists ? current(fs::path(o.db)) : std::nullopt;
    out << upgrade_sql(revisions, at, target, !exists || keeps_fingerprint(fs::path(o.db)));
    return;
  }
  leaving_no_empty_file(o.db, [&] {
    print_applied(upgrade(fs::path(o.db), revisions, target, progress), "upgrade", adopted, out);
  });
}

void cmd_downgrade(const Options& o, std::ostream& out, std::ostream& err) {
  if (on_postgresql(o.db)) {
    const std::vector<Revision> revisions = postgresql_revisions(revisions_of(o), o.db);
    const detail::pg::Conn conn = detail::pg::connect(o.db);
    const std::string target = o.target.empty() ? "-1" : o.target;
    if (o.sql) {
      out << postgresql_downgrade_sql(revisions, current(conn.get()), target);
      return;
    }
    print_applied(downgrade(conn.get(), revisions, target, progress_for(err)), "downgrade", {},
                  out);
    return;
  }
  if (!fs::exists(o.db)) throw Error("no database at '" + o.db + "'");
  if (o.sql) {
    out << downgrade_sql(revisions_of(o), current(fs::path(o.db)),
                         o.target.empty() ? "-1" : o.target, keeps_fingerprint(fs::path(o.db)));
    return;
  }
  print_applied(downgrade(fs::path(o.db), revisions_of(o), o.target.empty() ? "-1" : o.target,
                          progress_for(err)),
                "downgrade", {}, out);
}

void cmd_current(const Options& o, std::ostream& out) {
  load_repository(o.dir);  // refuses merged branches, as every verb does
  if (on_postgresql(o.db)) {
    out << current(detail::pg::connect(o.db).get()).value_or("base") << "\n";
    return;
  }
  if (!fs::exists(o.db)) throw Error("no database at '" + o.db + "'");
  const std::optional<std::string> rev = current(fs::path(o.db));
  out << rev.value_or("base") << "\n";
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

void cmd_stamp(const Options& o, std::ostream& out) {
  if (on_postgresql(o.db)) {
    const std::vector<Revision> revisions = postgresql_revisions(revisions_of(o), o.db);
    const detail::pg::Conn conn = detail::pg::connect(o.db);
    stamp(conn.get(), revisions, o.target);
    out << "retort: stamped " << detail::pg::printable(o.db) << " at "
        << current(conn.get()).value_or("base") << "\n";
    return;
  }
  const std::vector<Revision> revisions = revisions_of(o);
  leaving_no_empty_file(o.db, [&] {
    const detail::Db db = detail::open_db(o.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    stamp(db.get(), revisions, o.target);
    out << "retort: stamped " << o.db << " at " << current(db.get()).value_or("base") << "\n";
  });
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

void add_dir(CLI::App* cmd, Options& o) {
  cmd->add_option("--dir", o.dir, "the migration repository (default ./migrations)");
}

}  // namespace

ExitCode run_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  Options o;
  std::vector<std::string> own = args;
  if (auto dash = std::find(own.begin(), own.end(), "--"); dash != own.end()) {
    o.clang_args.assign(dash + 1, own.end());
    own.erase(dash, own.end());
  }
  CLI::App app{
      "retort: schema migrations generated from annotated C++ models\n"
      "exit codes: 0 done, 1 failed, 2 usage",
      "retort"};
  app.set_version_flag("--version", std::string("retort ") + RETORT_VERSION,
                       "print the version and exit");
  app.require_subcommand(1);
  CLI::App* init = app.add_subcommand("init", "create the migration repository");
  init->add_option("--from-db", o.from_db,
                   "adopt this existing database (a SQLite file or a PostgreSQL connection "
                   "string): write its models and a baseline");
  init->add_option("--dialects", o.init_dialects,
                   "with a PostgreSQL --from-db: postgresql (the default) or sqlite,postgresql")
      ->delimiter(',');
  init->add_option("--models-out", o.models_out,
                   "the model header --from-db writes (default models/schema.hpp)");
  CLI::App* migrate = app.add_subcommand("migrate", "seal the draft revision under a message");
  migrate->add_option("-m,--message", o.message, "the revision's message")->required();
  migrate->add_flag("--allow-destructive", o.allow_destructive, "seal destructive steps too");
  migrate->add_flag("--allow-rewrite", o.allow_rewrite,
                    "seal PostgreSQL statements that rewrite a table or hold ACCESS EXCLUSIVE on "
                    "it over its rows (its lock certificate says which)");
  CLI::App* up = app.add_subcommand("upgrade", "apply revisions up to TARGET (default head)");
  CLI::App* down = app.add_subcommand("downgrade", "revert revisions down to TARGET (default -1)");
  CLI::App* cur = app.add_subcommand("current", "print the database's revision");
  CLI::App* history = app.add_subcommand("history", "list the revisions, newest first");
  CLI::App* heads = app.add_subcommand("heads", "print each branch's newest revision");
  CLI::App* rebase_cmd = app.add_subcommand(
      "rebase", "move REV and the revisions after it behind the other branch's newest");
  rebase_cmd->add_option("revision", o.target, "a revision file name, or a unique prefix of one")
      ->required();
  CLI::App* show = app.add_subcommand("show", "print a revision file");
  CLI::App* stamp_cmd =
      app.add_subcommand("stamp", "record a revision as applied, running nothing");
  CLI::App* check = app.add_subcommand("check", "fail when a draft exists or would be written");
  CLI::App* schema = app.add_subcommand("schema", "print the head schema");
  schema->add_option("--format", o.format, "sql, json, dot or postgresql (its SQL)")
      ->check(CLI::IsMember({"sql", "json", "dot", "postgresql"}));
  CLI::App* transfer_cmd = app.add_subcommand(
      "transfer", "copy every row of a SQLite database into a PostgreSQL database");
  transfer_cmd->add_option("--from", o.transfer.from, "the SQLite file")->required();
  transfer_cmd->add_option("--to", o.transfer.to, "the PostgreSQL connection string")->required();
  transfer_cmd->add_flag("--dry-run", o.transfer.dry_run,
                         "check every value and list what cannot be moved; write nothing");
  CLI::App* generate = app.add_subcommand("generate", "the build step of add_migrations()");
  generate->add_option("--embed", o.embed, "the C++ source to write");
  generate->add_option("--depfile", o.depfile, "the depfile to write");
  generate->add_option("--stamp", o.stamp, "the stamp file to touch");
  generate->add_flag("--check", o.check, "fail instead of writing a draft");
  generate->add_option("--make-depend-cache", o.make_depend_cache,
                       "Make's dependency cache to reset when the depfile changes");
  for (CLI::App* cmd : {init, migrate, up, down, cur, history, heads, rebase_cmd, show, stamp_cmd,
                        check, schema, transfer_cmd, generate}) {
    add_dir(cmd, o);
  }
  for (CLI::App* cmd : {migrate, check, generate, rebase_cmd}) {
    cmd->add_option("--postgresql-url", o.postgresql_url,
                    "prove PostgreSQL sections on this server (default: RETORT_POSTGRESQL_URL, "
                    "else a throwaway server)");
    cmd->add_option("--postgresql-dir", o.postgresql_dir,
                    "where the throwaway PostgreSQL server keeps its data");
    cmd->add_option("--postgresql-bindir", o.postgresql_bindir,
                    "where initdb and postgres are (default: the newest installed)");
  }
  for (CLI::App* cmd : {migrate, check, generate}) {
    cmd->add_option("--models", o.models, "model headers to scan (clang arguments follow --)");
    cmd->add_option("--objects", o.objects,
                    "SQL files of views, triggers and virtual tables (with --models)");
    cmd->add_option("--postgresql-objects", o.postgresql_objects,
                    "PostgreSQL's objects files: views, functions, triggers, extensions");
    cmd->add_option("--dialects", o.dialects,
                    "the repository's dialects: sqlite, postgresql or sqlite,postgresql")
        ->delimiter(',');
    cmd->add_option("--pch-dir", o.pch_dir,
                    "cache a PCH of the standard headers and the last scan here (default: "
                    "$XDG_CACHE_HOME/retort/pch or ~/.cache/retort/pch)");
    cmd->add_option("--implicit-include-dirs", o.implicit_include_dirs,
                    "the compiler's own include directories, left out of the scan's -I");
  }
  for (CLI::App* cmd : {up, down}) {
    cmd->add_option("target", o.target, "head, base, a revision id, -N or +N");
    cmd->add_flag("--sql", o.sql, "print the SQL instead of running it");
  }
  show->add_option("revision", o.target, "the revision id")->required();
  stamp_cmd->add_option("revision", o.target, "a revision id, head or base")->required();
  for (CLI::App* cmd : {up, down, cur, stamp_cmd})
    cmd->add_option("--db", o.db, "the SQLite file, or a PostgreSQL connection string")->required();
  history->add_option("--db", o.db, "mark the revision this database is at");
  check->add_option("--db", o.db, "also compare this database with the head schema");
  try {
    std::vector<std::string> reversed(own.rbegin(), own.rend());
    app.parse(reversed);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e, out, err);
    return code == 0 ? ExitCode::kDone : ExitCode::kUsage;
  }
  try {
    if (*init) cmd_init(o, out);
    if (*migrate) cmd_migrate(o, out, err);
    if (*up) cmd_upgrade(o, out, err);
    if (*down) cmd_downgrade(o, out, err);
    if (*cur) cmd_current(o, out);
    if (*history) cmd_history(o, out);
    if (*heads) cmd_heads(o, out);
    if (*rebase_cmd) cmd_rebase(o, out);
    if (*show) cmd_show(o, out);
    if (*stamp_cmd) cmd_stamp(o, out);
    if (*check) cmd_check(o, out, err);
    if (*schema) cmd_schema(o, out);
    if (*transfer_cmd) {
      o.transfer.dir = o.dir;
      run_transfer(o.transfer, out,
                   &err == &std::cerr ? terminal_transfer_progress() : TransferProgressCallback{});
    }
    if (*generate) run_generate(o, o.check, out, err);
  } catch (const std::exception& e) {
    err << "retort: error: " << e.what() << "\n";
    return ExitCode::kFailed;
  }
  return ExitCode::kDone;
}

}  // namespace retort
