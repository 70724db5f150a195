// Renders a PostgreSQL section's phases with the markers the runtime splits them at.
#include "pg_phases.hpp"

#include "retort/revision.hpp"

namespace retort {

std::string PgPhases::render() const {
  struct Phase {
    bool outside;
    const std::string* text;
  };
  std::vector<Phase> phases;
  for (const std::string& d : drops_outside) phases.push_back({true, &d});
  phases.push_back({false, &main});
  for (const std::string& f : fills) phases.push_back({false, &f});
  for (const std::string& b : builds_outside) phases.push_back({true, &b});
  for (const std::string& v : validates) phases.push_back({false, &v});
  const std::string last = finals + foreign_keys;
  phases.push_back({false, &last});
  for (const std::string& v : foreign_key_validates) phases.push_back({false, &v});
  std::string out;
  bool after_phase = false;
  for (const Phase& p : phases) {
    if (p.text->empty()) continue;
    if (p.outside) {
      out += "-- +retort no-transaction\n";
    } else if (after_phase) {
      out += "-- +retort commit\n";
    }
    out += *p.text;
    after_phase = true;
  }
  return out;
}

}  // namespace retort
