// Application-defined SQL functions: calls found in SQL, stand-ins, and the functions a revision
// or an adopted schema needs, as SQLite itself reports them missing.
#include "functions.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <optional>
#include <set>

#include "emit.hpp"
#include "objects.hpp"
#include "retort/detail/sql_lexer.hpp"
#include "retort/detail/sqlite.hpp"
#include "retort/error.hpp"

namespace retort {
namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool is(const std::string& sql, const SqlToken& t, char c) {
  return t.kind == SqlToken::Kind::kOther && sql[t.offset] == c;
}

// The number of arguments of the call whose `(` is tokens[open]: its top-level commas plus one,
// 0 for `()`.
int arguments_at(const std::string& sql, const std::vector<SqlToken>& tokens, std::size_t open) {
  int depth = 0;
  int commas = 0;
  bool any = false;
  for (std::size_t i = open; i < tokens.size(); ++i) {
    if (is(sql, tokens[i], '(')) ++depth;
    if (is(sql, tokens[i], ')') && --depth == 0) break;
    if (i > open) any = true;
    if (depth == 1 && is(sql, tokens[i], ',')) ++commas;
  }
  return any ? commas + 1 : 0;
}

// Every SQL text of `schema` a function can be called in.
std::vector<std::string> texts_of(const Schema& schema) {
  std::vector<std::string> out;
  for (const Table& t : schema.tables) {
    for (const Column& c : t.columns) {
      for (const auto* text : {&c.default_sql, &c.check, &c.generated}) {
        if (*text) out.push_back(**text);
      }
    }
    for (const Check& c : t.checks) out.push_back(c.expression);
    for (const Index& i : t.indexes) {
      out.insert(out.end(), i.columns.begin(), i.columns.end());
      if (i.where) out.push_back(*i.where);
    }
  }
  for (const SqlObject& o : schema.objects) out.push_back(o.sql);
  return out;
}

// The number of arguments the calls of `name` in `texts` pass: -1 when they differ or none is
// found.
int nargs_called(const std::vector<std::string>& texts, const std::string& name) {
  std::optional<int> nargs;
  for (const std::string& text : texts) {
    for (const SqlCall& call : calls_in(text)) {
      if (lower(call.name) != lower(name)) continue;
      if (nargs && *nargs != call.nargs) return -1;
      nargs = call.nargs;
    }
  }
  return nargs.value_or(-1);
}

std::optional<std::string> missing_in(const std::string& error) {
  return error.empty() ? std::nullopt : detail::missing_function(error);
}

// The first function SQLite misses while `schema` is created on `db` and its views, triggers and
// defaults are prepared; std::nullopt when none is missing.
std::optional<std::string> first_missing(sqlite3* db, const Schema& schema) {
  const auto dialect = make_sqlite_dialect();
  for (const Table& t : schema.tables) {
    Table bare = t;
    bare.indexes.clear();
    if (auto m = missing_in(detail::try_exec(db, dialect->create_table(bare)))) return m;
    for (const Index& i : t.indexes) {
      if (auto m = missing_in(detail::try_exec(db, dialect->create_index(t.name, i)))) return m;
    }
  }
  for (const SqlObject& o : schema.objects) {
    if (auto m = missing_in(detail::try_exec(db, dialect->create_object(o)))) return m;
  }
  for (const Table& t : schema.tables) {
    for (const std::string& sql : firing_statements(db, t.name)) {
      if (auto m = missing_in(prepare_error(db, sql))) return m;
    }
  }
  for (const SqlObject& o : schema.objects) {
    if (o.kind != SqlObject::Kind::kView) continue;
    if (auto m = missing_in(prepare_error(db, "SELECT * FROM " + dialect->quote(o.name)))) {
      return m;
    }
  }
  return std::nullopt;
}

}  // namespace

