// ALTER TABLE ... DROP CONSTRAINT / ADD CONSTRAINT around the copy.
#include "transfer_keys.hpp"

#include <set>

#include "retort/detail/pg.hpp"
#include "retort/error.hpp"

namespace retort::detail::transfer {

std::vector<ForeignKeyDefinition> set_aside_foreign_keys(PGconn* conn, const Plan& plan) {
  std::set<std::string> tables;
  for (const TablePlan& t : plan.tables) tables.insert(t.name);
  std::vector<ForeignKeyDefinition> keys;
  pg::query_rows(conn,
                 "SELECT c.relname, con.conname, pg_get_constraintdef(con.oid) FROM pg_constraint "
                 "con JOIN pg_class c ON c.oid = con.conrelid WHERE con.contype = 'f' AND "
                 "c.relnamespace = current_schema()::regnamespace ORDER BY 1, 2",
                 [&](const std::vector<std::string>& r) {
                   if (tables.count(r[0])) keys.push_back({r[0], r[1], r[2]});
                 });
  for (const ForeignKeyDefinition& k : keys) {
    pg::exec(conn, "ALTER TABLE " + quoted(k.table) + " DROP CONSTRAINT " + quoted(k.name));
  }
  return keys;
}

void restore_foreign_keys(PGconn* conn, const std::vector<ForeignKeyDefinition>& keys) {
  for (const ForeignKeyDefinition& k : keys) {
    try {
      pg::exec(conn, "ALTER TABLE " + quoted(k.table) + " ADD CONSTRAINT " + quoted(k.name) + " " +
                         k.definition);
    } catch (const pg::Failure& f) {
      throw Error("foreign key '" + k.name + "' of table '" + k.table +
                  "' does not hold for the copied rows: " + f.what());
    }
  }
}

}  // namespace retort::detail::transfer
