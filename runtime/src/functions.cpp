// Application-defined SQL functions: section markers, stand-ins, and what a connection defines.
#include "retort/detail/functions.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cstdlib>

#include "retort/detail/sqlite.hpp"
#include "retort/error.hpp"

namespace retort::detail {
namespace {

constexpr std::string_view kMarker = "-- +retort function:";

std::string_view trim(std::string_view s) {
  const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && blank(s.back())) s.remove_suffix(1);
  return s;
}

// A stand-in's body: the value is never looked at, only that SQLite can call it.
void return_null(sqlite3_context* context, int, sqlite3_value**) { sqlite3_result_null(context); }

}  // namespace

std::string describe(const AppFunction& function) {
  const std::string arguments = function.nargs < 0    ? "any number of arguments"
                                : function.nargs == 0 ? "no arguments"
                                : function.nargs == 1
                                    ? "1 argument"
                                    : std::to_string(function.nargs) + " arguments";
  return "'" + function.name + "' (" + arguments + ")";
}

std::string function_marker(const AppFunction& function) {
  return std::string(kMarker) + " " + function.name + "/" + std::to_string(function.nargs);
}

std::optional<AppFunction> parse_function_marker(std::string_view value) {
  value = trim(value);
  const std::size_t slash = value.rfind('/');
  if (slash == std::string_view::npos || slash == 0) return std::nullopt;
  const std::string digits(trim(value.substr(slash + 1)));
  char* end = nullptr;
  const long nargs = std::strtol(digits.c_str(), &end, 10);
  if (digits.empty() || *end != '\0' || nargs < -1 || nargs > 127) return std::nullopt;
  AppFunction f{std::string(trim(value.substr(0, slash))), static_cast<int>(nargs)};
  const bool word = !f.name.empty() && std::all_of(f.name.begin(), f.name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '$' || static_cast<unsigned char>(c) >= 0x80;
  });
  if (!word) return std::nullopt;
  return f;
}

std::vector<AppFunction> section_functions(std::string_view sql) {
  std::vector<AppFunction> out;
  std::size_t pos = 0;
  while (pos < sql.size()) {
    std::size_t end = sql.find('\n', pos);
    if (end == std::string_view::npos) end = sql.size();
    const std::string_view line = trim(sql.substr(pos, end - pos));
    pos = end + 1;
    if (line.substr(0, kMarker.size()) != kMarker) continue;
    const std::optional<AppFunction> f = parse_function_marker(line.substr(kMarker.size()));
    if (f && std::find(out.begin(), out.end(), *f) == out.end()) out.push_back(*f);
  }
  return out;
}

std::optional<std::string> missing_function(std::string_view message) {
  for (const std::string_view prefix : {"no such function: ", "unknown function: "}) {
    const std::size_t at = message.find(prefix);
    if (at == std::string_view::npos) continue;
    std::string_view name = message.substr(at + prefix.size());
    name = name.substr(0, name.find_first_of("( \n"));
    if (!name.empty()) return std::string(name);
  }
  return std::nullopt;
}

void register_stand_ins(sqlite3* db, const std::vector<AppFunction>& functions) {
  for (const AppFunction& f : functions) {
    if (sqlite3_create_function_v2(db, f.name.c_str(), f.nargs, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
                                   nullptr, &return_null, nullptr, nullptr, nullptr) != SQLITE_OK) {
      throw Error("cannot define a stand-in for the SQL function " + describe(f) + ": " +
                  sqlite3_errmsg(db));
    }
  }
}

void remove_functions(sqlite3* db, const std::vector<AppFunction>& functions) {
  for (const AppFunction& f : functions) {
    sqlite3_create_function_v2(db, f.name.c_str(), f.nargs, SQLITE_UTF8, nullptr, nullptr, nullptr,
                               nullptr, nullptr);
  }
}

bool defines_function(sqlite3* db, const AppFunction& function) {
  const Statement s = prepare(
      db,
      "SELECT 1 FROM pragma_function_list WHERE lower(name) = lower(?1) AND (?2 = -1 OR narg = ?2 "
      "OR narg = -1)");
  bind_text(s.get(), 1, function.name);
  sqlite3_bind_int(s.get(), 2, function.nargs);
  return sqlite3_step(s.get()) == SQLITE_ROW;
}

void expect_functions_defined(sqlite3* db, const std::string& revision, std::string_view section) {
  for (const AppFunction& f : section_functions(section)) {
    if (defines_function(db, f)) continue;
    throw Error("revision " + revision + " needs the SQL function " + describe(f) +
                ", which this connection does not define: register it with "
                "sqlite3_create_function() before upgrading (the retort CLI defines none: "
                "apply this revision with the application); nothing was changed");
  }
}

}  // namespace retort::detail
