// Measures and writes the lock certificate of a PostgreSQL section.
#include "pg_certificate.hpp"

#include <algorithm>
#include <cctype>

#include "retort/detail/pg.hpp"

namespace retort {
namespace {

namespace pg = detail::pg;
using Clock = std::chrono::steady_clock;

// pg_locks' modes, weakest first, with the names PostgreSQL's documentation gives them.
constexpr std::pair<const char*, const char*> kModes[] = {
    {"AccessShareLock", "ACCESS SHARE"},
    {"RowShareLock", "ROW SHARE"},
    {"RowExclusiveLock", "ROW EXCLUSIVE"},
    {"ShareUpdateExclusiveLock", "SHARE UPDATE EXCLUSIVE"},
    {"ShareLock", "SHARE"},
    {"ShareRowExclusiveLock", "SHARE ROW EXCLUSIVE"},
    {"ExclusiveLock", "EXCLUSIVE"},
    {"AccessExclusiveLock", "ACCESS EXCLUSIVE"},
};
constexpr const char* kAccessExclusive = "ACCESS EXCLUSIVE";

int strength(const std::string& mode) {
  for (int i = 0; i < static_cast<int>(std::size(kModes)); ++i) {
    if (mode == kModes[i].second) return i + 1;
  }
  return 0;
}

std::string documented(const std::string& pg_locks_mode) {
  for (const auto& [name, doc] : kModes) {
    if (pg_locks_mode == name) return doc;
  }
  return pg_locks_mode;
}

std::string upper_prefix(const std::string& statement, std::size_t n) {
  std::string out = statement.substr(0, n);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

// Whether `statement` names `table` (as a whole word, quoted or not).
bool names(const std::string& statement, const std::string& table) {
  const auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  for (std::size_t at = statement.find(table); at != std::string::npos;
       at = statement.find(table, at + 1)) {
    const std::size_t end = at + table.size();
    if ((at == 0 || !word(statement[at - 1])) &&
        (end == statement.size() || !word(statement[end]))) {
      return true;
    }
  }
  return false;
}

bool runs_outside(const std::string& statement) {
  const std::string head = upper_prefix(statement, 40);
  return head.find("INDEX CONCURRENTLY") != std::string::npos;
}

}  // namespace

LockObserver::LockObserver(PGconn* conn, std::string revision, bool reverting,
                           std::vector<StatementLock>& out)
    : conn_(conn), revision_(std::move(revision)), reverting_(reverting), out_(out) {}

// Tables by oid, so that a table dropped or renamed by the statement is still the one it was.
// Once the revision began, only the tables that existed before it are read (Retort's version
// table left out): a revision that creates 200 tables reads nothing per statement.
LockObserver::Snapshot LockObserver::snapshot() const {
  Snapshot s;
  if (begun_ && existing_.empty()) return s;
  std::string oids;
  for (const auto& [oid, name] : existing_) oids += (oids.empty() ? "" : ",") + oid;
  const auto only = [this, &oids](const char* column) {
    return begun_ ? std::string(" AND ") + column + " = ANY('{" + oids + "}'::oid[])" : "";
  };
  pg::query_rows(conn_,
                 "SELECT c.oid, c.relname, pg_relation_filenode(c.oid), "
                 "coalesce(pg_stat_get_xact_numscans(c.oid), 0) FROM pg_class c WHERE "
                 "c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p') "
                 "AND c.relname <> " +
                     pg::literal(kVersionTable) + only("c.oid"),
                 [&s](const std::vector<std::string>& r) {
                   s.names[r[0]] = r[1];
                   s.filenodes[r[0]] = r[2];
                   s.scans[r[0]] = std::stol(r[3]);
                 });
  pg::query_rows(conn_,
                 "SELECT relation::oid, mode FROM pg_locks WHERE pid = pg_backend_pid() AND "
                 "granted AND locktype = 'relation'" +
                     only("relation"),
                 [&s](const std::vector<std::string>& r) {
                   std::string& mode = s.locks[r[0]];
                   const std::string held = documented(r[1]);
                   if (strength(held) > strength(mode)) mode = held;
                 });
  pg::query_rows(conn_,
                 "SELECT i.relname, x.indrelid FROM pg_index x JOIN pg_class i ON i.oid = "
                 "x.indexrelid WHERE i.relnamespace = current_schema()::regnamespace" +
                     only("x.indrelid"),
                 [&s](const std::vector<std::string>& r) { s.indexes[r[0]] = r[1]; });
  return s;
}

void LockObserver::operator()(const Progress& p) {
  if (finished_ || p.revision != revision_ || p.reverting != reverting_) return;
  if (p.event == Progress::Event::kStatement) {
    started(p.statement);
  } else if (p.event == Progress::Event::kStatementDone) {
    done();
  } else if (p.event == Progress::Event::kFinished && begun_) {
    release({});
    finish();
  }
}

void LockObserver::started(const std::string& statement) {
  before_ = snapshot();
  if (!begun_) {
    existing_ = before_.names;
    begun_ = true;
  }
  release(before_.locks);  // a commit since the last statement released its locks
  statement_start_ = Clock::now();
  out_.push_back({statement, ""});
  longest_.emplace_back(0);
  modes_.emplace_back();
  effects_.emplace_back();
}

void LockObserver::done() {
  const Clock::time_point now = Clock::now();
  const Snapshot after = snapshot();
  const std::size_t k = out_.size() - 1;
  const auto add_mode = [this, k](const std::string& text) {
    modes_[k] += (modes_[k].empty() ? "" : ", ") + text;
  };
  if (runs_outside(out_[k].statement)) {
    // Its lock went with it: the index it made or dropped says on which table.
    using Indexes = std::map<std::string, std::string>;
    const std::pair<const Indexes*, const Indexes*> sides[] = {{&after.indexes, &before_.indexes},
                                                               {&before_.indexes, &after.indexes}};
    for (const auto& [from, other] : sides) {
      for (const auto& [index, table] : *from) {
        if (!other->count(index) && existing_.count(table)) {
          add_mode("SHARE UPDATE EXCLUSIVE on " + pg::identifier(existing_.at(table)) +
                   " (outside a transaction)");
          longest_[k] =
              std::chrono::duration_cast<std::chrono::milliseconds>(now - statement_start_);
        }
      }
    }
  }
  for (const auto& [table, mode] : after.locks) {
    if (!existing_.count(table)) continue;
    const auto was = before_.locks.find(table);
    if (was != before_.locks.end() && strength(was->second) >= strength(mode)) continue;
    add_mode(mode + " on " + pg::identifier(existing_.at(table)));
    held_.push_back({k, table, mode, statement_start_});
  }
  // Nothing new: it runs under what an earlier statement of its transaction took on the
  // tables it names.
  const bool took_none = modes_[k].empty();
  for (const auto& [table, mode] : after.locks) {
    if (!took_none || !existing_.count(table) || !names(out_[k].statement, existing_.at(table))) {
      continue;
    }
    add_mode(mode + " on " + pg::identifier(existing_.at(table)) + " (taken before it)");
    held_.push_back({k, table, mode, statement_start_});
  }
  for (const auto& [table, filenode] : after.filenodes) {
    if (!existing_.count(table) || !before_.filenodes.count(table)) continue;
    const bool rewrote = before_.filenodes.at(table) != filenode;
    const std::string name = pg::identifier(existing_.at(table));
    if (rewrote) effects_[k] += ", rewrites " + name;
    const auto lock = after.locks.find(table);
    if (!rewrote && after.scans.at(table) > before_.scans[table] && lock != after.locks.end() &&
        lock->second == kAccessExclusive) {
      effects_[k] += ", reads every row of " + name + " under ACCESS EXCLUSIVE";
    }
  }
  release(after.locks);
}

// Ends the holds whose lock is no longer held at that strength.
void LockObserver::release(const std::map<std::string, std::string>& still_held) {
  const Clock::time_point now = Clock::now();
  std::vector<Held> kept;
  for (const Held& h : held_) {
    const auto lock = still_held.find(h.table);
    if (lock != still_held.end() && strength(lock->second) >= strength(h.mode)) {
      kept.push_back(h);
      continue;
    }
    longest_[h.statement] =
        std::max(longest_[h.statement],
                 std::chrono::duration_cast<std::chrono::milliseconds>(now - h.since));
  }
  held_ = std::move(kept);
}

// A bounded class rather than the milliseconds, so that the same revision proven again writes
// the same file.
void LockObserver::finish() {
  finished_ = true;
  for (std::size_t k = 0; k < out_.size(); ++k) {
    std::string line = modes_[k].empty() ? "no lock on a table that existed before" : modes_[k];
    if (!modes_[k].empty()) {
      line += longest_[k] >= kLongLock ? ", held 50 ms or more" : ", held under 50 ms";
    }
    line += effects_[k].find("rewrites") == std::string::npos ? ", no rewrite" : "";
    out_[k].certificate = line + effects_[k];
  }
}

namespace {

constexpr std::string_view kLockLine = "-- +retort lock:";

bool is_lock_line(std::string_view line) {
  const std::size_t first = line.find_first_not_of(" \t");
  return first != std::string_view::npos && line.substr(first, kLockLine.size()) == kLockLine;
}

std::string without_lock_lines(const std::string& section) {
  std::string out;
  std::size_t pos = 0;
  while (pos < section.size()) {
    std::size_t end = section.find('\n', pos);
    end = end == std::string::npos ? section.size() : end + 1;
    if (!is_lock_line(std::string_view(section).substr(pos, end - pos))) {
      out.append(section, pos, end - pos);
    }
    pos = end;
  }
  return out;
}

// Whether a certificate shows what --allow-rewrite must allow.
bool needs_allowing(const std::string& certificate) {
  const bool exclusive_long =
      certificate.find(std::string(kAccessExclusive) + " on") != std::string::npos &&
      certificate.find("held 50 ms or more") != std::string::npos;
  return certificate.find("rewrites ") != std::string::npos ||
         certificate.find("under ACCESS EXCLUSIVE") != std::string::npos || exclusive_long;
}

}  // namespace

std::string with_lock_lines(const std::string& section, const std::vector<StatementLock>& locks) {
  std::string out = without_lock_lines(section);
  std::size_t cursor = 0;
  for (const StatementLock& lock : locks) {
    const std::size_t at = out.find(lock.statement, cursor);
    if (at == std::string::npos || lock.certificate.empty()) continue;
    const std::size_t line = out.rfind('\n', at) == std::string::npos ? 0 : out.rfind('\n', at) + 1;
    const std::string text = std::string(kLockLine) + " " + lock.certificate + "\n";
    out.insert(line, text);
    cursor = at + text.size() + lock.statement.size();
  }
  return out;
}

Revision with_lock_certificates(const Revision& revision, const VerifyReport& report) {
  if (report.locks_up.empty() && report.locks_down.empty()) return revision;
  Revision r = revision;
  for (DialectSections& d : r.dialects) {
    if (d.dialect != kPostgresql) continue;
    d.up_sql = with_lock_lines(d.up_sql, report.locks_up);
    d.down_sql = with_lock_lines(d.down_sql, report.locks_down);
  }
  return parse_revision(render_revision(r), r.file_name);
}

std::vector<std::string> rewrites_to_allow(const Revision& revision) {
  std::vector<std::string> out;
  const DialectSections* own = revision.sections(kPostgresql);
  if (!own) return out;
  // Up only: a live service takes the revision forward. Down undoes it (its DROP TABLEs hold
  // their locks to the end of its transaction by nature) and runs when the service is rolled
  // back; its certificate is written for the reader, not enforced.
  for (const auto& [direction, sql] :
       {std::pair<const char*, const std::string*>{"up", &own->up_sql}}) {
    const std::vector<SectionPart> parts = split_section(*sql);
    for (std::size_t i = 0; i < parts.size(); ++i) {
      if (parts[i].kind != SectionPart::Kind::kLock || !needs_allowing(parts[i].text)) continue;
      std::string statement;
      for (std::size_t j = i + 1; j < parts.size() && statement.empty(); ++j) {
        if (parts[j].kind != SectionPart::Kind::kSql) continue;
        const std::vector<std::string> statements = pg::split_statements(parts[j].text);
        if (!statements.empty()) statement = statements.front();
      }
      out.push_back(std::string(direction) + ": `" + statement + "`: " + parts[i].text);
    }
  }
  return out;
}

}  // namespace retort
