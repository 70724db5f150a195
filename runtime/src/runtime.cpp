// Applies revisions: plans the steps from one read, then runs each in its own transaction.
#include "retort/runtime.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <utility>

#include "fnv1a.hpp"

namespace retort {

MigrationError::MigrationError(std::string revision, std::string statement,
                               std::string sqlite_message, std::vector<std::string> applied)
    : Error("revision '" + revision + "' failed at statement '" + statement +
            "': " + sqlite_message),
      revision_(std::move(revision)),
      statement_(std::move(statement)),
      sqlite_message_(std::move(sqlite_message)),
      applied_(std::move(applied)) {}

namespace {

// The version table's only definition.
constexpr const char* kVersionTableDdl =
    "CREATE TABLE IF NOT EXISTS retort_migrations (\n"
    "  revision TEXT NOT NULL PRIMARY KEY,\n"
    "  parent TEXT,\n"
    "  checksum TEXT NOT NULL,\n"
    "  draft INTEGER NOT NULL DEFAULT 0,\n"
    "  foreign_keys_off INTEGER NOT NULL DEFAULT 0,\n"
    "  applied_at TEXT NOT NULL,\n"
    "  down_sql TEXT NOT NULL\n"
    ") WITHOUT ROWID";
constexpr int kBusyTimeoutMs = 60000;

struct AppliedRow {
  std::string revision;
  std::string checksum;
  bool draft = false;
  bool foreign_keys_off = false;
  std::string down_sql;  ///< read only when the revision is reverted (or given, offline)
};

struct Step {
  enum Kind { kApply, kRevert, kMarkSealed } kind;
  std::string revision;
  bool foreign_keys_off = false;
  const Revision* up = nullptr;  // kApply
  std::string down_sql;          // kRevert; "" until read, inside the step's transaction
};

struct StatementDeleter {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using Statement = std::unique_ptr<sqlite3_stmt, StatementDeleter>;

std::string column_text(sqlite3_stmt* s, int i) {
  const unsigned char* t = sqlite3_column_text(s, i);
  return t ? reinterpret_cast<const char*>(t) : "";
}

void exec(sqlite3* db, const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    std::string text = message ? message : sqlite3_errmsg(db);
    sqlite3_free(message);
    throw Error(std::string("'") + sql + "' failed: " + text);
  }
}

// The applied revisions, oldest first; none when the version table does not exist yet. The
// down scripts, the bulk of the table, are left out: start-up reads them only to revert.
std::vector<AppliedRow> read_applied(sqlite3* db) {
  sqlite3_stmt* raw = nullptr;
  const char* sql =
      "SELECT revision, checksum, draft, foreign_keys_off FROM retort_migrations "
      "ORDER BY revision";
  if (sqlite3_prepare_v2(db, sql, -1, &raw, nullptr) != SQLITE_OK) {
    const std::string message = sqlite3_errmsg(db);
    if (message.rfind("no such table", 0) == 0) return {};
    throw Error("cannot read retort_migrations: " + message);
  }
  Statement stmt(raw);
  std::vector<AppliedRow> rows;
  int rc;
  while ((rc = sqlite3_step(raw)) == SQLITE_ROW) {
    rows.push_back({column_text(raw, 0),
                    column_text(raw, 1),
                    sqlite3_column_int(raw, 2) != 0,
                    sqlite3_column_int(raw, 3) != 0,
                    {}});
  }
  if (rc != SQLITE_DONE)
    throw Error(std::string("cannot read retort_migrations: ") + sqlite3_errmsg(db));
  return rows;
}

// The start-up fingerprint of a chain of applied revisions: FNV-1a/64 over each one's id,
// checksum and draft flag, folded to 31 bits; 0 only for no revision. Retort keeps it in
// PRAGMA user_version (see docs/start-up.md) so that an up-to-date start-up reads one header
// field instead of the schema.
class Fingerprint {
 public:
  void add(std::string_view id, std::string_view checksum, bool draft) {
    for (std::string_view part : {id, checksum, draft ? std::string_view("d") : "s"}) {
      hash_.add(part);
      hash_.add(static_cast<unsigned char>(0));
    }
    empty_ = false;
  }
  std::int32_t value() const {
    if (empty_) return 0;
    const std::uint64_t h = hash_.value();
    const auto folded = static_cast<std::uint32_t>(h ^ (h >> 32)) & 0x7fffffffu;
    return folded == 0 ? 1 : static_cast<std::int32_t>(folded);
  }

