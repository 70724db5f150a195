// The schema's snapshot read back: what it refuses is a retort::Error, the one exception tree.
#include "schema.hpp"

#include <gtest/gtest.h>

#include "retort/error.hpp"
#include "schema_support.hpp"
#include "test_support.hpp"

namespace retort {
namespace {

// The message of the Error that `read` throws; fails the test when it throws none, or another
// exception.
template <typename Read>
std::string error_of(Read read) {
  try {
    read();
  } catch (const Error& e) {
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "not a retort::Error: " << e.what();
    return "";
  }
  ADD_FAILURE() << "nothing thrown";
  return "";
}

TEST(SchemaTest, AMalformedSnapshotIsAnError) {
  const std::string message = error_of([] { schema_from_json("{\"name\": \"users\", \n"); });
  EXPECT_TRUE(testing::contains(message, "malformed schema snapshot: ")) << message;
}

TEST(SchemaTest, AnUnknownKindOfObjectIsAnErrorNamingIt) {
  const std::string message = error_of(
      [] { schema_from_json("{\"object\": \"sequence\", \"name\": \"s\", \"sql\": \"\"}\n"); });
  EXPECT_TRUE(testing::contains(message, "unknown kind of object 'sequence'")) << message;
}

TEST(SchemaTest, ASnapshotReadsBackAsTheSchemaItWasWrittenFrom) {
  Schema schema;
  Table t;
  t.name = "notes";
  t.columns = {testing::col("id", "INTEGER"), testing::col("text", "TEXT", false)};
  t.primary_key = {"id"};
  schema.tables = {t};
  SqlObject view;
  view.name = "v";
  view.sql = "CREATE VIEW v AS SELECT id FROM notes";
  schema.objects = {view};
  link_objects(schema);
  EXPECT_EQ(schema_from_json(schema_to_json(schema)), schema);
}

}  // namespace
}  // namespace retort
