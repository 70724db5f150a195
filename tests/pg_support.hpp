// Test helpers for PostgreSQL: the fixture's server (RETORT_POSTGRESQL_URL, set by CTest) and a
// fresh database per test, dropped with the object.
#ifndef RETORT_TESTS_PG_SUPPORT_HPP
#define RETORT_TESTS_PG_SUPPORT_HPP

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <string>
#include <vector>

#include "retort/detail/pg.hpp"
#include "retort/revision.hpp"
#include "revision_support.hpp"

namespace retort::testing {

/// A revision with PostgreSQL sections alone, as read from its file.
inline Revision pg_revision(const std::string& id, const std::string& parent, const std::string& up,
                            const std::string& down, bool draft = false) {
  Revision r = revision_head(id, parent, draft);
  r.dialects.push_back({kPostgresql, up, down, false});
  r.has_sqlite = false;
  return as_read(r);
}

/// The server the tests' CTest fixture started: a libpq connection string without dbname.
inline std::string postgresql_server() {
  const char* url = std::getenv("RETORT_POSTGRESQL_URL");
  return url ? url : "";
}

/// A database created for one test on the fixture's server, dropped when the object goes.
class PgDatabase {
 public:
  PgDatabase() {
    static std::atomic<int> counter{0};
    const ::testing::TestInfo* test = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string base = test ? std::string(test->name()) : "db";
    for (char& c : base) c = std::isalnum(static_cast<unsigned char>(c)) ? std::tolower(c) : '_';
    name_ = "rt_" + base.substr(0, 30) + "_" + std::to_string(::getpid()) + "_" +
            std::to_string(counter++);
    const detail::pg::Conn admin = detail::pg::connect(postgresql_server() + " dbname=postgres");
    detail::pg::exec(admin.get(), "DROP DATABASE IF EXISTS " + name_);
    detail::pg::exec(admin.get(),
                     "CREATE DATABASE " + name_ + " TEMPLATE template0 STRATEGY FILE_COPY");
  }
  ~PgDatabase() {
    try {
      const detail::pg::Conn admin = detail::pg::connect(postgresql_server() + " dbname=postgres");
      detail::pg::exec(admin.get(), "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
    } catch (...) {
    }
  }
  PgDatabase(const PgDatabase&) = delete;
  PgDatabase& operator=(const PgDatabase&) = delete;

  const std::string& name() const { return name_; }
  std::string url() const { return postgresql_server() + " dbname=" + name_; }
  detail::pg::Conn connect() const { return detail::pg::connect(url()); }

  /// Every row of `sql` on a new connection, columns joined by '|'.
  std::vector<std::string> rows(const std::string& sql) const {
    const detail::pg::Conn c = connect();
    std::vector<std::string> out;
    detail::pg::query_rows(c.get(), sql, [&out](const std::vector<std::string>& r) {
      std::string row;
      for (std::size_t i = 0; i < r.size(); ++i) row += (i ? "|" : "") + r[i];
      out.push_back(row);
    });
    return out;
  }

  /// The tables of the public schema, sorted.
  std::vector<std::string> tables() const {
    return rows("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename");
  }

 private:
  std::string name_;
};

}  // namespace retort::testing

#endif  // RETORT_TESTS_PG_SUPPORT_HPP
