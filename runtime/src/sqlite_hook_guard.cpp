// The SQLite authorizer that keeps a hook to rows.
#include "sqlite_hook_guard.hpp"

#include <sqlite3.h>

#include <string>

namespace retort::detail {
namespace {

class HookGuard final : public Held {
 public:
  explicit HookGuard(sqlite3* db) : db_(db) {
    sqlite3_set_authorizer(db_, &HookGuard::check, this);
  }
  ~HookGuard() override { sqlite3_set_authorizer(db_, nullptr, nullptr); }
  std::string refused() const override { return refused_; }
  HookGuard(const HookGuard&) = delete;
  HookGuard& operator=(const HookGuard&) = delete;

 private:
  static int check(void* self, int action, const char* a, const char* b, const char*, const char*) {
    auto* me = static_cast<HookGuard*>(self);
    std::string why;
    switch (action) {
      case SQLITE_TRANSACTION:
        why = std::string("run ") + (a ? a : "BEGIN") +
              ": the revision's transaction belongs to the runtime";
        break;
      case SQLITE_PRAGMA:
        if (a && b &&
            (sqlite3_stricmp(a, "foreign_keys") == 0 ||
             sqlite3_stricmp(a, "writable_schema") == 0)) {
          why = std::string("set PRAGMA ") + a + ": the runtime sets it around the revision";
        }
        break;
      case SQLITE_CREATE_INDEX:
      case SQLITE_CREATE_TABLE:
      case SQLITE_CREATE_TRIGGER:
      case SQLITE_CREATE_VIEW:
      case SQLITE_CREATE_VTABLE:
      case SQLITE_DROP_INDEX:
      case SQLITE_DROP_TABLE:
      case SQLITE_DROP_TRIGGER:
      case SQLITE_DROP_VIEW:
      case SQLITE_DROP_VTABLE:
      case SQLITE_ALTER_TABLE:
        why = std::string("change the schema (") + (a ? a : "") +
              "): schema changes belong in the revision's SQL, where its snapshot sees them";
        break;
      default:
        break;
    }
    if (why.empty()) return SQLITE_OK;
    if (me->refused_.empty()) me->refused_ = "a hook may not " + why;
    return SQLITE_DENY;
  }

  sqlite3* db_;
  std::string refused_;
};

}  // namespace

std::unique_ptr<Held> guard_sqlite_hook(sqlite3* db) { return std::make_unique<HookGuard>(db); }

}  // namespace retort::detail
