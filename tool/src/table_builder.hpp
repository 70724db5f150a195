// What the files that build a Schema from models share: the Builder, the annotation rules it
// checks against, and the small text helpers of both.
#ifndef RETORT_TOOL_TABLE_BUILDER_HPP
#define RETORT_TOOL_TABLE_BUILDER_HPP

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "dialects.hpp"
#include "functions.hpp"
#include "model.hpp"
#include "schema_builder.hpp"

namespace retort {

enum class Place { kClass, kMember, kBoth };

struct KeyRule {
  Place place;
  std::size_t args;
  std::size_t max_args = 0;  ///< more than `args` allowed, up to this; 0: exactly `args`
};

/// Every annotation key with where it may stand and how many arguments it takes.
const std::map<std::string, KeyRule>& key_rules();

std::string trim(const std::string& s);
std::string macro_of(const std::string& key);
std::vector<std::string> split_columns(const std::string& list);
std::vector<std::string> split_keys(const std::string& list);
std::string sql_type_of(ValueKind kind);

// What one class's annotations say, with the annotation kept for its location.
using Found = std::multimap<std::string, const Annotation*>;

class Builder {
 public:
  explicit Builder(const std::vector<std::string>& dialects)
      : postgresql_(std::find(dialects.begin(), dialects.end(), kPostgresql) != dialects.end()),
        sqlite_(std::find(dialects.begin(), dialects.end(), kSqlite) != dialects.end()) {}

  SchemaBuild run(const std::vector<ModelClass>& models, const std::vector<Annotation>& functions);

 private:
  void error(const SourceLoc& loc, std::string message);

  // annotation_rules.cpp
  Found check_annotations(const std::vector<Annotation>& annotations, Place place);

  // table_builder.cpp: a model's annotations into its Table
  Table build_table(const ModelClass& m);
  void add_field(Table& t, const ModelField& f);
  void add_generated(const Table& t, Column& c, const Found& found, bool primary);
  void add_dialect_parts(Column& c, const ModelField& f, const Found& found);
  void add_foreign_key(Table& t, const Column& c, const Found& found);
  bool columns_exist(const Table& t, const std::vector<std::string>& columns, const SourceLoc& loc);
  void add_class_constraints(Table& t, const Found& found, const SourceLoc& class_loc);
  void add_index_on(Table& t, const Annotation& a);

  // schema_checks.cpp: the whole schema's checks, once every table is built
  void check_generated_columns();
  Table* mutable_table(const std::string& name);
  void check_sql_of_indexes();
  void check_index_names();
  void check_references(const Table& t);

  struct IndexToTry {
    std::string table;
    std::string index;
    SourceLoc loc;
  };

  struct GeneratedToTry {
    std::string table;
    std::string column;
    SourceLoc loc;
  };

  bool postgresql_;  ///< the repository has PostgreSQL: columns record its types
  bool sqlite_;      ///< the repository has SQLite: expressions are tried on it
  SchemaBuild out_;
  std::set<std::pair<std::string, std::string>> nullable_keys_;  // (table, column) RETORT_NULLABLE
  std::vector<IndexToTry> to_try_;
  std::vector<GeneratedToTry> generated_to_try_;
  std::vector<AnnotatedSql> expressions_;  ///< where functions may be called
};

}  // namespace retort

#endif  // RETORT_TOOL_TABLE_BUILDER_HPP