 private:
  Fnv1a hash_;
  bool empty_ = true;
};

std::int32_t fingerprint_of(const std::vector<AppliedRow>& rows) {
  Fingerprint f;
  for (const AppliedRow& r : rows) f.add(r.revision, r.checksum, r.draft);
  return f.value();
}

std::int32_t fingerprint_of(const std::vector<Revision>& revisions, std::size_t count) {
  Fingerprint f;
  for (std::size_t i = 0; i < count && i < revisions.size(); ++i) {
    f.add(revisions[i].id, revisions[i].checksum, revisions[i].draft);
  }
  return f.value();
}

// PRAGMA user_version: a header field, read without parsing the schema.
std::int32_t user_version(sqlite3* db) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &raw, nullptr) != SQLITE_OK) {
    throw Error(std::string("cannot read the database header: ") + sqlite3_errmsg(db));
  }
  Statement stmt(raw);
  if (sqlite3_step(raw) != SQLITE_ROW) {
    throw Error(std::string("cannot read the database header: ") + sqlite3_errmsg(db));
  }
  return sqlite3_column_int(raw, 0);
}

// Retort writes its fingerprint into user_version only while the field is free (0) or holds
// the fingerprint of the applied revisions: a value the application set is never touched.
bool owns_user_version(sqlite3* db, const std::vector<AppliedRow>& applied) {
  const std::int32_t value = user_version(db);
  return value == 0 || value == fingerprint_of(applied);
}

std::string set_user_version(std::int32_t value) {
  return "PRAGMA user_version = " + std::to_string(value);
}

const Revision* find_revision(const std::vector<Revision>& revisions, std::string_view id) {
  for (const Revision& r : revisions) {
    if (r.id == id) return &r;
  }
  return nullptr;
}

// How many revisions `target` asks to have applied, counting from `applied_count`.
std::size_t target_count(const std::vector<Revision>& revisions, std::string_view target,
                         std::size_t applied_count) {
  if (target == "head") return revisions.size();
  if (target == "base") return 0;
  if (!target.empty() && (target[0] == '+' || target[0] == '-')) {
    char* end = nullptr;
    const std::string digits(target.substr(1));
    const long n = std::strtol(digits.c_str(), &end, 10);
    if (digits.empty() || *end != '\0' || n < 0) {
      throw Error("bad revision target '" + std::string(target) + "'");
    }
    if (target[0] == '-') {
      return static_cast<std::size_t>(n) > applied_count ? 0 : applied_count - n;
    }
    const std::size_t count = applied_count + static_cast<std::size_t>(n);
    if (count > revisions.size()) {
      throw Error("target '" + std::string(target) + "' is beyond the newest revision");
    }
    return count;
  }
  std::size_t found = revisions.size();
  for (std::size_t i = 0; i < revisions.size(); ++i) {
    if (revisions[i].id.rfind(target, 0) != 0) continue;
    if (found != revisions.size()) {
      throw Error("revision target '" + std::string(target) + "' is ambiguous");
    }
    found = i;
  }
  if (found == revisions.size()) {
    throw Error("unknown revision target '" + std::string(target) + "'");
  }
  return found + 1;
}

