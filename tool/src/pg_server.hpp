// The PostgreSQL server a build proves its PostgreSQL sections on: the one
// RETORT_POSTGRESQL_URL names, or a private throwaway one started from the installed binaries
// and stopped when the object goes.
#ifndef RETORT_TOOL_PG_SERVER_HPP
#define RETORT_TOOL_PG_SERVER_HPP

#include <sys/types.h>

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>

#include "retort/detail/pg.hpp"

namespace retort {

/// Where PostgreSQL proofs run.
struct PostgresqlSetup {
  /// A libpq connection string of a server where Retort may create and drop databases named
  /// retort_scratch_*; "" for a throwaway server.
  std::string url;
  /// The throwaway server's directory (its data directory is `data` inside, its socket there
  /// too when the path is short enough); in the build tree.
  std::filesystem::path dir;
  /// Where initdb and postgres are (PostgreSQL 15 or later).
  std::filesystem::path bindir;
};

/// A database on the server for one proof, dropped when the object goes.
class ScratchDatabase {
 public:
  /// Creates `name` (from template0; by copying its files when `file_copy`).
  ScratchDatabase(std::string admin_url, std::string name, bool file_copy);
  ~ScratchDatabase();
  ScratchDatabase(const ScratchDatabase&) = delete;
  ScratchDatabase& operator=(const ScratchDatabase&) = delete;
  /// The database's own connection (opened with it).
  PGconn* conn() const { return conn_.get(); }
  const std::string& name() const { return name_; }

 private:
  std::string admin_url_;
  std::string name_;
  detail::pg::Conn conn_;
};

/// A running server. Thread-safe.
class PostgresqlServer {
 public:
  /// Connects to `setup.url`, or starts the throwaway server (initdb on the first use: about
  /// half a second; as root, as the `postgres` system user, or `nobody`). Throws Error naming
  /// what is missing (the binaries, a directory that user cannot reach) and the server's log.
  explicit PostgresqlServer(const PostgresqlSetup& setup);
  /// Stops a throwaway server (fast shutdown) and waits for it.
  ~PostgresqlServer();
  PostgresqlServer(const PostgresqlServer&) = delete;
  PostgresqlServer& operator=(const PostgresqlServer&) = delete;

  /// A new empty database, `retort_scratch_<pid>_<n>`. Throws Error.
  std::unique_ptr<ScratchDatabase> database();

 private:
  void start(const PostgresqlSetup& setup);

  std::string admin_url_;  ///< to the `postgres` database
  pid_t postmaster_ = -1;  ///< the throwaway server's process, -1 for a server we did not start
  std::filesystem::path socket_dir_;
  bool own_socket_dir_ = false;  ///< a directory under /tmp, removed with the server
  bool file_copy_ = false;       ///< the server runs without fsync: databases are file copies
  std::mutex mutex_;
  int next_ = 0;
};

/// The setup the environment asks for: RETORT_POSTGRESQL_URL when set, else `fallback`.
PostgresqlSetup postgresql_setup(PostgresqlSetup fallback);

}  // namespace retort

#endif  // RETORT_TOOL_PG_SERVER_HPP
