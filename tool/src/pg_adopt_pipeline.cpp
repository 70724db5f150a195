// `retort init --from-db postgresql://...`: the PostgreSQL database read, its models and
// baseline written after proving them on its own server.
#include <libpq-fe.h>
#include <sqlite3.h>
#include <unistd.h>

#include "adopt_database.hpp"
#include "diagnostic.hpp"
#include "pg_adopt.hpp"
#include "pipeline.hpp"
#include "retort/detail/pg.hpp"
#include "retort/detail/sqlite.hpp"
#include "retort/runtime.hpp"

namespace retort {

namespace fs = std::filesystem;

namespace {

// The sealed baseline revision 0001 that creates `schema` in each of `dialects`.
Revision postgresql_baseline(const Schema& schema, const std::vector<std::string>& dialects) {
  std::vector<DialectChanges> changes;
  for (const std::string& d : dialects) {
    changes.push_back({d, diff_for(d, Schema{}, schema), d != kSqlite});
  }
  Revision r = revision_of(changes, schema);
  r.id = "0001";
  r.file_name = "0001_baseline.sql";
  r.message = "baseline";
  r.baseline = true;
  return parse_revision(render_revision(r), r.file_name);  // as it will be read back
}

// The header and objects file scanned back as the build will scan them.
Models scan_back(const std::string& header, const std::string& objects,
                 const AdoptRequest& request) {
  const fs::path scratch =
      fs::temp_directory_path() / ("retort-adopt-" + std::to_string(::getpid()));
  fs::create_directories(scratch);
  ScanRequest scan{{(scratch / request.header.filename()).string()}, request.clang_args, ""};
  scan.dialects = request.dialects;
  write_file_if_changed(scratch / request.header.filename(), header);
  if (!objects.empty()) {
    write_file_if_changed(scratch / "objects.sql", objects);
    scan.postgresql_object_files = {(scratch / "objects.sql").string()};
  }
  Models scanned = read_models(scan);
  fs::remove_all(scratch);
  return scanned;
}

// SQLite beside PostgreSQL: the baseline's SQLite sections must run on an empty database.
void prove_on_sqlite(const Revision& baseline, const std::string& source) {
  const detail::Db fresh = detail::open_memory();
  try {
    upgrade(fresh.get(), std::vector<Revision>{baseline}, "head");
  } catch (const Error& e) {
    throw Error("the schema of " + source +
                " does not map to SQLite, so the repository cannot have both dialects (adopt it "
                "with --dialects postgresql); nothing was written: " +
                e.what());
  }
}

}  // namespace

Adopted adopt_postgresql(const AdoptRequest& request) {
  const std::string source = "'" + detail::pg::printable(request.database.string()) + "'";
  if (std::find(request.dialects.begin(), request.dialects.end(), kPostgresql) ==
      request.dialects.end()) {
    throw Error(
        "a PostgreSQL database is adopted into a repository with PostgreSQL: give "
        "--dialects postgresql (or sqlite,postgresql)");
  }
  detail::pg::Conn conn;
  try {
    conn = detail::pg::connect(request.database.string());
  } catch (const Error& e) {
    throw Error(std::string(e.what()) + "; nothing was written");
  }
  const detail::pg::Result managed =
      detail::pg::exec(conn.get(), "SELECT to_regclass(quote_ident(current_schema()) || '." +
                                       std::string(kVersionTable) + "') IS NOT NULL");
  if (detail::pg::value(managed.get(), 0, 0) == "t") {
    throw Error(source + " has a " + kVersionTable +
                " table: Retort manages it already; nothing was written");
  }
  Adoption adoption = read_postgresql_schema(conn.get());
  if (!adoption.problems.empty()) {
    throw Error("cannot adopt " + source + "; nothing was written:" + listed(adoption.problems));
  }
  if (adoption.schema.tables.empty()) throw Error(source + " has no tables to adopt");
  const std::string objects_name = request.header.stem().string() + "_postgresql.sql";
  const detail::pg::Result name = detail::pg::exec(conn.get(), "SELECT current_database()");
  const std::string header = render_model_header(
      adoption.schema, "the PostgreSQL database '" + detail::pg::value(name.get(), 0, 0) + "'",
      adoption.schema.objects.empty() ? "" : objects_name, postgresql_member_type,
      "views, functions, triggers and extensions");
  const std::string objects = render_objects_file(adoption.schema);
  // The header scans back to a schema (so the first build writes no draft) ...
  const Models scanned = scan_back(header, objects, request);
  if (has_errors(scanned.diagnostics)) {
    std::vector<std::string> why;
    for (const Diagnostic& d : scanned.diagnostics) why.push_back(format_diagnostic(d));
    const bool sqlite = std::find(request.dialects.begin(), request.dialects.end(), kSqlite) !=
                        request.dialects.end();
    throw Error((sqlite ? "the schema of " + source +
                              " does not map to SQLite, so the repository cannot have both "
                              "dialects (adopt it with --dialects postgresql)"
                        : std::string("the written header would not scan")) +
                "; nothing was written:" + listed(why));
  }
  Adopted out;
  out.tables = scanned.schema.tables.size();
  out.baseline = postgresql_baseline(scanned.schema, request.dialects);
  // ... whose baseline, run on the database's own server as start-up runs it, gives the
  // database's schema once its constraints carry Retort's names.
  std::vector<detail::pg::ConstraintRename> renames;
  const std::vector<std::string> differences = detail::pg::adoption_differences(
      conn.get(), out.baseline.sections(kPostgresql)->up_sql, renames);
  if (!differences.empty()) {
    throw Error("the baseline would not recreate " + source +
                " exactly; nothing was written:" + listed(differences));
  }
  for (const detail::pg::ConstraintRename& r : renames) {
    out.renames.push_back("table '" + r.table + "': constraint " + r.from + " becomes " + r.to);
  }
  if (out.baseline.has_sqlite) prove_on_sqlite(out.baseline, source);
  init_repository(request.dir);
  if (!request.header.parent_path().empty()) fs::create_directories(request.header.parent_path());
  write_file_if_changed(request.header, header);
  if (!objects.empty()) {
    out.objects = request.header.parent_path() / objects_name;
    write_file_if_changed(out.objects, objects);
  }
  write_file_if_changed(request.dir / "versions" / out.baseline.file_name,
                        render_revision(out.baseline));
  return out;
}

}  // namespace retort
