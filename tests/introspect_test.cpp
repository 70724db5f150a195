// Introspection of live SQLite schemas.
#include "introspect.hpp"

#include <gtest/gtest.h>

namespace retort {
namespace {

TEST(IntrospectTest, CheckExpressionsSkipQuotesAndNestedParentheses) {
  EXPECT_EQ(
      check_expressions("CREATE TABLE \"t\" (\"check\" TEXT CHECK ( length(\"check\")\n  > 0 ),"
                        " b TEXT DEFAULT 'CHECK (x)', CONSTRAINT \"c\" check((b) IN ('a)', 'b')))"),
      (std::vector<std::string>{"length(\"check\") > 0", "(b) IN ('a)', 'b')"}));
}

}  // namespace
}  // namespace retort
