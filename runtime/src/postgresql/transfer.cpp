// retort::transfer(): the check before anything is written, then the copy, the sequences and
// the proof in one transaction on the target (docs/transfer.md).
#include "retort/transfer.hpp"

#include <libpq-fe.h>
#include <sqlite3.h>

#include <map>

#include "retort/detail/pg.hpp"
#include "retort/detail/sqlite.hpp"
#include "transfer_copy.hpp"
#include "transfer_keys.hpp"
#include "transfer_plan.hpp"
#include "transfer_revisions.hpp"
#include "transfer_scan.hpp"
#include "transfer_sequences.hpp"
#include "transfer_source.hpp"

namespace retort {
namespace {

using namespace detail::transfer;
namespace pg = detail::pg;
using Clock = std::chrono::steady_clock;
using Phase = TransferProgress::Phase;

std::chrono::milliseconds since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
}

// One read transaction on SQLite: the check and the copy read the same rows.
class SqliteRead {
 public:
  explicit SqliteRead(sqlite3* db) : db_(db) {
    if (!sqlite3_get_autocommit(db)) {
      throw Error("the SQLite connection is inside a transaction: call transfer() outside one");
    }
    detail::exec(db, "BEGIN");
  }
  ~SqliteRead() { detail::try_exec(db_, "ROLLBACK"); }
  SqliteRead(const SqliteRead&) = delete;
  SqliteRead& operator=(const SqliteRead&) = delete;

 private:
  sqlite3* db_;
};

// A transaction on the target, rolled back unless committed; text travels as UTF-8.
class PgTransaction {
 public:
  explicit PgTransaction(PGconn* conn) : conn_(conn) {
    pg::exec(conn, "BEGIN");
    open_ = true;
    pg::exec(conn, "SET LOCAL client_encoding = 'UTF8'");
  }
  ~PgTransaction() {
    if (open_) pg::try_exec(conn_, "ROLLBACK");
  }
  PgTransaction(const PgTransaction&) = delete;
  PgTransaction& operator=(const PgTransaction&) = delete;
  void commit() {
    pg::exec(conn_, "COMMIT");
    open_ = false;
  }

 private:
  PGconn* conn_;
  bool open_ = false;
};

// A statement as it can run inside a transaction block: a concurrent index build without
// CONCURRENTLY (the check runs the revisions in a transaction it rolls back).
std::string in_transaction_block(std::string statement) {
  const std::string word = " CONCURRENTLY";
  std::string upper = statement.substr(0, 40);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  const bool index = upper.rfind("CREATE INDEX", 0) == 0 ||
                     upper.rfind("CREATE UNIQUE INDEX", 0) == 0 ||
                     upper.rfind("DROP INDEX", 0) == 0;
  const std::size_t at = upper.find(word);
  if (index && at != std::string::npos) statement.erase(at, word.size());
  return statement;
}

class Transfer {
 public:
  Transfer(sqlite3* from, PGconn* to, const std::vector<Revision>& revisions,
           const TransferOptions& options)
      : from_(from), to_(to), revisions_(revisions), options_(options) {}

  TransferReport run() {
    start_ = check_revisions(from_, to_, revisions_);
    report_.revision = start_.revision;
    report_.dry_run = options_.dry_run;
    report_.creates_schema = start_.empty_target;
    check_encoding();
    check_hooks();
    check();
    if (!report_.bad_values.empty() && !options_.dry_run) {
      throw TransferError(std::to_string(report_.bad_values.size()) + " values in " +
                              std::to_string(report_.bad_rows()) +
                              " rows cannot be held by their PostgreSQL columns; nothing was "
                              "written: correct them in the SQLite database and transfer again",
                          report_);
    }
    if (!options_.dry_run) write();
    done();
    return report_;
  }

 private:
  void check_encoding() {
    const pg::Result r = pg::exec(to_, "SHOW server_encoding");
    const std::string encoding = pg::value(r.get(), 0, 0);
    if (encoding != "UTF8") {
      throw Error("the PostgreSQL database's encoding is " + encoding +
                  ": the transfer moves SQLite's UTF-8 text; create the database with ENCODING "
                  "'UTF8'");
    }
  }

