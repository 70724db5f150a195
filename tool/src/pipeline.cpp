// Chains the stages; each stage stays testable on its own.
#include "pipeline.hpp"

#include "emit.hpp"
#include "schema_builder.hpp"

namespace retort {

namespace fs = std::filesystem;

Models read_models(const ScanRequest& request) {
  Models out;
  ScanResult scanned = scan(request);
  out.diagnostics = std::move(scanned.diagnostics);
  out.dependencies = std::move(scanned.dependencies);
  SchemaBuild built = build_schema(scanned.models);
  out.schema = std::move(built.schema);
  out.diagnostics.insert(out.diagnostics.end(), built.diagnostics.begin(), built.diagnostics.end());
  return out;
}

Draft plan_draft(const Repository& repository, const Schema& models, bool verify) {
  Draft draft;
  const Schema before = repository.sealed_schema();
  draft.changes = diff_schemas(before, models);
  if (draft.changes.changes.empty() || has_errors(draft.changes.diagnostics)) return draft;
  const auto dialect = make_sqlite_dialect();
  Revision r;
  r.id = repository.next_id();
  const std::vector<Revision> sealed = repository.sealed();
  r.parent = sealed.empty() ? "" : sealed.back().id;
  r.file_name = r.id + "_draft.sql";
  r.draft = true;
  r.foreign_keys_off = draft.changes.foreign_keys_off;
  r.destructive = draft.changes.destructive;
  r.up_sql = render_changes(*dialect, draft.changes.changes);
  r.down_sql = render_changes(*dialect, invert(draft.changes.changes));
  r.schema_json = schema_to_json(models);
  // Round-trip through the file format so that what is verified is what is written.
  r = parse_revision(render_revision(r), r.file_name);
  if (verify) draft.report = verify_revision(sealed, r, before, models);
  draft.revision = std::move(r);
  return draft;
}

DraftWrite write_draft(const Repository& repository, const std::optional<Revision>& draft) {
  const Revision* existing = repository.draft();
  if (!draft) {
    if (!existing) return DraftWrite::kNone;
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

}  // namespace retort
