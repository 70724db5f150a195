// Chains the stages; each stage stays testable on its own.
#include "pipeline.hpp"

#include <sqlite3.h>
#include <unistd.h>

#include <future>

#include "adopt.hpp"
#include "depfile.hpp"
#include "dialects.hpp"
#include "embed.hpp"
#include "emit.hpp"
#include "functions.hpp"
#include "model_header.hpp"
#include "objects.hpp"
#include "pg_check.hpp"
#include "pg_objects.hpp"
#include "pg_proof.hpp"
#include "retort/detail/introspect.hpp"
#include "retort/detail/pg.hpp"
#include "retort/detail/sqlite.hpp"
#include "retort/runtime.hpp"
#include "scan_cache.hpp"
#include "schema_builder.hpp"

namespace retort {

namespace fs = std::filesystem;

namespace {

// The schema of the scanned classes, with the objects files read and SQLite's tried on its
// tables (PostgreSQL's are tried by the proof, on a server).
Models models_of(ScanResult scanned, const ScanRequest& request, bool recalled) {
  Models out;
  out.recalled = recalled;
  out.diagnostics = std::move(scanned.diagnostics);
  out.dependencies = std::move(scanned.dependencies);
  SchemaBuild built = build_schema(scanned.models, scanned.functions, request.dialects);
  out.schema = std::move(built.schema);
  out.diagnostics.insert(out.diagnostics.end(), built.diagnostics.begin(), built.diagnostics.end());
  const bool models_sound = !has_errors(out.diagnostics);
  for (ObjectsRead objects : {read_objects(request.object_files),
                              read_postgresql_objects(request.postgresql_object_files)}) {
    out.dependencies.insert(out.dependencies.end(), objects.dependencies.begin(),
                            objects.dependencies.end());
    out.diagnostics.insert(out.diagnostics.end(), objects.diagnostics.begin(),
                           objects.diagnostics.end());
    for (SqlObject& o : objects.objects) out.schema.objects.push_back(std::move(o));
  }
  link_objects(out.schema);
  if (models_sound) {  // the objects that read well are tried on the models' tables
    const std::vector<Diagnostic> tried = check_objects(for_dialect(out.schema, kSqlite));
    out.diagnostics.insert(out.diagnostics.end(), tried.begin(), tried.end());
  }
  return out;
}

ScanResult scan_and_remember(const ScanMemo& memo, const ScanRequest& request) {
  ScanResult scanned = scan(request);
  memo.remember(scanned);
  return scanned;
}

}  // namespace

Models read_models(const ScanRequest& request) {
  const ScanMemo memo(request);
  std::optional<ScanResult> recalled = memo.recall();
  const bool hit = recalled.has_value();
  return models_of(hit ? std::move(*recalled) : scan_and_remember(memo, request), request, hit);
}

ChangeSet diff_for(std::string_view dialect, const Schema& before, const Schema& after) {
  DiffRules rules;
  rules.alters_in_place = dialect == kPostgresql;
  return diff_schemas(for_dialect(before, dialect), for_dialect(after, dialect), rules);
}

Revision revision_of(const std::vector<DialectChanges>& changes, const Schema& after) {
  Revision r;
  r.has_sqlite = false;
  for (const DialectChanges& c : changes) {
    const auto dialect = make_dialect(c.dialect);
    std::string up = render_changes(*dialect, c.changes.changes);
    std::string down = render_changes(*dialect, invert(c.changes.changes));
    for (const std::string& d : c.changes.destructive) {
      if (std::find(r.destructive.begin(), r.destructive.end(), d) == r.destructive.end()) {
        r.destructive.push_back(d);
      }
    }
    if (c.dialect == kSqlite) {
      r.has_sqlite = true;
      r.foreign_keys_off = c.changes.foreign_keys_off;
      r.up_sql = std::move(up);
      r.down_sql = std::move(down);
    } else {
      r.dialects.push_back({c.dialect, std::move(up), std::move(down), c.baseline});
    }
  }
  r.schema_json = schema_to_json(after);
  return r;
}

Revision revision_of(const ChangeSet& changes, const Schema& after) {
  return revision_of(std::vector<DialectChanges>{{kSqlite, changes, false}}, after);
}

std::shared_ptr<PostgresqlServer> ProofServers::postgresql() {
  if (server_ || !error_.empty()) return server_;
  try {
    server_ = std::make_shared<PostgresqlServer>(postgresql_setup(setup_));
  } catch (const Error& e) {
    error_ = e.what();
  }
  return server_;
}

namespace {

bool wanted(const std::vector<std::string>& dialects, std::string_view dialect) {
  return std::find(dialects.begin(), dialects.end(), dialect) != dialects.end();
}

// Every dialect's changes of the draft. A dialect other than SQLite that no sealed revision
// has sections for yet starts with a baseline (its whole schema), unless there is no history.
std::vector<DialectChanges> draft_changes(const std::vector<Revision>& sealed, const Schema& before,
                                          const Schema& models,
                                          const std::vector<std::string>& dialects) {
  std::vector<DialectChanges> out;
  for (const std::string& d : dialects) {
    const bool started =
        d == kSqlite || std::any_of(sealed.begin(), sealed.end(),
                                    [&d](const Revision& r) { return r.sections(d) != nullptr; });
    DialectChanges c{d, {}, !started && !sealed.empty()};
    c.changes = diff_for(d, started ? before : Schema{}, models);
    out.push_back(std::move(c));
  }
  return out;
}

// The first dialect's changes, with the diagnostics and destructive steps of all.
ChangeSet merged_changes(const std::vector<DialectChanges>& all) {
  ChangeSet out = all.front().changes;
  for (std::size_t i = 1; i < all.size(); ++i) {
    for (const Diagnostic& d : all[i].changes.diagnostics) {
      if (std::find(out.diagnostics.begin(), out.diagnostics.end(), d) == out.diagnostics.end()) {
        out.diagnostics.push_back(d);
      }
    }
    for (const std::string& d : all[i].changes.destructive) {
      if (std::find(out.destructive.begin(), out.destructive.end(), d) == out.destructive.end()) {
        out.destructive.push_back(d);
      }
    }
  }
  return out;
}

}  // namespace

void prove_postgresql(const std::vector<Revision>& sealed, const Revision& draft,
                      const Schema& before, const Schema& models, ProofServers* servers,
                      VerifyReport& report, std::vector<Diagnostic>& diagnostics) {
  const std::shared_ptr<PostgresqlServer> server = servers ? servers->postgresql() : nullptr;
  if (!server) {
    report.problems.push_back("postgresql: " +
                              (servers ? servers->error() : std::string("no server to prove on")));
    return;
  }
  std::vector<Revision> history;
  for (const Revision& r : sealed) {
    if (r.sections(kPostgresql) || !history.empty()) history.push_back(r);
  }
  const DialectSections* own = draft.sections(kPostgresql);
  const Schema pg_before = own && own->baseline
                               ? Schema{}
                               : for_dialect(history.empty() ? Schema{} : before, kPostgresql);
  VerifyReport pg = prove(ReplayedHistory(postgresql_proof_dialect(server), history, pg_before),
                          draft, for_dialect(models, kPostgresql));
  if (!pg.ok()) {
    // SQL that PostgreSQL refuses is an error at the annotation that wrote it.
    std::vector<Diagnostic> located = locate_postgresql_errors(*server, models);
    if (!located.empty()) {
      diagnostics.insert(diagnostics.end(), located.begin(), located.end());
      return;
    }
  }
  for (std::string& p : pg.problems) report.problems.push_back("postgresql: " + p);
  for (std::string& n : pg.notes) report.notes.push_back("postgresql: " + n);
}

Draft plan_draft(const Repository& repository, const Schema& models, bool verify, SealedAhead ahead,
                 const DraftOptions& options) {
  Draft draft;
  const std::vector<Revision> sealed = repository.sealed();
  std::optional<ReplayedHistory> replayed = std::move(ahead.replayed);
  if (replayed && !replayed->replays(sealed)) replayed.reset();
  const Schema before = ahead.schema ? std::move(*ahead.schema) : repository.sealed_schema();
  const std::vector<DialectChanges> all = draft_changes(sealed, before, models, options.dialects);
  draft.changes = merged_changes(all);
  const bool empty = std::all_of(all.begin(), all.end(), [](const DialectChanges& c) {
    return c.changes.changes.empty() && !c.baseline;
  });
  if (empty || has_errors(draft.changes.diagnostics)) return draft;
  Revision r = revision_of(all, models);
  r.id = repository.next_id();
  r.parent = sealed.empty() ? "" : sealed.back().id;
  r.file_name = r.id + "_draft.sql";
  r.draft = true;
  // Round-trip through the file format so that what is verified is what is written.
  const std::string text = render_revision(r);
  r = parse_revision(text, r.file_name);
  // The draft file holds this revision when its text, but for the function markers the proof
  // adds, is this one.
  const Revision* existing = repository.draft();
  const bool proven = existing && existing->file_name == r.file_name &&
                      without_function_markers(repository.texts.back()) == text;
  if (proven) {
    r = *existing;
  } else if (verify) {
    if (r.has_sqlite) {
      const Schema sqlite_models = for_dialect(models, kSqlite);
      draft.report = replayed
                         ? verify_revision(std::move(*replayed), r, sqlite_models)
                         : verify_revision(sealed, r, for_dialect(before, kSqlite), sqlite_models);
    }
    if (r.sections(kPostgresql)) {
      prove_postgresql(sealed, r, before, models, options.servers, draft.report,
                       draft.changes.diagnostics);
    }
    r = with_function_markers(r, draft.report.needs_up, draft.report.needs_down);
  }
  draft.revision = std::move(r);
  return draft;
}

DraftWrite write_draft(const Repository& repository, const std::optional<Revision>& draft) {
  for (const std::string& stale : repository.stale_drafts) {
    fs::remove(repository.versions_dir() / stale);
  }
  const Revision* existing = repository.draft();
  if (!draft) {
    if (!existing)
      return repository.stale_drafts.empty() ? DraftWrite::kNone : DraftWrite::kRemoved;
    fs::remove(repository.versions_dir() / existing->file_name);
    return DraftWrite::kRemoved;
  }
  if (existing && existing->file_name != draft->file_name) {
    fs::remove(repository.versions_dir() / existing->file_name);
  }
  return write_file_if_changed(repository.versions_dir() / draft->file_name,
                               render_revision(*draft))
             ? DraftWrite::kWritten
             : DraftWrite::kUnchanged;
}

namespace {

// The files whose change must re-run the step: every header the scan read, the versions
// directory (a revision added or removed) and each revision file (one edited by hand).
std::vector<std::string> step_dependencies(const Models& models, const Repository& repo) {
  std::vector<std::string> files = models.dependencies;
  files.push_back(fs::absolute(repo.versions_dir()).string());
  for (const Revision& r : repo.revisions) {
    files.push_back(fs::absolute(repo.versions_dir() / r.file_name).string());
  }
  return files;
}

std::optional<std::string> check_only(const Repository& repo, const Draft& draft) {
  if (repo.draft()) {
    return "a draft revision exists: " + repo.draft()->file_name +
           " (seal it with retort migrate -m MESSAGE)";
  }
  if (!repo.stale_drafts.empty()) {
    return "a draft revision left by a branch exists: " + repo.stale_drafts.front() +
           " (build to write the draft afresh, or remove it)";
  }
  if (draft.revision) return "the models differ from the last sealed revision";
  return std::nullopt;
}

// `repo` is the repository as the step leaves it.
void write_build_outputs(const GenerateRequest& request, const Models& models,
                         const Repository& repo) {
  if (!request.embed.empty()) write_file_if_changed(request.embed, render_embed_source(repo));
  if (!request.depfile.empty()) {
    write_depfile(request.depfile,
                  render_depfile(fs::absolute(request.stamp), step_dependencies(models, repo)),
                  request.make_depend_cache);
  }
  if (!request.stamp.empty()) {
    write_file_if_changed(request.stamp, "");  // exists; its time marks the run
    fs::last_write_time(request.stamp, fs::file_time_type::clock::now());
  }
}

}  // namespace

Generated generate(const GenerateRequest& request) {
  Generated out;
  // The models' headers unchanged since the last scan of this request: its result, recalled
  // without loading libclang.
  const ScanMemo memo(request.scan);
  std::optional<ScanResult> recalled = memo.recall();
  // Otherwise the repository is read, and the half of a proof that does not depend on the
  // models (the sealed history replayed) done, on a second thread while the models are scanned.
  // A repository that does not load is read again below, to report it in order.
  struct Early {
    std::optional<Repository> repo;
    SealedAhead ahead;  ///< of `repo`
  };
  std::future<Early> early;
  if (!recalled && fs::is_directory(request.dir / "versions")) {
    const bool sqlite = wanted(request.scan.dialects, kSqlite);
    early = std::async(std::launch::async, [dir = request.dir, verify = !request.check, sqlite] {
      Early e;
      try {
        e.repo = load_repository(dir);
        e.ahead.schema = e.repo->sealed_schema();
        if (verify && sqlite) {
          e.ahead.replayed.emplace(e.repo->sealed(), for_dialect(*e.ahead.schema, kSqlite));
        }
      } catch (const std::exception&) {
        e.repo.reset();  // read again below, to report it in order
      }
      return e;
    });
  }
  const bool hit = recalled.has_value();
  out.models = models_of(hit ? std::move(*recalled) : scan_and_remember(memo, request.scan),
                         request.scan, hit);
  if (has_errors(out.models.diagnostics)) {
    out.error = "the models have errors; nothing was written";
    return out;
  }
  if (request.check && !fs::is_directory(request.dir / "versions")) {
    out.error =
        "the models differ from the last sealed revision: there is no migration "
        "repository at " +
        request.dir.string() + " yet";
    return out;
  }
  out.created_repository = !request.check && init_repository(request.dir);
  Early read_early = early.valid() ? early.get() : Early{};
  Repository repo;
  try {
    repo = read_early.repo ? std::move(*read_early.repo) : load_repository(request.dir);
  } catch (const Error& e) {  // a malformed revision, branches merged without a rebase
    out.error = e.what();
    return out;
  }
  ProofServers servers(request.postgresql);
  out.draft = plan_draft(repo, out.models.schema, !request.check,
                         read_early.repo ? std::move(read_early.ahead) : SealedAhead{},
                         {request.scan.dialects, &servers});
  if (has_errors(out.draft.changes.diagnostics)) {
    out.error = "cannot generate a revision";
    return out;
  }
  if (request.check) {
    out.error = check_only(repo, out.draft);
    if (out.error) return out;
  } else {
    if (!out.draft.report.ok()) {
      out.error = "the generated revision failed verification; nothing written";
      return out;
    }
    out.written = write_draft(repo, out.draft.revision);
    out.rewrote = out.written == DraftWrite::kWritten && repo.draft() != nullptr;
  }
  if (request.embed.empty() && request.depfile.empty() && request.stamp.empty()) return out;
  // `repo` still holds what is on disk when no draft is wanted and none existed, or when the
  // draft it loaded was already this one. Otherwise read the files again: this step, or
  // another build directory generating at once, wrote the draft since `repo` was loaded.
  const Revision* loaded = repo.draft();
  const bool current =
      out.written == DraftWrite::kNone || (out.written == DraftWrite::kUnchanged && loaded &&
                                           loaded->file_name == out.draft.revision->file_name);
  write_build_outputs(request, out.models, current ? repo : load_repository(request.dir));
  return out;
}

namespace {

// The sealed baseline revision 0001 that creates `schema`, and drops it in its Down.
Revision baseline_revision(const Schema& schema) {
  Revision r = revision_of(diff_schemas(Schema{}, schema), schema);
  r.id = "0001";
  r.file_name = "0001_baseline.sql";
  r.message = "baseline";
  r.baseline = true;
  return parse_revision(render_revision(r), r.file_name);  // as it will be read back
}

}  // namespace

Adopted adopt_database(const AdoptRequest& request) {
  const fs::path versions = request.dir / "versions";
  if (fs::is_directory(versions) && !fs::is_empty(versions)) {
    throw Error("the migration repository " + request.dir.string() +
                " already has revisions; init --from-db writes a baseline only into an empty one");
  }
  if (detail::pg::is_connection_string(request.database.string())) {
    return adopt_postgresql(request);
  }
  if (!fs::is_regular_file(request.database)) {
    throw Error("no database at '" + request.database.string() + "'");
  }
  const detail::Db db = detail::open_db(request.database, SQLITE_OPEN_READONLY);
  Adoption adoption;
  try {
    adoption = read_live_schema(db.get());
  } catch (const Error& e) {
    throw Error("cannot read '" + request.database.string() +
                "' as an SQLite database: " + e.what());
  }
  if (!adoption.problems.empty()) {
    throw Error("cannot adopt '" + request.database.string() +
                "'; nothing was written:" + listed(adoption.problems));
  }
  if (adoption.schema.tables.empty()) {
    throw Error("'" + request.database.string() + "' has no tables to adopt");
  }
  Adopted out;
  out.tables = adoption.schema.tables.size();
  // The functions its schema calls that SQLite does not define: the application's, which the
  // header declares and the scratch databases stand in for.
  adoption.schema.functions = functions_called(adoption.schema);
  out.functions = adoption.schema.functions.size();
  out.baseline = baseline_revision(adoption.schema);
  // Proof 1: the baseline gives the database's schema (and says which functions it calls).
  const detail::Db fresh = detail::open_memory();
  const std::vector<SqlFunction> needs =
      functions_needed(fresh.get(), adoption.schema.functions, {},
                       [&] { upgrade(fresh.get(), std::vector<Revision>{out.baseline}, "head"); });
  out.baseline = with_function_markers(out.baseline, needs, {});
  if (const auto d = compare_databases(db.get(), fresh.get()); !d.empty()) {
    throw Error("the baseline would not recreate '" + request.database.string() +
                "' exactly; nothing was written:" + listed(d));
  }
  // Proof 2: the header (and objects file) scan back to that schema, so the first build
  // writes no draft.
  const std::string header = render_model_header(
      adoption.schema, request.database.filename().string(),
      adoption.schema.objects.empty() ? "" : request.header.stem().string() + ".sql");
  const std::string objects = render_objects_file(adoption.schema);
  const fs::path scratch =
      fs::temp_directory_path() / ("retort-adopt-" + std::to_string(::getpid()));
  fs::create_directories(scratch);
  ScanRequest scan_back{{(scratch / request.header.filename()).string()}, request.clang_args, ""};
  write_file_if_changed(scratch / request.header.filename(), header);
  if (!objects.empty()) {
    write_file_if_changed(scratch / "objects.sql", objects);
    scan_back.object_files = {(scratch / "objects.sql").string()};
  }
  const Models scanned = read_models(scan_back);
  fs::remove_all(scratch);
  if (has_errors(scanned.diagnostics) || !(scanned.schema == adoption.schema)) {
    std::vector<std::string> why;
    for (const Diagnostic& d : scanned.diagnostics) why.push_back(format_diagnostic(d));
    if (why.empty()) why.push_back("the header declares another schema than the database's");
    throw Error(
        "the written header would not scan back to the database's schema; nothing was "
        "written:" +
        listed(why));
  }
  init_repository(request.dir);
  if (!request.header.parent_path().empty()) fs::create_directories(request.header.parent_path());
  write_file_if_changed(request.header, header);
  if (!objects.empty()) {
    out.objects = request.header.parent_path() / (request.header.stem().string() + ".sql");
    write_file_if_changed(out.objects, objects);
  }
  write_file_if_changed(versions / out.baseline.file_name, render_revision(out.baseline));
  return out;
}

}  // namespace retort
