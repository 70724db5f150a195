// PostgreSQL's objects files: statements split as psql splits them, each a CREATE of a view,
// materialized view, function, trigger or extension. They are tried on a real server by the
// proof, as part of the schema.
#include "pg_objects.hpp"

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include "retort/detail/pg.hpp"
#include "retort/detail/sql_lexer.hpp"
#include "retort/detail/sql_text.hpp"
#include "retort/revision.hpp"

namespace retort {
namespace {

namespace fs = std::filesystem;

struct Declared {
  std::optional<SqlObject> object;
  std::string error;
};

Declared declared(const std::string& text) {
  std::vector<SqlToken> tokens;
  for (const SqlToken& t : lex_sql(text)) {
    if (!t.blank()) tokens.push_back(t);
    if (tokens.size() > 12) break;  // the head of the statement is all that is read
  }
  const auto word = [&](std::size_t at) {
    return at < tokens.size() && tokens[at].kind == SqlToken::Kind::kWord
               ? to_upper(text.substr(tokens[at].offset, tokens[at].length))
               : std::string();
  };
  const std::string only =
      "a PostgreSQL objects file holds only CREATE VIEW, CREATE MATERIALIZED VIEW, CREATE "
      "FUNCTION, CREATE TRIGGER and CREATE EXTENSION statements";
  std::size_t i = 0;
  if (word(i++) != "CREATE") return {std::nullopt, only};
  if (word(i) == "OR" && word(i + 1) == "REPLACE") i += 2;
  if (word(i) == "TEMP" || word(i) == "TEMPORARY") {
    return {std::nullopt, "a TEMP object lives in one session, not in the schema"};
  }
  SqlObject o;
  o.dialect = kPostgresql;
  const std::string what = word(i);
  if (what == "VIEW") {
    o.kind = SqlObject::Kind::kView;
  } else if (what == "MATERIALIZED" && word(i + 1) == "VIEW") {
    o.kind = SqlObject::Kind::kMaterializedView;
    ++i;
  } else if (what == "FUNCTION" || what == "PROCEDURE") {
    o.kind = SqlObject::Kind::kFunction;
  } else if (what == "TRIGGER" || (what == "CONSTRAINT" && word(i + 1) == "TRIGGER")) {
    o.kind = SqlObject::Kind::kTrigger;
    if (what == "CONSTRAINT") ++i;
  } else if (what == "EXTENSION") {
    o.kind = SqlObject::Kind::kExtension;
  } else {
    return {std::nullopt, only};
  }
  ++i;
  if (word(i) == "IF" && word(i + 1) == "NOT" && word(i + 2) == "EXISTS") i += 3;
  if (i >= tokens.size() ||
      (tokens[i].kind != SqlToken::Kind::kWord && tokens[i].kind != SqlToken::Kind::kName)) {
    return {std::nullopt, "expected the " + kind_name(o.kind) + "'s name"};
  }
  o.name = identifier_of(text, tokens[i]);
  if (o.kind != SqlObject::Kind::kExtension && i + 1 < tokens.size() &&
      text[tokens[i + 1].offset] == '.') {
    return {std::nullopt, "'" + o.name +
                              "' names a schema: objects live in the application's schema "
                              "(its search_path); leave the schema out"};
  }
  o.sql = text;
  return {std::move(o), ""};
}

}  // namespace

ObjectsRead read_postgresql_objects(const std::vector<std::string>& files) {
  ObjectsRead out;
  std::map<std::string, SourceLoc> seen;
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
    for (const detail::pg::StatementText& s : detail::pg::split_statements_at(text)) {
      // The statement from its first token, past the comments before it.
      std::size_t start = 0;
      for (const SqlToken& t : lex_sql(s.text)) {
        if (!t.blank()) {
          start = t.offset;
          break;
        }
      }
      const auto [line, column] = line_and_column(text, s.offset + start);
      const SourceLoc loc{file, line, column};
      Declared d = declared(s.text.substr(start));
      if (!d.object) {
        out.diagnostics.push_back({Severity::kError, loc, d.error});
        continue;
      }
      d.object->loc = loc;
      const std::string key = to_upper(d.object->name);
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

}  // namespace retort
