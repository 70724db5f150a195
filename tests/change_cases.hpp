// The change corpus: every schema change a user can make, one case each, as edits of one
// models header; the SQLite and PostgreSQL change tests run each of them.
#ifndef RETORT_TESTS_CHANGE_CASES_HPP
#define RETORT_TESTS_CHANGE_CASES_HPP

#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace retort::testing {

/// Two tables, a foreign key between them, and a marker to append models at.
extern const char* const kBase;
/// Rows with NULLs, blobs with zero bytes, unicode and quotes, and children of both parents
/// (SQLite's SQL).
extern const char* const kSeed;

struct Edit {
  std::string from, to;
};

struct ChangeCase {
  std::string name;
  std::vector<Edit> after;        ///< edits to kBase (after `before`) giving the new models
  std::vector<Edit> before = {};  ///< edits to kBase giving the old models
  std::string query = "";         ///< run after up; its rows, joined by '\n', must be `rows`
  std::string rows = "";
  bool rebuild = false;         ///< the up script rebuilds a table
  bool destructive = false;     ///< the revision is marked destructive
  bool lossless_down = true;    ///< down gives back every row and value
  std::string extra_seed = "";  ///< more rows, for the tables `before` adds
  std::string error_at = "";    ///< the change is refused at the line holding this text
  bool down_refused = false;    ///< down cannot restore the rows and is rolled back
  std::string objects = "";     ///< the objects file of the old models ("": none)
  std::optional<std::string> objects_after = std::nullopt;  ///< of the new ones (default: same)
};

inline void PrintTo(const ChangeCase& c, std::ostream* out) { *out << c.name; }

/// `text` with each edit's `from` replaced by its `to`. Throws when an anchor is missing.
std::string apply_edits(std::string text, const std::vector<Edit>& edits);

/// The edit that appends `text` to the models.
Edit append(const std::string& text);

/// Every case, in a fixed order.
const std::vector<ChangeCase>& change_cases();

}  // namespace retort::testing

#endif  // RETORT_TESTS_CHANGE_CASES_HPP
