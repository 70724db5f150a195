// Builders for hand-made schemas in the pure-stage tests.
#ifndef RETORT_TESTS_SCHEMA_SUPPORT_HPP
#define RETORT_TESTS_SCHEMA_SUPPORT_HPP

#include <string>
#include <utility>

#include "schema.hpp"

namespace retort::testing {

/// A column named `name` of declared type `type`.
inline Column col(std::string name, std::string type, bool not_null = true) {
  Column c;
  c.name = std::move(name);
  c.type = std::move(type);
  c.not_null = not_null;
  return c;
}

}  // namespace retort::testing

#endif  // RETORT_TESTS_SCHEMA_SUPPORT_HPP