std::vector<SqlCall> calls_in(const std::string& sql) {
  std::vector<SqlToken> tokens;
  for (const SqlToken& t : lex_sql(sql)) {
    if (!t.blank()) tokens.push_back(t);
  }
  // After these, a name before `(` is a table's or a module's, not a function's.
  static const std::set<std::string> kNotCalls = {"INTO",       "TABLE", "ON",
                                                  "REFERENCES", "USING", "VIEW"};
  std::vector<SqlCall> out;
  for (std::size_t i = 0; i + 1 < tokens.size(); ++i) {
    const SqlToken& t = tokens[i];
    const bool name = t.kind == SqlToken::Kind::kWord || t.kind == SqlToken::Kind::kName;
    if (!name || !is(sql, tokens[i + 1], '(')) continue;
    const std::string word = identifier_of(sql, t);
    if (t.kind == SqlToken::Kind::kWord &&
        sqlite3_keyword_check(word.data(), static_cast<int>(word.size()))) {
      continue;
    }
    if (i > 0 &&
        (is(sql, tokens[i - 1], '.') ||
         (tokens[i - 1].kind == SqlToken::Kind::kWord &&
          kNotCalls.count(to_upper(sql.substr(tokens[i - 1].offset, tokens[i - 1].length)))))) {
      continue;
    }
    out.push_back({word, arguments_at(sql, tokens, i + 1), t.offset});
  }
  return out;
}

bool sqlite_defines(const std::string& name) {
  static const std::set<std::string> kDefined = [] {
    std::set<std::string> names;
    const detail::Db db = detail::open_memory();
    detail::query_rows(db.get(), "SELECT DISTINCT lower(name) FROM pragma_function_list",
                       [&names](const std::vector<std::string>& row) { names.insert(row[0]); });
    return names;
  }();
  return kDefined.count(lower(name)) > 0;
}

const SqlFunction* find_function(const std::vector<SqlFunction>& functions,
                                 const std::string& name) {
  const auto it = std::find_if(functions.begin(), functions.end(), [&name](const SqlFunction& f) {
    return lower(f.name) == lower(name);
  });
  return it == functions.end() ? nullptr : &*it;
}

std::vector<SqlFunction> declared_functions(const std::vector<Annotation>& declarations,
                                            std::vector<Diagnostic>& diagnostics) {
  std::vector<SqlFunction> out;
  const auto error = [&diagnostics](const SourceLoc& loc, std::string message) {
    diagnostics.push_back({Severity::kError, loc, std::move(message)});
  };
  for (const Annotation& a : declarations) {
    if (a.key != "sql_function") {
      error(a.loc, "annotation 'retort:" + a.key + "' can only mark a class or a data member");
      continue;
    }
    if (a.args.size() != 2) {
      error(a.loc,
            "RETORT_SQL_FUNCTION takes 2 arguments: the function's name and its number "
            "of arguments");
      continue;
    }
    const std::string& name = a.args[0];
    const bool word = !name.empty() && !std::isdigit(static_cast<unsigned char>(name[0])) &&
                      std::all_of(name.begin(), name.end(), [](char c) {
                        return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
                      });
    if (!word) {
      error(a.loc,
            "RETORT_SQL_FUNCTION needs the function's name, one word of letters, digits "
            "and '_', not '" +
                name + "'");
      continue;
    }
    char* end = nullptr;
    const long nargs = std::strtol(a.args[1].c_str(), &end, 10);
    if (a.args[1].empty() || *end != '\0' || nargs < -1 || nargs > 127) {
      error(a.loc, "RETORT_SQL_FUNCTION(\"" + name +
                       "\", ...) takes the number of arguments, a whole number from 0 to 127 "
                       "(-1: any number), not '" +
                       a.args[1] + "'");
      continue;
    }
    if (sqlite_defines(name)) {
      error(a.loc, "'" + name +
                       "' is a function SQLite defines itself; RETORT_SQL_FUNCTION "
                       "declares the application's own");
      continue;
    }
    if (const SqlFunction* seen = find_function(out, name)) {
      if (seen->nargs != nargs) {
        error(a.loc, "SQL function '" + name + "' is declared here with " + a.args[1] + " and at " +
                         seen->loc.file + ":" + std::to_string(seen->loc.line) + " with " +
                         std::to_string(seen->nargs) + " arguments");
      }
      continue;
    }
    out.push_back({name, static_cast<int>(nargs), a.loc});
  }
  std::sort(out.begin(), out.end(),
            [](const SqlFunction& x, const SqlFunction& y) { return x.name < y.name; });
  return out;
}

