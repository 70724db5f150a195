// The example's model: one users table, as in the SPEC.
#pragma once

#include <cstdint>
#include <optional>
#include <retort/annotations.hpp>
#include <string>

struct RETORT_TABLE("users") User {
  RETORT_PRIMARY_KEY RETORT_AUTOINCREMENT std::int64_t id;
  RETORT_UNIQUE RETORT_INDEX RETORT_TYPE("VARCHAR(64)") std::string username;
  RETORT_UNIQUE RETORT_INDEX std::optional<std::string> email;  // optional: NULL allowed
  std::optional<std::string> password_hash;
  RETORT_TRANSIENT std::string session_cache;  // not a column
};
