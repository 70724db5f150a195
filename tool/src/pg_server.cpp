// Starts and stops the throwaway PostgreSQL server of a build, and makes scratch databases.
#include "pg_server.hpp"

#include <fcntl.h>
#include <libpq-fe.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "retort/error.hpp"

namespace retort {
namespace {

namespace fs = std::filesystem;
using detail::pg::Conn;

constexpr const char* kPort = "5432";

// The account a server started by root runs as (PostgreSQL refuses to run as root).
const passwd* server_account() {
  if (::geteuid() != 0) return nullptr;
  if (const passwd* p = ::getpwnam("postgres")) return p;
  return ::getpwnam("nobody");
}

// Runs `argv` (as `account` when given), its output into `log`; in the child, before exec,
// `prepare` runs. Returns the child's pid. Throws Error when it cannot fork.
pid_t spawn(const std::vector<std::string>& argv, const passwd* account, const fs::path& log,
            bool die_with_parent) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) throw Error("cannot start " + argv[0] + ": fork failed");
  if (pid == 0) {
    // A server left behind by a build step that was killed would hold its directory: it goes
    // with the step.
    if (die_with_parent) ::prctl(PR_SET_PDEATHSIG, SIGINT);
    ::setsid();
    const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (out >= 0) {
      ::dup2(out, 1);
      ::dup2(out, 2);
      ::close(out);
    }
    const int in = ::open("/dev/null", O_RDONLY);
    if (in >= 0) ::dup2(in, 0);
    if (account && (::setgid(account->pw_gid) != 0 || ::setuid(account->pw_uid) != 0)) _exit(126);
    if (die_with_parent) ::prctl(PR_SET_PDEATHSIG, SIGINT);  // setuid clears it
    ::execv(args[0], args.data());
    _exit(127);
  }
  return pid;
}

int wait_for(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

std::string tail_of(const fs::path& log) {
  std::ifstream in(log);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  std::string out;
  for (std::size_t i = lines.size() > 8 ? lines.size() - 8 : 0; i < lines.size(); ++i) {
    out += "\n  " + lines[i];
  }
  return out;
}

// Hands `path` to the server's account (a directory root made in the build tree).
void give(const fs::path& path, const passwd* account) {
  if (!account) return;
  if (::chown(path.c_str(), account->pw_uid, account->pw_gid) != 0) {
    throw Error("cannot give " + path.string() + " to user " + account->pw_name);
  }
}

// Whether `account` can reach `dir`, whose parent root made: every directory above it open.
bool reachable(const fs::path& dir, const passwd* account) {
  if (!account) return true;
  const pid_t pid = ::fork();
  if (pid == 0) {
    if (::setgid(account->pw_gid) != 0 || ::setuid(account->pw_uid) != 0) _exit(1);
    _exit(::access(dir.parent_path().c_str(), X_OK) == 0 ? 0 : 1);
  }
  return pid > 0 && wait_for(pid) == 0;
}

}  // namespace

ScratchDatabase::ScratchDatabase(std::string admin_url, std::string name, bool file_copy)
    : admin_url_(std::move(admin_url)), name_(std::move(name)) {
  const Conn admin = detail::pg::connect(admin_url_ + " dbname=postgres");
  detail::pg::exec(admin.get(), "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  detail::pg::exec(admin.get(), "CREATE DATABASE " + name_ + " TEMPLATE template0" +
                                    (file_copy ? " STRATEGY FILE_COPY" : ""));
  conn_ = detail::pg::connect(admin_url_ + " dbname=" + name_);
}

