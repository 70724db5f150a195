// Through PgBouncer in transaction mode (Debian's pgbouncer, started by the test on a Unix
// socket in the build tree, as an unprivileged user when the test runs as root): revisions that
// run in one transaction each apply; one holding a statement outside a transaction is refused
// within 5 s, saying why, with nothing changed; nothing hangs.
#include <gtest/gtest.h>
#include <pwd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "child_process.hpp"
#include "pg_support.hpp"
#include "retort/detail/pg.hpp"
#include "retort/postgresql.hpp"
#include "test_support.hpp"

namespace retort {
namespace {

namespace fs = std::filesystem;
using testing::ChildProcess;
using testing::PgDatabase;

constexpr const char* kPgbouncer = "/usr/sbin/pgbouncer";
constexpr int kPort = 6432;

// `key`'s value in a libpq key=value string; "" without it.
std::string setting(const std::string& conninfo, const std::string& key) {
  const std::size_t at = (" " + conninfo).find(" " + key + "=");
  if (at == std::string::npos) return "";
  const std::size_t from = at + key.size() + 1;
  return conninfo.substr(from, conninfo.find(' ', from) - from);
}

// PgBouncer in transaction mode in front of the suite's server, for as long as it lives.
class Pgbouncer {
 public:
  Pgbouncer() : dir_(fs::current_path() / ("pgbouncer_" + std::to_string(::getpid()))) {
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    const std::string server = testing::postgresql_server();
    testing::write_text(dir_ / "pgbouncer.ini",
                        "[databases]\n* = host=" + setting(server, "host") + " port=" +
                            setting(server, "port") + " user=" + setting(server, "user") +
                            "\n[pgbouncer]\nlisten_addr =\nlisten_port = " + std::to_string(kPort) +
                            "\nunix_socket_dir = " + dir_.string() +
                            "\nauth_type = any\npool_mode = transaction\nlogfile = " +
                            (dir_ / "pgbouncer.log").string() + "\n");
    uid_t uid = 0;
    gid_t gid = 0;
    if (geteuid() == 0) {  // PgBouncer does not run as root
      const passwd* pw = getpwnam("postgres");
      if (!pw) pw = getpwnam("nobody");
      uid = pw->pw_uid;
      gid = pw->pw_gid;
      fs::permissions(dir_, fs::perms::all);
    }
    process_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{kPgbouncer, "-q", (dir_ / "pgbouncer.ini").string()},
        std::vector<std::string>{}, [uid, gid] {
          if (uid != 0 && (setgid(gid) != 0 || setuid(uid) != 0)) _exit(126);
        });
  }
  ~Pgbouncer() {
    process_->terminate();
    fs::remove_all(dir_);
  }
  /// A connection string for database `name` through it.
  std::string url(const std::string& name) const {
    return "host=" + dir_.string() + " port=" + std::to_string(kPort) +
           " user=" + setting(testing::postgresql_server(), "user") + " dbname=" + name;
  }
  /// A connection through it, once it listens.
  detail::pg::Conn connect(const std::string& name) const {
    for (int i = 0;; ++i) {
      try {
        return detail::pg::connect(url(name));
      } catch (const Error&) {
        if (i == 500) throw;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
    }
  }

 private:
  fs::path dir_;
  std::unique_ptr<ChildProcess> process_;
};

using testing::pg_revision;

TEST(PostgresqlPoolerTest, TransactionModeAppliesWholeRevisionsAndRefusesPhasesWithinFiveSeconds) {
  if (!fs::exists(kPgbouncer)) GTEST_SKIP() << "no pgbouncer (Debian: apt-get install pgbouncer)";
  PgDatabase db;
  const Pgbouncer pooler;
  const std::vector<Revision> plain = {
      pg_revision("0001", "", "CREATE TABLE t (id BIGINT PRIMARY KEY, x INTEGER);",
                  "DROP TABLE t;"),
      pg_revision("0002", "0001", "ALTER TABLE t ADD COLUMN y INTEGER;",
                  "ALTER TABLE t DROP COLUMN y;")};
  const detail::pg::Conn conn = pooler.connect(db.name());
  EXPECT_EQ(upgrade(conn.get(), plain), (std::vector<std::string>{"0001", "0002"}));
  EXPECT_EQ(current(conn.get()), "0002");
  std::vector<Revision> phased = plain;
  phased.push_back(pg_revision("0003", "0002",
                               "-- +retort no-transaction\nCREATE INDEX CONCURRENTLY ix_t_x ON t "
                               "(x);",
                               "-- +retort no-transaction\nDROP INDEX CONCURRENTLY ix_t_x;"));
  const auto started = std::chrono::steady_clock::now();
  std::string error;
  try {
    upgrade(conn.get(), phased);
  } catch (const Error& e) {
    error = e.what();
  }
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
  EXPECT_NE(error.find("through a pooler"), std::string::npos) << error;
  EXPECT_NE(error.find("nothing was changed"), std::string::npos) << error;
  EXPECT_EQ(db.rows("SELECT to_regclass('ix_t_x') IS NULL"), std::vector<std::string>{"t"});
  EXPECT_EQ(current(conn.get()), "0002");
}

}  // namespace
}  // namespace retort
