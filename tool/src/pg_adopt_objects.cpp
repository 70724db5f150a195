// An adopted PostgreSQL database's views, functions, triggers and extensions, as
// POSTGRESQL_OBJECTS statements; what cannot be declared of them named.
#include "pg_adopt.hpp"
#include "retort/detail/pg.hpp"
#include "retort/revision.hpp"

namespace retort {
namespace {

using detail::pg::identifier;
using detail::pg::query_rows;
using Row = std::vector<std::string>;

// Objects are identified by name (docs/objects.md): a name two of them share (pagila's five
// triggers `last_updated`, and its function) cannot be declared.
void check_object_names(PGconn* conn, std::vector<std::string>& problems) {
  query_rows(
      conn,
      "SELECT name, string_agg(what, ', ' ORDER BY what) FROM ("
      "SELECT c.relname, 'view' FROM pg_class c WHERE c.relnamespace = "
      "current_schema()::regnamespace AND c.relkind IN ('v', 'm') UNION ALL "
      "SELECT p.proname, 'function ' || p.oid::regprocedure FROM pg_proc p WHERE p.pronamespace = "
      "current_schema()::regnamespace AND p.prokind IN ('f', 'p') AND NOT EXISTS (SELECT 1 FROM "
      "pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = "
      "'e') UNION ALL "
      "SELECT t.tgname, 'trigger on ' || c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = "
      "t.tgrelid WHERE NOT t.tgisinternal AND c.relnamespace = current_schema()::regnamespace"
      ") o(name, what) GROUP BY name HAVING count(*) > 1 ORDER BY name",
      [&](const Row& r) {
        problems.push_back("'" + r[0] + "' names " + r[1] +
                           ": Retort identifies views, functions and triggers by name, so each "
                           "needs its own (ALTER TRIGGER ... RENAME TO, ALTER FUNCTION ... "
                           "RENAME TO)");
      });
}

// The database's objects as POSTGRESQL_OBJECTS statements, as PostgreSQL prints them.
}  // namespace

void read_postgresql_objects(PGconn* conn, Schema& s, std::vector<std::string>& problems) {
  check_object_names(conn, problems);
  for (const auto& [name, object] : detail::pg::introspect_objects(conn)) {
    SqlObject o;
    o.name = name;
    o.dialect = kPostgresql;
    std::string text = object.second;
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ' || text.back() == ';')) {
      text.pop_back();
    }
    if (object.first == "view" || object.first == "materialized view") {
      const bool view = object.first == "view";
      o.kind = view ? SqlObject::Kind::kView : SqlObject::Kind::kMaterializedView;
      o.sql = std::string(view ? "CREATE VIEW " : "CREATE MATERIALIZED VIEW ") + identifier(name) +
              " AS\n" + text;
    } else if (object.first == "function") {
      o.kind = SqlObject::Kind::kFunction;
      o.sql = text;
    } else if (object.first == "trigger") {
      o.kind = SqlObject::Kind::kTrigger;
      o.sql = text;
    } else {
      o.kind = SqlObject::Kind::kExtension;
      o.sql = "CREATE EXTENSION IF NOT EXISTS " + identifier(name);
    }
    s.objects.push_back(std::move(o));
  }
  query_rows(conn,
             "SELECT q.relname FROM pg_class q WHERE q.relkind = 'S' AND q.relnamespace = "
             "current_schema()::regnamespace AND NOT EXISTS (SELECT 1 FROM pg_depend o WHERE "
             "o.objid = q.oid AND o.deptype IN ('a', 'i')) ORDER BY 1",
             [&](const Row& r) {
               problems.push_back("sequence '" + r[0] +
                                  "': a sequence no serial or identity column owns cannot be "
                                  "declared (POSTGRESQL_OBJECTS holds no sequences)");
             });
}

}  // namespace retort
