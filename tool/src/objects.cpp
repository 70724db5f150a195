// Objects files: split into statements, each a CREATE of a view, trigger or virtual table,
// then tried on a scratch database so that a broken one fails the build at its line.
#include "objects.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include "emit.hpp"
#include "functions.hpp"
#include "retort/detail/sql_lexer.hpp"
#include "retort/detail/sqlite.hpp"

namespace retort {
namespace {

namespace fs = std::filesystem;

std::string upper(std::string s) { return to_upper(std::move(s)); }

// The place `offset` bytes into the text of an object that starts at `start`.
SourceLoc shifted(const SourceLoc& start, const std::string& text, std::size_t offset) {
  const auto [line, column] = line_and_column(text, offset);
  return {start.file, start.line + line - 1, line == 1 ? start.column + column - 1 : column};
}

// A statement's kind and name, or the reason it does not belong in an objects file.
struct Declared {
  std::optional<SqlObject> object;
  std::string error;
};

Declared declared(const std::string& text) {
  std::vector<SqlToken> tokens;
  for (const SqlToken& t : lex_sql(text)) {
    if (!t.blank()) tokens.push_back(t);
  }
  std::size_t i = 0;
  const auto word = [&](std::size_t at) {
    return at < tokens.size() && tokens[at].kind == SqlToken::Kind::kWord
               ? upper(text.substr(tokens[at].offset, tokens[at].length))
               : std::string();
  };
  const std::string only =
      "an objects file holds only CREATE VIEW, CREATE TRIGGER and CREATE VIRTUAL TABLE "
      "statements";
  std::string opening;  // the statement's first words, for the message
  for (std::size_t k = 0; k < 3 && k < tokens.size(); ++k) {
    opening += (opening.empty() ? "" : " ") + text.substr(tokens[k].offset, tokens[k].length);
  }
  if (word(i++) != "CREATE") return {std::nullopt, only + ", not '" + opening + " ...'"};
  if (word(i) == "TEMP" || word(i) == "TEMPORARY") {
    return {std::nullopt, "a TEMP object lives in one connection, not in the schema"};
  }
  SqlObject o;
  if (word(i) == "VIEW") {
    o.kind = SqlObject::Kind::kView;
  } else if (word(i) == "TRIGGER") {
    o.kind = SqlObject::Kind::kTrigger;
  } else if (word(i) == "VIRTUAL" && word(i + 1) == "TABLE") {
    o.kind = SqlObject::Kind::kVirtualTable;
    ++i;
  } else {
    return {std::nullopt, only + ", not '" + opening + " ...'"};
  }
  ++i;
  if (word(i) == "IF" && word(i + 1) == "NOT" && word(i + 2) == "EXISTS") i += 3;
  const auto name_at = [&](std::size_t at) {
    return at < tokens.size() &&
           (tokens[at].kind == SqlToken::Kind::kWord || tokens[at].kind == SqlToken::Kind::kName);
  };
  if (!name_at(i)) return {std::nullopt, "expected the " + kind_name(o.kind) + "'s name"};
  o.name = identifier_of(text, tokens[i]);
  if (i + 2 < tokens.size() && text[tokens[i + 1].offset] == '.' && name_at(i + 2)) {
    if (upper(o.name) != "MAIN") {
      return {std::nullopt, "'" + o.name + "' is another database's schema; objects live in main"};
    }
    o.name = identifier_of(text, tokens[i + 2]);
  }
  o.sql = text;
  return {std::move(o), ""};
}

// A view or trigger that does not run: a function SQLite does not define and the models do
// not declare is named at its call, with what to declare.
Diagnostic not_running(const SqlObject& o, const std::string& error) {
  const std::string what = kind_name(o.kind) + " '" + o.name + "'";
  if (const std::optional<std::string> name = detail::missing_function(error)) {
    for (const SqlCall& call : calls_in(o.sql)) {
      if (to_upper(call.name) == to_upper(*name)) {
        return {Severity::kError, shifted(o.loc, o.sql, call.offset),
                undeclared_function(what, call)};
      }
    }
  }
  return {Severity::kError, o.loc, what + " does not run: " + error};
}

}  // namespace

std::string prepare_error(sqlite3* db, const std::string& sql) {
  std::string error;
  detail::try_prepare(db, sql, error);
  return error;
}

std::vector<std::string> firing_statements(sqlite3* db, const std::string& table) {
  std::string sets;
  detail::query_rows(
      db,
      "SELECT name FROM pragma_table_xinfo(" + detail::sql_literal(table) + ") WHERE hidden = 0",
      [&](const std::vector<std::string>& row) {
        sets += (sets.empty() ? "" : ", ") + detail::quote_identifier(row[0]) + " = " +
                detail::quote_identifier(row[0]);
      });
  return {"INSERT INTO " + detail::quote_identifier(table) + " DEFAULT VALUES",
          "UPDATE " + detail::quote_identifier(table) + " SET " + sets,
          "DELETE FROM " + detail::quote_identifier(table)};
}

ObjectsRead read_objects(const std::vector<std::string>& files) {
  ObjectsRead out;
  std::map<std::string, SourceLoc> seen;  // lower-case name → first declaration
  for (const std::string& file : files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      out.diagnostics.push_back({Severity::kError, {file, 0, 0}, "cannot read objects file"});
      continue;
    }
    out.dependencies.push_back(fs::absolute(file).string());
    std::stringstream buffer;
    buffer << in.rdbuf();
    const std::string text = buffer.str();
    for (const SqlStatement& s : split_statements(text)) {
      const auto [line, column] = line_and_column(text, s.offset);
      const SourceLoc loc{file, line, column};
      Declared d = declared(s.text);
      if (!d.object) {
        out.diagnostics.push_back({Severity::kError, loc, d.error});
        continue;
      }
      d.object->loc = loc;
      std::string key = d.object->name;
      for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (const auto it = seen.find(key); it != seen.end()) {
        out.diagnostics.push_back({Severity::kError, loc,
                                   "'" + d.object->name + "' is already declared at " +
                                       it->second.file + ":" + std::to_string(it->second.line)});
        continue;
      }
      seen.emplace(key, loc);
      out.objects.push_back(std::move(*d.object));
    }
  }
  return out;
}

