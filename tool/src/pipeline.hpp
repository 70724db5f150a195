// The stages chained: model files → schema → draft revision (diffed, rendered, verified).
#ifndef RETORT_TOOL_PIPELINE_HPP
#define RETORT_TOOL_PIPELINE_HPP

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "diff.hpp"
#include "pg_server.hpp"
#include "repository.hpp"
#include "scanner.hpp"
#include "verify.hpp"

namespace retort {

struct Models {
  Schema schema;
  std::vector<Diagnostic> diagnostics;
  std::vector<std::string> dependencies;  ///< files the scan read
  bool recalled = false;  ///< the scan's result came from its memo; libclang was not loaded
};

/// Scans the model files (or recalls their last scan, see ScanMemo) and builds their schema.
Models read_models(const ScanRequest& request);

/// One dialect's part of a revision.
struct DialectChanges {
  std::string dialect;  ///< "sqlite", "postgresql"
  ChangeSet changes;    ///< on the dialect's projections of the schemas (for_dialect())
  /// The dialect joins a repository with history here: its Up creates the whole schema
  /// (`-- +retort baseline postgresql`).
  bool baseline = false;
};

/// The changes from `before` to `after` as `dialect` makes them: diff_schemas() of the
/// dialect's projections, under its DiffRules.
ChangeSet diff_for(std::string_view dialect, const Schema& before, const Schema& after);

/// The SQL, headers and snapshot of a revision that makes `changes` (one per dialect, SQLite's
/// first), ending at `after`; the id, parent, file name and message are the caller's. Without
/// SQLite among them, the revision has no SQLite sections.
Revision revision_of(const std::vector<DialectChanges>& changes, const Schema& after);
/// The same for SQLite alone.
Revision revision_of(const ChangeSet& changes, const Schema& after);

/// Where the proofs of dialects other than SQLite run: the PostgreSQL server, started on the
/// first call (and stopped when the last holder lets it go); nullptr, with `error` set, when
/// there is none.
class ProofServers {
 public:
  explicit ProofServers(PostgresqlSetup setup) : setup_(std::move(setup)) {}
  std::shared_ptr<PostgresqlServer> postgresql();
  const std::string& error() const { return error_; }

