// Revision files on disk: loading, atomic writing, sealing, and the embedding source.
#include "repository.hpp"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include "retort/error.hpp"

namespace retort {

namespace fs = std::filesystem;

const Revision* Repository::draft() const {
  return !revisions.empty() && revisions.back().draft ? &revisions.back() : nullptr;
}

std::vector<Revision> Repository::sealed() const {
  std::vector<Revision> out = revisions;
  if (draft()) out.pop_back();
  return out;
}

namespace {
Schema newest_snapshot(const std::vector<Revision>& revisions) {
  for (auto it = revisions.rbegin(); it != revisions.rend(); ++it) {
    if (!it->schema_json.empty()) return schema_from_json(it->schema_json);
  }
  return {};
}
}  // namespace

Schema Repository::sealed_schema() const { return newest_snapshot(sealed()); }

Schema Repository::head_schema() const { return newest_snapshot(revisions); }

std::string Repository::next_id() const {
  const std::vector<Revision> done = sealed();
  const int next = done.empty() ? 1 : std::stoi(done.back().id) + 1;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d", next);
  return buf;
}

bool init_repository(const fs::path& dir) { return fs::create_directories(dir / "versions"); }

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot read '" + path.string() + "'");
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::vector<fs::path> revision_files(const fs::path& dir) {
  const fs::path versions = dir / "versions";
  if (!fs::is_directory(versions)) {
    throw Error("no migration repository at '" + dir.string() +
                "' (no versions/ directory): run retort in the directory that holds your "
                "project's migrations/ (beside the CMakeLists.txt that calls add_migrations()), "
                "or name it with --dir; to start a new one, run 'retort init' or build such a "
                "target");
  }
  std::vector<fs::path> files;
  for (const fs::directory_entry& e : fs::directory_iterator(versions)) {
    if (e.is_regular_file() && e.path().extension() == ".sql") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

namespace {

// Two sealed revisions with one id or one parent: branches merged without a rebase.
void refuse_forks(const std::vector<const Revision*>& sealed) {
  std::map<std::string, const Revision*> by_id, by_parent;
  for (const Revision* r : sealed) {
    const auto [same_id, new_id] = by_id.emplace(r->id, r);
    const auto [same_parent, new_parent] = by_parent.emplace(r->parent, r);
    if (new_id && new_parent) continue;
    const Revision& a = new_id ? *same_parent->second : *same_id->second;
    throw Error("revisions '" + a.file_name + "' and '" + r->file_name + "' both " +
                (!new_id ? "have the id '" + a.id + "'"
                         : "follow '" + (a.parent.empty() ? "base" : a.parent) + "'") +
                ": " + rebase_remedy(a.file_name, r->file_name));
  }
}

}  // namespace

Repository load_repository(const fs::path& dir) {
  Repository repo;
  repo.dir = dir;
  std::vector<std::string> names;
  std::vector<std::string> texts;
  std::vector<Revision> parsed;
  for (const fs::path& f : revision_files(dir)) {
    texts.push_back(read_file(f));
    names.push_back(f.filename().string());
    parsed.push_back(parse_revision(texts.back(), names.back()));
  }
  std::vector<const Revision*> sealed;
  std::string newest;
  for (const Revision& r : parsed) {
    if (r.draft) continue;
    sealed.push_back(&r);
    newest = std::max(newest, r.id);
  }
  refuse_forks(sealed);
  // A draft follows the newest sealed revision; one that does not was left by a branch.
  std::vector<Revision> kept;
  for (std::size_t i = 0; i < parsed.size(); ++i) {
    const Revision& r = parsed[i];
    if (r.draft && (r.parent != newest || r.id <= newest)) {
      repo.stale_drafts.push_back(names[i]);
    } else {
      kept.push_back(std::move(parsed[i]));
    }
  }
  repo.revisions = order_revisions(std::move(kept));
  // order_revisions orders by id; keep texts in the same order.
  for (const Revision& r : repo.revisions) {
    const auto at = std::find(names.begin(), names.end(), r.file_name) - names.begin();
    repo.texts.push_back(texts[at]);
  }
  return repo;
}

bool write_file_if_changed(const fs::path& path, const std::string& content) {
  std::error_code ec;
  if (fs::exists(path, ec)) {
    try {
      if (read_file(path) == content) return false;
    } catch (const Error&) {
      // unreadable: overwrite it
    }
  }
  std::string temp_name = ".";
  temp_name.append(path.filename().string()).append(".tmp").append(std::to_string(::getpid()));
  const fs::path temp = path.parent_path() / temp_name;
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << content;
    out.close();
    if (!out) throw Error("cannot write '" + temp.string() + "'");
  }
  fs::rename(temp, path, ec);
  if (ec) {
    fs::remove(temp);
    throw Error("cannot write '" + path.string() + "': " + ec.message());
  }
  return true;
}

std::string slugify(const std::string& message) {
  std::string slug;
  for (char ch : message) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) && c < 128) {
      slug += static_cast<char>(std::tolower(c));
    } else if (!slug.empty() && slug.back() != '_') {
      slug += '_';
    }
    if (slug.size() >= 40) break;
  }
  while (!slug.empty() && slug.back() == '_') slug.pop_back();
  return slug.empty() || slug == "draft" ? "revision" : slug;
}

fs::path seal_draft(const Repository& repository, const std::string& message) {
  const Revision* draft = repository.draft();
  if (!draft) throw Error("there is no draft revision to seal");
  Revision sealed = *draft;
  sealed.draft = false;
  sealed.message = message;
  sealed.file_name = sealed.id + "_" + slugify(message) + ".sql";
  // Keep hand edits of the draft's SQL: re-render from the parsed file, not from the models.
  fs::path path = repository.versions_dir() / sealed.file_name;
  write_file_if_changed(path, render_revision(sealed));
  fs::remove(repository.versions_dir() / draft->file_name);
  return path;
}

}  // namespace retort
