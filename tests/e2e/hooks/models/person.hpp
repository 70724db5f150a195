// The model before the change: one column with the whole name.
#include <cstdint>
#include <string>
#include <retort/annotations.hpp>

struct RETORT_TABLE("people") Person {
  RETORT_PRIMARY_KEY std::int64_t id;
  RETORT_DEFAULT("''") std::string full_name;
};