 private:
  PostgresqlSetup setup_;
  std::shared_ptr<PostgresqlServer> server_;
  std::string error_;
};

/// PostgreSQL's half of a revision's proof: the revisions of `history` it has sections for,
/// replayed on a scratch database of the server, then `candidate` (up, down, up with rows),
/// from `before` to `after` (dialect-neutral schemas). Its problems go into `report`
/// ("postgresql: ..."); SQL the server refuses becomes `diagnostics` at the annotations.
void prove_postgresql(const std::vector<Revision>& history, const Revision& candidate,
                      const Schema& before, const Schema& after, ProofServers* servers,
                      VerifyReport& report, std::vector<Diagnostic>& diagnostics);

struct Draft {
  std::optional<Revision> revision;  ///< std::nullopt: the models equal the last sealed revision
  /// The first dialect's changes (SQLite's, unless the repository is PostgreSQL's alone), with
  /// the diagnostics and destructive steps of every dialect.
  ChangeSet changes;
  VerifyReport report;  ///< filled when `verify` was asked and there is a revision
};

/// What plan_draft() is to do beyond SQLite's draft.
struct DraftOptions {
  std::vector<std::string> dialects = {"sqlite"};
  ProofServers* servers = nullptr;  ///< for PostgreSQL's proof; nullptr: none
};

/// What plan_draft() needs of the sealed revisions before it has the models, read ahead: the
/// build step makes it on a second thread while the models are scanned.
struct SealedAhead {
  std::optional<Schema> schema;             ///< the repository's sealed_schema()
  std::optional<ReplayedHistory> replayed;  ///< the sealed history replayed, to verify
};

/// The draft revision that takes the last sealed revision's schema to `models`: id, parent,
/// up and down SQL, destructive steps and the snapshot. With `verify`, proves it first, unless
/// the repository's draft file already holds exactly this revision (proven when written).
/// What `ahead` holds is used when it was read from the same sealed revisions.
Draft plan_draft(const Repository& repository, const Schema& models, bool verify,
                 SealedAhead ahead = {}, const DraftOptions& options = {});

enum class DraftWrite { kNone, kUnchanged, kWritten, kRemoved };

/// Makes the repository's draft file match `draft`: writes it when its text differs, removes a
/// stale one when `draft` is empty.
DraftWrite write_draft(const Repository& repository, const std::optional<Revision>& draft);

/// What the build step (and `migrate`/`check --models`) is asked to do.
struct GenerateRequest {
  std::filesystem::path dir;  ///< the migration repository
  ScanRequest scan;
  bool check = false;  ///< never write: fail when a draft exists or would be written
  /// Build outputs ("" for none): the embedded revisions' C++ source, the depfile, the stamp
  /// touched at each run, and Make's dependency cache to reset (see write_depfile()).
  std::filesystem::path embed, depfile, stamp, make_depend_cache;
  /// Where PostgreSQL sections are proven (RETORT_POSTGRESQL_URL overrides it).
  PostgresqlSetup postgresql = {};
};

/// What the step found and did. When `error` is set, it stopped there and wrote nothing more.
struct Generated {
  Models models;
  bool created_repository = false;
  Draft draft;
  DraftWrite written = DraftWrite::kNone;
  bool rewrote = false;  ///< kWritten over another version of the draft, there before the step
  std::optional<std::string> error;
};

/// The build step, the one orchestrator of the stages: scans the models, creates the
/// repository if needed, plans the draft and proves it when it is new, writes it (or, with
/// `check`, fails when one exists or would be written), then writes the embedded source,
/// the depfile and the stamp. Problems in the input come back as diagnostics and `error`;
/// throws Error only when a file cannot be read or written.
Generated generate(const GenerateRequest& request);

/// `retort init --from-db`: adopting a database that exists without Retort.
struct AdoptRequest {
  std::filesystem::path database;       ///< the SQLite file, only read
  std::filesystem::path dir;            ///< the migration repository: absent or without revisions
  std::filesystem::path header;         ///< the model header to write; objects go beside it (.sql)
  std::vector<std::string> clang_args;  ///< to scan the written header back (-I annotations)
  /// The repository's dialects; a PostgreSQL database needs "postgresql" among them.
  std::vector<std::string> dialects = {"sqlite"};
};

struct Adopted {
  Revision baseline;
  std::filesystem::path objects;  ///< "" when the database has no views, triggers, virtual tables
  std::size_t tables = 0;
  std::size_t functions = 0;  ///< application functions the schema calls, declared in the header
  /// PostgreSQL: the constraints start-up gives the baseline's names, "table 't': constraint
  /// users_pkey becomes pk_users".
  std::vector<std::string> renames = {};
};

/// Reads the database's schema and writes the model header, the objects file and the sealed
/// baseline revision 0001, after proving them: an empty database upgraded through the baseline
/// equals the original (PRAGMAs and sqlite_schema), and the header scans back to the same schema.
/// Throws Error, having written nothing, when the repository has revisions, the file is no
/// SQLite database, or the schema cannot be declared or proven.
Adopted adopt_database(const AdoptRequest& request);

/// adopt_database() of a PostgreSQL database (`database` a libpq connection string): its current
/// schema read from pg_catalog, the header (PostgreSQL's types by RETORT_TYPE_FOR), a
/// POSTGRESQL_OBJECTS file (`<header stem>_postgresql.sql`) and a baseline with PostgreSQL
/// sections (SQLite's too when `dialects` has it and the schema runs there), proven as start-up
/// proves it: run in a schema of its own on the database's server, in a transaction rolled back,
/// it gives the database's schema once the database's constraints carry Retort's names. Throws
/// Error, having written nothing, naming what cannot be declared or proven.
Adopted adopt_postgresql(const AdoptRequest& request);

}  // namespace retort

#endif  // RETORT_TOOL_PIPELINE_HPP
