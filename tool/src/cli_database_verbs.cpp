// The verbs over a database, SQLite's file or PostgreSQL's server: upgrade, downgrade, current
// and stamp, each a short function over the runtime.
#include <sqlite3.h>

#include <iostream>
#include <map>
#include <optional>

#include "cli_verbs.hpp"
#include "databases.hpp"
#include "pipeline.hpp"
#include "retort/detail/pg.hpp"
#include "retort/detail/sqlite.hpp"
#include "retort/postgresql.hpp"
#include "retort/runtime.hpp"

namespace retort {
namespace {

namespace fs = std::filesystem;

std::vector<Revision> revisions_of(const Options& o) { return load_repository(o.dir).revisions; }

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

}  // namespace

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

}  // namespace retort