std::vector<Diagnostic> check_objects(const Schema& schema) {
  std::vector<Diagnostic> out;
  if (schema.objects.empty()) return out;
  const detail::Db db = detail::open_memory();
  register_stand_ins(db.get(), schema.functions);
  Schema tables = schema;
  tables.objects.clear();
  if (!detail::try_exec(db.get(), render_schema(*make_sqlite_dialect(), tables)).empty()) {
    return out;  // the models' own errors are reported where they are
  }
  for (const SqlObject& o : schema.objects) {
    if (const Table* t = schema.find_table(o.name)) {
      const SourceLoc& model = t->origin.loc;
      out.push_back(
          {Severity::kError, o.loc,
           "'" + o.name + "' is already a table of the models" +
               (model.file.empty() ? ""
                                   : " (" + model.file + ":" + std::to_string(model.line) + ")")});
      continue;
    }
    // A trigger's table is known only once it exists; probe every table and view the
    // statement could be on, before and after.
    std::map<std::string, std::string> before;  // statement → its error without the trigger
    if (o.kind == SqlObject::Kind::kTrigger) {
      for (const std::string& name : o.depends_on) {
        for (const std::string& sql : firing_statements(db.get(), name)) {
          before[sql] = prepare_error(db.get(), sql);
        }
      }
    }
    // With its `;`, so that SQLite points at the end of a statement cut short.
    if (const std::string failed = detail::try_exec(db.get(), o.sql + ";"); !failed.empty()) {
      const int offset = sqlite3_error_offset(db.get());
      out.push_back({Severity::kError,
                     offset >= 0 ? shifted(o.loc, o.sql, static_cast<std::size_t>(offset)) : o.loc,
                     kind_name(o.kind) + " '" + o.name + "': " + failed});
      continue;
    }
    std::string error;
    if (o.kind == SqlObject::Kind::kView) {
      error = prepare_error(db.get(), "SELECT * FROM " + detail::quote_identifier(o.name));
    }
    for (const auto& [sql, was] : before) {
      const std::string now = prepare_error(db.get(), sql);
      if (error.empty() && !now.empty() && now != was) error = now;
    }
    if (!error.empty()) out.push_back(not_running(o, error));
  }
  return out;
}

}  // namespace retort
