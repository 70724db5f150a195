// The verbs of `retort` and the options they read, shared by the command line (cli.cpp) and
// the verbs' two files: cli_repository_verbs.cpp (the migration repository) and
// cli_database_verbs.cpp (a database).
#ifndef RETORT_TOOL_CLI_VERBS_HPP
#define RETORT_TOOL_CLI_VERBS_HPP

#include <ostream>
#include <string>
#include <vector>

#include "transfer.hpp"

namespace retort {

struct Options {
  std::string dir = "migrations";
  std::string db;
  std::string message;
  std::string target;
  std::string format = "sql";
  std::string from_db;
  std::string models_out = "models/schema.hpp";
  std::vector<std::string> models;
  std::vector<std::string> objects;
  std::vector<std::string> postgresql_objects;
  std::vector<std::string> dialects = {"sqlite"};
  std::vector<std::string> init_dialects;  ///< init --from-db's; empty: the database's own
  std::string postgresql_url, postgresql_dir, postgresql_bindir;
  std::vector<std::string> clang_args;
  std::string embed, depfile, stamp, make_depend_cache;
  std::string pch_dir;
  std::vector<std::string> implicit_include_dirs = {"/usr/include", "/usr/local/include"};
  bool allow_destructive = false;
  bool allow_rewrite = false;
  bool sql = false;
  bool check = false;
  TransferRequest transfer;
};

// cli_repository_verbs.cpp
void run_generate(const Options& o, bool check, std::ostream& out, std::ostream& err);
void cmd_init(const Options& o, std::ostream& out);
void cmd_migrate(const Options& o, std::ostream& out, std::ostream& err);
void cmd_history(const Options& o, std::ostream& out);
void cmd_heads(const Options& o, std::ostream& out);
void cmd_rebase(const Options& o, std::ostream& out);
void cmd_show(const Options& o, std::ostream& out);
void cmd_schema(const Options& o, std::ostream& out);
void cmd_check(const Options& o, std::ostream& out, std::ostream& err);

// cli_database_verbs.cpp
void cmd_upgrade(const Options& o, std::ostream& out, std::ostream& err);
void cmd_downgrade(const Options& o, std::ostream& out, std::ostream& err);
void cmd_current(const Options& o, std::ostream& out);
void cmd_stamp(const Options& o, std::ostream& out);

}  // namespace retort

#endif  // RETORT_TOOL_CLI_VERBS_HPP
