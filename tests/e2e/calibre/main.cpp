// `app DB`: registers the SQL functions calibre's schema calls on the connection, then upgrades
// DB at start-up and says what it did. title_sort() is near enough calibre's (an index is built
// over it, so it is deterministic); the others only have to answer.
#include <sqlite3.h>

#include <cstdio>
#include <retort/runtime.hpp>
#include <string>

namespace {

void title_sort(sqlite3_context* context, int, sqlite3_value** argv) {
  const unsigned char* raw = sqlite3_value_text(argv[0]);
  if (!raw) return sqlite3_result_null(context);
  std::string title = reinterpret_cast<const char*>(raw);
  if (title.rfind("The ", 0) == 0) title = title.substr(4) + ", The";
  sqlite3_result_text(context, title.c_str(), -1, SQLITE_TRANSIENT);
}

void uuid4(sqlite3_context* context, int, sqlite3_value**) {
  unsigned char bytes[16];
  sqlite3_randomness(sizeof bytes, bytes);
  char text[33];
  for (int i = 0; i < 16; ++i) std::snprintf(text + 2 * i, 3, "%02x", bytes[i]);
  sqlite3_result_text(context, text, 32, SQLITE_TRANSIENT);
}

void last_argument(sqlite3_context* context, int argc, sqlite3_value** argv) {
  sqlite3_result_value(context, argv[argc - 1]);
}

void always(sqlite3_context* context, int, sqlite3_value**) { sqlite3_result_int(context, 1); }

bool define(sqlite3* db, const char* name, int nargs, bool deterministic,
            void (*function)(sqlite3_context*, int, sqlite3_value**)) {
  const int flags = SQLITE_UTF8 | (deterministic ? SQLITE_DETERMINISTIC : 0);
  return sqlite3_create_function_v2(db, name, nargs, flags, nullptr, function, nullptr, nullptr,
                                    nullptr) == SQLITE_OK;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  sqlite3* db = nullptr;
  if (sqlite3_open(argv[1], &db) != SQLITE_OK) return 1;
  const bool defined = define(db, "title_sort", 1, true, &title_sort) &&
                       define(db, "uuid4", 0, false, &uuid4) &&
                       define(db, "sortconcat", 2, true, &last_argument) &&
                       define(db, "concat", 1, true, &last_argument) &&
                       define(db, "books_list_filter", 1, true, &always);
  int status = defined ? 0 : 1;
  try {
    std::string adopted;
    const auto progress = [&adopted](const retort::Progress& p) {
      if (p.event == retort::Progress::Event::kFinished && p.adopted) adopted = p.revision;
    };
    for (const std::string& id : retort::upgrade(db, "head", progress)) {
      std::printf("%s %s\n", id == adopted ? "adopted" : "applied", id.c_str());
    }
  } catch (const retort::Error& e) {
    std::fprintf(stderr, "%s\n", e.what());
    status = 1;
  }
  sqlite3_close(db);
  return status;
}
