// Revision files on disk: loading, atomic writing, sealing, and the embedding source.
#include "repository.hpp"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>
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

Repository load_repository(const fs::path& dir) {
  Repository repo;
  repo.dir = dir;
  if (!fs::is_directory(repo.versions_dir())) {
    throw Error("no migration repository at '" + dir.string() +
                "' (no versions/ directory); run 'retort init' or build a target that calls "
                "add_migrations()");
  }
  std::vector<fs::path> files;
  for (const fs::directory_entry& e : fs::directory_iterator(repo.versions_dir())) {
    if (e.is_regular_file() && e.path().extension() == ".sql") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<std::string> names;
  std::vector<RevisionSource> sources;
  for (const fs::path& f : files) {
    repo.texts.push_back(read_file(f));
    names.push_back(f.filename().string());
  }
  for (std::size_t i = 0; i < files.size(); ++i) {
    sources.push_back({names[i].c_str(), repo.texts[i].c_str()});
  }
  repo.revisions = load_revisions(sources);
  // load_revisions orders by id; keep texts in the same order.
  std::vector<std::string> ordered;
  for (const Revision& r : repo.revisions) {
    const auto at = std::find(names.begin(), names.end(), r.file_name) - names.begin();
    ordered.push_back(repo.texts[at]);
  }
  repo.texts = std::move(ordered);
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
