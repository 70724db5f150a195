// The hook app's model after its expand revision: the whole name, and its two parts that the
// revision's hook fills.
#include <cstdint>
#include <optional>
#include <retort/annotations.hpp>
#include <string>

struct RETORT_TABLE("people") Person {
  RETORT_PRIMARY_KEY std::int64_t id;
  RETORT_DEFAULT("''") std::string full_name;
  std::optional<std::string> first_name;
  std::optional<std::string> last_name;
};
