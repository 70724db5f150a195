// Renders a schema as a Graphviz digraph.
#include "dot.hpp"

namespace retort {

std::string render_dot(const Schema& schema) {
  std::string out = "digraph schema {\n  node [shape=record];\n";
  for (const Table& t : schema.tables) {
    out += "  \"" + t.name + "\" [label=\"{" + t.name + "|";
    for (const Column& c : t.columns) out += c.name + " : " + c.type + "\\l";
    out += "}\"];\n";
    for (const ForeignKey& fk : t.foreign_keys) {
      out +=
          "  \"" + t.name + "\" -> \"" + fk.ref_table + "\" [label=\"" + fk.columns[0] + "\"];\n";
    }
  }
  // Views, triggers and virtual tables: dashed nodes, with dashed edges to what they name.
  for (const SqlObject& o : schema.objects) {
    out += "  \"" + o.name + "\" [shape=box, style=dashed, label=\"" + kind_name(o.kind) + "\\n" +
           o.name + "\"];\n";
    for (const std::string& d : o.depends_on) {
      out += "  \"" + o.name + "\" -> \"" + d + "\" [style=dashed];\n";
    }
  }
  return out + "}\n";
}

}  // namespace retort