// The steps that take a database holding `applied` to `target`; the first is run next.
std::vector<Step> plan_upgrade(const std::vector<AppliedRow>& applied,
                               const std::vector<Revision>& revisions, std::string_view target) {
  std::vector<Step> reverts;
  std::vector<Step> steps;
  std::size_t kept = 0;  // applied rows that match the embedded revisions
  for (const AppliedRow& row : applied) {
    const Revision* known =
        kept < revisions.size() && revisions[kept].id == row.revision ? &revisions[kept] : nullptr;
    if (known && known->checksum == row.checksum) {
      if (row.draft && !known->draft) {
        steps.push_back({Step::kMarkSealed, row.revision, false, nullptr, {}});
      }
      ++kept;
      continue;
    }
    if (!row.draft) {
      if (!find_revision(revisions, row.revision)) {
        throw Error("the database is at revision '" + row.revision +
                    "', which this program does not know; refusing to upgrade");
      }
      throw Error("revision '" + row.revision +
                  "' was changed after it was applied; restore it, or add a new revision");
    }
    // A draft changed or vanished since it was applied: revert it with its stored down script.
    if (&row != &applied.back()) {
      throw Error("draft revision '" + row.revision + "' is followed by other revisions");
    }
    reverts.push_back({Step::kRevert, row.revision, row.foreign_keys_off, nullptr, row.down_sql});
  }
  const std::size_t wanted = target_count(revisions, target, kept);
  if (wanted < kept) {
    throw Error("the database is at revision '" + revisions[kept - 1].id + "', past target '" +
                std::string(target) + "'; use downgrade");
  }
  steps.insert(steps.begin(), reverts.begin(), reverts.end());
  for (std::size_t i = kept; i < wanted; ++i) {
    const Revision& r = revisions[i];
    steps.push_back({Step::kApply, r.id, r.foreign_keys_off, &r, {}});
  }
  return steps;
}

std::vector<Step> plan_downgrade(const std::vector<AppliedRow>& applied,
                                 const std::vector<Revision>& revisions, std::string_view target) {
  std::size_t keep = 0;
  if (target == "base") {
    keep = 0;
  } else if (!target.empty() && target[0] == '-') {
    keep = target_count(revisions, target, applied.size());
  } else {
    keep = applied.size() + 1;
    for (std::size_t i = 0; i < applied.size(); ++i) {
      if (applied[i].revision.rfind(target, 0) == 0) keep = i + 1;
    }
    if (keep > applied.size()) {
      throw Error("revision target '" + std::string(target) + "' is not applied");
    }
  }
  std::vector<Step> steps;
  for (std::size_t i = applied.size(); i > keep; --i) {
    const AppliedRow& row = applied[i - 1];
    steps.push_back({Step::kRevert, row.revision, row.foreign_keys_off, nullptr, row.down_sql});
  }
  return steps;
}

std::string statement_text(const char* start, const char* end) {
  std::string s(start, end);
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  const auto last = s.find_last_not_of(" \t\r\n");
  return s.substr(first, last - first + 1);
}

// Reports a rebuild's copy (`INSERT INTO _retort_new_<t> ... SELECT ... FROM <t>`): the
// table's row count first, an estimate while it runs (the last rowid inserted, from SQLite's
// progress handler, at most every 100 ms), the exact count when done.
class CopyProgress {
 public:
  CopyProgress(sqlite3* db, const ProgressCallback& progress, Progress base,
               std::string_view statement)
      : db_(db), progress_(progress), event_(std::move(base)) {
    constexpr std::string_view kInsert = "INSERT INTO ";
    constexpr std::string_view kPrefix = "_retort_new_";
    if (!progress_ || statement.substr(0, kInsert.size()) != kInsert) return;
    std::string_view rest = statement.substr(kInsert.size());
    const bool quoted = !rest.empty() && rest.front() == '"';
    if (quoted) rest.remove_prefix(1);
    if (rest.substr(0, kPrefix.size()) != kPrefix) return;
    rest.remove_prefix(kPrefix.size());
    const auto end = quoted ? rest.find('"') : rest.find_first_of(" \t\n(");
    if (end == std::string_view::npos) return;
    event_.event = Progress::Event::kRowsCopied;
    event_.table = std::string(rest.substr(0, end));
    event_.rows_total = count_rows();
    active_ = true;
    report(0);
    last_report_ = std::chrono::steady_clock::now();
    sqlite3_progress_handler(db_, 100000, &CopyProgress::tick, this);
  }
  ~CopyProgress() {
    if (active_) sqlite3_progress_handler(db_, 0, nullptr, nullptr);
  }
  void done() {
    if (active_) report(sqlite3_changes64(db_));
  }
  CopyProgress(const CopyProgress&) = delete;
  CopyProgress& operator=(const CopyProgress&) = delete;

