// Test helpers: revisions built in code, as parse_revision() would read them from files.
#ifndef RETORT_TESTS_REVISION_SUPPORT_HPP
#define RETORT_TESTS_REVISION_SUPPORT_HPP

#include <string>
#include <vector>

#include "retort/revision.hpp"

namespace retort::testing {

/// A revision's id, parent, file name and message, its sections still to be given.
inline Revision revision_head(const std::string& id, const std::string& parent,
                              bool draft = false) {
  Revision r;
  r.id = id;
  r.parent = parent;
  r.file_name = id + (draft ? "_draft.sql" : "_rev.sql");
  r.draft = draft;
  r.message = draft ? "" : "rev " + id;
  return r;
}

/// `r` as parse_revision() reads it back from its file (checksum and all).
inline Revision as_read(const Revision& r) {
  return parse_revision(render_revision(r), r.file_name);
}

inline Revision revision(const std::string& id, const std::string& parent, const std::string& up,
                         const std::string& down, bool draft = false) {
  Revision r = revision_head(id, parent, draft);
  r.up_sql = up;
  r.down_sql = down;
  return as_read(r);
}

inline std::vector<Revision> two_revisions() {
  return {
      revision("0001", "", "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);",
               "DROP TABLE users;"),
      revision("0002", "0001",
               "CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id));",
               "DROP TABLE posts;")};
}

}  // namespace retort::testing

#endif  // RETORT_TESTS_REVISION_SUPPORT_HPP
