// The PostgreSQL dialect's class, shared by its two files: postgresql_dialect.cpp writes
// tables, indexes and objects; pg_table_alteration.cpp alters a table in place.
#ifndef RETORT_TOOL_POSTGRESQL_DIALECT_HPP
#define RETORT_TOOL_POSTGRESQL_DIALECT_HPP

#include <string>
#include <vector>

#include "emit.hpp"
#include "pg_phases.hpp"

namespace retort {

bool integer_type(const std::string& type);

// A single integer primary key is an identity column, so that an insert without the key works
// as on SQLite.
bool identity(const Table& t, const Column& c);

// SQLite's spellings of a default, as PostgreSQL writes them: a boolean's 0 and 1 are FALSE
// and TRUE, a blob literal x'00ff' is the bytea '\x00ff'.
std::string default_of(const Column& c);

class TableAlteration;

class PostgresqlDialect final : public Dialect {
  friend class TableAlteration;

 public:
  std::string quote(const std::string& identifier) const override;
  std::string create_table(const Table& t) const override;
  std::string create_index(const std::string& table, const Index& i) const override;
  std::string create_index(const std::string& table, const Index& i, bool concurrently) const;
  std::string create_object(const SqlObject& o) const override;
  std::string render(const Change& change) const override;
  std::string render_all(const std::vector<Change>& changes) const override;

 private:
  std::string index_key(const std::string& key) const;
  std::string column_list(const std::vector<std::string>& columns) const;
  std::string type_of(const Column& c) const;
  std::string column_definition(const Table& t, const Column& c, const std::string& names) const;
  std::string foreign_key(const ForeignKey& fk) const;
  std::string primary_key(const Table& t, const std::string& names) const;
  std::string unique(const UniqueConstraint& u) const;
  std::string check(const Check& c) const;
  std::string create_table_only(const Table& t) const;
  std::string render_one(const CreateTable& c) const;
  std::string render_one(const DropTable& c) const;
  std::string render_one(const RenameTable& c) const;
  std::string render_one(const AddColumn& c) const;
  std::string render_one(const DropColumn& c) const;
  std::string render_one(const RenameColumn& c) const;
  std::string render_one(const CreateIndex& c) const;
  std::string render_one(const DropIndex& c) const;
  std::string render_one(const CreateObject& c) const;
  std::string render_one(const DropObject& c) const;
  std::string render_one(const RebuildTable& c) const;
  void alter_table(const RebuildTable& c, bool existing, PgPhases& phases) const;
};

}  // namespace retort

#endif  // RETORT_TOOL_POSTGRESQL_DIALECT_HPP
