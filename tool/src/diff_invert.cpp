// A list of changes undone: each change's inverse, last first (a revision's down step).
#include <algorithm>

#include "diff.hpp"

namespace retort {
namespace {

struct Inverter {
  Change operator()(const CreateTable& c) const { return DropTable{c.table}; }
  Change operator()(const DropTable& c) const { return CreateTable{c.table}; }
  Change operator()(const RenameTable& c) const { return RenameTable{c.to, c.from}; }
  Change operator()(const AddColumn& c) const { return DropColumn{c.table, c.column}; }
  Change operator()(const DropColumn& c) const { return AddColumn{c.table, c.column}; }
  Change operator()(const RenameColumn& c) const { return RenameColumn{c.table, c.to, c.from}; }
  Change operator()(const RebuildTable& c) const {
    std::vector<std::pair<std::string, std::string>> copy;
    for (const auto& [to_column, from_column] : c.copy) copy.emplace_back(from_column, to_column);
    // Keep the old table's column order for the copy list.
    std::stable_sort(copy.begin(), copy.end(), [&c](const auto& a, const auto& b) {
      const auto position = [&c](const std::string& name) {
        const auto& cols = c.from.columns;
        return std::find_if(cols.begin(), cols.end(),
                            [&](const Column& x) { return x.name == name; }) -
               cols.begin();
      };
      return position(a.first) < position(b.first);
    });
    // Undone, the table goes back to its old name after the rename is undone too.
    return RebuildTable{c.to, c.from, std::move(copy), c.names_to, c.names_from};
  }
  Change operator()(const CreateIndex& c) const { return DropIndex{c.table, c.index}; }
  Change operator()(const DropIndex& c) const { return CreateIndex{c.table, c.index}; }
  Change operator()(const CreateObject& c) const { return DropObject{c.object}; }
  Change operator()(const DropObject& c) const { return CreateObject{c.object}; }
};

}  // namespace

std::vector<Change> invert(const std::vector<Change>& changes) {
  std::vector<Change> out;
  for (auto it = changes.rbegin(); it != changes.rend(); ++it)
    out.push_back(std::visit(Inverter{}, *it));
  return out;
}

}  // namespace retort