std::vector<Diagnostic> undeclared_calls(const std::vector<AnnotatedSql>& expressions,
                                         const std::vector<SqlFunction>& declared) {
  std::vector<Diagnostic> out;
  for (const AnnotatedSql& e : expressions) {
    for (const SqlCall& call : calls_in(e.sql)) {
      if (sqlite_defines(call.name) || find_function(declared, call.name)) continue;
      out.push_back({Severity::kError, e.loc, undeclared_function(e.macro, call)});
    }
  }
  return out;
}

std::vector<detail::AppFunction> app_functions(const std::vector<SqlFunction>& functions) {
  std::vector<detail::AppFunction> out;
  for (const SqlFunction& f : functions) out.push_back({f.name, f.nargs});
  return out;
}

void register_stand_ins(sqlite3* db, const std::vector<SqlFunction>& functions) {
  detail::register_stand_ins(db, app_functions(functions));
}

std::string undeclared_function(const std::string& what, const SqlCall& call) {
  return what + " calls '" + call.name +
         "', which SQLite does not define: declare it in a models header with "
         "RETORT_SQL_FUNCTION(\"" +
         call.name + "\", " + std::to_string(call.nargs) +
         "); and register it in the application with sqlite3_create_function()";
}

std::vector<SqlFunction> functions_needed(sqlite3* db, const std::vector<SqlFunction>& declared,
                                          const std::vector<SqlFunction>& defined,
                                          const std::function<void()>& action) {
  std::vector<SqlFunction> absent;
  for (const SqlFunction& f : declared) {
    if (!find_function(defined, f.name)) absent.push_back(f);
  }
  detail::remove_functions(db, app_functions(absent));
  std::vector<SqlFunction> needed;
  for (;;) {
    try {
      action();
      break;
    } catch (const MigrationError& e) {
      const std::optional<std::string> name = detail::missing_function(e.sqlite_message());
      const SqlFunction* f = name ? find_function(absent, *name) : nullptr;
      if (!f || find_function(needed, f->name)) {
        register_stand_ins(db, absent);
        throw;
      }
      needed.push_back(*f);
      register_stand_ins(db, {*f});
    }
  }
  register_stand_ins(db, absent);
  return needed;
}

Revision with_function_markers(const Revision& revision, const std::vector<SqlFunction>& up,
                               const std::vector<SqlFunction>& down) {
  if (up.empty() && down.empty()) return revision;
  const auto markers = [](const std::vector<SqlFunction>& functions) {
    std::string out;
    for (const SqlFunction& f : functions) {
      out += detail::function_marker({f.name, f.nargs}) + "\n";
    }
    return out;
  };
  Revision r = revision;
  r.up_sql = markers(up) + r.up_sql;
  r.down_sql = markers(down) + r.down_sql;
  return parse_revision(render_revision(r), r.file_name);
}

std::string without_proof_markers(const std::string& text) {
  constexpr std::string_view kMarkers[] = {"-- +retort function:", "-- +retort lock:"};
  std::string out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    end = end == std::string::npos ? text.size() : end + 1;
    const std::size_t first = text.find_first_not_of(" \t", pos);
    const bool marker = first < end && std::any_of(std::begin(kMarkers), std::end(kMarkers),
                                                   [&](std::string_view m) {
                                                     return text.compare(first, m.size(), m) == 0;
                                                   });
    if (!marker) {
      out.append(text, pos, end - pos);
    }
    pos = end;
  }
  return out;
}

std::vector<SqlFunction> functions_called(const Schema& schema) {
  const std::vector<std::string> texts = texts_of(schema);
  // Most schemas call only SQLite's own functions: then SQLite is not asked (creating the schema
  // and preparing its statements costs about a third of adopting 1,000 tables).
  const bool any = std::any_of(texts.begin(), texts.end(), [](const std::string& text) {
    const std::vector<SqlCall> calls = calls_in(text);
    return std::any_of(calls.begin(), calls.end(),
                       [](const SqlCall& call) { return !sqlite_defines(call.name); });
  });
  if (!any) return {};
  std::vector<SqlFunction> found;
  for (;;) {
    const detail::Db db = detail::open_memory();
    register_stand_ins(db.get(), found);
    const std::optional<std::string> missing = first_missing(db.get(), schema);
    if (!missing || find_function(found, *missing)) break;
    found.push_back({*missing, nargs_called(texts, *missing)});
  }
  std::sort(found.begin(), found.end(),
            [](const SqlFunction& a, const SqlFunction& b) { return a.name < b.name; });
  return found;
}

}  // namespace retort
