// The session a timed-out statement waited for: granted locks of other sessions on the
// relations the statement names, read from pg_locks and pg_stat_activity.
#include "pg_locks.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include "retort/detail/pg.hpp"
#include "retort/detail/sql_lexer.hpp"

namespace retort::detail::pg {
namespace {

// Every name in `statement` that could be a relation's, as PostgreSQL folds it, as an array
// literal.
std::string names_in(const std::string& statement) {
  std::set<std::string> names;
  for (const SqlToken& t : lex_sql(statement)) {
    if (t.kind != SqlToken::Kind::kWord && t.kind != SqlToken::Kind::kName) continue;
    std::string name = identifier_of(statement, t);
    if (t.kind == SqlToken::Kind::kWord) {
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    }
    names.insert(name);
  }
  std::string out;
  for (const std::string& n : names) {
    std::string quoted;
    for (char c : n) quoted += c == '"' || c == '\\' ? std::string("\\") + c : std::string(1, c);
    out += (out.empty() ? "" : ",") + ("\"" + quoted + "\"");
  }
  return "{" + out + "}";
}

// "session PID (STATE for N s: QUERY)" of a row of pid, state, seconds, query.
std::string session(const std::vector<std::string>& r) {
  return "session " + r[0] + " (" + r[1] + " for " + r[2] + " s: " + r[3] + ")";
}

}  // namespace

std::string lock_holder(PGconn* conn, const std::string& statement) {
  std::string who;
  try {
    query_rows(conn,
               "SELECT a.pid, a.state, round(extract(epoch FROM now() - "
               "coalesce(a.xact_start, a.query_start))::numeric, 1), left(a.query, 120), l.mode, "
               "c.relname FROM pg_locks l JOIN pg_class c ON c.oid = l.relation JOIN "
               "pg_stat_activity a ON a.pid = l.pid WHERE l.granted AND l.pid <> "
               "pg_backend_pid() AND c.relnamespace = current_schema()::regnamespace AND "
               "c.relname = ANY($1::text[]) ORDER BY a.xact_start NULLS LAST, a.pid LIMIT 1",
               {names_in(statement)}, [&who](const std::vector<std::string>& r) {
                 who = session(r) + " holds " + r[4] + " on " + identifier(r[5]);
               });
    if (!who.empty()) return who;
    query_rows(conn,
               "SELECT pid, state, round(extract(epoch FROM now() - xact_start)::numeric, 1), "
               "left(query, 120) FROM pg_stat_activity WHERE datname = current_database() AND "
               "pid <> pg_backend_pid() AND xact_start IS NOT NULL ORDER BY xact_start LIMIT 1",
               [&who](const std::vector<std::string>& r) {
                 who = "the oldest open transaction is " + session(r);
               });
  } catch (const Error&) {  // nothing more to say
  }
  return who;
}

}  // namespace retort::detail::pg
