// A revision as read from its `NNNN_<slug>.sql` file; the format is documented in
// docs/revision-format.md.
#ifndef RETORT_REVISION_HPP
#define RETORT_REVISION_HPP

#include <string>
#include <string_view>
#include <vector>

struct sqlite3;
typedef struct pg_conn PGconn;  // libpq's, as <libpq-fe.h> declares it

namespace retort {

class HookProgress;

/// A C++ data migration: the function a `RETORT_HOOK(NAME)` defines (retort/runtime.hpp).
using HookFunction = void (*)(sqlite3* db, HookProgress& progress);
/// The same on PostgreSQL: `RETORT_HOOK_POSTGRESQL(NAME)` (retort/postgresql.hpp).
using PostgresqlHookFunction = void (*)(PGconn* conn, HookProgress& progress);

/// A hook a revision names with `-- +retort hook: NAME`, and the functions linked for it.
struct Hook {
  std::string name;
  HookFunction function = nullptr;  ///< nullptr: this program does not link it (the CLI)
  /// For the PostgreSQL sections; nullptr: not linked.
  PostgresqlHookFunction postgresql_function = nullptr;
  bool operator==(const Hook& other) const {
    return name == other.name && function == other.function &&
           postgresql_function == other.postgresql_function;
  }
};

/// The dialects a revision file can carry sections for: SQLite's are `-- +retort Up` /
/// `-- +retort Down`, another's `-- +retort Up <dialect>` / `-- +retort Down <dialect>`.
inline constexpr const char* kSqlite = "sqlite";
inline constexpr const char* kPostgresql = "postgresql";

/// The table where each database records the revisions applied to it.
inline constexpr const char* kVersionTable = "retort_migrations";

/// The Up and Down sections of a dialect other than SQLite.
struct DialectSections {
  std::string dialect;  ///< "postgresql"
  std::string up_sql;
  std::string down_sql;
  /// `-- +retort baseline <dialect>`: this dialect's history starts here; its Up creates the
  /// whole schema (a dialect added to a repository with history, or an adopted database).
  bool baseline = false;
  bool operator==(const DialectSections& o) const {
    return dialect == o.dialect && up_sql == o.up_sql && down_sql == o.down_sql &&
           baseline == o.baseline;
  }
};

/// One revision: the SQL that moves a database one step up and back, and its bookkeeping.
struct Revision {
  std::string id;       ///< "0001", from the file name's leading digits
  std::string parent;   ///< the previous revision's id, "" for the first one
  std::string message;  ///< the message it was sealed with ("" for a draft)
  std::string file_name;
  bool draft = false;             ///< `NNNN_draft.sql`, rewritten by every build until sealed
  bool foreign_keys_off = false;  ///< the runtime switches PRAGMA foreign_keys OFF around it
  /// `-- +retort baseline` (the first revision only): creates the schema of a database that
  /// existed before Retort; such a database is compared with it and it is recorded as applied.
  bool baseline = false;
  std::vector<std::string> destructive;  ///< one line per step that may lose data
  /// `-- +retort rebased-from: ID CHECKSUM`, one per id this revision had before a
  /// `retort rebase` renumbered it, with its checksum then: a database that applied it under
  /// that id is refused at start-up with a way back.
  std::vector<std::string> rebased_from;
  std::string up_sql;    ///< SQLite's Up section
  std::string down_sql;  ///< SQLite's Down section
  /// The file has SQLite's sections (false in a repository for PostgreSQL alone).
  bool has_sqlite = true;
  /// The other dialects' sections, in file order.
  std::vector<DialectSections> dialects;
  std::string schema_json;  ///< the schema after this revision (the tool's snapshot), may be ""
  std::string checksum;     ///< of every Up and Down section, see revision_checksum()
  /// The hooks its Up and Down sections name, each once, in order of their first marker.
  std::vector<Hook> hooks;

