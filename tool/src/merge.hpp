// Three-way merge of schemas: what two branches each changed since the revision they share.
#ifndef RETORT_TOOL_MERGE_HPP
#define RETORT_TOOL_MERGE_HPP

#include <string>
#include <vector>

#include "schema.hpp"

namespace retort {

/// Something both branches changed, each differently.
struct MergeConflict {
  std::string table;   ///< "" for a view, trigger or virtual table (then `object` is set)
  std::string column;  ///< "" when it is not one column (a key, an index, the table itself)
  std::string object;  ///< a view, trigger or virtual table
  std::string what;  ///< e.g. "changed differently", "dropped on one branch, changed on the other"
};

struct MergedSchema {
  Schema schema;
  std::vector<MergeConflict> conflicts;  ///< empty when the merge is clean
};

/// `ours` plus what `theirs` changed since `base`. Tables, columns, keys, indexes and objects
/// are matched by name; one that only one side changed (added, dropped, altered) takes that
/// side's version; one both changed the same way is taken once; one both changed differently
/// is a conflict (a column whole, a table's other parts one by one). A column `theirs` added
/// goes after the column it follows there, past the columns `ours` added at that place.
MergedSchema merge_schemas(const Schema& base, const Schema& ours, const Schema& theirs);

}  // namespace retort

#endif  // RETORT_TOOL_MERGE_HPP
