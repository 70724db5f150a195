// The `transfer` verb: opens both databases, runs the runtime's transfer(), prints its report.
#include "transfer.hpp"

#include <sqlite3.h>

#include <filesystem>
#include <ostream>

#include "repository.hpp"
#include "retort/detail/pg.hpp"
#include "retort/detail/sqlite.hpp"

namespace retort {
namespace {

void print_bad_values(const TransferReport& report, std::ostream& out) {
  for (const BadValue& b : report.bad_values) {
    out << "retort: bad value in table '" << b.table << "', row " << b.key << ", column '"
        << b.column << "': " << b.value << " (" << b.reason << ")\n";
  }
}

void print_tables(const TransferReport& report, std::ostream& out) {
  for (const std::string& note : report.notes) out << "retort: note: " << note << "\n";
  for (const TransferredTable& t : report.tables) {
    out << "retort: " << (report.dry_run ? "" : "copied ") << t.name << ": " << t.rows << " rows";
    if (t.bad_rows > 0) out << ", " << t.bad_rows << " of them with values it cannot hold";
    if (report.dry_run) {
      out << ", checksum " << t.checksum << "\n";
      continue;
    }
    out << ", checksum " << t.checksum << " on both sides";
    for (const std::string& s : t.sequences) out << ", sequence of " << s << " set";
    if (t.proven_key) out << ", an insert without a key proven (it drew " << *t.proven_key << ")";
    out << "\n";
  }
}

std::string summary(const TransferReport& report) {
  return std::to_string(report.rows()) + " rows in " + std::to_string(report.tables.size()) +
         " tables at revision " + report.revision;
}

}  // namespace

void run_transfer(const TransferRequest& request, std::ostream& out,
                  const TransferProgressCallback& progress) {
  if (!detail::pg::is_connection_string(request.to)) {
    throw Error(
        "'--to' takes a PostgreSQL connection string (postgresql://... or host=... "
        "dbname=...), not '" +
        request.to + "'");
  }
  if (!std::filesystem::is_regular_file(request.from)) {
    throw Error("no SQLite database at '" + request.from + "'");
  }
  const std::vector<Revision> revisions = load_repository(request.dir).revisions;
  // Only this thread uses the connection: no mutex around each column read.
  const detail::Db from = detail::open_db(request.from, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX);
  const detail::pg::Conn to = detail::pg::connect(request.to);
  TransferOptions options;
  options.dry_run = request.dry_run;
  options.progress = progress;
  TransferReport report;
  try {
    report = transfer(from.get(), to.get(), revisions, options);
  } catch (const TransferError& e) {
    print_bad_values(e.report(), out);
    print_tables(e.report(), out);
    throw;
  }
  const std::string target = "'" + detail::pg::printable(request.to) + "'";
  if (report.creates_schema && !report.dry_run) {
    out << "retort: created the schema of revision " << report.revision
        << " from the postgresql sections\n";
  }
  print_bad_values(report, out);
  print_tables(report, out);
  if (report.dry_run) {
    out << "retort: dry run: '" << request.from << "' to " << target << ": " << summary(report)
        << (report.creates_schema ? "; the empty target would get its schema first" : "")
        << "; nothing was written\n";
    if (!report.bad_values.empty()) {
      throw Error(std::to_string(report.bad_values.size()) + " values in " +
                  std::to_string(report.bad_rows()) +
                  " rows cannot be held by their PostgreSQL columns (listed above): correct them "
                  "in the SQLite database and transfer again");
    }
    return;
  }
  out << "retort: transferred " << summary(report) << " from '" << request.from << "' to " << target
      << " (check " << report.check_time.count() << " ms, copy " << report.copy_time.count()
      << " ms, verify " << report.verify_time.count() << " ms)\n";
}

}  // namespace retort