  // The revisions that create an empty target must not run a C++ hook this program lacks (the
  // check runs their SQL alone): refused before anything is written.
  void check_hooks() const {
    if (!start_.empty_target) return;
    for (const Revision& r : start_.postgresql) {
      for (const Hook& h : r.hooks) {
        if (h.postgresql_function) continue;
        throw Error("revision " + r.id + " runs the C++ hook " + h.name +
                    " on PostgreSQL, which this program does not link: transfer from the "
                    "application (retort::transfer()), or into a database it upgraded to " +
                    start_.revision);
      }
    }
  }

  // Reads every SQLite row against the target's columns, writing nothing: an empty target gets
  // its schema inside a transaction that is rolled back.
  void check() {
    const Clock::time_point started = Clock::now();
    PgTransaction probe(to_);
    if (start_.empty_target) {
      for (const Revision& r : start_.postgresql) {
        for (const std::string& s : pg::split_statements(r.up_sql)) {
          try {
            pg::exec(to_, in_transaction_block(s));
          } catch (const pg::Failure& f) {
            throw Error("revision " + r.id + "'s postgresql section does not create the schema: " +
                        f.what() + " (in '" + s + "'); nothing was written");
          }
        }
      }
    }
    plan_ = plan_tables(from_, to_);
    report_.notes = plan_.notes;
    if (!start_.empty_target) refuse_rows();
    for (std::size_t i = 0; i < plan_.tables.size(); ++i) {
      const TablePlan& table = plan_.tables[i];
      const RowTick tick = ticks(Phase::kChecking, i, count_rows(from_, table));
      Scanned scanned = scan_table(from_, to_, table, report_.bad_values, tick);
      scan_orphans(from_, table, report_.bad_values, scanned.bad_rows);
      TransferredTable out;
      out.name = table.name;
      out.rows = scanned.checksum.rows();
      out.bad_rows = static_cast<std::int64_t>(scanned.bad_rows.size());
      out.checksum = scanned.checksum.hex();
      report_.tables.push_back(std::move(out));
    }
    report_.check_time = since(started);
  }

  void refuse_rows() {
    std::string held;
    for (const TablePlan& table : plan_.tables) {
      const pg::Result r = pg::exec(to_, "SELECT 1 FROM " + quoted(table.name) + " LIMIT 1");
      if (PQntuples(r.get()) > 0) held += (held.empty() ? "'" : ", '") + table.name + "'";
    }
    if (!held.empty()) {
      throw Error("the PostgreSQL database already holds rows (in " + held +
                  "): the transfer fills empty tables only; start from an empty database (or "
                  "one at the revision without rows)");
    }
  }

  void write() {
    const Clock::time_point started = Clock::now();
    std::vector<SequenceState> sequences;
    try {
      if (start_.empty_target) create();
      plan_ = plan_tables(from_, to_);
      sequences = read_sequences(to_, plan_);
      PgTransaction tx(to_);
      if (start_.empty_target) clear_seeded_rows();
      const std::vector<ForeignKeyDefinition> keys = set_aside_foreign_keys(to_, plan_);
      copy();
      restore_foreign_keys(to_, keys);
      report_.copy_time = since(started);
      verify();
      tx.commit();
    } catch (const Error& e) {
      throw Error(std::string(e.what()) + "; " + undo(sequences));
    } catch (...) {
      undo(sequences);
      throw;
    }
  }

  // Upgrades the empty target to the SQLite database's revision.
  void create() {
    ProgressCallback progress;
    if (options_.progress) {
      progress = [this](const Progress& p) {
        if (p.event != Progress::Event::kStarted) return;
        TransferProgress t;
        t.phase = Phase::kCreating;
        t.revision = p.revision;
        t.step = p.step;
        t.steps = p.steps;
        options_.progress(t);
      };
    }
    upgrade(to_, revisions_, start_.revision, progress, options_.postgresql);
  }

  // Rows the revisions themselves inserted (seed data): the SQLite database holds them too,
  // as it holds everything else, and they are copied from there.
  void clear_seeded_rows() {
    bool seeded = false;
    std::string all;
    for (const TablePlan& table : plan_.tables) {
      const pg::Result r = pg::exec(to_, "SELECT 1 FROM " + quoted(table.name) + " LIMIT 1");
      seeded = seeded || PQntuples(r.get()) > 0;
      all += (all.empty() ? "" : ", ") + quoted(table.name);
    }
    // All at once: a table its foreign keys name is emptied with the tables that name it.
    if (seeded) pg::exec(to_, "TRUNCATE " + all);
  }

