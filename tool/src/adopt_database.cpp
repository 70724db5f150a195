// Adopting a database: its live schema read (adopt.hpp), the baseline and the model header
// proven against it, then written.
#include "adopt_database.hpp"

#include <sqlite3.h>
#include <unistd.h>

#include "adopt.hpp"
#include "functions.hpp"
#include "model_header.hpp"
#include "pipeline.hpp"
#include "retort/detail/introspect.hpp"
#include "retort/detail/pg.hpp"
#include "retort/detail/sqlite.hpp"
#include "retort/runtime.hpp"

namespace retort {

namespace fs = std::filesystem;

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
