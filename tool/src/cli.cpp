// The command line of `retort`: its options parsed once, then the verb it names run.
#include "cli.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <iostream>

#include "cli_verbs.hpp"
#include "transfer.hpp"

namespace retort {
namespace {

void add_dir(CLI::App* cmd, Options& o) {
  cmd->add_option("--dir", o.dir, "the migration repository (default ./migrations)");
}

}  // namespace

ExitCode run_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  Options o;
  std::vector<std::string> own = args;
  if (auto dash = std::find(own.begin(), own.end(), "--"); dash != own.end()) {
    o.clang_args.assign(dash + 1, own.end());
    own.erase(dash, own.end());
  }
  CLI::App app{
      "retort: schema migrations generated from annotated C++ models\n"
      "exit codes: 0 done, 1 failed, 2 usage",
      "retort"};
  app.set_version_flag("--version", std::string("retort ") + RETORT_VERSION,
                       "print the version and exit");
  app.require_subcommand(1);
  CLI::App* init = app.add_subcommand("init", "create the migration repository");
  init->add_option("--from-db", o.from_db,
                   "adopt this existing database (a SQLite file or a PostgreSQL connection "
                   "string): write its models and a baseline");
  init->add_option("--dialects", o.init_dialects,
                   "with a PostgreSQL --from-db: postgresql (the default) or sqlite,postgresql")
      ->delimiter(',');
  init->add_option("--models-out", o.models_out,
                   "the model header --from-db writes (default models/schema.hpp)");
  CLI::App* migrate = app.add_subcommand("migrate", "seal the draft revision under a message");
  migrate->add_option("-m,--message", o.message, "the revision's message")->required();
  migrate->add_flag("--allow-destructive", o.allow_destructive, "seal destructive steps too");
  migrate->add_flag("--allow-rewrite", o.allow_rewrite,
                    "seal PostgreSQL statements that rewrite a table or hold ACCESS EXCLUSIVE on "
                    "it over its rows (its lock certificate says which)");
  CLI::App* up = app.add_subcommand("upgrade", "apply revisions up to TARGET (default head)");
  CLI::App* down = app.add_subcommand("downgrade", "revert revisions down to TARGET (default -1)");
  CLI::App* cur = app.add_subcommand("current", "print the database's revision");
  CLI::App* history = app.add_subcommand("history", "list the revisions, newest first");
  CLI::App* heads = app.add_subcommand("heads", "print each branch's newest revision");
  CLI::App* rebase_cmd = app.add_subcommand(
      "rebase", "move REV and the revisions after it behind the other branch's newest");
  rebase_cmd->add_option("revision", o.target, "a revision file name, or a unique prefix of one")
      ->required();
  CLI::App* show = app.add_subcommand("show", "print a revision file");
  CLI::App* stamp_cmd =
      app.add_subcommand("stamp", "record a revision as applied, running nothing");
  CLI::App* check = app.add_subcommand("check", "fail when a draft exists or would be written");
  CLI::App* schema = app.add_subcommand("schema", "print the head schema");
  schema->add_option("--format", o.format, "sql, json, dot or postgresql (its SQL)")
      ->check(CLI::IsMember({"sql", "json", "dot", "postgresql"}));
  CLI::App* transfer_cmd = app.add_subcommand(
      "transfer", "copy every row of a SQLite database into a PostgreSQL database");
  transfer_cmd->add_option("--from", o.transfer.from, "the SQLite file")->required();
  transfer_cmd->add_option("--to", o.transfer.to, "the PostgreSQL connection string")->required();
  transfer_cmd->add_flag("--dry-run", o.transfer.dry_run,
                         "check every value and list what cannot be moved; write nothing");
  CLI::App* generate = app.add_subcommand("generate", "the build step of add_migrations()");
  generate->add_option("--embed", o.embed, "the C++ source to write");
  generate->add_option("--depfile", o.depfile, "the depfile to write");
  generate->add_option("--stamp", o.stamp, "the stamp file to touch");
  generate->add_flag("--check", o.check, "fail instead of writing a draft");
  generate->add_option("--make-depend-cache", o.make_depend_cache,
                       "Make's dependency cache to reset when the depfile changes");
  for (CLI::App* cmd : {init, migrate, up, down, cur, history, heads, rebase_cmd, show, stamp_cmd,
                        check, schema, transfer_cmd, generate}) {
    add_dir(cmd, o);
  }
  for (CLI::App* cmd : {migrate, check, generate, rebase_cmd}) {
    cmd->add_option("--postgresql-url", o.postgresql_url,
                    "prove PostgreSQL sections on this server (default: RETORT_POSTGRESQL_URL, "
                    "else a throwaway server)");
    cmd->add_option("--postgresql-dir", o.postgresql_dir,
                    "where the throwaway PostgreSQL server keeps its data");
    cmd->add_option("--postgresql-bindir", o.postgresql_bindir,
                    "where initdb and postgres are (default: the newest installed)");
  }
  for (CLI::App* cmd : {migrate, check, generate}) {
    cmd->add_option("--models", o.models, "model headers to scan (clang arguments follow --)");
    cmd->add_option("--objects", o.objects,
                    "SQL files of views, triggers and virtual tables (with --models)");
    cmd->add_option("--postgresql-objects", o.postgresql_objects,
                    "PostgreSQL's objects files: views, functions, triggers, extensions");
    cmd->add_option("--dialects", o.dialects,
                    "the repository's dialects: sqlite, postgresql or sqlite,postgresql")
        ->delimiter(',');
    cmd->add_option("--pch-dir", o.pch_dir,
                    "cache a PCH of the standard headers and the last scan here (default: "
                    "$XDG_CACHE_HOME/retort/pch or ~/.cache/retort/pch)");
    cmd->add_option("--implicit-include-dirs", o.implicit_include_dirs,
                    "the compiler's own include directories, left out of the scan's -I");
  }
  for (CLI::App* cmd : {up, down}) {
    cmd->add_option("target", o.target, "head, base, a revision id, -N or +N");
    cmd->add_flag("--sql", o.sql, "print the SQL instead of running it");
  }
  show->add_option("revision", o.target, "the revision id")->required();
  stamp_cmd->add_option("revision", o.target, "a revision id, head or base")->required();
  for (CLI::App* cmd : {up, down, cur, stamp_cmd})
    cmd->add_option("--db", o.db, "the SQLite file, or a PostgreSQL connection string")->required();
  history->add_option("--db", o.db, "mark the revision this database is at");
  check->add_option("--db", o.db, "also compare this database with the head schema");
  try {
    std::vector<std::string> reversed(own.rbegin(), own.rend());
    app.parse(reversed);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e, out, err);
    return code == 0 ? ExitCode::kDone : ExitCode::kUsage;
  }
  try {
    if (*init) cmd_init(o, out);
    if (*migrate) cmd_migrate(o, out, err);
    if (*up) cmd_upgrade(o, out, err);
    if (*down) cmd_downgrade(o, out, err);
    if (*cur) cmd_current(o, out);
    if (*history) cmd_history(o, out);
    if (*heads) cmd_heads(o, out);
    if (*rebase_cmd) cmd_rebase(o, out);
    if (*show) cmd_show(o, out);
    if (*stamp_cmd) cmd_stamp(o, out);
    if (*check) cmd_check(o, out, err);
    if (*schema) cmd_schema(o, out);
    if (*transfer_cmd) {
      o.transfer.dir = o.dir;
      run_transfer(o.transfer, out,
                   &err == &std::cerr ? terminal_transfer_progress() : TransferProgressCallback{});
    }
    if (*generate) run_generate(o, o.check, out, err);
  } catch (const std::exception& e) {
    err << "retort: error: " << e.what() << "\n";
    return ExitCode::kFailed;
  }
  return ExitCode::kDone;
}

}  // namespace retort
