#pragma once
#include <cstdint>
#include <optional>
#include <retort/annotations.hpp>
#include <string>

struct RETORT_TABLE("posts") Post {
  RETORT_PRIMARY_KEY std::int64_t id;
  RETORT_REFERENCES("users", "id") std::int64_t user_id;
  std::string body;
};