 private:
  std::int64_t count_rows() {
    std::string sql = "SELECT count(*) FROM \"";
    for (char c : event_.table) sql += c == '"' ? std::string("\"\"") : std::string(1, c);
    sql += "\"";
    sqlite3_stmt* raw = nullptr;
    std::int64_t n = 0;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &raw, nullptr) == SQLITE_OK &&
        sqlite3_step(raw) == SQLITE_ROW) {
      n = sqlite3_column_int64(raw, 0);
    }
    sqlite3_finalize(raw);
    return n;
  }
  void report(std::int64_t rows) {
    event_.rows_copied = std::clamp<std::int64_t>(rows, 0, event_.rows_total);
    progress_(event_);
  }
  static int tick(void* self) {
    auto* me = static_cast<CopyProgress*>(self);
    const auto now = std::chrono::steady_clock::now();
    if (now - me->last_report_ >= std::chrono::milliseconds(100)) {
      me->last_report_ = now;
      me->report(sqlite3_last_insert_rowid(me->db_));
    }
    return 0;
  }

  sqlite3* db_;
  const ProgressCallback& progress_;
  Progress event_;
  bool active_ = false;
  std::chrono::steady_clock::time_point last_report_;
};

// Runs every statement of `sql`; a failure names the revision and the statement.
void run_script(sqlite3* db, const std::string& sql, const std::string& revision,
                const std::vector<std::string>& done, const ProgressCallback& progress = {},
                const Progress& event = {}) {
  const char* tail = sql.c_str();
  while (*tail) {
    const char* start = tail;
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db, start, -1, &raw, &tail) != SQLITE_OK) {
      const char* semi = std::strchr(start, ';');
      throw MigrationError(revision,
                           statement_text(start, semi ? semi + 1 : start + std::strlen(start)),
                           sqlite3_errmsg(db), done);
    }
    if (!raw) continue;  // only blanks or comments were left
    Statement stmt(raw);
    CopyProgress copy(db, progress, event, progress ? statement_text(start, tail) : "");
    int rc;
    while ((rc = sqlite3_step(raw)) == SQLITE_ROW) {
    }
    if (rc != SQLITE_DONE) {
      throw MigrationError(revision, statement_text(start, tail), sqlite3_errmsg(db), done);
    }
    copy.done();
  }
}

void check_foreign_keys(sqlite3* db, const std::string& revision,
                        const std::vector<std::string>& done) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, "PRAGMA foreign_key_check", -1, &raw, nullptr) != SQLITE_OK) {
    throw MigrationError(revision, "PRAGMA foreign_key_check", sqlite3_errmsg(db), done);
  }
  Statement stmt(raw);
  if (sqlite3_step(raw) == SQLITE_ROW) {
    throw MigrationError(revision, "PRAGMA foreign_key_check",
                         "a row of table '" + column_text(raw, 0) +
                             "' references a missing row of table '" + column_text(raw, 2) + "'",
                         done);
  }
}

// PRAGMA foreign_keys is a no-op inside a transaction: switch it before BEGIN, restore after.
class ForeignKeysOff {
 public:
  ForeignKeysOff(sqlite3* db, bool wanted) : db_(db) {
    if (!wanted) return;
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db, "PRAGMA foreign_keys", -1, &raw, nullptr) == SQLITE_OK) {
      Statement stmt(raw);
      was_on_ = sqlite3_step(raw) == SQLITE_ROW && sqlite3_column_int(raw, 0) != 0;
    }
    if (was_on_) exec(db, "PRAGMA foreign_keys = OFF");
  }
  ~ForeignKeysOff() {
    if (was_on_) sqlite3_exec(db_, "PRAGMA foreign_keys = ON", nullptr, nullptr, nullptr);
  }
  ForeignKeysOff(const ForeignKeysOff&) = delete;
  ForeignKeysOff& operator=(const ForeignKeysOff&) = delete;

 private:
  sqlite3* db_;
  bool was_on_ = false;
};