ScratchDatabase::~ScratchDatabase() {
  conn_.reset();
  try {
    const Conn admin = detail::pg::connect(admin_url_ + " dbname=postgres");
    detail::pg::try_exec(admin.get(), "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  } catch (const Error&) {
    // The server is gone: so is the database.
  }
}

PostgresqlSetup postgresql_setup(PostgresqlSetup fallback) {
  if (const char* url = std::getenv("RETORT_POSTGRESQL_URL"); url && *url) fallback.url = url;
  return fallback;
}

PostgresqlServer::PostgresqlServer(const PostgresqlSetup& setup) {
  if (!setup.url.empty()) {
    admin_url_ = setup.url;
  } else {
    start(setup);
  }
  // Fails now, naming the server. Without fsync, the checkpoint of a file copy costs nothing
  // and a small database is made twice as fast; with it, the copy would flush the server.
  const Conn admin = detail::pg::connect(admin_url_ + " dbname=postgres");
  const detail::pg::Result fsync = detail::pg::exec(admin.get(), "SHOW fsync");
  file_copy_ = detail::pg::value(fsync.get(), 0, 0) == "off";
}

void PostgresqlServer::start(const PostgresqlSetup& setup) {
  const fs::path bindir = setup.bindir;
  if (bindir.empty() || !fs::exists(bindir / "postgres") || !fs::exists(bindir / "initdb")) {
    throw Error(
        "no PostgreSQL server to prove the PostgreSQL sections on: install it (Debian: "
        "apt-get install postgresql), or name a server with RETORT_POSTGRESQL_URL");
  }
  const passwd* account = server_account();
  fs::path dir = fs::absolute(setup.dir);
  fs::create_directories(dir);
  if (!reachable(dir, account)) {
    // As root in a tree the server's account cannot enter (a home directory): its own
    // directory under /tmp, kept between builds as the build tree's would be.
    dir = fs::temp_directory_path() /
          ("retort-pg-" + std::to_string(std::hash<std::string>{}(dir.string())));
    fs::create_directories(dir);
  }
  give(dir, account);
  const fs::path data = dir / "data";
  const fs::path log = dir / "server.log";
  if (!fs::exists(data / "PG_VERSION")) {
    fs::remove_all(data);
    const pid_t initdb = spawn({(bindir / "initdb").string(), "-D", data.string(), "-A", "trust",
                                "-U", "retort", "--no-sync", "-E", "UTF8", "--locale=C"},
                               account, log, false);
    if (wait_for(initdb) != 0) {
      throw Error("initdb of the throwaway PostgreSQL server in " + data.string() +
                  " failed:" + tail_of(log));
    }
  }
  // A Unix socket's path has at most 107 bytes: a deep build tree gets a socket under /tmp.
  socket_dir_ = dir;
  if ((dir / ".s.PGSQL.5432.lock").string().size() > 100) {
    char pattern[] = "/tmp/retort-pg-XXXXXX";
    if (!::mkdtemp(pattern)) throw Error("cannot make a socket directory under /tmp");
    socket_dir_ = pattern;
    own_socket_dir_ = true;
    give(socket_dir_, account);
  }
  postmaster_ =
      spawn({(bindir / "postgres").string(), "-D", data.string(), "-k", socket_dir_.string(), "-p",
             kPort, "-c", "listen_addresses=", "-c", "fsync=off", "-c", "synchronous_commit=off",
             "-c", "full_page_writes=off", "-c", "max_connections=40"},
            account, log, true);
  admin_url_ = "host=" + socket_dir_.string() + " port=" + kPort + " user=retort";
  const std::string ping = admin_url_ + " dbname=postgres connect_timeout=2";
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (PQping(ping.c_str()) != PQPING_OK) {
    int status = 0;
    if (::waitpid(postmaster_, &status, WNOHANG) == postmaster_) {
      postmaster_ = -1;
      throw Error("the throwaway PostgreSQL server in " + data.string() +
                  " did not start:" + tail_of(log));
    }
    if (std::chrono::steady_clock::now() > give_up) {
      throw Error("the throwaway PostgreSQL server in " + data.string() +
                  " did not accept connections within 60 s:" + tail_of(log));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

PostgresqlServer::~PostgresqlServer() {
  if (postmaster_ > 0) {
    ::kill(postmaster_, SIGINT);  // fast shutdown: it waits for no client
    wait_for(postmaster_);
  }
  if (own_socket_dir_) {
    std::error_code ec;
    fs::remove_all(socket_dir_, ec);
  }
}

std::unique_ptr<ScratchDatabase> PostgresqlServer::database() {
  std::string name;
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    name = "retort_scratch_" + std::to_string(::getpid()) + "_" + std::to_string(next_++);
  }
  return std::make_unique<ScratchDatabase>(admin_url_, name, file_copy_);
}

}  // namespace retort
