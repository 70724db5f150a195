// setval() after the copy, and the insert that proves it.
#include "transfer_sequences.hpp"

#include <libpq-fe.h>

#include <algorithm>

#include "retort/detail/pg.hpp"
#include "retort/error.hpp"

namespace retort::detail::transfer {
namespace {

SequenceState read_state(PGconn* conn, const std::string& sequence) {
  const pg::Result r = pg::exec(conn, "SELECT last_value, is_called FROM " + sequence);
  return {sequence, pg::value(r.get(), 0, 0), pg::value(r.get(), 0, 1) == "t"};
}

void set_state(PGconn* conn, const SequenceState& s) {
  pg::exec(conn, "SELECT setval($1, $2, $3)", {s.name, s.last_value, s.is_called ? "t" : "f"});
}

}  // namespace

std::vector<SequenceState> read_sequences(PGconn* conn, const Plan& plan) {
  std::vector<SequenceState> out;
  for (const TablePlan& t : plan.tables) {
    for (const Sequence& s : t.sequences) out.push_back(read_state(conn, s.name));
  }
  return out;
}

std::string restore_sequences(PGconn* conn, const std::vector<SequenceState>& states) {
  try {
    for (const SequenceState& s : states) set_state(conn, s);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

std::vector<std::string> set_sequences(PGconn* conn, const TablePlan& table) {
  std::vector<std::string> out;
  for (const Sequence& s : table.sequences) {
    const std::optional<std::string> counter =
        table.autoincrement > 0 ? std::optional(std::to_string(table.autoincrement)) : std::nullopt;
    const pg::Result r =
        pg::exec(conn,
                 "SELECT setval($1, x.m) FROM (SELECT GREATEST(max(" + quoted(s.column) +
                     ")::bigint, $2::bigint) AS m FROM " + quoted(table.name) +
                     ") x JOIN pg_sequence q ON q.seqrelid = $1::regclass WHERE x.m >= q.seqmin",
                 {s.name, counter});
    if (PQntuples(r.get()) > 0) out.push_back(s.column + " " + s.name);
  }
  return out;
}

std::optional<std::int64_t> prove_insert(PGconn* conn, const TablePlan& table, std::int64_t rows) {
  if (table.sequences.empty() || rows == 0) return std::nullopt;
  const Sequence& s = table.sequences.front();
  std::string others;
  for (const TargetColumn& c : table.columns) {
    const bool drawn = std::any_of(table.sequences.begin(), table.sequences.end(),
                                   [&c](const Sequence& q) { return q.column == c.name; });
    if (!drawn) others += (others.empty() ? "" : ", ") + quoted(c.name);
  }
  const std::string insert =
      "INSERT INTO " + quoted(table.name) +
      (others.empty() ? " DEFAULT VALUES"
                      : " (" + others + ") SELECT " + others + " FROM " + quoted(table.name) +
                            " ORDER BY " + quoted(s.column) + " DESC LIMIT 1") +
      " ON CONFLICT DO NOTHING RETURNING " + quoted(s.column);
  const SequenceState before = read_state(conn, s.name);
  pg::exec(conn, "SAVEPOINT retort_transfer_proof");
  std::int64_t key = 0;
  bool taken = false;
  try {
    const pg::Result r = pg::exec(conn, insert);
    if (PQntuples(r.get()) == 1) {
      key = std::stoll(pg::value(r.get(), 0, 0));
    } else {
      const pg::Result drawn =
          pg::exec(conn,
                   "SELECT currval($1), EXISTS (SELECT 1 FROM " + quoted(table.name) + " WHERE " +
                       quoted(s.column) + " = currval($1))",
                   {s.name});
      key = std::stoll(pg::value(drawn.get(), 0, 0));
      taken = pg::value(drawn.get(), 0, 1) == "t";
    }
  } catch (const pg::Failure& f) {
    pg::exec(conn, "ROLLBACK TO SAVEPOINT retort_transfer_proof");
    throw Error("an insert into '" + table.name +
                "' without its key fails after the copy: " + f.what());
  }
  pg::exec(conn, "ROLLBACK TO SAVEPOINT retort_transfer_proof");
  pg::exec(conn, "RELEASE SAVEPOINT retort_transfer_proof");
  set_state(conn, before);
  if (taken) {
    throw Error("an insert into '" + table.name + "' without its key would take " + s.column + " " +
                std::to_string(key) + ", which a copied row holds: the sequence '" + s.name +
                "' is behind the copied keys");
  }
  return key;
}

}  // namespace retort::detail::transfer
