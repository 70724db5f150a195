// Fuzzes the revision-target parser (head, base, ids, prefixes, -N, +N) through upgrade() and
// downgrade() on an in-memory database with three revisions: any target either moves the
// database to a consistent revision or throws retort::Error and leaves it where it was.
#include <sqlite3.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "retort/revision.hpp"
#include "retort/runtime.hpp"

namespace {

const std::vector<retort::Revision>& revisions() {
  static const std::vector<retort::Revision> all = [] {
    std::vector<retort::Revision> out;
    const char* ids[] = {"0001", "0002", "0013"};
    std::string parent;
    for (const char* id : ids) {
      retort::Revision r;
      r.id = id;
      r.parent = parent;
      r.file_name = std::string(id) + "_x.sql";
      r.up_sql = "CREATE TABLE t" + r.id + " (x);";
      r.down_sql = "DROP TABLE t" + r.id + ";";
      out.push_back(retort::parse_revision(retort::render_revision(r), r.file_name));
      parent = id;
    }
    return out;
  }();
  return all;
}

int table_count(sqlite3* db) {
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_schema WHERE name GLOB 't0*'", -1, &s,
                     nullptr);
  sqlite3_step(s);
  const int n = sqlite3_column_int(s, 0);
  sqlite3_finalize(s);
  return n;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const bool down = data[0] & 1;
  const std::string target(reinterpret_cast<const char*>(data) + 1, size - 1);
  sqlite3* db = nullptr;
  sqlite3_open(":memory:", &db);
  retort::upgrade(db, revisions(), "0002");
  try {
    if (down) {
      retort::downgrade(db, revisions(), target);
    } else {
      retort::upgrade(db, revisions(), target);
    }
  } catch (const retort::Error&) {
    if (table_count(db) != 2) std::abort();  // a refused target changes nothing
  }
  const std::optional<std::string> at = retort::current(db);
  const int expected = !at ? 0 : *at == "0001" ? 1 : *at == "0002" ? 2 : 3;
  if (table_count(db) != expected) std::abort();  // schema and record agree
  sqlite3_close(db);
  return 0;
}