// BEGIN IMMEDIATE takes the write lock at once, so a second process waits (busy timeout)
// instead of failing when it would upgrade a read lock.
class Transaction {
 public:
  explicit Transaction(sqlite3* db) : db_(db) { exec(db, "BEGIN IMMEDIATE"); }
  ~Transaction() {
    if (open_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  void commit() {
    exec(db_, "COMMIT");
    open_ = false;
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

 private:
  sqlite3* db_;
  bool open_ = true;
};

void bind_text(sqlite3_stmt* s, int i, const std::string& v) {
  sqlite3_bind_text(s, i, v.c_str(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
}

void record(sqlite3* db, const Step& step, const std::vector<std::string>& done) {
  const char* sql = nullptr;
  switch (step.kind) {
    case Step::kApply:
      sql =
          "INSERT INTO retort_migrations (revision, parent, checksum, draft, foreign_keys_off, "
          "applied_at, down_sql) VALUES (?1, ?2, ?3, ?4, ?5, "
          "strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), ?6)";
      break;
    case Step::kRevert:
      sql = "DELETE FROM retort_migrations WHERE revision = ?1";
      break;
    case Step::kMarkSealed:
      sql = "UPDATE retort_migrations SET draft = 0 WHERE revision = ?1";
      break;
  }
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &raw, nullptr) != SQLITE_OK) {
    throw MigrationError(step.revision, sql, sqlite3_errmsg(db), done);
  }
  Statement stmt(raw);
  bind_text(raw, 1, step.revision);
  if (step.kind == Step::kApply) {
    const Revision& r = *step.up;
    bind_text(raw, 2, r.parent);
    bind_text(raw, 3, r.checksum);
    sqlite3_bind_int(raw, 4, r.draft ? 1 : 0);
    sqlite3_bind_int(raw, 5, r.foreign_keys_off ? 1 : 0);
    bind_text(raw, 6, r.down_sql);
  }
  if (sqlite3_step(raw) != SQLITE_DONE) {
    throw MigrationError(step.revision, sql, sqlite3_errmsg(db), done);
  }
}

// The down script recorded when `revision` was applied.
std::string stored_down_sql(sqlite3* db, const std::string& revision,
                            const std::vector<std::string>& done) {
  const char* sql = "SELECT down_sql FROM retort_migrations WHERE revision = ?1";
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &raw, nullptr) != SQLITE_OK) {
    throw MigrationError(revision, sql, sqlite3_errmsg(db), done);
  }
  Statement stmt(raw);
  bind_text(raw, 1, revision);
  if (sqlite3_step(raw) != SQLITE_ROW) {
    throw MigrationError(revision, sql, "no recorded down script", done);
  }
  return column_text(raw, 0);
}

void run_step(sqlite3* db, const Step& step, const std::vector<std::string>& done,
              const ProgressCallback& progress, const Progress& event) {
  if (step.kind == Step::kApply) {
    run_script(db, step.up->up_sql, step.revision, done, progress, event);
  }
  if (step.kind == Step::kRevert) {
    const std::string down =
        step.down_sql.empty() ? stored_down_sql(db, step.revision, done) : step.down_sql;
    run_script(db, down, step.revision, done, progress, event);
  }
  if (step.foreign_keys_off) check_foreign_keys(db, step.revision, done);
  record(db, step, done);
}

// The applied rows once `step`, the first step planned from `applied`, is done.
std::vector<AppliedRow> after(std::vector<AppliedRow> applied, const Step& step) {
  switch (step.kind) {
    case Step::kApply:
      applied.push_back({step.revision, step.up->checksum, step.up->draft, false, {}});
      break;
    case Step::kRevert:
      applied.pop_back();  // reverts start from the newest applied revision
      break;
    case Step::kMarkSealed:
      for (AppliedRow& row : applied) {
        if (row.revision == step.revision) row.draft = false;
      }
      break;
  }
  return applied;
}

using Planner = std::vector<Step> (*)(const std::vector<AppliedRow>&, const std::vector<Revision>&,
                                      std::string_view);

// Plans from one read; when there is work, runs one step per transaction, re-planning inside
// each transaction so that processes racing to the same database each apply a revision once.
std::vector<std::string> migrate(sqlite3* db, const std::vector<Revision>& revisions,
                                 std::string_view target, Planner plan,
                                 const ProgressCallback& progress) {
  std::vector<std::string> done;
  // Set before the first read too: a reader meets a writer's pending lock while it commits.
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  // Up to date, the common start-up: the header holds the fingerprint of every revision (ids,
  // checksums, drafts), so nothing else is read, not even the schema.
  if (plan == plan_upgrade && target == "head" && !revisions.empty() &&
      user_version(db) == fingerprint_of(revisions, revisions.size())) {
    return done;
  }
  std::vector<Step> steps = plan(read_applied(db), revisions, target);
  if (steps.empty()) return done;
  const std::size_t planned = steps.size();
  std::size_t step_number = 0;
  while (!steps.empty()) {
    const bool foreign_keys_off = steps.front().foreign_keys_off;
    ForeignKeysOff fk_guard(db, foreign_keys_off);
    Transaction tx(db);
    exec(db, kVersionTableDdl);
    const std::vector<AppliedRow> applied = read_applied(db);
    steps = plan(applied, revisions, target);
    if (steps.empty()) {
      tx.commit();
      break;
    }
    if (steps.front().foreign_keys_off != foreign_keys_off) continue;  // retry with the pragma
    const Step& step = steps.front();
    const bool keep_fingerprint = owns_user_version(db, applied);
    Progress event{Progress::Event::kStarted,
                   step.revision,
                   step.kind == Step::kRevert,
                   std::min(++step_number, planned),
                   planned,
                   {},
                   0,
                   0};
    if (progress && step.kind != Step::kMarkSealed) progress(event);
    run_step(db, step, done, progress, event);
    if (keep_fingerprint) exec(db, set_user_version(fingerprint_of(after(applied, step))).c_str());
    tx.commit();
    if (step.kind != Step::kMarkSealed) {
      done.push_back(step.revision);
      event.event = Progress::Event::kFinished;
      if (progress) progress(event);
    }
    steps.erase(steps.begin());
  }
  return done;
}

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};
using Db = std::unique_ptr<sqlite3, DbCloser>;

