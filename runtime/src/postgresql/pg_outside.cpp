// Statements outside a transaction on PostgreSQL: the index they make or drop decides whether
// one ran; a failed build's INVALID index is dropped before the next and after its own failure.
#include "pg_outside.hpp"

#include <libpq-fe.h>

#include <algorithm>
#include <cctype>

#include "retort/detail/pg.hpp"
#include "retort/detail/sql_lexer.hpp"

namespace retort::detail::pg {
namespace {

constexpr const char* kDuplicateTable = "42P07";

std::string folded(const std::string& sql, const SqlToken& token) {
  std::string name = identifier_of(sql, token);
  if (token.kind == SqlToken::Kind::kWord) {
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  }
  return name;
}

// The index's state: absent, valid or INVALID.
enum class IndexState { kAbsent, kValid, kInvalid };

IndexState index_state(PGconn* conn, const std::string& index) {
  const Result r = exec(conn,
                        "SELECT i.indisvalid FROM pg_class c JOIN pg_index i ON i.indexrelid = "
                        "c.oid WHERE c.relname = $1 AND c.relnamespace = "
                        "current_schema()::regnamespace",
                        {index});
  if (PQntuples(r.get()) == 0) return IndexState::kAbsent;
  return value(r.get(), 0, 0) == "t" ? IndexState::kValid : IndexState::kInvalid;
}

// Drops the index when a failed build left it INVALID.
void drop_if_invalid(PGconn* conn, const std::string& index) {
  if (index_state(conn, index) == IndexState::kInvalid) {
    exec(conn, "DROP INDEX CONCURRENTLY IF EXISTS " + identifier(index));
  }
}

// The session's settings for a statement outside a transaction, put back when it goes.
class SessionSettings {
 public:
  SessionSettings(PGconn* conn, std::chrono::milliseconds lock_timeout) : conn_(conn) {
    const Result old = exec(conn,
                            "SELECT current_setting('lock_timeout'), "
                            "current_setting('client_connection_check_interval'), "
                            "current_setting('client_min_messages')");
    for (int i = 0; i < 3; ++i) old_[i] = value(old.get(), 0, i);
    set(std::to_string(lock_timeout.count()) + "ms", "1s", "warning");
  }
  ~SessionSettings() {
    try {
      set(old_[0], old_[1], old_[2]);
    } catch (const Error&) {  // the connection is gone: so are its settings
    }
  }

 private:
  void set(const std::string& lock_timeout, const std::string& check, const std::string& messages) {
    exec(conn_,
         "SELECT set_config('lock_timeout', $1, false), "
         "set_config('client_connection_check_interval', $2, false), "
         "set_config('client_min_messages', $3, false)",
         {lock_timeout, check, messages});
  }

  PGconn* conn_;
  std::string old_[3];
};

}  // namespace

IndexStatement index_statement(const std::string& statement) {
  std::vector<SqlToken> tokens;
  for (const SqlToken& t : lex_sql(statement)) {
    if (!t.blank()) tokens.push_back(t);
  }
  std::vector<std::string> words;
  for (const SqlToken& t : tokens) {
    std::string w = statement.substr(t.offset, t.length);
    std::transform(w.begin(), w.end(), w.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    words.push_back(t.kind == SqlToken::Kind::kWord ? w : "");
  }
  const auto at = [&words](std::size_t i) { return i < words.size() ? words[i] : std::string(); };
  std::size_t i = 0;
  IndexStatement out;
  if (at(0) == "CREATE") {
    i = at(1) == "UNIQUE" ? 2 : 1;
    if (at(i) != "INDEX" || at(i + 1) != "CONCURRENTLY") return {};
    i += 2;
    if (at(i) == "IF" && at(i + 1) == "NOT" && at(i + 2) == "EXISTS") i += 3;
    out.kind = IndexStatement::Kind::kCreate;
  } else if (at(0) == "DROP" && at(1) == "INDEX" && at(2) == "CONCURRENTLY") {
    i = at(3) == "IF" && at(4) == "EXISTS" ? 5 : 3;
    out.kind = IndexStatement::Kind::kDrop;
  } else {
    return {};
  }
  // An index name without a schema, else nothing can be said of it.
  if (i >= tokens.size() || at(i) == "ON" ||
      (i + 1 < tokens.size() && statement[tokens[i + 1].offset] == '.')) {
    return {};
  }
  out.index = folded(statement, tokens[i]);
  return out;
}

OutsideState outside_state(PGconn* conn, const std::string& statement) {
  const IndexStatement s = index_statement(statement);
  if (s.kind == IndexStatement::Kind::kOther) return OutsideState::kUnknown;
  const IndexState state = index_state(conn, s.index);
  if (s.kind == IndexStatement::Kind::kCreate) {
    return state == IndexState::kValid ? OutsideState::kDone : OutsideState::kNotDone;
  }
  return state == IndexState::kAbsent ? OutsideState::kDone : OutsideState::kNotDone;
}

void run_outside(PGconn* conn, const std::string& statement,
                 std::chrono::milliseconds lock_timeout) {
  const IndexStatement s = index_statement(statement);
  const SessionSettings settings(conn, lock_timeout);
  const bool creates = s.kind == IndexStatement::Kind::kCreate;
  if (creates) drop_if_invalid(conn, s.index);
  try {
    exec(conn, statement);
  } catch (const Failure& f) {
    // Built meanwhile (by hand, say): done when it is a valid index.
    if (creates && f.sqlstate() == kDuplicateTable &&
        index_state(conn, s.index) == IndexState::kValid) {
      return;
    }
    if (creates) {
      try {
        drop_if_invalid(conn, s.index);
      } catch (const Error&) {  // the next start-up drops it
      }
    }
    throw;
  }
}

bool through_pooler(PGconn* conn) {
  const Result r = exec(conn, "SELECT pg_backend_pid()");
  return value(r.get(), 0, 0) != std::to_string(PQbackendPID(conn));
}

}  // namespace retort::detail::pg
