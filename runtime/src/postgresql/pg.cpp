// Small helpers over libpq: connections, statements, results, quoting.
#include "retort/detail/pg.hpp"

#include <libpq-fe.h>

#include <cctype>
#include <optional>

namespace retort::detail::pg {
namespace {

// The server's message, with its DETAIL and HINT when it has them.
std::string failure_message(const PGresult* result, PGconn* conn) {
  if (!result) return PQerrorMessage(conn);
  std::string message = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY)
                            ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY)
                            : PQresultErrorMessage(result);
  for (const auto& [field, label] : {std::pair{PG_DIAG_MESSAGE_DETAIL, "; detail: "},
                                     std::pair{PG_DIAG_MESSAGE_HINT, "; hint: "}}) {
    if (const char* text = PQresultErrorField(result, field)) message += label + std::string(text);
  }
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
    message.pop_back();
  }
  return message;
}

Result checked(PGconn* conn, PGresult* raw) {
  Result result(raw);
  const ExecStatusType status = raw ? PQresultStatus(raw) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY) {
    return result;
  }
  const char* state = raw ? PQresultErrorField(raw, PG_DIAG_SQLSTATE) : nullptr;
  throw Failure(failure_message(raw, conn), state ? state : "");
}

// PostgreSQL 15's keywords that are reserved, or reserved as function or type names, or that
// need care as column names (the SQL key words appendix, categories R, T and C): quoted.
constexpr std::string_view kKeywords[] = {"all",
                                          "analyse",
                                          "analyze",
                                          "and",
                                          "any",
                                          "array",
                                          "as",
                                          "asc",
                                          "asymmetric",
                                          "authorization",
                                          "between",
                                          "bigint",
                                          "binary",
                                          "bit",
                                          "boolean",
                                          "both",
                                          "case",
                                          "cast",
                                          "char",
                                          "character",
                                          "check",
                                          "coalesce",
                                          "collate",
                                          "collation",
                                          "column",
                                          "concurrently",
                                          "constraint",
                                          "create",
                                          "cross",
                                          "current_catalog",
                                          "current_date",
                                          "current_role",
                                          "current_schema",
                                          "current_time",
                                          "current_timestamp",
                                          "current_user",
                                          "dec",
                                          "decimal",
                                          "default",
                                          "deferrable",
                                          "desc",
                                          "distinct",
                                          "do",
                                          "else",
                                          "end",
                                          "except",
                                          "exists",
                                          "extract",
                                          "false",
                                          "fetch",
                                          "float",
                                          "for",
                                          "foreign",
                                          "freeze",
                                          "from",
                                          "full",
                                          "grant",
                                          "greatest",
                                          "group",
                                          "grouping",
                                          "having",
                                          "ilike",
                                          "in",
                                          "initially",
                                          "inner",
                                          "inout",
                                          "int",
                                          "integer",
                                          "intersect",
                                          "interval",
                                          "into",
                                          "is",
                                          "isnull",
                                          "join",
                                          "lateral",
                                          "leading",
                                          "least",
                                          "left",
                                          "like",
                                          "limit",
                                          "localtime",
                                          "localtimestamp",
                                          "national",
                                          "natural",
                                          "nchar",
                                          "none",
                                          "normalize",
                                          "not",
                                          "notnull",
                                          "null",
                                          "nullif",
                                          "numeric",
                                          "offset",
                                          "on",
                                          "only",
                                          "or",
                                          "order",
                                          "out",
                                          "outer",
                                          "overlaps",
                                          "overlay",
                                          "placing",
                                          "position",
                                          "precision",
                                          "primary",
                                          "real",
                                          "references",
                                          "returning",
                                          "right",
                                          "row",
                                          "select",
                                          "session_user",
                                          "setof",
                                          "similar",
                                          "smallint",
                                          "some",
                                          "substring",
                                          "symmetric",
                                          "system_user",
                                          "table",
                                          "tablesample",
                                          "then",
                                          "time",
                                          "timestamp",
                                          "to",
                                          "trailing",
                                          "treat",
                                          "trim",
                                          "true",
                                          "union",
                                          "unique",
                                          "user",
                                          "using",
                                          "values",
                                          "varchar",
                                          "variadic",
                                          "verbose",
                                          "when",
                                          "where",
                                          "window",
                                          "with"};