Db open_db(const std::filesystem::path& path, int flags) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.string().c_str(), &raw, flags, nullptr);
  Db db(raw);
  if (rc != SQLITE_OK) {
    throw Error("cannot open database '" + path.string() +
                "': " + (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
  }
  return db;
}

}  // namespace

namespace {

std::string sql_literal(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

// The rows a database at `from` holds, when it matches `revisions` (offline: no database).
std::vector<AppliedRow> assumed_rows(const std::vector<Revision>& revisions,
                                     const std::optional<std::string>& from) {
  std::vector<AppliedRow> rows;
  if (!from) return rows;
  for (const Revision& r : revisions) {
    rows.push_back({r.id, r.checksum, r.draft, r.foreign_keys_off, r.down_sql});
    if (r.id == *from) return rows;
  }
  throw Error("revision '" + *from + "' is not among the revisions");
}

std::string script(std::vector<AppliedRow> rows, const std::vector<Step>& steps,
                   const std::vector<Revision>& revisions, bool keep_fingerprint) {
  std::string out = std::string(kVersionTableDdl) + ";\n";
  for (const Step& step : steps) {
    if (step.kind == Step::kMarkSealed) continue;
    const bool apply = step.kind == Step::kApply;
    out += "\n-- " + std::string(apply ? "upgrade to " : "revert ") + step.revision + "\n";
    if (step.foreign_keys_off) out += "PRAGMA foreign_keys = OFF;\n";
    out += "BEGIN IMMEDIATE;\n";
    if (apply) {
      const Revision& r = *step.up;
      out += r.up_sql + (r.up_sql.empty() || r.up_sql.back() == '\n' ? "" : "\n");
      if (step.foreign_keys_off) out += "PRAGMA foreign_key_check;\n";
      out +=
          "INSERT INTO retort_migrations (revision, parent, checksum, draft, foreign_keys_off, "
          "applied_at, down_sql) VALUES (" +
          sql_literal(r.id) + ", " + sql_literal(r.parent) + ", " + sql_literal(r.checksum) + ", " +
          (r.draft ? "1" : "0") + ", " + (r.foreign_keys_off ? "1" : "0") +
          ", strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), " + sql_literal(r.down_sql) + ");\n";
    } else {
      const Revision* r = find_revision(revisions, step.revision);
      const std::string& down = r ? r->down_sql : step.down_sql;
      out += down + (down.empty() || down.back() == '\n' ? "" : "\n");
      if (step.foreign_keys_off) out += "PRAGMA foreign_key_check;\n";
      out += "DELETE FROM retort_migrations WHERE revision = " + sql_literal(step.revision) + ";\n";
    }
    rows = after(std::move(rows), step);
    if (keep_fingerprint) out += set_user_version(fingerprint_of(rows)) + ";\n";
    out += "COMMIT;\n";
    if (step.foreign_keys_off) out += "PRAGMA foreign_keys = ON;\n";
  }
  return out;
}

}  // namespace

std::string upgrade_sql(const std::vector<Revision>& revisions,
                        const std::optional<std::string>& from, std::string_view target,
                        bool keep_fingerprint) {
  std::vector<AppliedRow> rows = assumed_rows(revisions, from);
  const std::vector<Step> steps = plan_upgrade(rows, revisions, target);
  return script(std::move(rows), steps, revisions, keep_fingerprint);
}

std::string downgrade_sql(const std::vector<Revision>& revisions,
                          const std::optional<std::string>& from, std::string_view target,
                          bool keep_fingerprint) {
  std::vector<AppliedRow> rows = assumed_rows(revisions, from);
  const std::vector<Step> steps = plan_downgrade(rows, revisions, target);
  return script(std::move(rows), steps, revisions, keep_fingerprint);
}

bool keeps_fingerprint(sqlite3* db) {
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  return owns_user_version(db, read_applied(db));
}

std::vector<std::string> upgrade(sqlite3* db, const std::vector<Revision>& revisions,
                                 std::string_view target, const ProgressCallback& progress) {
  return migrate(db, revisions, target, plan_upgrade, progress);
}

std::vector<std::string> downgrade(sqlite3* db, const std::vector<Revision>& revisions,
                                   std::string_view target, const ProgressCallback& progress) {
  return migrate(db, revisions, target, plan_downgrade, progress);
}

void stamp(sqlite3* db, const std::vector<Revision>& revisions, std::string_view target) {
  const std::size_t count = target_count(revisions, target, 0);
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  Transaction tx(db);
  exec(db, kVersionTableDdl);
  const bool keep_fingerprint = owns_user_version(db, read_applied(db));
  exec(db, "DELETE FROM retort_migrations");
  for (std::size_t i = 0; i < count; ++i) {
    const Revision& r = revisions[i];
    record(db, {Step::kApply, r.id, r.foreign_keys_off, &r, {}}, {});
  }
  if (keep_fingerprint) exec(db, set_user_version(fingerprint_of(revisions, count)).c_str());
  tx.commit();
}

std::optional<std::string> current(sqlite3* db) {
  const std::vector<AppliedRow> rows = read_applied(db);
  if (rows.empty()) return std::nullopt;
  return rows.back().revision;
}

std::vector<std::string> upgrade(const std::filesystem::path& path,
                                 const std::vector<Revision>& revisions, std::string_view target,
                                 const ProgressCallback& progress) {
  Db db = open_db(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  return upgrade(db.get(), revisions, target, progress);
}

std::vector<std::string> downgrade(const std::filesystem::path& path,
                                   const std::vector<Revision>& revisions, std::string_view target,
                                   const ProgressCallback& progress) {
  Db db = open_db(path, SQLITE_OPEN_READWRITE);
  return downgrade(db.get(), revisions, target, progress);
}

std::optional<std::string> current(const std::filesystem::path& path) {
  Db db = open_db(path, SQLITE_OPEN_READONLY);
  return current(db.get());
}

bool keeps_fingerprint(const std::filesystem::path& path) {
  Db db = open_db(path, SQLITE_OPEN_READONLY);
  return keeps_fingerprint(db.get());
}

}  // namespace retort