  void copy() {
    for (std::size_t i = 0; i < plan_.tables.size(); ++i) {
      const TablePlan& table = plan_.tables[i];
      TransferredTable& out = reported(table);
      if (table.triggers)
        pg::exec(to_, "ALTER TABLE " + quoted(table.name) + " DISABLE TRIGGER USER");
      const std::int64_t copied =
          copy_table(from_, to_, table, ticks(Phase::kCopying, i, out.rows));
      if (table.triggers)
        pg::exec(to_, "ALTER TABLE " + quoted(table.name) + " ENABLE TRIGGER USER");
      if (copied != out.rows) {
        throw Error("table '" + table.name + "' gave " + std::to_string(copied) +
                    " rows to copy, not the " + std::to_string(out.rows) + " checked");
      }
    }
    for (const TablePlan& table : plan_.tables)
      reported(table).sequences = set_sequences(to_, table);
  }

  void verify() {
    const Clock::time_point started = Clock::now();
    for (std::size_t i = 0; i < plan_.tables.size(); ++i) {
      const TablePlan& table = plan_.tables[i];
      TransferredTable& out = reported(table);
      const TableChecksum held = target_checksum(to_, table, ticks(Phase::kVerifying, i, out.rows));
      out.target_checksum = held.hex();
      if (held.rows() != out.rows || out.target_checksum != out.checksum) {
        throw Error("table '" + table.name + "' differs after the copy: SQLite holds " +
                    std::to_string(out.rows) + " rows (checksum " + out.checksum +
                    "), PostgreSQL " + std::to_string(held.rows()) + " (checksum " +
                    out.target_checksum + ")");
      }
      out.proven_key = prove_insert(to_, table, out.rows);
    }
    report_.verify_time = since(started);
  }

  // After a failure, once the copy's transaction is rolled back: the target as it was. Says
  // what became of it.
  std::string undo(const std::vector<SequenceState>& sequences) {
    for (TransferredTable& t : report_.tables) t.target_checksum.clear();
    done();
    if (!start_.empty_target) {
      const std::string failed = restore_sequences(to_, sequences);
      return failed.empty() ? "nothing was written: the PostgreSQL database is as it was"
                            : "the copy was rolled back, but its sequences could not be put "
                              "back: " +
                                  failed;
    }
    try {
      downgrade(to_, revisions_, "base", {}, options_.postgresql);
      if (!start_.version_table) {
        pg::exec(to_, std::string("DROP TABLE IF EXISTS ") + kVersionTable);
      }
    } catch (const Error& e) {
      return std::string(
                 "the copy was rolled back, but the schema this transfer created could "
                 "not be removed (") +
             e.what() + "): downgrade the PostgreSQL database to base";
    }
    return "nothing was written: the schema this transfer created was removed, the PostgreSQL "
           "database is empty again";
  }

  TransferredTable& reported(const TablePlan& table) {
    for (TransferredTable& t : report_.tables) {
      if (t.name == table.name) return t;
    }
    throw Error("table '" + table.name +
                "' appeared in the PostgreSQL database during the transfer");
  }

  RowTick ticks(Phase phase, std::size_t i, std::int64_t total) const {
    if (!options_.progress) return {};
    return [this, phase, i, total](std::int64_t done) {
      TransferProgress p;
      p.phase = phase;
      p.table = plan_.tables[i].name;
      p.step = i + 1;
      p.steps = plan_.tables.size();
      p.rows_done = done;
      p.rows_total = total;
      options_.progress(p);
    };
  }

  void done() {
    if (!options_.progress) return;
    TransferProgress p;
    p.phase = Phase::kDone;
    options_.progress(p);
  }

  sqlite3* from_;
  PGconn* to_;
  const std::vector<Revision>& revisions_;
  const TransferOptions& options_;
  Start start_;
  Plan plan_;
  TransferReport report_;
};

}  // namespace

std::int64_t TransferReport::rows() const {
  std::int64_t n = 0;
  for (const TransferredTable& t : tables) n += t.rows;
  return n;
}

std::int64_t TransferReport::bad_rows() const {
  std::int64_t n = 0;
  for (const TransferredTable& t : tables) n += t.bad_rows;
  return n;
}

TransferReport transfer(sqlite3* from, PGconn* to, const std::vector<Revision>& revisions,
                        const TransferOptions& options) {
  if (pg::in_transaction(to)) {
    throw Error(
        "the PostgreSQL connection is inside a transaction block: the transfer runs its own; "
        "call it outside one");
  }
  const SqliteRead read(from);
  return Transfer(from, to, revisions, options).run();
}

}  // namespace retort
