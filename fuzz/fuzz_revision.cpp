// Fuzzes the revision-file parser: any bytes either parse or throw retort::Error; a parsed
// revision renders and parses back to itself.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "retort/revision.hpp"
#include "retort/runtime.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const retort::Revision r = retort::parse_revision(text, "0007_fuzz.sql");
    const retort::Revision again =
        retort::parse_revision(retort::render_revision(r), "0007_fuzz.sql");
    if (again.up_sql != r.up_sql || again.down_sql != r.down_sql || again.checksum != r.checksum ||
        again.parent != r.parent) {
      std::abort();  // render_revision must round-trip
    }
  } catch (const retort::Error&) {
  }
  return 0;
}