bool plain_identifier(std::string_view name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
  for (std::string_view k : kKeywords) {
    if (k == name) return false;
  }
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

}  // namespace

void ConnCloser::operator()(PGconn* conn) const { PQfinish(conn); }
void ResultClearer::operator()(PGresult* result) const { PQclear(result); }

bool is_connection_string(std::string_view text) {
  if (text.rfind("postgresql://", 0) == 0 || text.rfind("postgres://", 0) == 0) return true;
  const std::size_t equals = text.find('=');
  if (equals == std::string_view::npos || equals == 0) return false;
  // `key=value`: a libpq keyword before the first '='.
  for (char c : text.substr(0, equals)) {
    if (!(std::isalpha(static_cast<unsigned char>(c)) || c == '_')) return false;
  }
  return true;
}

std::string printable(const std::string& conninfo) {
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), nullptr);
  if (!options) return conninfo;
  std::string out;
  for (PQconninfoOption* o = options; o->keyword; ++o) {
    if (!o->val || std::string_view(o->keyword) == "password") continue;
    out += (out.empty() ? "" : " ") + std::string(o->keyword) + "=" + o->val;
  }
  PQconninfoFree(options);
  return out;
}

Conn connect(const std::string& conninfo) {
  Conn conn(PQconnectdb(conninfo.c_str()));
  if (!conn || PQstatus(conn.get()) != CONNECTION_OK) {
    std::string message = conn ? PQerrorMessage(conn.get()) : "out of memory";
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
      message.pop_back();
    }
    throw Error("cannot connect to PostgreSQL at '" + printable(conninfo) + "': " + message);
  }
  // Notices (CREATE TABLE IF NOT EXISTS's "already exists, skipping") stay off stderr.
  PQsetNoticeProcessor(
      conn.get(), [](void*, const char*) {}, nullptr);
  return conn;
}

Result exec(PGconn* conn, const std::string& sql) {
  return checked(conn, PQexec(conn, sql.c_str()));
}

std::vector<Result> exec_each(PGconn* conn, const std::string& sql) {
  if (!PQsendQuery(conn, sql.c_str())) checked(conn, nullptr);  // throws libpq's message
  std::vector<Result> out;
  std::optional<Failure> failed;
  while (PGresult* raw = PQgetResult(conn)) {  // every result is read, so the next query can go
    if (failed) {
      PQclear(raw);
      continue;
    }
    try {
      out.push_back(checked(conn, raw));
    } catch (const Failure& f) {
      failed = f;
    }
  }
  if (failed) throw *failed;
  return out;
}

Result exec(PGconn* conn, const std::string& sql,
            const std::vector<std::optional<std::string>>& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  return checked(conn, PQexecParams(conn, sql.c_str(), static_cast<int>(values.size()), nullptr,
                                    values.data(), nullptr, nullptr, 0));
}

std::string try_exec(PGconn* conn, const std::string& sql) {
  try {
    exec(conn, sql);
    return "";
  } catch (const Failure& f) {
    return f.what();
  }
}

std::string value(const PGresult* result, int row, int column) {
  if (PQgetisnull(result, row, column)) return "";
  return PQgetvalue(result, row, column);
}

namespace {

void each_row(const PGresult* result,
              const std::function<void(const std::vector<std::string>&)>& row) {
  const int rows = PQntuples(result);
  const int columns = PQnfields(result);
  std::vector<std::string> values(columns);
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < columns; ++c) {
      values[c] = PQgetisnull(result, r, c) ? "NULL" : PQgetvalue(result, r, c);
    }
    row(values);
  }
}

}  // namespace

void query_rows(PGconn* conn, const std::string& sql,
                const std::function<void(const std::vector<std::string>&)>& row) {
  each_row(exec(conn, sql).get(), row);
}

void query_rows(PGconn* conn, const std::string& sql,
                const std::vector<std::optional<std::string>>& params,
                const std::function<void(const std::vector<std::string>&)>& row) {
  each_row(exec(conn, sql, params).get(), row);
}

std::string literal(std::string_view text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

std::string identifier(std::string_view name) {
  if (plain_identifier(name)) return std::string(name);
  std::string out = "\"";
  for (char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

bool in_transaction(PGconn* conn) {
  const PGTransactionStatusType status = PQtransactionStatus(conn);
  return status == PQTRANS_INTRANS || status == PQTRANS_INERROR;
}

}  // namespace retort::detail::pg
