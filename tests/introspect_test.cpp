// Introspection of live SQLite schemas.
#include "retort/detail/introspect.hpp"

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace retort {
namespace {

TEST(IntrospectTest, CheckExpressionsSkipQuotesAndNestedParentheses) {
  EXPECT_EQ(
      check_expressions("CREATE TABLE \"t\" (\"check\" TEXT CHECK ( length(\"check\")\n  > 0 ),"
                        " b TEXT DEFAULT 'CHECK (x)', CONSTRAINT \"c\" check((b) IN ('a)', 'b')))"),
      (std::vector<std::string>{"length(\"check\") > 0", "(b) IN ('a)', 'b')"}));
}

TEST(IntrospectTest, GeneratedColumnsAreReadFromTheTableText) {
  EXPECT_EQ(generated_expressions(
                "CREATE TABLE t (a TEXT, \"b c\" INTEGER GENERATED ALWAYS AS (length(a) + (1)) "
                "VIRTUAL, d TEXT AS (upper(a))  stored, CHECK (a AS (x)))"),
            (std::map<std::string, std::string>{{"B C", "LENGTH(A) + (1) VIRTUAL"},
                                                {"D", "UPPER(A) STORED"}}));
}

TEST(IntrospectTest, DeferredForeignKeysAreReadFromTheTableText) {
  EXPECT_EQ(deferred_columns(
                "CREATE TABLE \"b (x)\" (id INTEGER, a_id INTEGER, c_id INTEGER REFERENCES c (id) "
                "DEFERRABLE INITIALLY DEFERRED, \"d id\" INTEGER, CHECK (id > 0),\n"
                "  CONSTRAINT fk_b_a FOREIGN KEY (a_id) REFERENCES a (id) ON DELETE CASCADE\n"
                "    deferrable   initially deferred,\n"
                "  FOREIGN KEY (\"d id\") REFERENCES d (id))"),
            (std::set<std::string>{"A_ID", "C_ID"}));
  // Facts differ with the clause alone, so verification sees it.
  testing::Database deferred, immediate;
  immediate.exec(
      "CREATE TABLE a (id INTEGER PRIMARY KEY); CREATE TABLE b (a_id INTEGER "
      "REFERENCES a (id))");
  deferred.exec(
      "CREATE TABLE a (id INTEGER PRIMARY KEY); CREATE TABLE b (a_id INTEGER "
      "REFERENCES a (id) DEFERRABLE INITIALLY DEFERRED)");
  EXPECT_EQ(compare_schemas(introspect(immediate.get()), introspect(deferred.get())),
            (std::vector<std::string>{
                "table 'b': missing foreign key (a_id) references a (id) on update NO ACTION on "
                "delete NO ACTION",
                "table 'b': unexpected foreign key (a_id) references a (id) on update NO ACTION "
                "on delete NO ACTION deferrable initially deferred"}));
}

}  // namespace
}  // namespace retort
