// The chain of revisions: read and linked to their hooks, ordered by parent, and one dialect's
// revisions taken out of it; two branches after one revision named with their remedy.
#include <algorithm>

#include "retort/error.hpp"
#include "retort/revision.hpp"

namespace retort {

std::string rebase_remedy(std::string_view first, std::string_view second) {
  const auto stem = [](std::string_view name) {
    return std::string(name.substr(0, name.rfind(".sql")));
  };
  return "two branches each added revisions after the same one; move the branch that was "
         "merged in behind the other: 'retort rebase " +
         stem(second) + "' or 'retort rebase " + stem(first) + "' (docs/branches.md)";
}

std::vector<Revision> load_revisions(const std::vector<RevisionSource>& sources,
                                     const std::vector<Hook>& linked) {
  std::vector<Revision> revisions;
  revisions.reserve(sources.size());
  for (const RevisionSource& s : sources) {
    revisions.push_back(parse_revision(s.text, s.file_name));
    for (Hook& hook : revisions.back().hooks) {
      for (const Hook& l : linked) {
        if (l.name != hook.name) continue;
        if (l.function) hook.function = l.function;
        if (l.postgresql_function) hook.postgresql_function = l.postgresql_function;
      }
    }
  }
  return order_revisions(std::move(revisions));
}

std::vector<Revision> order_revisions(std::vector<Revision> revisions) {
  std::sort(revisions.begin(), revisions.end(),
            [](const Revision& a, const Revision& b) { return a.id < b.id; });
  for (std::size_t i = 0; i < revisions.size(); ++i) {
    Revision& r = revisions[i];
    const std::string expected_parent = i == 0 ? "" : revisions[i - 1].id;
    if (i > 0 && r.id == expected_parent) {
      throw Error("revision '" + r.id + "' exists twice: '" + revisions[i - 1].file_name +
                  "' and '" + r.file_name + "'; " +
                  rebase_remedy(revisions[i - 1].file_name, r.file_name));
    }
    if (i > 0 && r.parent != expected_parent && r.parent == revisions[i - 1].parent) {
      throw Error("revisions '" + revisions[i - 1].file_name + "' and '" + r.file_name +
                  "' both follow '" + (r.parent.empty() ? "base" : r.parent) + "'; " +
                  rebase_remedy(revisions[i - 1].file_name, r.file_name));
    }
    if (r.parent != expected_parent) {
      throw Error(r.file_name + ": parent '" + (r.parent.empty() ? "base" : r.parent) +
                  "' is not the revision before it ('" +
                  (expected_parent.empty() ? "base" : expected_parent) + "')");
    }
    if (r.baseline && i != 0) {
      throw Error(r.file_name + ": only the first revision can be a baseline");
    }
    if (r.draft && i + 1 != revisions.size()) {
      throw Error(r.file_name + ": a draft must be the newest revision; seal it or remove it");
    }
  }
  return revisions;
}

std::vector<Revision> dialect_revisions(const std::vector<Revision>& revisions,
                                        std::string_view dialect) {
  if (dialect == kSqlite) {
    for (const Revision& r : revisions) {
      if (!r.has_sqlite) {
        throw Error("revision " + r.id +
                    " has no SQLite sections: the repository is for PostgreSQL alone (add "
                    "sqlite to its DIALECTS)");
      }
    }
    return revisions;
  }
  std::vector<Revision> out;
  for (const Revision& r : revisions) {
    const DialectSections* own = r.sections(dialect);
    if (!own) {
      if (out.empty()) continue;  // before the dialect's history starts
      throw Error("revision " + r.id + " has no " + std::string(dialect) +
                  " sections, but revision " + out.front().id +
                  " started them; every later revision needs them");
    }
    Revision d = r;
    d.up_sql = own->up_sql;
    d.down_sql = own->down_sql;
    d.baseline = own->baseline;
    d.foreign_keys_off = false;
    d.hooks.clear();
    for (const std::string& sql : {own->up_sql, own->down_sql}) {
      for (const std::string& name : section_hooks(sql)) {
        const auto named = std::find_if(r.hooks.begin(), r.hooks.end(),
                                        [&name](const Hook& h) { return h.name == name; });
        const bool listed = std::any_of(d.hooks.begin(), d.hooks.end(),
                                        [&name](const Hook& h) { return h.name == name; });
        if (named != r.hooks.end() && !listed) d.hooks.push_back(*named);
      }
    }
    out.push_back(std::move(d));
  }
  if (out.empty()) {
    throw Error("the revisions have no " + std::string(dialect) + " sections: add " +
                std::string(dialect) + " to the DIALECTS of add_migrations() (docs/postgresql.md)");
  }
  return out;
}

}  // namespace retort
