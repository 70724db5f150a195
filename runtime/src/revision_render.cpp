// A revision written back as its file, and the checksum of its sections.
#include "retort/detail/fnv1a.hpp"
#include "retort/revision.hpp"
#include "revision_text.hpp"

namespace retort {

using namespace detail::revision_text;  // the file's text: revision_text.hpp

std::string revision_checksum(std::string_view up_sql, std::string_view down_sql,
                              const std::vector<DialectSections>& dialects) {
  Fnv1a hash;
  hash.add(normalize_sql(up_sql));
  hash.add("\n-- +retort Down\n");
  hash.add(normalize_sql(down_sql));
  for (const DialectSections& d : dialects) {
    hash.add("\n-- +retort Up " + d.dialect + "\n");
    hash.add(normalize_sql(d.up_sql));
    hash.add("\n-- +retort Down " + d.dialect + "\n");
    hash.add(normalize_sql(d.down_sql));
  }
  return hash.hex();
}

std::string render_revision(const Revision& r) {
  std::string out;
  out += "-- Retort revision " + r.id + (r.draft ? " (draft)" : "") + "\n";
  if (r.draft) {
    out += "-- Written by the build from the models; `retort migrate -m MSG` seals it.\n";
  }
  out += std::string(kDirective) + "revision: " + r.id + "\n";
  out += std::string(kDirective) + "parent: " + (r.parent.empty() ? "base" : r.parent) + "\n";
  if (!r.message.empty()) out += std::string(kDirective) + "message: " + r.message + "\n";
  if (r.draft) out += std::string(kDirective) + "draft\n";
  if (r.baseline) out += std::string(kDirective) + "baseline\n";
  for (const DialectSections& d : r.dialects) {
    if (d.baseline) out += std::string(kDirective) + "baseline " + d.dialect + "\n";
  }
  if (r.foreign_keys_off) out += std::string(kDirective) + "foreign-keys: off\n";
  for (const std::string& d : r.destructive) {
    out += std::string(kDirective) + "destructive: " + d + "\n";
  }
  for (const std::string& old : r.rebased_from) {
    out += std::string(kDirective) + "rebased-from: " + old + "\n";
  }
  const auto section = [&out](const std::string& name, const std::string& sql) {
    out += "\n" + std::string(kDirective) + name + "\n";
    if (!sql.empty()) out += normalize_sql(sql) + "\n";
  };
  if (r.has_sqlite) {
    section("Up", r.up_sql);
    section("Down", r.down_sql);
  }
  for (const DialectSections& d : r.dialects) {
    section("Up " + d.dialect, d.up_sql);
    section("Down " + d.dialect, d.down_sql);
  }
  if (!r.schema_json.empty()) {
    out += "\n" + std::string(kDirective) + "Schema\n";
    for_each_line(r.schema_json, [&out](std::string_view line) {
      out.append("-- ").append(line).push_back('\n');
    });
  }
  return out;
}

}  // namespace retort
