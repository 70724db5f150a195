// A Graphviz diagram of a schema's tables and foreign keys (`retort schema --format dot`).
#ifndef RETORT_TOOL_DOT_HPP
#define RETORT_TOOL_DOT_HPP

#include <string>

#include "schema.hpp"

namespace retort {

/// One record node per table (its columns and types), one edge per foreign key; a dashed node
/// per view, trigger and virtual table, with dashed edges to the tables and objects it names.
std::string render_dot(const Schema& schema);

}  // namespace retort

#endif  // RETORT_TOOL_DOT_HPP