  /// The sections of `dialect` other than SQLite, or nullptr when the file has none.
  const DialectSections* sections(std::string_view dialect) const;
};

/// The file text and name of one revision, as the build embeds it into an application.
struct RevisionSource {
  const char* file_name;
  const char* text;
};

/// Parses a revision file. `file_name` gives the id (its leading digits) and names the file in
/// errors. Throws retort::Error "<file>:<line>: ..." on a malformed file.
Revision parse_revision(std::string_view text, std::string_view file_name);

/// Parses and orders revisions by id; checks that ids are unique, that parents link each one to
/// the one before it, and that at most the last one is a draft. Throws retort::Error otherwise.
/// Each hook a revision names is bound to the function of that name in `linked`, if any.
std::vector<Revision> load_revisions(const std::vector<RevisionSource>& sources,
                                     const std::vector<Hook>& linked = {});

/// Orders parsed revisions by id and checks them as load_revisions() does.
std::vector<Revision> order_revisions(std::vector<Revision> revisions);

/// What to do when two branches' revisions, `first` and `second` (file names), follow one
/// parent: the `retort rebase` of either branch.
std::string rebase_remedy(std::string_view first, std::string_view second);

/// The checksum of a revision's Up and Down sections (line endings and trailing blanks ignored):
/// 16 hex digits of FNV-1a/64. Message, headers and schema snapshot do not count, so sealing an
/// applied draft under a message does not make it "changed". The sections of other dialects
/// follow SQLite's, so a file with SQLite's alone keeps the checksum it always had.
std::string revision_checksum(std::string_view up_sql, std::string_view down_sql,
                              const std::vector<DialectSections>& dialects = {});

/// The revisions as `dialect` runs them: for SQLite, `revisions` themselves (Error when one has
/// no SQLite sections); for another, those from the first that has its sections on, each with
/// up_sql, down_sql, baseline and hooks taken from them and foreign_keys_off cleared (checksums
/// unchanged). Throws Error when a later revision lacks them, or when none has them.
std::vector<Revision> dialect_revisions(const std::vector<Revision>& revisions,
                                        std::string_view dialect);

/// Renders a revision back to its file text; parse_revision(render_revision(r)) == r.
std::string render_revision(const Revision& revision);

/// A piece of an Up or Down section: statements to run, or a marker line that stands between
/// them (docs/revision-format.md).
struct SectionPart {
  enum class Kind {
    kSql,   ///< `text`: one or more SQL statements
    kCopy,  ///< `-- +retort copy: T`: the next statement copies the rows of table `text` into
            ///< its rebuilt table (the runtime reports that copy's progress)
    kHook,  ///< `-- +retort hook: NAME`: the C++ hook `text` runs here
    /// `-- +retort commit` (PostgreSQL): the transaction commits here; what follows runs in a
    /// new one
    kCommit,
    /// `-- +retort no-transaction` (PostgreSQL): the statement that follows runs by itself,
    /// outside any transaction (CREATE INDEX CONCURRENTLY)
    kNoTransaction,
    /// `-- +retort lock: CERTIFICATE` (PostgreSQL): what the statement that follows locked when
    /// the build ran it (`text`); the runtime does not act on it
    kLock,
  };
  Kind kind;
  std::string text;
};

/// Splits a section's SQL at its marker lines, in order.
std::vector<SectionPart> split_section(std::string_view sql);

/// A section runs as phases: transactions, and statements that run outside one. A section
/// without `commit` or `no-transaction` markers is one transactional phase.
struct SectionPhase {
  bool transaction = true;  ///< false: one statement, outside any transaction
  /// Its statements and markers (kSql, kCopy, kHook, kLock), in order.
  std::vector<SectionPart> parts;
};

/// The phases of a section, in order: split at `commit` markers, and around the statement after
/// each `no-transaction` marker. Phases holding neither a statement nor a hook are left out.
std::vector<SectionPhase> section_phases(std::string_view sql);

/// The marker line that announces a rebuild's copy of `table`'s rows.
std::string copy_marker(std::string_view table);

/// The marker line that runs the C++ hook `name`.
std::string hook_marker(std::string_view name);

/// The hooks a section names, in order, each once.
std::vector<std::string> section_hooks(std::string_view sql);

}  // namespace retort

#endif  // RETORT_REVISION_HPP
