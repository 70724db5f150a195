// The start-up fingerprint kept in PRAGMA user_version.
#include "fingerprint.hpp"

#include <sqlite3.h>

#include <string_view>

#include "retort/detail/fnv1a.hpp"
#include "retort/detail/sqlite.hpp"
#include "retort/error.hpp"

namespace retort::detail {
namespace {

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

}  // namespace

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

std::int32_t user_version(sqlite3* db) {
  std::string error;
  const Statement statement = try_prepare(db, "PRAGMA user_version", error);
  if (!statement) throw Error("cannot read the database header: " + error);
  if (sqlite3_step(statement.get()) != SQLITE_ROW) {
    throw Error(std::string("cannot read the database header: ") + sqlite3_errmsg(db));
  }
  return sqlite3_column_int(statement.get(), 0);
}

bool owns_user_version(sqlite3* db, const std::vector<AppliedRow>& applied) {
  const std::int32_t value = user_version(db);
  return value == 0 || value == fingerprint_of(applied);
}

std::string set_user_version(std::int32_t value) {
  return "PRAGMA user_version = " + std::to_string(value);
}

}  // namespace retort::detail
